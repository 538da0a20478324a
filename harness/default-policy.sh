#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make default-policy: boot the test kernel once per livepatch.replace_policy=
# value and check, in the guest (harness/guest/default-policy.sh), what the
# default resolves to and how it reads patches that only set .replace:
# replace_set and tag override the build-time default (legacy in the test
# kernel), and a name that is no policy falls back to legacy with a warning.
. "$(dirname "$0")/lib.sh"
RESULT_FILE=${RESULT_FILE:-default-policy}
mkdir -p "$RESULTS"
rm -f "$RESULTS/$RESULT_FILE"

fails=0
for boot in replace_set:replace_set tag:tag no_such_policy:legacy; do
	param=${boot%%:*} expect=${boot#*:}
	append="livepatch.replace_policy=$param klp.expect=$expect"
	[ "$param" = "$expect" ] || append="$append klp.expect_warn=$param"
	LOG=$LOGS/default-policy-$param-console.log
	if QUIET=1 QEMU_APPEND="$append" "$PROJECT/harness/qemu.sh" default-policy 600; then
		record_check pass "default-policy: livepatch.replace_policy=$param boots splat-free"
	else
		record_check fail "default-policy: livepatch.replace_policy=$param boots splat-free" "$LOG"
		fails=$((fails + 1))
	fi
	cp "$LOGS/default-policy-console.log" "$LOG"
	while read -r result what; do
		record_check "$result" "default-policy: $what"
		[ "$result" = pass ] || fails=$((fails + 1))
	done < <(sed -n 's/^KLP-CHECK \(pass\|fail\) /\1 /p' "$LOG")
	if ! grep -q '^KLP-CHECKS-DONE ' "$LOG"; then
		record_check fail "default-policy: $param: the guest ran every check" "$LOG"
		fails=$((fails + 1))
	fi
done
echo "default-policy: $fails failed"
[ "$fails" = 0 ]
