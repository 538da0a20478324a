#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job for 'make bench': measures what scoped replacement saves.
# Prints one "BENCH,<measure>,<policy>,<x>,<value>" line per sample;
# harness/bench-report.py turns them into the table, CSV and plot.
# klp.bench=smoke on the command line runs a tiny version for make check.
. /harness/lib.sh
set -e

MODS=/bench
mode=$(sed -n 's/.*klp\.bench=\([^ ]*\).*/\1/p' /proc/cmdline)
NFUNCS=320	# klp_bench_fn_0 .. 319, see harness/bench.sh
C=32	# functions of the cumulative patch
F=4	# functions of each off-band patch
if [ "$mode" = smoke ]; then
	KS="0 1" REPEAT=1 NS="1 2" CALLS=20000 STALL_WAKE=5
else
	KS="0 1 4 16 64" REPEAT=3 NS="1 4 16 64" CALLS=200000 STALL_WAKE=5
fi

echo 1 > /proc/sys/kernel/printk_ratelimit 2>/dev/null || true

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

load() {	# load <module> <params...>: insmod, wait for the transition
	local mod=$1
	shift
	insmod "$MODS/$mod.ko" "$@"
	wait_transition "$mod"
}

# dmesg time of a livepatch message, in microseconds
msg_us() {
	dmesg | grep -F "livepatch: $1" | tail -1 |
		sed 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1\2/'
}

# dmesg time of a marker this script wrote to /dev/kmsg
kmsg_us() {
	dmesg | grep -F "klp_bench: $1" | tail -1 |
		sed 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1\2/'
}

funcs_of() {	# the target functions a livepatch patches, from sysfs
	ls "$KLP/$1/klp_bench_target" 2>/dev/null | grep , || true
}

# Unreclaimable slab, where klp_func, klp_object and their kobjects live
# (noisy: KASAN's quarantine delays frees; reported, not asserted).
slab_kb() {
	echo 3 > /proc/sys/vm/drop_caches
	awk '/^SUnreclaim:/ {print $2}' /proc/meminfo
}

# remove <module>: rmmod, once a freed livepatch has dropped its reference
remove() {
	local i
	for i in $(seq 100); do
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod "$1"
}

# unload_all: one legacy replacing patch sweeps every livepatch away in a
# single transition, then goes itself; then the modules are removed.
unload_all() {
	local p
	if ls "$KLP" | grep -q .; then
		load klp_bench_p99 replace=1 first=$((NFUNCS - 1)) count=1
		echo 0 > "$KLP/klp_bench_p99/enabled"
		while ls "$KLP" | grep -q .; do sleep 0.1; done
	fi
	for p in $(lsmod | awk '/^klp_bench_p/ {print $1}'); do
		remove "$p"
	done
	remove klp_bench_target
}

# 1. Transition scope: cumulative update with k off-band fixes loaded.
# Scoped policies keep the fixes, so they are added as k grows and the
# cumulative patch is updated REPEAT times at each k (p00 and p01 take
# turns). Legacy drops them, so each legacy update carries them (C + kF
# functions) and they are loaded again, as non-replacing patches, first.
update() {	# update <policy> <k> <count>: one cumulative update, measured
	local policy=$1 k=$2 count=$3 old new p
	if [ -d "$KLP/klp_bench_p01" ]; then old=klp_bench_p01 new=klp_bench_p00
	else old=klp_bench_p00 new=klp_bench_p01; fi
	lsmod | grep -q "^$new " && remove $new
	before=$(ls "$KLP")
	for p in $before; do funcs_of "$p" > "/tmp/funcs.$p"; done
	slab0=$(slab_kb)
	echo "klp_bench: insmod $new" > /dev/kmsg
	load $new $(scope $policy cumulative) first=0 count=$count
	slab1=$(slab_kb)
	# Replaced patches leave sysfs once freed; kept ones stay.
	for p in $before; do
		while [ -d "$KLP/$p" ] && [ "$(cat "$KLP/$p/enabled" 2>/dev/null)" = 0 ]; do
			sleep 0.1
		done
	done
	replaced=$(for p in $before; do [ -d "$KLP/$p" ] || echo "$p"; done)
	# Functions of the replaced patches the new one does not patch get nops.
	nops=$(for p in $replaced; do cat "/tmp/funcs.$p"; done | sort -u |
		while read -r f; do
			[ -e "$KLP/$new/klp_bench_target/$f" ] || echo "$f"
		done | wc -l)
	sample transitioned $policy "$k" $(($(funcs_of $new | wc -l) + nops))
	sample replaced_patches $policy "$k" "$(echo $replaced | wc -w)"
	sample insmod_to_complete_us $policy "$k" \
		$(($(msg_us "'$new': patching complete") - $(kmsg_us "insmod $new")))
	sample slab_kb $policy "$k" $((slab1 - slab0))
}

