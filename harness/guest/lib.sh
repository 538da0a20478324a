# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest jobs; sourced.

KLP=/sys/kernel/livepatch

# show_patches: every livepatch with its sysfs state, one line each.
show_patches() {
	local p attr line any=
	for p in "$KLP"/*; do
		[ -d "$p" ] || continue
		any=1
		line="  $(basename "$p"):"
		for attr in enabled transition replace replace_policy replaced replace_set replace_supersedes replace_tag hybrid/replaceable; do
			[ -r "$p/$attr" ] && line="$line $attr=\"$(cat "$p/$attr")\""
		done
		echo "$line"
	done
	[ -n "$any" ] || echo "  (no livepatch loaded)"
}

# wait_transition <patch>: until its transition ends (30 s at most).
wait_transition() {
	local i t
	for ((i = 0; i < 300; i++)); do
		# read, not $(cat): forking is slow in this guest
		read -r t < "$KLP/$1/transition" 2>/dev/null && [ "$t" = 0 ] && return 0
		[ -d "$KLP/$1" ] || return 0
		sleep 0.1
	done
	echo "transition of $1 did not finish" >&2
	return 1
}

# load <module> <params...>: insmod $MODS/<module>.ko and wait for its
# transition; LOAD_VERBOSE=1 echoes the command first (the demo).
load() {
	local mod=$1
	shift
	[ -z "${LOAD_VERBOSE:-}" ] || echo "  # insmod $mod.ko $*"
	insmod "$MODS/$mod.ko" "$@"
	wait_transition "$mod"
}

# step <title>: a numbered heading in the demo output.
STEP=0
step() {
	STEP=$((STEP + 1))
	echo
	echo "--- $STEP. $*"
}

# slab_live_kb <trace> [<sites> [<skip>]]: KiB of slab objects allocated and not
# freed in a trace of the kmem kmalloc, kmem_cache_alloc, kfree and
# kmem_cache_free events, or -1 when the ring buffer lost events; with
# <sites>, also writes "<call site>,<bytes>" lines to that file; call
# sites matching the regular expression <skip> are not counted. The
# pointers must be unhashed (no_hash_pointers: the guest's crng is not
# ready, hashed ones would all read "ptrval"). __alloc_object is
# kmemleak's own metadata, a cost of the debug kernel, not counted.
slab_live_kb() {
	awk -v sites="${2:-}" -v skip="${3:-^$}" '/ (kmalloc|kmem_cache_alloc): / && !/call_site=__alloc_object\+/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ptr=/) p = $i
			if ($i ~ /^call_site=/) { c = $i; sub(/^call_site=/, "", c); sub(/\+.*/, "", c) }
			if ($i ~ /^bytes_alloc=/) { sub(/^bytes_alloc=/, "", $i); b = $i }
		}
		live[p] = b
		site[p] = c
	}
	/ (kfree|kmem_cache_free): / {
		for (i = 1; i <= NF; i++) if ($i ~ /^ptr=/) delete live[$i]
	}
	/LOST/ { lost = 1 }
	END {
		for (p in live) {
			by[site[p]] += live[p]
			if (site[p] !~ skip)
				sum += live[p]
		}
		if (lost) print "-1"; else printf "%d\n", (sum + 512) / 1024
		if (sites != "")
			for (c in by) printf "%s,%d\n", c, by[c] > sites
	}' "$1"
}
