#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fixes: the fixes at the start of the series (the commits with a
# Fixes: tag) as a mailable series of their own, with the cover letter
# patches/fixes-cover-letter, in $BUILD/fixes/mail; then the proof, in a
# fresh clone of pristine 6.12 ($BUILD/fixes/linux), that each applies
# alone, passes checkpatch --strict and builds, and, for a fix that adds
# a selftest, that the selftest fails booted on pristine 6.12 and passes
# with the fix. One check per step; about 20 minutes here (2 cores, TCG).
. "$(dirname "$0")/lib.sh"
. "$PROJECT/harness/series-lib.sh"

need_tree
RESULT_FILE=${RESULT_FILE:-fixes}
mkdir -p "$RESULTS" "$LOGS"
rm -f "$RESULTS/$RESULT_FILE"
F=$BUILD/fixes
W=$F/linux
start=$(date +%s)

mapfile -t fixes < <(git -C "$TREE" log --reverse --format=%H --grep='^Fixes: ' "$PRISTINE_TAG"..HEAD)
[ ${#fixes[@]} -gt 0 ] || die "no commit of the series has a Fixes: tag"
mapfile -t first < <(git -C "$TREE" rev-list --reverse "$PRISTINE_TAG"..HEAD | head -n ${#fixes[@]})
[ "${fixes[*]}" = "${first[*]}" ] ||
	die "the fixes (commits with a Fixes: tag) must come first in the series"

# The mail: format-patch of the fixes, from a branch that carries the
# cover letter as its description.
rm -rf "$F/mail"
git -C "$TREE" branch -f klp-fixes "${fixes[-1]}"
git -C "$TREE" config branch.klp-fixes.description "$(cat "$PROJECT/patches/fixes-cover-letter")"
tgit -C "$TREE" format-patch -q --cover-letter --cover-from-description=subject \
	--base="$PRISTINE_TAG" -o "$F/mail" "$PRISTINE_TAG"..klp-fixes
mapfile -t mails < <(find "$F/mail" -name '*.patch' ! -name '0000-*' | LC_ALL=C sort)
echo "fixes: ${#mails[@]} patches + cover letter in $F/mail"

# A clone of its own (git clone --shared: the objects stay in $TREE), so
# that the harness builds it as it builds the assembled tree.
if [ ! -d "$W/.git" ]; then
	rm -rf "$W"
	git clone -q --shared --no-checkout "$TREE" "$W"
fi
git -C "$W" fetch -q "$TREE" "refs/tags/$PRISTINE_TAG:refs/tags/$PRISTINE_TAG"

# The test kernel's configuration without the options the series adds,
# which pristine 6.12 does not have.
mkdir -p "$F"
grep -v '^CONFIG_KLP_' "$PROJECT/harness/test-kernel.config" > "$F/test-kernel.config"
export KERNEL_FRAGMENT=$F/test-kernel.config

# boot_selftests <tests> <label>: build the clone and run the selftests,
# with the results of their own ($W's build directory); succeeds when
# every one passed with a clean kernel log.
boot_selftests() {
	env BUILD="$F" TESTS="$1" SELFTEST_TIMEOUT=600 "$PROJECT/harness/selftest.sh" \
		> "$LOGS/fixes-$2.log" 2>&1
}

for i in "${!mails[@]}"; do
	mail=${mails[$i]}
	n=$((i + 1))
	subject=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$mail" | head -1)
	what="fixes: $n/${#mails[@]} ($subject)"
	git -C "$W" am --abort >/dev/null 2>&1 || true
	git -C "$W" checkout -q -f --detach "$PRISTINE_TAG"
	git -C "$W" clean -q -fdx
	if ! tgit -C "$W" am -q "$mail" > "$LOGS/fixes-$n-am.log" 2>&1; then
		record_check fail "$what: applies alone to 6.12" "$LOGS/fixes-$n-am.log"
		continue
	fi
	record_check pass "$what: applies alone to 6.12"
	# As harness/static.sh runs it: the clone has no upstream history
	# for the Fixes: ids, and the selftests' directory is maintained.
	if (cd "$W" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict --quiet \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$mail") > "$LOGS/fixes-$n-checkpatch.log" 2>&1; then
		record_check pass "$what: checkpatch --strict"
	else
		record_check fail "$what: checkpatch --strict" "$LOGS/fixes-$n-checkpatch.log"
	fi

	tests=$(git -C "$W" diff --name-only --diff-filter=A "$PRISTINE_TAG" HEAD -- \
		'tools/testing/selftests/livepatch/test-*.sh' | xargs -r -n1 basename | tr '\n' ' ')
	tests=${tests% }
	if [ -z "$tests" ]; then
		if env BUILD="$F" "$PROJECT/harness/kernel.sh" > "$LOGS/fixes-$n-build.log" 2>&1; then
			record_check pass "$what: builds"
		else
			record_check fail "$what: builds" "$LOGS/fixes-$n-build.log"
		fi
		echo "skip $what: adds no selftest (see its changelog for how it was found)" >> "$RESULTS/$RESULT_FILE"
		echo "skip - $what: adds no selftest"
		continue
	fi

	# Before: the fix's selftests on pristine 6.12's kernel code.
	code=$(git -C "$W" diff --name-only "$PRISTINE_TAG" HEAD | grep -v '^tools/testing/' || true)
	# shellcheck disable=SC2086
	[ -z "$code" ] || git -C "$W" checkout -q "$PRISTINE_TAG" -- $code
	if boot_selftests "$tests" "$n-before"; then
		record_check fail "$what: $tests fails on 6.12 without the fix" "$LOGS/fixes-$n-before.log"
	elif grep -q "^fail selftest: \($(echo "$tests" | sed 's/ /\\|/g')\)\|^fail selftest: guest ran\|^fail selftest: kernel splat" "$F/results/selftest"; then
		record_check pass "$what: $tests fails on 6.12 without the fix ($(grep -c '^fail' "$F/results/selftest") failed checks)"
	else
		record_check fail "$what: $tests fails on 6.12 without the fix" \
			"the run failed before the test: $LOGS/fixes-$n-before.log"
	fi
	cp "$F/logs/selftest-console.log" "$LOGS/fixes-$n-before-console.log" 2>/dev/null || true

	# After: the fix applied whole.
	git -C "$W" checkout -q HEAD -- .
	if boot_selftests "$tests" "$n-after"; then
		record_check pass "$what: $tests passes with the fix"
	else
		record_check fail "$what: $tests passes with the fix" "$LOGS/fixes-$n-after.log"
	fi
	cp "$F/logs/selftest-console.log" "$LOGS/fixes-$n-after-console.log" 2>/dev/null || true
done

echo "fixes: done in $(since "$start")s; mail in $F/mail"
! grep -q '^fail ' "$RESULTS/$RESULT_FILE"
