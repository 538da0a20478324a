#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job for 'make bench': measures what scoped replacement saves.
# Prints one "BENCH,<measure>,<policy>,<x>,<value>" line per sample;
# harness/bench-report.py turns them into the table, CSV and plot.
# klp.bench=smoke on the command line runs a tiny version for make check,
# klp.bench=foldin only the fold-in measurement (section 5), klp.bench=stall
# only the stall (section 2), ten times.
. /harness/lib.sh
set -e

MODS=/bench
mode=$(sed -n 's/.*klp\.bench=\([^ ]*\).*/\1/p' /proc/cmdline)
NFUNCS=320	# klp_bench_fn_0 .. 319, see harness/bench.sh
C=32	# functions of the cumulative patch
F=4	# functions of each off-band patch
if [ "$mode" = smoke ]; then
	KS="0 1" REPEAT=1 LAT_REPEAT=1 PROBES=3 NS="1 2" ROUNDS=20 STALL_WAKE=5
elif [ "$mode" = foldin ]; then
	REPEAT=5
elif [ "$mode" = stall ]; then
	REPEAT=10 STALL_WAKE=5
else
	# The latency samples are the noisiest (single ms spans), hence more.
	KS="0 1 4 16 64" REPEAT=3 LAT_REPEAT=5 PROBES=20 NS="1 4 16 64" ROUNDS=200 STALL_WAKE=5
fi

echo 1 > /proc/sys/kernel/printk_ratelimit 2>/dev/null || true
# Every livepatch message would otherwise be written to the serial
# console, one emulated I/O per character, inside the timed spans. The
# kernel log is kept (log_buf_len, see harness/bench.sh) and printed at
# the end, so the harness still scans all of it for splats.
echo 1 > /proc/sys/kernel/printk
trap 'echo 7 > /proc/sys/kernel/printk; echo "bench: kernel log"; dmesg' EXIT
# kmemleak's periodic scan takes seconds on this single vCPU and would
# land inside timed spans; init still scans once the job is done.
echo scan=off > /sys/kernel/debug/kmemleak 2>/dev/null || true

sample() { echo "BENCH,$1,$2,$3,$4"; }
die_bench() { echo "BENCH-ERROR: $*"; exit 1; }

# Module pNN with a policy's scope: scope <policy> <cumulative|offband N>
scope() {
	case $1:$2 in
	legacy:cumulative) echo "replace=1" ;;
	legacy:offband) echo "" ;;
	replace_set:cumulative) echo "policy=replace_set replace_set=0" ;;
	replace_set:offband) echo "policy=replace_set replace_set=$((100 + $3))" ;;
	tag:cumulative) echo "policy=tag replace_tag=1" ;;
	tag:offband) echo "policy=tag replace_tag=$((100 + $3))" ;;
	esac
}

# span_us <module> [<start line>]: microseconds from this script's
# "insmod <module>" marker (or the last <start line>) to the livepatch's
# "patching complete", in one dmesg pass
span_us() {
	dmesg | awk -v m="${2:-klp_bench: insmod $1}" -v c="livepatch: '$1': patching complete" '
		function us(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); split(l, t, "."); return t[1] * 1000000 + t[2] }
		index($0, m) { s = us($0) }
		index($0, c) { e = us($0) }
		END { print e - s }'
}

# funcs_of <patch>: the target functions it patches, from sysfs. The
# helpers here use shell builtins only: every fork costs ~1 s in this
# guest, which would otherwise dominate the run.
funcs_of() {
	local f
	for f in "$KLP/$1/klp_bench_target/"*,*; do
		[ -e "$f" ] && printf '%s\n' "${f##*/}"
	done
}

patches() {	# the enabled livepatches, one per line
	local p
	for p in "$KLP"/*; do
		[ -d "$p" ] && printf '%s\n' "${p##*/}"
	done
}

loaded() {
	[ -d "/sys/module/$1" ]
}

# Slab memory a cumulative update costs: kmem tracepoints record every
# slab allocation and free from insmod to the end of the transition; what
# was allocated in that window and is still live at its end is counted
# (the new patch's kobjects, sysfs nodes, klp_ops, nops, ftrace hashes).
# Tracepoints fire when kfree() is called, so KASAN's quarantine does not
# blur it as it does /proc/meminfo. Traced updates are not timed
# (slab_live_kb in harness/guest/lib.sh counts).
T=/sys/kernel/debug/tracing
slab_trace_start() {
	local e
	echo 0 > $T/tracing_on
	echo 16384 > $T/buffer_size_kb
	for e in kmalloc kmem_cache_alloc kfree kmem_cache_free; do
		echo 1 > "$T/events/kmem/$e/enable"
	done
	echo > $T/trace
	echo 1 > $T/tracing_on
}

