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
