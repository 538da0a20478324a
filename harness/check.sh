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
rm -f "$BUILD/check-timings"
start_all=$(date +%s)

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
	# A file, not a variable: phases of the two lanes run in subshells.
	echo "$name=$(since "$start")s" >> "$BUILD/check-timings"
	# A phase that failed without recording why still fails the run.
	if [ "$rc" != 0 ] && ! grep -qs '^fail ' "$RESULTS/$name"; then
		echo "fail $name: exited $rc" >> "$RESULTS/$name"
	fi
	return "$rc"
}

# lane <log> <phase>...: run phases one after the other in the background,
# their output kept in <log> and printed once they are done. A guest runs
# QEMU's TCG on one host thread (qemu.sh), so two lanes use both cores.
lane() {
	local log=$1
	shift
	( set +e; "$@" ) > "$log" 2>&1 &
}

lane_a() {
	phase upstream-selftests "$PROJECT/harness/upstream-selftests.sh"
	phase model "$PROJECT/harness/stress.sh" model
	phase concurrency-smoke env CONC_SECONDS=20 CONC_SEED=1 \
		RESULT_FILE=concurrency-smoke "$PROJECT/harness/concurrency.sh"
}

lane_b() {
	phase default-policy "$PROJECT/harness/default-policy.sh" || true
	# The replacing paths where fault injection and concurrency found
	# upstream bugs; make faults and make concurrency run everything.
	phase faults-smoke env FAULTS=legacy-replace,replace_set-supersede,state-lifecycle \
		RESULT_FILE=faults-smoke "$PROJECT/harness/faults.sh" || true
	phase bench-smoke env BENCH_MODE=smoke RESULT_FILE=bench-smoke "$PROJECT/harness/bench.sh" || true
	phase bench-scale-smoke env BENCH_MODE=smoke RESULT_FILE=bench-scale-smoke \
		"$PROJECT/harness/bench-scale.sh" || true
}

# Everything else runs on the assembled tree.
if phase tree "$PROJECT/harness/tree.sh"; then
	# The test kernel first, on both cores; then its selftests in the
	# guest beside the KUnit kernel's build on the other core.
	if phase kernel "$PROJECT/harness/kernel.sh" && "$PROJECT/harness/initramfs.sh"; then
		lane "$LOGS/check-lane-kunit.log" phase kunit env KUNIT_JOBS=1 "$PROJECT/harness/kunit.sh"
		phase selftest "$PROJECT/harness/selftest.sh" || true
		wait
		cat "$LOGS/check-lane-kunit.log"

		# The other booted phases, two guests at a time.
		lane "$LOGS/check-lane-a.log" lane_a
		lane_b
		wait
		cat "$LOGS/check-lane-a.log"
	else
		phase kunit "$PROJECT/harness/kunit.sh" || true
	fi
	phase ftrace-handler "$PROJECT/harness/ftrace-handler.sh" || true
	phase cocci "$PROJECT/harness/cocci.sh" || true
	phase doc-examples "$PROJECT/harness/doc-examples.sh" || true
	phase htmldocs "$PROJECT/harness/htmldocs.sh" || true
	phase static "$PROJECT/harness/static.sh" || true
	phase exhaustive "$PROJECT/harness/exhaustive.sh" || true
fi

echo
echo "phase timings: $(tr '\n' ' ' < "$BUILD/check-timings")(total $(since "$start_all")s)"
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