slab_trace_kb() {	# live KiB allocated since slab_trace_start
	echo 0 > $T/tracing_on
	slab_live_kb $T/trace
}

# remove <module>...: rmmod them, once freed livepatches have dropped
# their references. One rmmod for many modules: forks are what is slow.
remove() {
	local i m left
	for ((i = 0; i < 100; i++)); do
		left=
		for m in "$@"; do loaded "$m" && left="$left $m"; done
		[ -z "$left" ] && return 0
		rmmod $left 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod $left
}

# unload_all: one legacy replacing patch sweeps every livepatch away in a
# single transition, then goes itself; then the modules are removed.
unload_all() {
	local p mods=
	if [ -n "$(patches)" ]; then
		load klp_bench_p99 replace=1 first=$((NFUNCS - 1)) count=1
		echo 0 > "$KLP/klp_bench_p99/enabled"
		while [ -n "$(patches)" ]; do sleep 0.1; done
	fi
	for p in /sys/module/klp_bench_p*; do
		[ -d "$p" ] && mods="$mods ${p##*/}"
	done
	# shellcheck disable=SC2086 # one word per module
	[ -n "$mods" ] && remove $mods
	remove klp_bench_target
}

# 1. Transition scope: cumulative update with k off-band fixes loaded.
# Scoped policies keep the fixes, so they are added as k grows and the
# cumulative patch is updated REPEAT times at each k (p00 and p01 take
# turns), plus once more with its slab allocations traced. Legacy drops
# them, so each legacy update carries them (C + kF functions) and they are
# loaded again, as non-replacing patches, first.
update() {	# update <policy> <k> <count> [slab]: one cumulative update, measured
	local policy=$1 k=$2 count=$3 traced=$4 old new p f n nops replaced=
	local -A replaced_funcs=()
	if [ -d "$KLP/klp_bench_p01" ]; then old=klp_bench_p01 new=klp_bench_p00
	else old=klp_bench_p00 new=klp_bench_p01; fi
	loaded $new && remove $new
	before=$(patches)
	for p in $before; do funcs_of "$p" > "/tmp/funcs.$p"; done
	[ -n "$traced" ] && slab_trace_start
	echo "klp_bench: insmod $new" > /dev/kmsg
	load $new $(scope $policy cumulative) first=0 count=$count
	[ -n "$traced" ] && sample slab_kb $policy "$k" "$(slab_trace_kb)"
	# Replaced patches leave sysfs once freed; kept ones stay.
	for p in $before; do
		while [ -d "$KLP/$p" ] && read -r f < "$KLP/$p/enabled" && [ "$f" = 0 ]; do
			sleep 0.1
		done
		[ -d "$KLP/$p" ] && continue
		replaced="$replaced $p"
		while read -r f; do replaced_funcs[$f]=1; done < "/tmp/funcs.$p"
	done
	# Functions of the replaced patches the new one does not patch get nops.
	nops=0
	for f in "${!replaced_funcs[@]}"; do
		[ -e "$KLP/$new/klp_bench_target/$f" ] || nops=$((nops + 1))
	done
	n=0
	for f in "$KLP/$new/klp_bench_target/"*,*; do n=$((n + 1)); done
	[ -n "$traced" ] && return
	set -- $replaced
	sample transitioned $policy "$k" $((n + nops))
	sample replaced_patches $policy "$k" $#
	sample insmod_to_complete_us $policy "$k" "$(span_us $new)"
}

offband() {	# offband <policy> <from> <to>: load off-band fixes from..to-1
	local i m
	for ((i = $2; i < $3; i++)); do
		printf -v m 'klp_bench_p%02d' $((i + 2))
		load "$m" $(scope "$1" offband "$i") first=$((C + i * F)) count=$F
	done
}

