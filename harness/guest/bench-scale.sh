#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job for 'make bench-scale': a cumulative update of C functions
# replacing one of the same size, with k off-band patches of F functions
# loaded, per replace policy; the same job runs on the series' kernel
# and on pristine 6.12 (klp.scale=<kernel>[,smoke]). One line per sample:
#   SCALE,<kernel>,<policy>,<measure>,<C>,<k>,<value>
# Measures: enable_us (finit_module() of the update: module load, init,
# klp_enable_patch()), klp_enable_us (klp_enable_patch() alone),
# checks_us (the policy's decision and the checks: klp_policy_prepare()
# on the series, klp_is_patch_compatible() on pristine, to the next
# step), nops_us (from the patch's kobject_add() to its first object's:
# klp_add_nops() and, on the series, its sysfs files), transition_us (end
# of klp_enable_patch() to the end of the transition), offband_enable_us
# (a stacking patch loaded beside the cumulative one and k off-band
# ones), slab_kb (slab memory the update keeps, k = 0), call_ps (a call
# of kf0: patched by C functions, after the update at k = 0 and at the
# largest k; policy "none": before any livepatch). Each timed measure is
# taken REPS times per point.
# All loads go through /scale/klp-load, one coprocess for the whole job:
# forks cost up to a second in this guest.
. /harness/lib.sh
set -e

D=/scale
read -r cmdline < /proc/cmdline
arg=${cmdline##*klp.scale=}
arg=${arg%% *}
kernel=${arg%%,*}
F=4
BASE=4096	# off-band patch i patches kf<BASE + F * i> ...
if [ "${arg#*,}" = smoke ]; then
	CS="32 256" KS="0 4" ROUNDS=5 REPS=1
else
	CS="32 256 1024 4096" KS="0 16 64 256" ROUNDS=50 REPS=3
fi
KMAX=256	# off-band patch KMAX is the stacking probe
PROBE=klp_scale_p998
POLICIES="legacy replace_set tag"
[ "$kernel" = pristine ] && POLICIES=legacy

echo 1 > /proc/sys/kernel/printk
echo scan=off > /sys/kernel/debug/kmemleak 2>/dev/null || true
trap 'echo 7 > /proc/sys/kernel/printk; echo "bench-scale: kernel log"; dmesg' EXIT

sample() { echo "SCALE,$kernel,$1,$2,$3,$4,$5"; }
die_scale() { echo "SCALE-ERROR: $*"; exit 1; }

coproc KL { "$D/klp-load"; }
# kl <command>: one command to klp-load, its reply in $REPLY_LINE.
kl() {
	echo "$*" >&"${KL[1]}"
	read -r REPLY_LINE <&"${KL[0]}" || die_scale "klp-load exited on: $*"
}

# load_mod <module> <params...>: ENABLE_US, TRANS_US
load_mod() {
	local r
	kl "load $D/$1.ko ${*:2}"
	read -r -a r <<< "$REPLY_LINE"
	[ "${r[2]}" = 0 ] || die_scale "load $1 ${*:2}: ${r[2]}"
	ENABLE_US=${r[3]} TRANS_US=${r[4]}
}

rm_mods() {
	[ $# -gt 0 ] || return 0
	kl "rmmod $*"
	[ "$REPLY_LINE" = "rmmod 0" ] || die_scale "$REPLY_LINE"
}

cum_params() {
	case $1 in
	legacy) echo "replace=1" ;;
	replace_set) echo "policy=replace_set replace_set=0" ;;
	tag) echo "policy=tag replace_tag=1" ;;
	esac
}

off_params() {
	local p
	case $1 in
	legacy) p= ;;
	replace_set) p="policy=replace_set replace_set=$((100 + $2))" ;;
	tag) p="policy=tag replace_tag=$((100 + $2))" ;;
	esac
	echo "$p first=$((BASE + F * $2)) count=$F"
}

off_name() { printf 'klp_scale_p%03d' "$1"; }

T=/sys/kernel/debug/tracing
echo 0 > $T/tracing_on
echo nop > $T/current_tracer
: > $T/set_ftrace_filter
for f in klp_policy_prepare klp_is_patch_compatible kobject_init kobject_add; do
	echo "$f" >> $T/set_ftrace_filter 2>/dev/null || true
done
echo 65536 > $T/buffer_size_kb

# The split of the last traced load: CHECKS_US, NOPS_US.
split_trace() {
	local task cpu flags ts fn rest us start= pstart= init= add1= add2=
	while read -r task cpu flags ts fn rest; do
		[ "${task#klp-load-}" != "$task" ] || continue
		ts=${ts%:}
		us=$((${ts%.*} * 1000000 + 10#${ts#*.}))
		case $fn in
		klp_policy_prepare) start=$us ;;
		klp_is_patch_compatible) [ -n "$start" ] || pstart=$us ;;
		kobject_init) [ -n "$pstart" ] && [ -z "$init" ] && init=$us ;;
		kobject_add)
			[ -n "$start$pstart" ] || continue
			if [ -z "$add1" ]; then
				add1=$us
			else
				add2=$us
				break
			fi ;;
		esac
	done < $T/trace
	[ -n "$add2" ] || die_scale "trace of the update incomplete"
	if [ -n "$start" ]; then
		CHECKS_US=$((add1 - start))
	else
		CHECKS_US=$((init - pstart))
	fi
	NOPS_US=$((add2 - add1))
}

