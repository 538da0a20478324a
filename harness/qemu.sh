#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu.sh <job> [timeout-seconds]: boot the test kernel with the
# initramfs, run guest job <job> (harness/guest/<job>.sh), keep the
# console log in $BUILD/logs/<job>-console.log, and fail on a guest that
# hangs, crashes, or logs a lockdep/KASAN/kmemleak/WARN/BUG splat.
# What the terminal shows: the whole console (default), nothing
# (QUIET=1), or only what the job prints (QEMU_SHOW=job: meant for a
# guest booted with klp.quiet=1, whose kernel messages stay off the
# console during the job and are written to the log after it).
. "$(dirname "$0")/lib.sh"

job=${1:?usage: qemu.sh <job> [timeout]}
timeout=${2:-${QEMU_TIMEOUT:-1200}}
KERNEL=${QEMU_KERNEL:-$OBJ/arch/x86/boot/bzImage}	# make bench-scale boots pristine 6.12 too
INITRD=${QEMU_INITRD:-$BUILD/initramfs.cpio.gz}	# make bench appends its modules
LOG=${QEMU_LOG:-$LOGS/$job-console.log}
mkdir -p "$LOGS"
[ -f "$KERNEL" ] || die "no test kernel: run 'make kernel' first"
[ -f "$INITRD" ] || die "no initramfs: run 'make initramfs' first"

# KVM only when /dev/kvm opens and the CPU really has VT-x/AMD-V: some of
# these machines have the device node but no virtualisation extensions.
if [ "${QEMU_ACCEL:-auto}" = auto ]; then
	if { : < /dev/kvm; } 2>/dev/null && [ -w /dev/kvm ] &&
	   grep -qwE 'vmx|svm' /proc/cpuinfo; then
		QEMU_ACCEL=kvm
	else
		QEMU_ACCEL=tcg
	fi
fi
case $QEMU_ACCEL in
kvm) accel=(-accel kvm -cpu host) ;;
# One host thread for both vCPUs: multi-threaded TCG does not keep code
# that one vCPU rewrites coherent for the other, and text_poke_bp() then
# trips over its own int3 ("Oops: int3" in __do_sys_getpid under
# test-syscall.sh's getpid hammering, 1 run in 4 here).
tcg) accel=(-accel tcg,thread=single) ;;
*) die "QEMU_ACCEL=$QEMU_ACCEL: use kvm, tcg or auto" ;;
esac

# show: the terminal's share of the console (the log gets all of it).
show() {
	if [ -n "${QUIET:-}" ]; then
		cat > /dev/null
	elif [ "${QEMU_SHOW:-console}" = job ]; then
		# From the job's start to its end or the kernel log printed after
		# it, without the harness's own marker lines.
		sed -u -n '/^KLP-HARNESS-START/,/^KLP-\(KERNEL-LOG-BEGIN\|HARNESS-EXIT\)/ { /^KLP-/!p }'
	else
		cat
	fi
}

# Hangs are loud: the test kernel panics, with a backtrace, on a task
# blocked for 120 s (CONFIG_DEFAULT_HUNG_TASK_TIMEOUT) or a CPU that does
# not schedule for 2 x watchdog_thresh s (soft lockup) or take
# interrupts for watchdog_thresh s (hard lockup). 20 s rather than 10:
# under TCG a KASAN kernel can be slow without being stuck. A job still
# running near the timeout prints KLP-HANG-REPORT (harness/guest/init).
HANG_DETECT="watchdog_thresh=20"

info "booting the test kernel ($QEMU_ACCEL, job=$job, timeout ${timeout}s), console: $LOG"
start=$(date +%s)
set +e
timeout -k 10 "$timeout" qemu-system-x86_64 "${accel[@]}" \
	-m 2048 -smp "${QEMU_SMP:-2}" -bios /usr/share/qemu/qboot.rom -no-reboot \
	-display none -monitor none -serial stdio \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 panic=-1 oops=panic $HANG_DETECT klp.job=$job klp.timeout=$timeout ${QEMU_APPEND:-}" \
	< /dev/null 2>&1 | sed -u 's/\r//g' | tee "$LOG" | show
qrc=${PIPESTATUS[0]}
set -e
elapsed=$(since "$start")

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "error: the guest did not finish within ${timeout}s and was killed (job=$job); console log: $LOG" >&2
	if grep -q '^KLP-HANG-REPORT-BEGIN' "$LOG"; then
		echo "what the guest was doing (the whole report is in the log):" >&2
		sed -n '/^KLP-HANG-REPORT-BEGIN/,/^KLP-HANG-REPORT-END/p' "$LOG" | head -60 >&2
	fi
	exit 1
fi
if ! grep -q '^KLP-HARNESS-EXIT' "$LOG"; then
	echo "error: the guest stopped before the end of job $job (qemu exit $qrc); console log: $LOG" >&2
	splat_lines "$LOG" | head -20 >&2
	exit 1
fi

# Kernel splats anywhere in the run fail it, whatever the job reported.
splats=$(splat_lines "$LOG")
echo "$job: guest finished in ${elapsed}s ($QEMU_ACCEL)"
if [ -n "$splats" ]; then
	echo "error: kernel splat(s) during job $job; console log: $LOG" >&2
	echo "$splats" | head -20 >&2
	exit 2
fi
exit 0