# klp.bench=foldin runs only section 5, with more repeats.
if [ "$mode" != foldin ]; then
	[ "$mode" = stall ] || for policy in replace_set tag; do
		insmod $MODS/klp_bench_target.ko
		load klp_bench_p00 $(scope $policy cumulative) first=0 count=$C
		have=0
		for k in $KS; do
			offband $policy $have "$k"
			have=$k
			for ((r = 0; r < REPEAT; r++)); do update $policy "$k" $C; done
			update $policy "$k" $C slab
		done
		unload_all
	done

	# Legacy: the first update at each k replaces the k fixes too, so it must
	# carry them; the next ones replace a cumulative patch that carries them.
	[ "$mode" = stall ] || {
	insmod $MODS/klp_bench_target.ko
	load klp_bench_p00 replace=1 first=0 count=$C
	for k in $KS; do
		mods=
		for ((i = 0; i < k; i++)); do
			printf -v m 'klp_bench_p%02d' $((i + 2))
			mods="$mods $m"
		done
		# shellcheck disable=SC2086 # one word per module
		[ -n "$mods" ] && remove $mods
		offband legacy 0 "$k"
		for ((r = 0; r < REPEAT; r++)); do
			update legacy "$k" $((C + k * F))
		done
		update legacy "$k" $((C + k * F)) slab
	done
	unload_all
	}

	# 2. Stall: a task sleeps in the off-band fix's code during the update.
	for policy in legacy replace_set; do
		for ((r = 0; r < REPEAT; r++)); do
			insmod $MODS/klp_bench_target.ko
			load klp_bench_p00 $(scope $policy cumulative) first=0 count=$C
			load klp_bench_p02 $(scope $policy offband 0) first=$C count=$F sleepfn=1 sleep=1
			echo 1 > /sys/module/klp_bench_target/parameters/sleeper
			sleep 1
			if [ $policy = legacy ]; then
				extra="count=$((C + F)) sleepfn=1"
			else
				extra="count=$C"
			fi
			(sleep "$STALL_WAKE"; echo 0 > /sys/module/klp_bench_p02/parameters/sleep) &
			waker=$!
			echo "klp_bench: insmod klp_bench_p01" > /dev/kmsg
			load klp_bench_p01 $(scope $policy cumulative) first=0 $extra
			asleep=$(cat /sys/module/klp_bench_p02/parameters/sleep)
			sample stall_us $policy "$STALL_WAKE" "$(span_us klp_bench_p01)"
			# From "enabling patch" (__klp_enable_patch(): after the
			# decision, the checks and the nops) to "patching complete".
			sample stall_kernel_us $policy "$STALL_WAKE" "$(span_us klp_bench_p01 "livepatch: enabling patch 'klp_bench_p01'")"
			sample stall_sleeper_still_asleep $policy "$STALL_WAKE" "$([ "$asleep" = Y ] && echo 1 || echo 0)"
			wait $waker
			echo 0 > /sys/module/klp_bench_target/parameters/sleeper
			unload_all
		done
	done

	[ "$mode" = stall ] && { echo "BENCH-DONE"; exit 0; }

	# 3. Enable latency against the number of loaded patches (replace_set):
	# enable_ns is a whole klp_enable_patch() of a new set's patch (policy,
	# checks, kobjects, ftrace registration); decide_ns is one refused at the
	# very end of the scan (its last function is the newest patch's), which
	# is the policy's decision and scope checks over every loaded patch: the
	# fastest of PROBES tries within one insmod.
	# 4. Hot path: calls to a patched function (klp_bench_fn_0, patched by
	# p01) with 0 and then with all those unrelated patches loaded; each
	# sample is the fastest of ROUNDS rounds of 1000 calls, after one
	# untimed pass so TCG has translated the path.
	hot() {
		echo "0 $ROUNDS" > /sys/module/klp_bench_target/parameters/call
		cat /sys/module/klp_bench_target/parameters/call_ps
	}
	insmod $MODS/klp_bench_target.ko
	load klp_bench_p01 policy=replace_set replace_set=0 first=0 count=1
	hot > /dev/null
	for ((r = 0; r < LAT_REPEAT; r++)); do
		sample call_ps replace_set 0 "$(hot)"
	done
	have=0
	for n in $NS; do
		offband replace_set $have "$n"
		have=$n
		last=$((C + (n - 1) * F))
		for ((r = 0; r < LAT_REPEAT; r++)); do
			load klp_bench_p00 policy=replace_set replace_set=7 first=$((C + n * F)) count=$F
			sample enable_ns replace_set "$n" "$(cat /sys/module/klp_bench_p00/parameters/enable_ns)"
			echo 0 > "$KLP/klp_bench_p00/enabled"
			while [ -d "$KLP/klp_bench_p00" ]; do sleep 0.1; done
			remove klp_bench_p00
			insmod $MODS/klp_bench_p98.ko policy=replace_set replace_set=999 \
				first=$((C + n * F)) count=$F conflict=$last probes=$PROBES 2>/dev/null &&
				die_bench "probe patch was not refused"
			sample decide_ns replace_set "$n" \
				"$(dmesg | grep 'klp_bench_p98: enable_ns=' | tail -1 | sed 's/.*enable_ns=\([0-9]*\) ret=-22$/\1/')"
		done
	done
	hot > /dev/null
	for ((r = 0; r < LAT_REPEAT; r++)); do
		sample call_ps replace_set "$have" "$(hot)"
	done
	unload_all
