#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stress.sh model|stress: random histories of livepatch operations, run
# in the booted test kernel and checked step by step against the
# reference model harness/stress/model.py (see harness/stress/README).
#
#   stress.sh model    one fixed-seed history (SEED=12, STEPS=250): the
#                      phase of make check
#   stress.sh stress   as many seeds as STRESS_MINUTES (30) allow, STEPS
#                      (200) steps each; SEED=<n> replays that one only
#   PLAN=<file>        run that plan (lines "<n> <wait> <op> <args>", as
#                      model.py gen writes them) instead of a generated one
#
# Every history boots once. A divergence, a guest that hangs or stops,
# or a kernel splat fails the run and prints the seed and the history up
# to the failing step, the model's expectation against what the kernel
# did. Files: $BUILD/stress/seed-<n>/{plan,expect,console.log}.
. "$(dirname "$0")/lib.sh"

MODE=${1:-model}
case $MODE in
model) RESULT_FILE=${RESULT_FILE:-model} ;;
stress) RESULT_FILE=${RESULT_FILE:-stress} ;;
*) die "usage: stress.sh model|stress" ;;
esac
[ -f "$OBJ/vmlinux" ] || die "no test kernel in $OBJ: run 'make kernel' first"
[ -f "$BUILD/initramfs.cpio.gz" ] || die "no initramfs: run 'make initramfs' first"
S=$BUILD/stress
SRC=$PROJECT/harness/stress
MODEL=$SRC/model.py
start=$(date +%s)
mkdir -p "$S" "$LOGS"

# The target module and 16 livepatch module names, one source.
build_modules() {
	rm -rf "$S/mods" "$S/root"
	mkdir -p "$S/root/stress"
	build_test_livepatches "$S/mods" "the model test's modules" \
		"$SRC/klp_st_patch.c" klp_st_p "$(seq -w 0 15)" "$SRC/klp_st_target.c"
	cp "$S"/mods/*.ko "$S/root/stress/"
	# The guest scripts as they are now, over the base initramfs' copy.
	cp -a "$PROJECT/harness/guest" "$S/root/harness"
	(cd "$S/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$S/mods.cpio.gz"
}

# run_seed <seed> <steps>: generate, boot, check; 0 when the kernel did
# what the model said at every step
run_seed() {
	local seed=$1 steps=$2 d=$S/seed-$1 qrc=0 n
	rm -rf "$d"
	mkdir -p "$d/root/stress"
	if [ -n "${PLAN:-}" ]; then
		# a hand-written plan (e.g. a minimal history), the model's
		# expectations for it
		cp "$PLAN" "$d/root/stress/plan"
		python3 "$MODEL" replay --plan "$PLAN" --expect "$d/expect"
	else
		python3 "$MODEL" gen --seed "$seed" --steps "$steps" \
			--plan "$d/root/stress/plan" --expect "$d/expect"
	fi
	cp "$d/root/stress/plan" "$d/plan"
	(cd "$d/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$d/plan.cpio.gz"
	cat "$BUILD/initramfs.cpio.gz" "$S/mods.cpio.gz" "$d/plan.cpio.gz" > "$d/initramfs.cpio.gz"
	n=$(wc -l < "$d/plan")
	# One vCPU: with two, every transition waits about a second for the
	# other CPU's idle task, which would triple the run under TCG.
	QEMU_SMP=${STRESS_SMP:-1} QEMU_INITRD=$d/initramfs.cpio.gz \
		QEMU_APPEND="klp.stress=$seed klp.quiet=1 ${QEMU_APPEND:-}" QUIET=1 \
		"$PROJECT/harness/qemu.sh" stress "$((180 + n * 3))" > "$d/qemu.out" 2>&1 || qrc=$?
	cp "$LOGS/stress-console.log" "$d/console.log" 2>/dev/null || true
	rm -f "$d/initramfs.cpio.gz" "$d/plan.cpio.gz"
	rm -rf "$d/root"
	STEPS_RUN=$(grep -c '^OBS ' "$d/console.log" 2>/dev/null || true)
	if ! python3 "$MODEL" check --seed "$seed" --expect "$d/expect" \
		--obs "$d/console.log" > "$d/check.out"; then
		cat "$d/check.out"
		[ "$qrc" = 0 ] || cat "$d/qemu.out"
		FAIL_WHY="seed $seed: divergence (SEED=$seed make stress replays it; $d)"
		return 1
	fi
	if [ "$qrc" != 0 ] || ! grep -q '^STRESS-DONE' "$d/console.log"; then
		cat "$d/qemu.out"
		FAIL_WHY="seed $seed: guest failed after $STEPS_RUN steps (SEED=$seed make stress replays it; $d)"
		return 1
	fi
	cat "$d/check.out"
	return 0
}

build_modules
seeds=0 steps_total=0 failed=0
if [ "$MODE" = model ]; then
	seed=${SEED:-12}
	if run_seed "$seed" "${STEPS:-250}"; then
		record_check pass "model: seed $seed, $STEPS_RUN steps as the model predicts ($(since "$start")s)"
	else
		record_check fail "model: $FAIL_WHY"
		exit 1
	fi
	exit 0
fi

budget=$((${STRESS_MINUTES:-30} * 60))
steps=${STEPS:-200}
if [ -n "${SEED:-}" ]; then
	list=$SEED
elif [ -n "${PLAN:-}" ]; then
	list=0		# a plan is the same history whatever the seed: run it once
else
	# A fresh random start each run; the seeds are printed for replay.
	base=$(( (RANDOM << 15 | RANDOM) % 1000000 + 1000 ))
	list=$(seq "$base" $((base + 100000)))
fi
last=0
for seed in $list; do
	# Stop when the next history would likely overrun the budget.
	[ "$seeds" -gt 0 ] && [ $(( $(since "$start") + last )) -gt "$budget" ] && break
	t0=$(date +%s)
	info "stress: seed $seed ($steps steps)"
	if run_seed "$seed" "$steps"; then
		:
	else
		failed=$((failed + 1))
		echo "FAILED: $FAIL_WHY"
	fi
	seeds=$((seeds + 1))
	steps_total=$((steps_total + STEPS_RUN))
	last=$(since "$t0")
	[ "$failed" = 0 ] || break
done
summary="stress: $seeds seeds, $steps_total steps, $failed divergences or failures in $(since "$start")s"
echo "$summary"
if [ "$failed" = 0 ]; then
	record_check pass "$summary"
else
	record_check fail "$summary" "$FAIL_WHY"
	exit 1
fi
