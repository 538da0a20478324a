#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the project's KUnit suites with kunit.py (x86_64, under QEMU) from
# kunit/.kunitconfig, print kunit.py's summary, and record one result per
# test case for 'make check'.
. "$(dirname "$0")/lib.sh"

need_tree
RESULT_FILE=${RESULT_FILE:-kunit}
mkdir -p "$LOGS" "$RESULTS"
rm -f "$RESULTS/$RESULT_FILE" "$BUILD/kunit.json"
start=$(date +%s)

set +e
(cd "$TREE" && python3 tools/testing/kunit/kunit.py run \
	--arch=x86_64 --build_dir="$KUNIT_OBJ" \
	--kunitconfig="${KUNITCONFIG:-$PROJECT/kunit/.kunitconfig}" \
	--jobs="${KUNIT_JOBS:-$JOBS}" --make_options "CC=$(kcc)" \
	--timeout="${KUNIT_TIMEOUT:-600}" \
	--json="$BUILD/kunit.json" ${KUNIT_ARGS:-}) 2>&1 | tee "$LOGS/kunit.log"
krc=${PIPESTATUS[0]}
set -e

# One result per test case (parameterised cases count once per
# parameter), read from kunit.py's JSON rather than its console output.
if [ -s "$BUILD/kunit.json" ]; then
	python3 - "$BUILD/kunit.json" > "$BUILD/kunit.cases" <<'EOF'
import json, sys

def walk(group, path):
    cases = group.get("test_cases", [])
    subs = group.get("sub_groups", [])
    for sub in subs:
        walk(sub, path + [sub["name"]])
    for case in cases:
        print(case["status"], ".".join(path + [case["name"]]))

# The root is kunit.py's "KUnit Test Group"; suites are its sub_groups.
root = json.load(open(sys.argv[1]))
for suite in root.get("sub_groups", []):
    walk(suite, [suite["name"]])
EOF
fi
ncases=0
while read -r status name; do
	ncases=$((ncases + 1))
	case $status in
	PASS) echo "pass kunit: $name" >> "$RESULTS/$RESULT_FILE" ;;
	SKIP) echo "skip kunit: $name" >> "$RESULTS/$RESULT_FILE" ;;
	*) echo "fail kunit: $name ($status)" >> "$RESULTS/$RESULT_FILE" ;;
	esac
done < <(cat "$BUILD/kunit.cases" 2>/dev/null)

if [ "$ncases" = 0 ]; then
	record_check fail "kunit: kunit.py ran no test case" "exit $krc, see $LOGS/kunit.log"
	exit 1
fi
if [ "$krc" != 0 ] && ! grep -q '^fail ' "$RESULTS/$RESULT_FILE"; then
	record_check fail "kunit: kunit.py failed" "exit $krc, see $LOGS/kunit.log"
fi
# Two warnings are the point of a test: a policy callback that returns a
# positive value is a plugin bug the core WARNs about once (the suite's
# "kunit-positive"/"kunit-posval" policies), and so is a state pre_patch
# callback's (klp_state_lifecycle). Each block, from "cut here" to its
# end-of-trace line, must appear exactly once; anything else is a splat.
expected_warn() {
	awk '/-+\[ cut here \]-+/ { blk = $0; inblk = 1; next }
	     inblk { blk = blk "\n" $0 }
	     inblk && /---\[ end trace/ {
		inblk = 0
		if (blk ~ /replace policy .kunit-pos(itive|val).: (check|validate)\(\) returned [1-9]/) { n++; next }
		if (blk ~ /patch .new.: state id [0-9]+: pre_patch\(\) returned [1-9]/) { s++; next }
		print blk; next
	     }
	     !inblk { print }
	     END { if (inblk) print blk; print "KLP-EXPECTED-WARNS " n + 0 " " s + 0 > "/dev/stderr" }' "$1"
}
expected_warn "$KUNIT_OBJ/test.log" > "$KUNIT_OBJ/test.log.unexpected" 2> "$KUNIT_OBJ/test.log.expected"
read -r nwarn nstate <<< "$(sed -n 's/^KLP-EXPECTED-WARNS //p' "$KUNIT_OBJ/test.log.expected")"
if [ "$nwarn" = 1 ]; then
	record_check pass "kunit: a policy callback's positive return WARNs once"
else
	record_check fail "kunit: a policy callback's positive return WARNs once" "$nwarn such warnings"
fi
if [ "$nstate" = 1 ]; then
	record_check pass "kunit: a state callback's positive return WARNs once"
else
	record_check fail "kunit: a state callback's positive return WARNs once" "$nstate such warnings"
fi
splats=$(splat_lines "$KUNIT_OBJ/test.log.unexpected")
if [ -n "$splats" ]; then
	record_check fail "kunit: kernel log clean" "$(echo "$splats" | head -1)"
else
	record_check pass "kunit: kernel log clean"
fi

# The suites must pass whatever default the kernel was booted with: boot
# the same KUnit kernel again with each other built-in default.
for policy in replace_set tag; do
	set +e
	(cd "$TREE" && python3 tools/testing/kunit/kunit.py exec \
		--arch=x86_64 --build_dir="$KUNIT_OBJ" \
		--timeout="${KUNIT_TIMEOUT:-600}" \
		--kernel_args="livepatch.replace_policy=$policy") \
		> "$LOGS/kunit-$policy.log" 2>&1
	prc=$?
	set -e
	summary=$(grep -o 'Ran [0-9]* tests: .*' "$LOGS/kunit-$policy.log" | tail -1)
	if [ "$prc" = 0 ] && [ -n "$summary" ] &&
	   grep -q -- "-append '.*livepatch.replace_policy=$policy" "$LOGS/kunit-$policy.log"; then
		record_check pass "kunit: booted with livepatch.replace_policy=$policy: $summary"
	else
		record_check fail "kunit: booted with livepatch.replace_policy=$policy" \
			"exit $prc, ${summary:-no summary}, see $LOGS/kunit-$policy.log"
	fi
done
echo "kunit: $ncases cases in $(since "$start")s"
! grep -q '^fail ' "$RESULTS/$RESULT_FILE"
