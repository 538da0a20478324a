#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The core's rule code run in user space over every short history
# (harness/exhaustive/README.md): make check's slice is depth 3 and the
# mutants at their shortest depth; make exhaustive is depth 6 (over a
# million histories) and every mutant. EXH_DEPTH and EXH_MUTANT_DEPTH
# override the depths.
. "$(dirname "$0")/lib.sh"
RESULT_FILE=${RESULT_FILE:-exhaustive}

need_tree
mkdir -p "$LOGS" "$RESULTS"
rm -f "$RESULTS/$RESULT_FILE"
depth=${EXH_DEPTH:-3}
mdepth=${EXH_MUTANT_DEPTH:-6}
start=$(date +%s)

log=$LOGS/exhaustive.log
if make -s -C "$PROJECT/harness/exhaustive" run D="$depth" > "$log" 2>&1 &&
   grep -q '^PASS' "$log"; then
	record_check pass "exhaustive: $(grep -m1 '^depth' "$log")"
else
	record_check fail "exhaustive: depth $depth" "see $log"
	tail -30 "$log"
fi

mlog=$LOGS/exhaustive-mutants.log
make -s -C "$PROJECT/harness/exhaustive" mutants MD="$mdepth" > "$mlog" 2>&1 || true
# One line per mutant, "NNN-name: caught ..." (its history indented below).
while IFS= read -r line; do
	case $line in
	[0-9][0-9][0-9]-*": caught"*)
		record_check pass "exhaustive mutant ${line%%:*} caught" ;;
	[0-9][0-9][0-9]-*)
		record_check fail "exhaustive mutant ${line%%:*}" "${line#*: }" ;;
	esac
done < "$mlog"
grep -q '^mutants: ' "$mlog" ||
	record_check fail "exhaustive: mutants" "see $mlog"
grep '^mutants: ' "$mlog" || true

echo "exhaustive: depth $depth and the mutants in $(since "$start")s"
! grep -q '^fail ' "$RESULTS/$RESULT_FILE"
