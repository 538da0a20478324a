#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the series as upstream mail: git format-patch with a cover letter
# (patches/cover-letter: subject, blank line, body) against the pristine
# 6.12 commit, into $BUILD/series; then prove it by applying it with
# git am to a pristine worktree and comparing the result with the tree.
. "$(dirname "$0")/lib.sh"
. "$PROJECT/harness/series-lib.sh"

need_tree
OUT=$BUILD/series
# The revision of the series these mails are (subjects "[PATCH v4 NN/MM]").
SERIES_VERSION=${SERIES_VERSION:-v4}
n=$(git -C "$TREE" rev-list --count "$PRISTINE_TAG"..HEAD)
rm -rf "$OUT"
if [ "$n" = 0 ]; then
	echo "series: no commits on top of $PRISTINE_TAG yet (patches/ is empty)"
	exit 0
fi

git -C "$TREE" config branch.klp-replace-policy.description "$(cat "$PATCHES/cover-letter")"
tgit -C "$TREE" format-patch -q --cover-letter --cover-from-description=subject \
	--subject-prefix="PATCH $SERIES_VERSION" \
	--base="$PRISTINE_TAG" -o "$OUT" "$PRISTINE_TAG"..HEAD

# The mail, not only the tree, adds every file the MANIFEST lists.
missing=$(manifest_lines | while read -r _ _ kpath; do
	grep -qxF "diff --git a/$kpath b/$kpath" "$OUT"/*.patch &&
		grep -A1 -xF "diff --git a/$kpath b/$kpath" "$OUT"/*.patch | grep -q '^[^ ]*new file mode' ||
		echo "$kpath"
done)
[ -z "$missing" ] || die "the mailed series does not add these MANIFEST files:" $missing

# git am onto a pristine worktree must give exactly the assembled tree.
check=$BUILD/series-check
git -C "$TREE" worktree remove -f "$check" 2>/dev/null || rm -rf "$check"
git -C "$TREE" worktree prune
tgit -C "$TREE" worktree add -q --detach "$check" "$PRISTINE_TAG"
trap 'git -C "$TREE" worktree remove -f "$check"' EXIT
mapfile -t mails < <(find "$OUT" -name '*.patch' ! -name '0000-*' | LC_ALL=C sort)
tgit -C "$check" am -q --empty=keep "${mails[@]}" ||
	die "the series does not apply with git am to $PRISTINE_TAG"
if ! git -C "$TREE" diff --quiet HEAD "$(git -C "$check" rev-parse HEAD)"; then
	die "git am of the series does not reproduce the assembled tree"
fi
echo "series: $n patches + cover letter in $OUT, adding all $(manifest_lines | wc -l) MANIFEST files; git am onto $PRISTINE_TAG reproduces the tree"
ls "$OUT"
