# SPDX-License-Identifier: GPL-2.0
# How the project maps onto the kernel tree; sourced by tree.sh and
# export.sh, never run.
#
# patches/NNNN-*.patch   one commit of the series each, in file-name order:
#                        its message and its changes to files that existed
#                        before it (upstream files, or project files an
#                        earlier commit added)
# MANIFEST               "<patch> <project path> <kernel path>": the files
#                        that commit adds, kept in the project at their
#                        kernel path (selftests/ and coccinelle/ excepted)
#                        and as they are at the END of the series, so the
#                        repository shows the code that runs; the file as
#                        its commit adds it is that content with the later
#                        patches' changes to it undone (apply_series)
# patches/cover-letter   subject line, blank line, body of the series' cover

MANIFEST=$PROJECT/MANIFEST
PATCHES=$PROJECT/patches
STAMP=$BUILD/tree.stamp

# git with a fixed identity, so the harness works on a machine with no
# git configuration and assembles the same tree every time.
tgit() {
	GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-klp harness} \
	GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-klp-harness@localhost} \
	GIT_COMMITTER_NAME="klp harness" GIT_COMMITTER_EMAIL=klp-harness@localhost \
	GIT_COMMITTER_DATE=${GIT_COMMITTER_DATE:-2024-11-17T00:00:00Z} \
		git -c core.autocrlf=false -c advice.detachedHead=false "$@"
}

# manifest_lines: the MANIFEST without comments and blank lines.
manifest_lines() {
	[ -f "$MANIFEST" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$MANIFEST"
}

# project_path_for <kernel path>: where a file the series adds is kept.
project_path_for() {
	local kpath=$1 known
	known=$(manifest_lines | awk -v k="$kpath" '$3 == k { print $2; exit }')
	if [ -n "$known" ]; then
		echo "$known"
		return
	fi
	case $kpath in
	tools/testing/selftests/livepatch/*)
		echo "selftests/${kpath#tools/testing/selftests/livepatch/}" ;;
	scripts/coccinelle/api/*)
		echo "coccinelle/${kpath#scripts/coccinelle/api/}" ;;
	*)
		echo "$kpath" ;;
	esac
}

check_manifest() {
	local bad
	bad=$(manifest_lines | awk -v p="$PATCHES" -v root="$PROJECT" '
		NF != 3 { print "MANIFEST: expected 3 fields: " $0; next }
		seen[$3]++ { print "MANIFEST: kernel path listed twice: " $3 }
		{ print p "/" $1 "\t" root "/" $2 }' |
		while IFS=$'\t' read -r patch file; do
			case $patch in MANIFEST:*) echo "$patch"; continue ;; esac
			[ -f "$patch" ] || echo "MANIFEST: no such patch: ${patch#"$PROJECT"/}"
			[ -f "$file" ] || echo "MANIFEST: no such file: ${file#"$PROJECT"/}"
		done)
	[ -z "$bad" ] || die "$bad"
}

# project_stamp <source id>: changes whenever anything the tree is
# assembled from changes.
project_stamp() {
	{
		echo "$1"
		cat "$PROJECT/harness/series-lib.sh"
		[ ! -f "$MANIFEST" ] || cat "$MANIFEST"
		find "$PATCHES" -maxdepth 1 -type f -name '*.patch' | LC_ALL=C sort | xargs -r cat
		manifest_lines | awk '{ print $2 }' | (cd "$PROJECT" && xargs -r cat)
	} | sha256sum | cut -d' ' -f1
}

record_stamp() {
	echo "$1 $(git -C "$TREE" rev-parse HEAD)" > "$STAMP"
}

# The tree holds commits or changes that neither the project nor a
# half-done assembly explains.
tree_has_unexported_edits() {
	[ -f "$STAMP" ] || return 1
	[ "$(cut -d' ' -f1 "$STAMP")" != assembling ] || return 1
	[ -z "$(git -C "$TREE" status --porcelain)" ] || return 0
	[ "$(git -C "$TREE" rev-parse HEAD)" = "$(cut -d' ' -f2 "$STAMP")" ] || return 0
	return 1
}

# The tree was assembled from (or exported to) the project as it is now;
# it may have edits of its own on top.
tree_matches_stamp() {
	[ -f "$STAMP" ] && [ "$(cut -d' ' -f1 "$STAMP")" = "$1" ]
}

# series_patches: patches/*.patch in the order they apply.
series_patches() {
	find "$PATCHES" -maxdepth 1 -type f -name '*.patch' | LC_ALL=C sort
}

# apply_series: commit each patch, then the files MANIFEST assigns to it.
# A project file holds the end of the series; the patches after the one
# that adds it are undone on it (git apply -R, last patch first, only
# their hunks for that file) to give the file as that commit adds it.
apply_series() {
	local patches i j name kpath ppath
	echo "assembling $(date +%s)" > "$STAMP"
	mapfile -t patches < <(series_patches)
	for ((i = 0; i < ${#patches[@]}; i++)); do
		name=$(basename "${patches[i]}")
		tgit -C "$TREE" am -q --empty=keep --no-3way "${patches[i]}" ||
			die "patches/$name does not apply to $TREE (see 'git -C $TREE am --show-current-patch')"
		while read -r ppath kpath; do
			mkdir -p "$TREE/$(dirname "$kpath")"
			cp "$PROJECT/$ppath" "$TREE/$kpath"
			for ((j = ${#patches[@]} - 1; j > i; j--)); do
				grep -qxF "diff --git a/$kpath b/$kpath" "${patches[j]}" || continue
				tgit -C "$TREE" apply -R --whitespace=nowarn --include="$kpath" "${patches[j]}" ||
					die "$ppath: cannot undo the changes $(basename "${patches[j]}") makes to it" \
						"(the project keeps each added file as it is at the end of the series)"
			done
			tgit -C "$TREE" add -f "$kpath"
		done < <(manifest_lines | awk -v n="$name" '$1 == n { print $2 " " $3 }')
		if ! git -C "$TREE" diff --cached --quiet; then
			GIT_COMMITTER_DATE=$(git -C "$TREE" log -1 --format=%aI) \
				tgit -C "$TREE" commit -q --amend --no-edit --allow-empty
		fi
	done
}

# overlay_mismatches <commit>: the MANIFEST files whose project copy is not
# the file at <commit> of the tree (the series' last commit), one
# "<project path>: <why>" line each.
overlay_mismatches() {
	local commit=$1 ppath kpath
	manifest_lines | awk '{ print $2 " " $3 }' | while read -r ppath kpath; do
		if ! git -C "$TREE" cat-file -e "$commit:$kpath" 2>/dev/null; then
			echo "$ppath: $kpath is not in the series' last commit"
		elif ! git -C "$TREE" show "$commit:$kpath" | cmp -s - "$PROJECT/$ppath"; then
			echo "$ppath: differs from $kpath at the end of the series"
		fi
	done
}
