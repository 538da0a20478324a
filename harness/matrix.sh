#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make matrix: the configurations a vendor can pick, each built in its
# own directory ($BUILD/matrix/<variant>, sharing the assembled tree and
# ccache) and tested:
#   default-replace_set  CONFIG_KLP_DEFAULT_REPLACE_POLICY_REPLACE_SET=y:
#                        KUnit suites, booted selftests
#   default-tag          the same with the tag default
#   policies-m           replace_set and tag built as modules, loaded on
#                        demand: KUnit core suite, booted selftests
#   production           no KASAN, lockdep, kmemleak, list/sleep debug or
#                        fault injection: booted selftests
#   upstream-defaults    the pristine 6.12 selftests, one isolated script
#                        at a time, under the legacy, replace_set and tag
#                        boot defaults (make upstream-selftests)
# The boot override (livepatch.replace_policy=) of the test kernel is in
# make check already (kunit, default-policy). MATRIX="<variants>" runs
# only those. Cold, each kernel variant takes 5-15 minutes to build here.
. "$(dirname "$0")/lib.sh"
RESULT_FILE=${RESULT_FILE:-matrix}
VARIANTS=${MATRIX:-default-replace_set default-tag policies-m production upstream-defaults}
need_tree
mkdir -p "$RESULTS" "$BUILD/matrix"
rm -f "$RESULTS/$RESULT_FILE"
start=$(date +%s)

# kunitconfig <variant>: the project's kunitconfig, changed for it
kunitconfig() {
	case $1 in
	default-replace_set) cat "$PROJECT/kunit/.kunitconfig"
		echo CONFIG_KLP_DEFAULT_REPLACE_POLICY_REPLACE_SET=y ;;
	default-tag) cat "$PROJECT/kunit/.kunitconfig"
		echo CONFIG_KLP_DEFAULT_REPLACE_POLICY_TAG=y ;;
	# KUnit runs built-in code only: the scoped suites need both
	# policies built in, so only the core suite runs here.
	policies-m) grep -Ev '^CONFIG_(KLP_REPLACE_POLICY_(REPLACE_SET|TAG)|KLP_SCOPED_POLICIES_KUNIT_TEST)=' \
		"$PROJECT/kunit/.kunitconfig" ;;
	esac
}

# collect <variant> <dir>: its results, under the variant's name
collect() {
	local f result name
	for f in "$2"/results/*; do
		[ -f "$f" ] || continue
		while read -r result name; do
			printf '%s matrix %s: %s\n' "$result" "$1" "$name" >> "$RESULTS/$RESULT_FILE"
		done < "$f"
	done
}

fails=0
for v in $VARIANTS; do
	vstart=$(date +%s)
	V=$BUILD/matrix/$v
	mkdir -p "$V"
	rm -rf "$V/results"
	if [ "$v" = upstream-defaults ]; then
		BUILD=$BUILD RESULT_FILE=upstream-defaults RESULTS=$V/results \
			UPSTREAM_DEFAULTS="legacy replace_set tag" \
			"$PROJECT/harness/upstream-selftests.sh" || fails=$((fails + 1))
		collect "$v" "$V"
		echo "matrix: $v in $(since "$vstart")s"
		continue
	fi
	ln -sfn "$TREE" "$V/linux"
	variant_fragment "$v" > "$V/test-kernel.config"
	info "matrix $v: kernel"
	if ! BUILD=$V KERNEL_FRAGMENT=$V/test-kernel.config "$PROJECT/harness/kernel.sh"; then
		record_check fail "matrix $v: kernel builds" "$V/logs/kernel-build.log"
		fails=$((fails + 1))
		continue
	fi
	BUILD=$V "$PROJECT/harness/initramfs.sh" > /dev/null
	if [ "$v" != production ]; then
		kunitconfig "$v" > "$V/.kunitconfig"
		info "matrix $v: KUnit"
		BUILD=$V KUNITCONFIG=$V/.kunitconfig "$PROJECT/harness/kunit.sh" > "$V/kunit.out" 2>&1 ||
			fails=$((fails + 1))
		tail -3 "$V/kunit.out"
	fi
	info "matrix $v: selftests"
	BUILD=$V KERNEL_FRAGMENT=$V/test-kernel.config "$PROJECT/harness/selftest.sh" > "$V/selftest.out" 2>&1 ||
		fails=$((fails + 1))
	grep -E '^(not )?ok [0-9]+ selftests' "$V/selftest.out" | tail -12
	collect "$v" "$V"
	echo "matrix: $v in $(since "$vstart")s"
done
grep -c '^pass ' "$RESULTS/$RESULT_FILE" | sed 's/^/matrix: passed /'
grep '^fail ' "$RESULTS/$RESULT_FILE" || true
echo "matrix: $fails variant runs failed, $(since "$start")s"
[ "$fails" = 0 ]