traced_load() {
	echo function > $T/current_tracer
	echo > $T/trace
	echo 1 > $T/tracing_on
	load_mod "$@"
	echo 0 > $T/tracing_on
	split_trace
	echo nop > $T/current_tracer
}

hot() {
	echo "0 $ROUNDS" > /sys/module/klp_scale_target/parameters/call
	read -r CALL_PS < /sys/module/klp_scale_target/parameters/call_ps
}

# Slab memory the last load allocated and still holds (KiB): kmem
# tracepoints from its start to the end of its transition, as make
# bench's slab_kb (harness/guest/bench.sh); kmemleak's own metadata
# excluded, -1 when the ring buffer lost events.
slab_load() {
	local e
	for e in kmalloc kmem_cache_alloc kfree kmem_cache_free; do
		echo 1 > "$T/events/kmem/$e/enable"
	done
	echo > $T/trace
	echo 1 > $T/tracing_on
	load_mod "$@"
	echo 0 > $T/tracing_on
	for e in kmalloc kmem_cache_alloc kfree kmem_cache_free; do
		echo 0 > "$T/events/kmem/$e/enable"
	done
	SLAB_KB=$(awk '/ (kmalloc|kmem_cache_alloc): / && !/call_site=__alloc_object\+/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ptr=/) p = $i
			if ($i ~ /^bytes_alloc=/) { sub(/^bytes_alloc=/, "", $i); b = $i }
		}
		live[p] = b
	}
	/ (kfree|kmem_cache_free): / {
		for (i = 1; i <= NF; i++) if ($i ~ /^ptr=/) delete live[$i]
	}
	/LOST/ { lost = 1 }
	END {
		for (p in live) sum += live[p]
		if (lost) print "-1"; else printf "%d\n", (sum + 512) / 1024
	}' $T/trace)
}

# The cumulative update: $new replaces $old (C functions each); the
# off-band patches 0 .. k - 1 must be loaded. Legacy's update replaces
# them too, and they are removed after it.
old=klp_scale_p900 new=klp_scale_p901
update() {	# update <policy> <C> <k> [slab]
	local mods i
	if [ -n "$4" ]; then
		slab_load $new $(cum_params $1) first=0 count=$2
		sample "$1" slab_kb "$2" "$3" "$SLAB_KB"
	else
		traced_load $new $(cum_params $1) first=0 count=$2
		sample "$1" enable_us "$2" "$3" "$ENABLE_US"
		sample "$1" transition_us "$2" "$3" "$TRANS_US"
		sample "$1" checks_us "$2" "$3" "$CHECKS_US"
		sample "$1" nops_us "$2" "$3" "$NOPS_US"
		read -r ns < /sys/module/$new/parameters/enable_ns
		sample "$1" klp_enable_us "$2" "$3" $((ns / 1000))
	fi
	mods=$old
	if [ "$1" = legacy ]; then
		for ((i = 0; i < have; i++)); do mods="$mods $(off_name $i)"; done
		have=0
	fi
	rm_mods $mods
	local tmp=$old
	old=$new new=$tmp
}

offband_upto() {	# offband_upto <policy> <k>: off-band patches 0 .. k - 1 loaded
	for ((; have < $2; have++)); do
		load_mod "$(off_name $have)" $(off_params "$1" $have)
	done
}

insmod $D/klp_scale_target.ko
hot
sample none call_ps 0 0 "$CALL_PS"

for policy in $POLICIES; do
	for C in $CS; do
		load_mod $old $(cum_params $policy) first=0 count=$C
		have=0
		for k in $KS; do
			for ((r = 0; r < REPS; r++)); do
				offband_upto $policy "$k"
				update $policy "$C" "$k"
			done
			offband_upto $policy "$k"
			# A stacking patch loaded beside the k off-band ones and
			# the cumulative one, then disabled.
			for ((r = 0; r < REPS; r++)); do
				load_mod $PROBE $(off_params $policy "$KMAX")
				sample $policy offband_enable_us "$C" "$k" "$ENABLE_US"
				kl "disable $PROBE"
				[ "$REPLY_LINE" = "disable $PROBE 0" ] || die_scale "$REPLY_LINE"
				rm_mods $PROBE
			done
			if [ "$k" -eq 0 ]; then
				hot
				sample $policy call_ps "$C" 0 "$CALL_PS"
				update $policy "$C" 0 slab
			fi
		done
		hot
		sample $policy call_ps "$C" "$k" "$CALL_PS"
		# One legacy replacing patch sweeps everything away, then goes.
		load_mod klp_scale_p999 replace=1 first=0 count=1
		kl "disable klp_scale_p999"
		[ "$REPLY_LINE" = "disable klp_scale_p999 0" ] || die_scale "$REPLY_LINE"
		mods="$old klp_scale_p999"
		for ((i = 0; i < have; i++)); do mods="$mods $(off_name $i)"; done
		rm_mods $mods
	done
done
echo "SCALE-DONE"
