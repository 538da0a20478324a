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

# apply_series: commit each patch, then the files MANIFEST assigns to it.
apply_series() {
	local patch name kpath ppath
	echo "assembling $(date +%s)" > "$STAMP"
	for patch in $(find "$PATCHES" -maxdepth 1 -type f -name '*.patch' | LC_ALL=C sort); do
		name=$(basename "$patch")
		tgit -C "$TREE" am -q --empty=keep --no-3way "$patch" ||
			die "patches/$name does not apply to $TREE (see 'git -C $TREE am --show-current-patch')"
		manifest_lines | awk -v n="$name" '$1 == n { print $2 " " $3 }' |
			while read -r ppath kpath; do
				mkdir -p "$TREE/$(dirname "$kpath")"
				cp "$PROJECT/$ppath" "$TREE/$kpath"
				tgit -C "$TREE" add -f "$kpath"
			done
		if ! git -C "$TREE" diff --cached --quiet; then
			GIT_COMMITTER_DATE=$(git -C "$TREE" log -1 --format=%aI) \
				tgit -C "$TREE" commit -q --amend --no-edit --allow-empty
		fi
	done
}
