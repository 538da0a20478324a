#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test kernel and the selftests, boot them, run every livepatch
# selftest (upstream's and the project's, all in TEST_PROGS) and record one
# result per script plus one for a splat-free kernel log.
. "$(dirname "$0")/lib.sh"

RESULT_FILE=selftest
mkdir -p "$RESULTS"
rm -f "$RESULTS/$RESULT_FILE"

t0=$(date +%s)
if ! "$PROJECT/harness/kernel.sh"; then
	record_check fail "selftest: build the test kernel"
	exit 1
fi
t1=$(date +%s)
"$PROJECT/harness/initramfs.sh"
TESTS=${TESTS:-}
[ -z "$TESTS" ] || export QEMU_APPEND="${QEMU_APPEND:-} klp.tests=$(echo $TESTS | tr ' ' ,)"
set +e
"$PROJECT/harness/qemu.sh" selftest "${SELFTEST_TIMEOUT:-1500}"
qrc=$?
set -e
t2=$(date +%s)

LOG=$LOGS/selftest-console.log
# Every script kselftest installed (or each one TESTS names) must report, in kselftest's TAP form.
expected=${TESTS:-$(sed -n 's/^livepatch://p' "$BUILD/kselftest/kselftest-list.txt")}
echo "TAP version 13"
echo "1..$(echo "$expected" | wc -w)"
n=0
for script in $expected; do
	n=$((n + 1))
	line=$(grep -E "^(not )?ok [0-9]+ selftests: livepatch: $script( |$)" "$LOG" | tail -1 || true)
	case $line in
	"ok "*"# SKIP"*)
		# Every selftest must run here: a skip is a harness bug, but
		# for a race a test lost against the transition work, which
		# proves nothing either way (test-force-reverse.sh).
		if grep -q "SKIP: lost the race against the transition work" "$LOG"; then
			echo "skip selftest: $script (lost a race, see $LOG)" >> "$RESULTS/$RESULT_FILE"
			echo "ok $n selftests: livepatch: $script # SKIP lost a race"
		else
			echo "fail selftest: $script (skipped)" >> "$RESULTS/$RESULT_FILE"
			echo "not ok $n selftests: livepatch: $script # SKIP"
		fi ;;
	"ok "*) echo "pass selftest: $script" >> "$RESULTS/$RESULT_FILE"
		echo "ok $n selftests: livepatch: $script" ;;
	"not ok "*) echo "fail selftest: $script" >> "$RESULTS/$RESULT_FILE"
		echo "not ok $n selftests: livepatch: $script" ;;
	*) echo "fail selftest: $script (no result: guest died or timed out)" >> "$RESULTS/$RESULT_FILE"
		echo "not ok $n selftests: livepatch: $script # no result" ;;
	esac
done

case $qrc in
0) record_check pass "selftest: guest ran to the end with a splat-free kernel log" ;;
2) record_check fail "selftest: kernel splat in the guest" "$LOG" ;;
*) record_check fail "selftest: guest ran to the end" "$LOG" ;;
esac
echo "selftest: build $((t1 - t0))s, initramfs + boot + tests $((t2 - t1))s; console log: $LOG"
! grep -qE '^fail ' "$RESULTS/$RESULT_FILE"
