#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks on the assembled tree, one result each for 'make check':
#  - sparse (C=2, so every file is checked, built or not) on the livepatch
#    core and the policies: no warning at all;
#  - checkpatch.pl --strict on every commit of the series (new files and
#    changes to upstream files alike);
#  - kernel-doc -Wall -none on every header and C file the series touches.
# Needs the test kernel configured and prepared (harness/kernel.sh).
. "$(dirname "$0")/lib.sh"

need_tree
[ -f "$OBJ/.config" ] || die "no configured test kernel in $OBJ: run 'make kernel' first"
RESULT_FILE=static
mkdir -p "$RESULTS" "$LOGS"
rm -f "$RESULTS/$RESULT_FILE"
fails=0

for dir in kernel/livepatch lib/klp_policy; do
	[ -d "$TREE/$dir" ] || continue
	log=$LOGS/sparse-${dir//\//-}.log
	if ! make -C "$TREE" O="$OBJ" -j"$JOBS" CC="$(kcc)" C=2 "$dir/" > "$log" 2>&1; then
		record_check fail "sparse: $dir/ (build failed)" "$log"
		fails=$((fails + 1))
		continue
	fi
	warnings=$(grep -E '(warning|error):' "$log" || true)
	if [ -n "$warnings" ]; then
		record_check fail "sparse: $dir/" "$(echo "$warnings" | wc -l) warnings, $log"
		echo "$warnings" | head -20
		fails=$((fails + 1))
	else
		record_check pass "sparse: $dir/ ($(grep -c " CHECK .*/$dir/" "$log") files)"
	fi
done

# checkpatch runs scripts/spdxcheck.py with the first python3 on PATH:
# Debian's, which has python3-ply and python3-git, not a pyenv one.
# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is ignored: the
# core patch adds lib/klp_policy/ to LIVE PATCHING, which already
# covers every other directory the series adds files to.
# UNKNOWN_COMMIT_ID is ignored: the assembled tree starts at the 6.12
# release, without the upstream history a Fixes: tag points into.
series=$BUILD/checkpatch
rm -rf "$series"
git -C "$TREE" format-patch -q -o "$series" "$PRISTINE_TAG"..HEAD
for patch in "$series"/*.patch; do
	[ -e "$patch" ] || break
	name=$(basename "$patch")
	if out=$(cd "$TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$patch" 2>&1); then
		record_check pass "checkpatch --strict: $name"
	else
		record_check fail "checkpatch --strict: $name"
		echo "$out" | head -40
		fails=$((fails + 1))
	fi
done

for file in $(git -C "$TREE" diff --name-only --diff-filter=d "$PRISTINE_TAG" HEAD -- '*.h' '*.c'); do
	case $file in tools/*) continue ;; esac
	out=$(cd "$TREE" && ./scripts/kernel-doc -Wall -none "$file" 2>&1)
	if [ -z "$out" ]; then
		record_check pass "kernel-doc: $file"
	else
		record_check fail "kernel-doc: $file"
		echo "$out" | head -20
		fails=$((fails + 1))
	fi
done

[ "$fails" = 0 ]
