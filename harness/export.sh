#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Carry the assembled tree back into the project: every commit on top of
# klp-pristine becomes patches/NNNN-<subject>.patch (its changes to files
# that already existed) plus the files it adds, listed in MANIFEST and
# written as they are at the end of the series (HEAD): the repository
# shows the code that runs, the later patches hold the changes made to
# them after the commit that adds them.
#
# Uncommitted edits in the tree are folded into its last commit first; to
# give them to an earlier one, commit them there yourself
# (git commit --fixup=<commit>; git rebase -i --autosquash klp-pristine).
. "$(dirname "$0")/lib.sh"
. "$PROJECT/harness/series-lib.sh"

need_tree
cd "$TREE"

if [ -n "$(git status --porcelain)" ]; then
	[ "$(git rev-list --count "$PRISTINE_TAG"..HEAD)" -gt 0 ] ||
		die "the tree has edits but no commit to hold them: commit them in $TREE first (git commit -s), with an upstream-style message"
	info "folding uncommitted edits into: $(git log -1 --format=%s)"
	tgit add -A .
	GIT_COMMITTER_DATE=$(git log -1 --format=%aI) tgit commit -q --amend --no-edit
fi

# Each added file is kept as HEAD has it, so it must still be there, and
# be added once: a file the series adds and a later commit deletes (or
# adds again) belongs in one commit.
commits=$(git rev-list --reverse "$PRISTINE_TAG"..HEAD)
adds=$(for sha in $commits; do
	git diff --no-renames --name-only --diff-filter=A "$sha^" "$sha" |
		sed "s|\$| $(git rev-parse --short "$sha")|"
done)
bad=$(
	echo "$adds" | awk 'NF { n[$1]++; at[$1] = at[$1] " " $2 }
		END { for (k in n) if (n[k] > 1) print k ": added by more than one commit:" at[k] }'
	echo "$adds" | while read -r kpath sha; do
		[ -z "$kpath" ] || git cat-file -e "HEAD:$kpath" 2>/dev/null ||
			echo "$kpath: added by $sha, deleted by a later commit"
	done)
[ -z "$bad" ] || die "$bad
the project keeps every file the series adds as the last commit has it:" \
	"fold its deletion (or second addition) into the commit that adds it"

new_manifest=$(mktemp)
trap 'rm -f "$new_manifest"' EXIT
{
	echo "# Where each project file goes in the kernel tree, and which commit of"
	echo "# the series (patches/) adds it.  Written by 'make export'."
	echo "# patch	project-path	kernel-path"
} > "$new_manifest"

rm -f "$PATCHES"/*.patch
mkdir -p "$PATCHES"
n=0
for sha in $commits; do
	n=$((n + 1))
	name=$(printf '%04d-%s.patch' "$n" "$(git log -1 --format=%f "$sha" | cut -c1-52)")
	added=$(git diff --no-renames --name-only --diff-filter=A "$sha^" "$sha")
	changed=$(git diff --no-renames --name-only --diff-filter=a "$sha^" "$sha")
	if [ -n "$changed" ]; then
		# shellcheck disable=SC2086
		git format-patch -q -1 --stdout --no-renames --no-signature "$sha" -- $changed > "$PATCHES/$name"
	else
		git log -1 --format=email "$sha" > "$PATCHES/$name"
	fi
	for kpath in $added; do
		ppath=$(project_path_for "$kpath")
		mkdir -p "$PROJECT/$(dirname "$ppath")"
		git show "HEAD:$kpath" > "$PROJECT/$ppath"
		if [ "$(git ls-tree HEAD -- "$kpath" | cut -d' ' -f1)" = 100755 ]; then
			chmod +x "$PROJECT/$ppath"
		else
			chmod -x "$PROJECT/$ppath"
		fi
		printf '%s\t%s\t%s\n' "$name" "$ppath" "$kpath" >> "$new_manifest"
	done
	echo "export: $name (${changed:+$(echo "$changed" | wc -l) changed}${changed:+, }$(echo "$added" | grep -c . || true) added)"
done

# Files an older export wrote that no commit adds any more.
comm -23 <(manifest_lines | awk '{ print $2 }' | sort) \
	 <(sed -e '/^#/d' "$new_manifest" | awk '{ print $2 }' | sort) |
	while read -r stale; do
		echo "export: removing $stale (no longer added by the series)"
		rm -f "$PROJECT/$stale"
	done

cp "$new_manifest" "$MANIFEST"
record_stamp "$(project_stamp "$(cat "$TREE/.git/klp-source")")"
echo "export: $n commits written to patches/ and MANIFEST; review with 'git -C $PROJECT status' and commit"
