#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make cocci: the fixtures of scripts/coccinelle/api/livepatch_replace_policy.cocci.
# For every cocci-tests/**/<shape>.c (fixture.h holds what they share)
# and every target (legacy,
# replace_set, tag):
#  - spatch --compare-with-expected against <shape>.<target>.res;
#  - the script run again on that result changes nothing;
# then report mode against <shape>.report where there is one, every
# expected output compiled as a module of the test kernel (W=1, no
# warning), and make coccicheck run on the fixtures.
. "$(dirname "$0")/lib.sh"
RESULT_FILE=${RESULT_FILE:-cocci}

need_tree
COCCI=$TREE/scripts/coccinelle/api/livepatch_replace_policy.cocci
FIXTURES=$PROJECT/cocci-tests
WORK=$BUILD/cocci
TARGETS="legacy replace_set tag"
[ -f "$COCCI" ] || die "no $COCCI in the tree"
rm -rf "$WORK"
mkdir -p "$WORK/mod" "$LOGS" "$RESULTS"
rm -f "$RESULTS/$RESULT_FILE"
fails=0

fail() {
	record_check fail "$@"
	fails=$((fails + 1))
}

spatch_patch() {	# <target> <file> [spatch options]
	local target=$1 file=$2
	shift 2
	spatch --sp-file "$COCCI" --no-includes -D patch -D "$target" "$@" "$file"
}

cd "$FIXTURES"
for src in $(find . -name '*.c' | sed 's|^\./||' | sort); do
	base=${src%.c}
	for target in $TARGETS; do
		name="cocci $target: $base"
		exp=$base.$target.res
		[ -f "$exp" ] || { fail "$name" "no $exp"; continue; }
		log=$WORK/${base//\//_}.$target.log
		spatch_patch "$target" "$src" --expected-extension ".$target.res" > "$log" 2>&1
		if ! grep -q "seems correct" "$log"; then
			fail "$name" "$log"
			sed -n '/^diff (result/,$p' "$log" | head -30
			continue
		fi
		# Idempotent: the migrated file is left alone by a second run.
		mkdir -p "$WORK/again/$(dirname "$base")"
		again=$WORK/again/$base.$target.c
		cp "$exp" "$again"
		if ! out=$(spatch_patch "$target" "$again" --very-quiet 2>&1) || [ -n "$out" ]; then
			fail "$name (second run)" "changed it again"
			echo "$out" | head -20
			continue
		fi
		record_check pass "$name"
		case $base in kernel/*) ;; *) cp "$exp" "$WORK/mod/${base}_$target.c" ;; esac
	done
done

# Report mode: one line per site, in spatch's file:line:col format.
for exp in $(find . -name '*.report' | sed 's|^\./||' | sort); do
	src=${exp%.report}.c
	got=$WORK/${exp//\//_}
	spatch --sp-file "$COCCI" --no-includes -D report --no-show-diff --very-quiet "$src" \
		> "$got" 2>&1
	if diff -u "$exp" "$got"; then
		record_check pass "cocci report: ${exp%.report}"
	else
		fail "cocci report: ${exp%.report}" "$got"
	fi
done

# The series' in-tree migration is exactly the script's output: rerun it
# on the parent of that commit, file by file.
subject="selftests/livepatch: Select the legacy replace policy explicitly"
commit=$(git -C "$TREE" log --format=%H --grep="^$subject\$" "$PRISTINE_TAG"..HEAD | head -1)
if [ -z "$commit" ]; then
	fail "cocci: in-tree migration commit" "no commit '$subject'"
else
	bad=
	for path in $(git -C "$TREE" diff --name-only "$commit^" "$commit"); do
		mkdir -p "$WORK/migration/$(dirname "$path")"
		git -C "$TREE" show "$commit^:$path" > "$WORK/migration/$path"
		(cd "$WORK/migration" && spatch --sp-file "$COCCI" --no-includes -D patch -D legacy \
			--in-place --very-quiet "$path" > /dev/null 2>&1)
		git -C "$TREE" show "$commit:$path" | diff -u - "$WORK/migration/$path" ||
			bad="$bad $path"
	done
	if [ -z "$bad" ]; then
		record_check pass "cocci: '$subject' is the script's output"
	else
		fail "cocci: '$subject' is the script's output" "differs:$bad"
	fi
fi

# The migrated in-tree modules build with W=1 and no warning the
# unmigrated ones did not have (file and message compared, not lines).
w1_warnings() {	# <commit>: W=1 warnings of the selftest modules at <commit>
	local dir=$WORK/w1-$1 mods=tools/testing/selftests/livepatch/test_modules
	mkdir -p "$dir"
	git -C "$TREE" archive "$1" "$mods" | tar -x -C "$dir"
	make -C "$OBJ" M="$dir/$mods" W=1 CC="$(kcc)" -j"$JOBS" modules \
		> "$LOGS/cocci-w1-$1.log" 2>&1 || echo "build failed: $LOGS/cocci-w1-$1.log"
	sed -n 's|^.*/\([^/:]*\):[0-9]*:[0-9]*: warning: |\1: |p' "$LOGS/cocci-w1-$1.log" | sort -u
}
if [ -n "$commit" ]; then
	new=$(comm -13 <(w1_warnings "$commit^") <(w1_warnings "$commit"))
	if [ -z "$new" ]; then
		record_check pass "cocci: the migrated selftest modules build with W=1, no new warning"
	else
		echo "$new"
		fail "cocci: the migrated selftest modules build with W=1, no new warning" \
			"$LOGS/cocci-w1-$commit.log"
	fi
fi

# Every migrated module builds against the test kernel, with W=1.
cp "$FIXTURES/fixture.h" "$WORK/mod/"
mods=$(cd "$WORK/mod" && ls *.c | sed 's/\.c$/.o/' | tr '\n' ' ')
echo "obj-m := $mods" > "$WORK/mod/Kbuild"
if make -C "$OBJ" M="$WORK/mod" W=1 CC="$(kcc)" -j"$JOBS" modules > "$LOGS/cocci-build.log" 2>&1 &&
	! grep -q 'warning:' "$LOGS/cocci-build.log"; then
	record_check pass "cocci: $(echo $mods | wc -w) expected outputs build with W=1"
else
	grep -E 'warning:|error:' "$LOGS/cocci-build.log" | head -20
	fail "cocci: expected outputs build with W=1" "$LOGS/cocci-build.log"
fi

# The kernel's own runner finds the script and its header options.
if make -C "$TREE" O="$OBJ" coccicheck MODE=report COCCI="$COCCI" M="$FIXTURES" \
	> "$LOGS/coccicheck.log" 2>&1 &&
	[ "$(grep -c 'WARNING: .replace without a replace policy' "$LOGS/coccicheck.log")" -gt 0 ] &&
	! grep -q 'kernel/livepatch/' "$LOGS/coccicheck.log"; then
	record_check pass "make coccicheck MODE=report on the fixtures"
else
	tail -20 "$LOGS/coccicheck.log"
	fail "make coccicheck MODE=report on the fixtures" "$LOGS/coccicheck.log"
fi

echo "cocci: $fails failed"
[ "$fails" = 0 ]
