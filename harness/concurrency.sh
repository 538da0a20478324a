#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make concurrency: livepatch operations from several processes at once
# in the booted test kernel (lockdep, KASAN, kmemleak, hung-task and
# lockup detectors on). Builds twelve livepatch modules from
# selftests/test_modules/test_klp_policy1.c (klp_conc_{a,b,c,d}{0,1,2},
# three per loader), appends them and the guest scripts to a copy of the
# initramfs and runs harness/guest/concurrency.sh, which for
# CONC_SECONDS (60) runs in parallel:
#   loaders   insmod patches with random policy, scope, functions and
#             states (legacy replace, replace sets with supersede lists,
#             tags, the hybrid sample policy), disable them, rmmod them
#             once freed
#   readers   read every file under /sys/kernel/livepatch/ and the
#             patched functions, also through files opened before the
#             patch goes away
#   policy    modprobe / rmmod the hybrid policy module
#   target    insmod / rmmod the module some patches patch
#   toggler   reverses transitions and disables random patches
# then stops them, disables and frees everything and checks that nothing
# is left (no patch, no module, no policy reference). Fails on a kernel
# splat, a kmemleak report, a worker that does not stop, or leftovers.
# CONC_SECONDS=<s>, CONC_SEED=<n>, CONC_LOADERS=<1..4>, CONC_TOGGLER=0 (no
# toggler: no reversed transitions).
. "$(dirname "$0")/lib.sh"
RESULT_FILE=${RESULT_FILE:-concurrency}

[ -f "$OBJ/vmlinux" ] || die "no test kernel in $OBJ: run 'make kernel' first"
[ -f "$BUILD/initramfs.cpio.gz" ] || die "no initramfs: run 'make initramfs' first"
SECS=${CONC_SECONDS:-60}
SEED=${CONC_SEED:-$$}
LOADERS=${CONC_LOADERS:-4}
TOGGLER=${CONC_TOGGLER:-1}
C=$BUILD/concurrency
rm -rf "$C"
mkdir -p "$C/mods" "$C/root/concurrency" "$LOGS"
start=$(date +%s)

cp "$PROJECT/selftests/test_modules/test_klp_policy1.c" "$C/mods/"
mods=
for l in a b c d; do
	for i in 0 1 2; do
		echo '#include "test_klp_policy1.c"' > "$C/mods/klp_conc_$l$i.c"
		mods="$mods klp_conc_$l$i.o"
	done
done
echo "obj-m :=$mods" > "$C/mods/Kbuild"
info "building the concurrency test's modules"
make -C "$OBJ" M="$C/mods" CC="$(kcc)" -j2 modules > "$LOGS/concurrency-build.log" 2>&1 ||
	die "the concurrency test's modules failed to build: $LOGS/concurrency-build.log"
cp "$C"/mods/*.ko "$C/root/concurrency/"
# The guest scripts as they are now, over the base initramfs' copy.
cp -a "$PROJECT/harness/guest" "$C/root/harness"
(cd "$C/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$C/conc.cpio.gz"
cat "$BUILD/initramfs.cpio.gz" "$C/conc.cpio.gz" > "$C/initramfs.cpio.gz"

# Boot (slow under TCG with KASAN), the run, up to 150 s of cleanup and
# the kmemleak scan at the end.
timeout=${CONC_TIMEOUT:-$((SECS + 900))}
log=$LOGS/concurrency-console.log
set +e
QEMU_INITRD=$C/initramfs.cpio.gz \
	QEMU_APPEND="klp.conc_seconds=$SECS klp.conc_seed=$SEED klp.conc_loaders=$LOADERS klp.conc_toggler=$TOGGLER log_buf_len=8M ${QEMU_APPEND:-}" \
	QUIET=${QUIET-1} "$PROJECT/harness/qemu.sh" concurrency "$timeout"
qrc=$?
set -e
rm -f "$C/initramfs.cpio.gz"

grep -a '^KLP-CONC' "$log" | grep -av '^KLP-CONC-OP ' | sed 's/^/  /' || true
fail=0
case $qrc in
0) ;;
2) record_check fail "concurrency: kernel splat or kmemleak report" "$log"; fail=1 ;;
*) record_check fail "concurrency: guest hung or stopped (qemu.sh exit $qrc)" "$log"; fail=1 ;;
esac
done_line=$(grep -a '^KLP-CONC-DONE ' "$log" | tail -1 || true)
if [ -z "$done_line" ]; then
	record_check fail "concurrency: the guest job did not finish" "$log"
	fail=1
elif [[ $done_line != *" result=pass"* ]]; then
	record_check fail "concurrency: ${done_line#KLP-CONC-DONE }" "$log"
	fail=1
elif [ "$fail" = 0 ]; then
	what="${SECS}s of parallel loads, disables, reversals, sysfs reads, policy and target module loads"
	[ "$TOGGLER" = 1 ] || what="${SECS}s of parallel loads, disables, sysfs reads, policy and target module loads (no toggler)"
	record_check pass "concurrency: $what, splat-free, nothing left (${done_line#KLP-CONC-DONE })"
fi
echo "concurrency: run in $(since "$start")s (seed $SEED); console: $log"
exit $fail
