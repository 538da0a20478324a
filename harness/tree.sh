#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Assemble the patched kernel tree in $BUILD/linux: one commit for the
# pristine 6.12 source (Debian's linux-source-6.12, or KSRC=<your tree>),
# tagged klp-pristine, then one commit per file in patches/, each with the
# project files the MANIFEST assigns to it.  Re-running is a no-op while
# the project has not changed since the tree was assembled or exported
# (edits made in the tree since are kept and used); when it has, a tree
# with edits that were not exported is never overwritten unless FORCE=1.
# Then checks (one result for 'make check') that every file the series
# adds is kept in the project as it is in the series' last commit.
. "$(dirname "$0")/lib.sh"
. "$PROJECT/harness/series-lib.sh"

KSRC=${KSRC:-}
FORCE=${FORCE:-0}
RESULT_FILE=${RESULT_FILE:-tree}
mkdir -p "$RESULTS"
rm -f "$RESULTS/$RESULT_FILE"

# verify_overlay <commit>: each MANIFEST file equals that file at <commit>,
# the last commit assembled from (or exported to) the project.
verify_overlay() {
	local commit=$1 bad what
	what="tree: the $(manifest_lines | wc -l) files the series adds are kept as its last commit has them"
	if ! git -C "$TREE" cat-file -e "$commit^{commit}" 2>/dev/null; then
		echo "tree: commit $commit (last assembled or exported) is gone from $TREE; project files not compared"
		return 0
	fi
	bad=$(overlay_mismatches "$commit")
	if [ -n "$bad" ]; then
		record_check fail "$what"
		echo "$bad" | sed 's/^/  /' >&2
		die "the files above are not the end of the series (commit $(git -C "$TREE" rev-parse --short "$commit") of $TREE):" \
			"the project must keep every file the series adds as the series' last commit has it"
	fi
	record_check pass "$what"
}

# Check the source before touching anything.
if [ -n "$KSRC" ]; then
	[ -d "$KSRC" ] || die "KSRC=$KSRC: no such directory"
	KSRC=$(cd "$KSRC" && pwd)
	ver=$(kver_of "$KSRC")
	[ -n "$ver" ] || die "KSRC=$KSRC: not a kernel source tree (no Makefile with VERSION/PATCHLEVEL)"
	[ "$ver" = 6.12 ] || die "KSRC=$KSRC: Linux $ver, this project needs a 6.12 tree"
	src_id="dir:$KSRC"
else
	[ -f "$DEBIAN_KSRC_TARBALL" ] ||
		die "$DEBIAN_KSRC_TARBALL not found: run 'make deps' (package linux-source-6.12) or pass KSRC=<6.12 tree>"
	src_id="tarball:$(stat -c '%n %s %Y' "$DEBIAN_KSRC_TARBALL")"
fi

check_manifest
want=$(project_stamp "$src_id")

if [ -d "$TREE/.git" ]; then
	if tree_matches_stamp "$want"; then
		if tree_has_unexported_edits; then
			echo "tree: $TREE has edits not exported yet; using them as they are ('make export' carries them back)"
		else
			echo "tree: $TREE is up to date ($(git -C "$TREE" rev-list --count "$PRISTINE_TAG"..HEAD) project commits)"
		fi
		verify_overlay "$(cut -d' ' -f2 "$STAMP")"
		exit 0
	fi
	if tree_has_unexported_edits && [ "$FORCE" != 1 ]; then
		die "$TREE has edits that are not in the project yet: run 'make export' to carry them back, or 'make tree FORCE=1' to discard them"
	fi
	if [ "$(cat "$TREE/.git/klp-source" 2>/dev/null)" != "$src_id" ]; then
		info "kernel source changed: assembling a new tree"
		rm -rf "$TREE"
	fi
fi

if [ ! -d "$TREE/.git" ]; then
	start=$(date +%s)
	new=$BUILD/linux.new
	rm -rf "$new"
	mkdir -p "$new"
	if [ -n "$KSRC" ]; then
		info "copying $KSRC"
		rsync -a --exclude=.git "$KSRC/" "$new/"
	else
		info "extracting $DEBIAN_KSRC_TARBALL"
		tar -xf "$DEBIAN_KSRC_TARBALL" -C "$new" --strip-components=1
	fi
	[ "$(kver_of "$new")" = 6.12 ] || die "the extracted source is not Linux 6.12"
	[ ! -e "$new/.config" ] || die "the kernel source has a .config: clean it (make mrproper) first"
	# Debian's source package ignores every top-level entry (its packaging
	# lives in a separate repository), which would hide every file the
	# series adds from git; drop that stanza, nothing else.
	sed -i '/^# Debian packaging: ignore everything at the top level/,/^!\/debian\/$/d' "$new/.gitignore"
	kver=$(make -s -C "$new" kernelversion)
	info "committing pristine Linux $kver"
	tgit -C "$new" init -q -b klp-replace-policy
	tgit -C "$new" add -A -f .
	tgit -C "$new" commit -q -m "Linux $kver (pristine, from ${KSRC:-Debian linux-source-6.12})"
	tgit -C "$new" tag "$PRISTINE_TAG"
	echo "$src_id" > "$new/.git/klp-source"
	mv "$new" "$TREE"
	echo "tree: pristine source ready in $(since "$start")s"
else
	info "resetting $TREE to $PRISTINE_TAG"
	git -C "$TREE" am --abort >/dev/null 2>&1 || true
	tgit -C "$TREE" checkout -q -f -B klp-replace-policy "$PRISTINE_TAG"
	tgit -C "$TREE" clean -q -fdx
fi

apply_series
record_stamp "$want"
echo "tree: $TREE assembled: $(git -C "$TREE" rev-list --count "$PRISTINE_TAG"..HEAD) project commits on $PRISTINE_TAG"
verify_overlay HEAD
