#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the assembled tree, KUnit, the booted selftests (the
# series' and upstream's pristine ones), the fixed-seed model test, short
# runs of the fault injection (two scenarios) and concurrency tests, the
# ftrace handler and Coccinelle checks, the documentation's C examples
# and its htmldocs, a benchmark smoke run and the static checks, each
# phase run even when an earlier one fails, then one closing line
# "N passed, M failed" over every KUnit case, selftest script and check.
. "$(dirname "$0")/lib.sh"

rm -rf "$RESULTS"
mkdir -p "$RESULTS" "$LOGS"
timings=

phase() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	echo
	info "check: $name"
	set +e
	"$@"
	rc=$?
	set -e
	timings="$timings $name=$(since "$start")s"
	# A phase that failed without recording why still fails the run.
	if [ "$rc" != 0 ] && ! grep -qs '^fail ' "$RESULTS/$name"; then
		echo "fail $name: exited $rc" >> "$RESULTS/$name"
	fi
	return "$rc"
}

# Everything else runs on the assembled tree.
if phase tree "$PROJECT/harness/tree.sh"; then
	phase kunit "$PROJECT/harness/kunit.sh" || true
	phase selftest "$PROJECT/harness/selftest.sh" || true
	phase upstream-selftests "$PROJECT/harness/upstream-selftests.sh" || true
	phase default-policy "$PROJECT/harness/default-policy.sh" || true
	phase model "$PROJECT/harness/stress.sh" model || true
	# The replacing paths where fault injection and concurrency found
	# upstream bugs; make faults and make concurrency run everything.
	phase faults-smoke env FAULTS=legacy-replace,replace_set-supersede \
		RESULT_FILE=faults-smoke "$PROJECT/harness/faults.sh" || true
	phase concurrency-smoke env CONC_SECONDS=20 CONC_SEED=1 \
		RESULT_FILE=concurrency-smoke "$PROJECT/harness/concurrency.sh" || true
	phase ftrace-handler "$PROJECT/harness/ftrace-handler.sh" || true
	phase cocci "$PROJECT/harness/cocci.sh" || true
	phase doc-examples "$PROJECT/harness/doc-examples.sh" || true
	phase htmldocs "$PROJECT/harness/htmldocs.sh" || true
	phase bench-smoke env BENCH_MODE=smoke RESULT_FILE=bench-smoke "$PROJECT/harness/bench.sh" || true
	phase static "$PROJECT/harness/static.sh" || true
fi

echo
echo "phase timings:$timings"
cat "$RESULTS"/* > "$BUILD/check-results.txt"
grep '^fail ' "$BUILD/check-results.txt" | sed 's/^fail /FAILED: /' || true
passed=$(grep -c '^pass ' "$BUILD/check-results.txt" || true)
failed=$(grep -c '^fail ' "$BUILD/check-results.txt" || true)
skipped=$(grep -c '^skip ' "$BUILD/check-results.txt" || true)
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
