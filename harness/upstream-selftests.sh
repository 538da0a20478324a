#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make upstream-selftests: the livepatch selftests exactly as Linux 6.12
# ships them (scripts and test modules from the pristine tree, not the
# series' migrated ones), built against the patched test kernel and run
# by harness/guest/upstream.sh, each script bounded and cleaned up after.
# UPSTREAM_DEFAULTS="legacy replace_set tag" boots once per default
# replace policy (legacy: the build-time default, no boot parameter).
# Legacy must pass every script: the series changes nothing for a kernel
# whose patches all use the legacy policy. Under the other defaults the
# outcome of each script is reported in $BUILD/upstream/outcomes.txt,
# not judged: those defaults change what .replace means by design.
. "$(dirname "$0")/lib.sh"
RESULT_FILE=${RESULT_FILE:-upstream-selftests}
DEFAULTS=${UPSTREAM_DEFAULTS:-legacy}
SCRIPT_TIMEOUT=${SCRIPT_TIMEOUT:-300}

need_tree
[ -f "$OBJ/vmlinux" ] || die "no test kernel in $OBJ: run 'make kernel' first"
[ -f "$BUILD/initramfs.cpio.gz" ] || die "no initramfs: run 'make initramfs' first"
U=$BUILD/upstream
rm -rf "$U"
mkdir -p "$U/root" "$LOGS" "$RESULTS"
rm -f "$RESULTS/$RESULT_FILE"
start=$(date +%s)

pristine_worktree
info "building the pristine 6.12 livepatch selftests against the test kernel"
make -C "$PRISTINE/tools/testing/selftests" TARGETS=livepatch KDIR="$OBJ" CC="$(kcc)" \
	INSTALL_PATH="$U/root/kselftest-pristine" install > "$LOGS/upstream-selftests-build.log" 2>&1 ||
	die "pristine selftest build failed: $LOGS/upstream-selftests-build.log"
scripts=$(cd "$U/root/kselftest-pristine/livepatch" && ls test-*.sh)
nscripts=$(echo "$scripts" | wc -w)
# Nothing of the series may have leaked into what is tested.
if grep -rlq replace_policy "$U/root/kselftest-pristine/livepatch"; then
	die "the pristine selftests mention replace_policy: not pristine"
fi
cp -a "$PROJECT/harness/guest" "$U/root/harness"
(cd "$U/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$U/upstream.cpio.gz"
cat "$BUILD/initramfs.cpio.gz" "$U/upstream.cpio.gz" > "$U/initramfs.cpio.gz"

fails=0
printf '%-22s' script > "$U/outcomes.txt"
for d in $DEFAULTS; do printf ' %-12s' "$d"; done >> "$U/outcomes.txt"
echo >> "$U/outcomes.txt"
for d in $DEFAULTS; do
	append="klp.script_timeout=$SCRIPT_TIMEOUT ${TESTS:+klp.tests=${TESTS// /,}}"
	[ "$d" = legacy ] || append="$append livepatch.replace_policy=$d"
	log=$LOGS/upstream-$d-console.log
	timeout=$(((nscripts + 1) * (SCRIPT_TIMEOUT + 60)))
	if QUIET=1 QEMU_INITRD=$U/initramfs.cpio.gz QEMU_APPEND="$append" \
		"$PROJECT/harness/qemu.sh" upstream "$timeout"; then
		record_check pass "upstream selftests ($d default): the guest ran them splat-free"
	else
		record_check fail "upstream selftests ($d default): the guest ran them splat-free" "$log"
		fails=$((fails + 1))
	fi
	cp "$LOGS/upstream-console.log" "$log"
	grep -a '^KLP-UPSTREAM ' "$log" | while read -r _ s result rc secs; do
		echo "$s $result" >> "$U/$d.txt"
		echo "  $d: $s $result (rc $rc, ${secs}s)"
	done
	grep -aq '^KLP-UPSTREAM-DONE' "$log" || {
		record_check fail "upstream selftests ($d default): every script ran" "$log"
		fails=$((fails + 1))
	}
	if [ "$d" = legacy ]; then
		for s in ${TESTS:-$scripts}; do
			if grep -qx "$s ok" "$U/$d.txt" 2>/dev/null; then
				record_check pass "upstream selftest $s (pristine 6.12, legacy default)"
			else
				record_check fail "upstream selftest $s (pristine 6.12, legacy default)" "$log"
				fails=$((fails + 1))
			fi
		done
	fi
done
for s in ${TESTS:-$scripts}; do
	printf '%-22s' "$s"
	for d in $DEFAULTS; do
		printf ' %-12s' "$(awk -v s="$s" '$1 == s { print $2 }' "$U/$d.txt" 2>/dev/null)"
	done
	echo
done >> "$U/outcomes.txt"
cat "$U/outcomes.txt"
echo "upstream-selftests: $fails failed, $(since "$start")s; table: $U/outcomes.txt"
[ "$fails" = 0 ]