fi

# 5. Folding an off-band fix into the cumulative line: v2 (cumulative)
# and an off-band fix whose klp_bench_fold_fn() returns 1 are enabled;
# v3 carries the fix (returns 2) and the fix's other functions.
# klp_bench_target's watcher calls the
# function in a loop and counts the calls that ran its original code
# (returns 0): the exposure window. Another off-band fix (set 8) shows
# which methods keep the fixes they do not fold in. Methods:
# - supersede: v3 (set 0) supersedes the fix's set 7: one transition
# - disable_then_load: the only way without supersede lists: disable the
#   fix, wait until it is gone, load v3 (set 0): two transitions
# - legacy_replace: a legacy replacing v3: one transition, but it would
#   replace every other off-band fix as well
# nap: sleep 10 ms without a fork (read -t on a FIFO nobody writes)
mkfifo /tmp/nap
exec {NAP_FD}<> /tmp/nap
nap() {
	read -r -t 0.01 -u "$NAP_FD" _ || true
}

# foldin_span: "<transitions> <us>" since the "foldin start" marker:
# the transitions that completed and the time until the last one did
foldin_span() {
	dmesg | awk '
		function us(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); split(l, t, "."); return t[1] * 1000000 + t[2] }
		/klp_bench: foldin start/ { s = us($0); n = 0; e = s }
		/livepatch: .*: (patching|unpatching) complete/ && s { n++; e = us($0) }
		END { print n, e - s }'
}

foldin() {	# foldin <method>
	local method=$1 v2 fix other v3 n us calls unfixed folded window
	local W=/sys/module/klp_bench_target/parameters
	case $method in
	legacy_replace) v2="replace=1" fix="" other="" v3="replace=1" ;;
	supersede)
		v2="policy=replace_set replace_set=0"
		fix="policy=replace_set replace_set=7"
		other="policy=replace_set replace_set=8"
		v3="$v2 supersedes=7" ;;
	disable_then_load)
		v2="policy=replace_set replace_set=0"
		fix="policy=replace_set replace_set=7"
		other="policy=replace_set replace_set=8"
		v3="$v2" ;;
	esac
	insmod $MODS/klp_bench_target.ko
	load klp_bench_p00 $v2 first=0 count=$C
	load klp_bench_p02 $fix first=$C count=$F foldval=1
	load klp_bench_p03 $other first=$((C + F)) count=$F
	echo 1 > $W/watch
	nap
	echo "klp_bench: foldin start" > /dev/kmsg
	if [ "$method" = disable_then_load ]; then
		echo 0 > "$KLP/klp_bench_p02/enabled"
		while [ -d "$KLP/klp_bench_p02" ]; do nap; done
	fi
	# v3 folds the fix in: it patches the fix's functions too (a
	# superseding patch that left one out would be refused).
	load klp_bench_p01 $v3 first=0 count=$((C + F)) foldval=2
	while [ -d "$KLP/klp_bench_p00" ] || [ -d "$KLP/klp_bench_p02" ]; do nap; done
	# A replaced patch leaves sysfs once its own free work has run.
	if [ "$method" = legacy_replace ]; then
		for ((n = 0; n < 300; n++)); do
			[ -d "$KLP/klp_bench_p03" ] || break
			nap
		done
	fi
	nap
	echo 0 > $W/watch
	read -r calls < $W/watch_calls
	read -r unfixed < $W/watch_unfixed
	read -r folded < $W/watch_folded
	read -r window < $W/watch_window_us
	read -r n us <<< "$(foldin_span)"
	sample foldin_transitions "$method" 0 "$n"
	sample foldin_us "$method" 0 "$us"
	sample foldin_calls "$method" 0 "$calls"
	sample foldin_unfixed_calls "$method" 0 "$unfixed"
	sample foldin_window_us "$method" 0 "$window"
	sample foldin_folded_calls "$method" 0 "$folded"
	sample foldin_other_fix_replaced "$method" 0 "$([ -d "$KLP/klp_bench_p03" ] && echo 0 || echo 1)"
	unload_all
}

for ((r = 0; r < REPEAT; r++)); do
	for method in supersede disable_then_load legacy_replace; do
		foldin $method
	done
done
echo "BENCH-DONE"
