#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test kernel (bzImage + modules) in $BUILD/obj from the
# assembled tree, install its modules, and build and install the
# livepatch selftests with their out-of-tree test modules.
. "$(dirname "$0")/lib.sh"

need_tree
FRAGMENT=${KERNEL_FRAGMENT:-$PROJECT/harness/test-kernel.config}
mkdir -p "$OBJ" "$LOGS"
start=$(date +%s)

# Regenerate the configuration from the fragment every time, but replace
# .config only when it changes, so an incremental build stays incremental.
make -s -C "$TREE" O="$OBJ" KCONFIG_CONFIG=.config.new \
	KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig >/dev/null
missing=$(grep -o '^CONFIG_[A-Z0-9_]*=.*' "$FRAGMENT" | while read -r opt; do
	grep -qxF "$opt" "$OBJ/.config.new" || echo "$opt"
done)
[ -z "$missing" ] || die "the test kernel configuration lacks (unmet dependencies?): $(echo $missing)"
if ! cmp -s "$OBJ/.config.new" "$OBJ/.config"; then
	mv "$OBJ/.config.new" "$OBJ/.config"
	info "new .config from harness/test-kernel.config"
else
	rm -f "$OBJ/.config.new"
fi

info "building bzImage and modules (-j$JOBS, CC=\"$(kcc)\")"
make -C "$TREE" O="$OBJ" -j"$JOBS" CC="$(kcc)" bzImage modules > "$LOGS/kernel-build.log" 2>&1 ||
	{ grep -E 'error|Error' "$LOGS/kernel-build.log" | head -30; die "kernel build failed: $LOGS/kernel-build.log"; }
kver=$(cat "$OBJ/include/config/kernel.release")

rm -rf "$BUILD/modroot"
make -s -C "$TREE" O="$OBJ" INSTALL_MOD_PATH="$BUILD/modroot" INSTALL_MOD_STRIP=1 \
	modules_install > "$LOGS/modules-install.log" 2>&1 ||
	die "modules_install failed: $LOGS/modules-install.log"

# The selftests and their test modules (built against $OBJ) as kselftest
# installs them: run_kselftest.sh plus the livepatch collection. The
# modules are built in the source tree, shared by every build directory
# (make matrix): built last against another kernel, they are cleaned
# first, since kbuild would not see that the kernel changed.
testmods=$TREE/tools/testing/selftests/livepatch/test_modules
built_for=$(git -C "$TREE" rev-parse --git-dir)/klp-test-modules-built-for
if [ "$(cat "$built_for" 2>/dev/null)" != "$OBJ" ]; then
	make -s -C "$testmods" KDIR="$OBJ" clean > /dev/null 2>&1 || true
	echo "$OBJ" > "$built_for"
fi
rm -rf "$BUILD/kselftest"
make -C "$TREE/tools/testing/selftests" TARGETS=livepatch KDIR="$OBJ" CC="$(kcc)" \
	INSTALL_PATH="$BUILD/kselftest" install > "$LOGS/selftests-build.log" 2>&1 ||
	die "selftest build failed: $LOGS/selftests-build.log"
nmods=$(find "$BUILD/kselftest/livepatch/test_modules" -name '*.ko' | wc -l)
[ "$nmods" -gt 0 ] || die "no selftest modules were built: $LOGS/selftests-build.log"

echo "kernel: $kver built in $(since "$start")s ($nmods selftest modules)"