offband() {	# offband <policy> <from> <to>: load off-band fixes from..to-1
	local i
	for i in $(seq "$2" $(($3 - 1))); do
		load "klp_bench_p$(printf %02d $((i + 2)))" \
			$(scope $1 offband "$i") first=$((C + i * F)) count=$F
	done
}

for policy in replace_set tag; do
	insmod $MODS/klp_bench_target.ko
	load klp_bench_p00 $(scope $policy cumulative) first=0 count=$C
	have=0
	for k in $KS; do
		offband $policy $have "$k"
		have=$k
		for r in $(seq "$REPEAT"); do update $policy "$k" $C; done
	done
	unload_all
done

insmod $MODS/klp_bench_target.ko
load klp_bench_p00 replace=1 first=0 count=$C
for k in $KS; do
	for r in $(seq "$REPEAT"); do
		for i in $(seq 0 $((k - 1))); do
			m="klp_bench_p$(printf %02d $((i + 2)))"
			lsmod | grep -q "^$m " && remove "$m"
		done
		offband legacy 0 "$k"
		update legacy "$k" $((C + k * F))
	done
done
unload_all

# 2. Stall: a task sleeps in the off-band fix's code during the update.
for policy in legacy replace_set; do
	for r in $(seq "$REPEAT"); do
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
		sample stall_us $policy "$STALL_WAKE" \
			$(($(msg_us "'klp_bench_p01': patching complete") - $(kmsg_us "insmod klp_bench_p01")))
		sample stall_sleeper_still_asleep $policy "$STALL_WAKE" "$([ "$asleep" = Y ] && echo 1 || echo 0)"
		wait $waker
		echo 0 > /sys/module/klp_bench_target/parameters/sleeper
		unload_all
	done
done

# 3. Enable latency against the number of loaded patches (replace_set):
# enable_ns is a whole klp_enable_patch() of a new set's patch (policy,
# checks, kobjects, ftrace registration); decide_ns is one refused at the
# very end of the scan (its last function is the newest patch's), which
# is the policy's decision and scope checks over every loaded patch.
insmod $MODS/klp_bench_target.ko
have=0
for n in $NS; do
	offband replace_set $have "$n"
	have=$n
	last=$((C + (n - 1) * F))
	for r in $(seq "$REPEAT"); do
		load klp_bench_p00 policy=replace_set replace_set=7 first=$((C + n * F)) count=$F
		sample enable_ns replace_set "$n" "$(cat /sys/module/klp_bench_p00/parameters/enable_ns)"
		echo 0 > "$KLP/klp_bench_p00/enabled"
		while [ -d "$KLP/klp_bench_p00" ]; do sleep 0.1; done
		remove klp_bench_p00
		insmod $MODS/klp_bench_p98.ko policy=replace_set replace_set=999 \
			first=$((C + n * F)) count=$F conflict=$last 2>/dev/null &&
			die_bench "probe patch was not refused"
		sample decide_ns replace_set "$n" \
			"$(dmesg | grep 'klp_bench_p98: enable_ns=' | tail -1 | sed 's/.*enable_ns=\([0-9]*\) ret=-22$/\1/')"
	done
done
unload_all

# 4. Hot path: a patched function with 0 and 64 unrelated patches loaded.
hot() {
	echo "0 $CALLS" > /sys/module/klp_bench_target/parameters/call
	echo $(($(cat /sys/module/klp_bench_target/parameters/call_ns) / CALLS))
}
top=$(echo $NS | awk '{print $NF}')
insmod $MODS/klp_bench_target.ko
load klp_bench_p00 policy=replace_set replace_set=0 first=0 count=1
for r in $(seq $((REPEAT + 2))); do
	sample call_ns replace_set 0 "$(hot)"
done
for i in $(seq 0 $((top - 1))); do
	load "klp_bench_p$(printf %02d $((i + 2)))" \
		$(scope replace_set offband "$i") first=$((C + i * F)) count=$F
done
for r in $(seq $((REPEAT + 2))); do
	sample call_ns replace_set "$top" "$(hot)"
done
unload_all
echo "BENCH-DONE"
