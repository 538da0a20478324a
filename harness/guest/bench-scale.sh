#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job for 'make bench-scale': a cumulative update of C functions
# replacing one of the same size, with k off-band patches of F functions
# loaded, per replace policy; the same job runs on the series' kernel
# and on pristine 6.12 (klp.scale=<kernel>[,smoke]). One line per sample:
#   SCALE,<kernel>,<policy>,<measure>,<C>,<k>,<value>
# Measures: enable_us (finit_module() of the update: module load, init,
# klp_enable_patch()), klp_enable_us (klp_enable_patch() alone),
# checks_us and nops_us (the policy's decision and checks, and
# klp_add_nops() with the kobjects: see split_trace()), transition_us (end
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
IFS=, read -r kernel policy C mode <<< "$arg"
F=4
BASE=4096	# off-band patch i patches kf<BASE + F * i> ...
if [ "$mode" = smoke ]; then
	KS="0 4" ROUNDS=5
else
	KS="0 16 64 256" ROUNDS=50
fi
KMAX=256	# off-band patch KMAX is the stacking probe
PROBE=klp_scale_p998

# A legacy update replaces the k off-band patches, which are loaded again
# before each one (a third of a second each here): legacy goes to k = 256
# only at C = 4096, once, and twice at k = 64.
[ "$policy" = legacy ] && [ "$C" != 4096 ] && [ "$mode" != smoke ] && KS="0 16 64"

reps() {	# reps <k>: timed updates at k
	if [ "$mode" = smoke ]; then
		echo 1
	elif [ "$policy" != legacy ] || [ "$1" -le 16 ]; then
		echo 3
	elif [ "$1" -le 64 ]; then
		echo 2
	else
		echo 1
	fi
}

echo 1 > /proc/sys/kernel/printk
echo scan=off > /sys/kernel/debug/kmemleak 2>/dev/null || true
trap 'echo 7 > /proc/sys/kernel/printk; echo "bench-scale: kernel log"; dmesg' EXIT

# sample <measure> <k> <value> [policy]
sample() { echo "SCALE,$kernel,${4:-$policy},$1,$C,$2,$3"; }
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

# cum_params <policy> <k>: the cumulative patch; legacy's carries the k
# off-band fixes' functions (a legacy cumulative patch merges them, or
# its update would revert them), so its update adds no nops.
cum_params() {
	case $1 in
	legacy) echo "replace=1 extra_first=$BASE extra_count=$((F * $2))" ;;
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

# The stacking probe: legacy's stacks on the cumulative patch's first
# functions, a scoped one patches functions of its own.
probe_params() {
	if [ "$1" = legacy ]; then
		echo "first=0 count=$F"
	else
		off_params "$1" $KMAX
	fi
}

T=/sys/kernel/debug/tracing
echo 0 > $T/tracing_on
echo nop > $T/current_tracer
: > $T/set_ftrace_filter
# lib/ is built without ftrace hooks: the marks are livepatch functions.
# The series' marks are missing from pristine 6.12.
for f in klp_policy_prepare klp_is_patch_compatible klp_policy_add_files \
	 klp_init_object_loaded; do
	echo "$f" >> $T/set_ftrace_filter 2>/dev/null || true
done
grep -q '^klp_init_object_loaded$' $T/set_ftrace_filter &&
	grep -q '^klp_is_patch_compatible$' $T/set_ftrace_filter ||
	die_scale "cannot trace the marks: $(tr '\n' ' ' < $T/set_ftrace_filter)"
echo 65536 > $T/buffer_size_kb

# The split of the last traced load, from the entry stamps of the marks:
# CHECKS_US from klp_policy_prepare() to klp_policy_add_files() (the
# policy's decision and the checks, then the patch's kobject_add()),
# NOPS_US from there to the first klp_init_object_loaded() (klp_add_nops()
# and the kobjects of the first object and its functions). Pristine 6.12 has no mark between its checks
# (klp_is_patch_compatible(): the states of the enabled patches) and
# klp_add_nops(): CHECKS_US is empty there and NOPS_US, from
# klp_is_patch_compatible(), includes klp_init_patch_early() and the
# patch's kobject_add().
split_trace() {
	local r
	r=$(awk '$1 ~ /^klp-load-/ {
		ts = $4; sub(/:$/, "", ts); fn = $5
		if ((fn == "klp_policy_prepare" || fn == "klp_is_patch_compatible") && start == "")
			start = ts
		else if (fn == "klp_policy_add_files" && files == "")
			files = ts
		else if (fn == "klp_init_object_loaded" && obj == "")
			obj = ts
	}
	END {
		if (start == "" || obj == "")
			print "-"
		else if (files == "")
			printf " %d\n", (obj - start) * 1e6 + 0.5
		else
			printf "%d %d\n", (files - start) * 1e6 + 0.5, (obj - files) * 1e6 + 0.5
	}' $T/trace)
	if [ "$r" = - ]; then
		head -40 $T/trace
		die_scale "trace of the update incomplete"
	fi
	CHECKS_US=${r% *} NOPS_US=${r#* }
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
# bench's slab_kb (slab_live_kb in harness/guest/lib.sh); the bytes per
# call site go to the console between SCALE-SLAB-BEGIN and -END.
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
	# Where the kept bytes come from, per allocating function. The
	# module's parameters are the test module's: the series' copy has
	# more (klp_test_policy.h) than pristine's, which would count as a
	# cost of the series.
	slab_live_kb $T/trace /tmp/slab-sites '^add_sysfs_param$' > /tmp/slab-kb
	read -r SLAB_KB < /tmp/slab-kb
	echo "SCALE-SLAB-BEGIN $kernel $policy C=$C"
	cat /tmp/slab-sites
	echo "SCALE-SLAB-END"
}

# The cumulative update: $new replaces $old (C functions each, legacy's
# plus the off-band functions); the off-band patches 0 .. k - 1 must be
# loaded, and are removed after a legacy update (it replaced them).
old=klp_scale_p900 new=klp_scale_p901
update() {	# update <k> [slab|untimed]
	local mods i
	case ${2:-} in
	slab)
		slab_load $new $(cum_params $policy "$1") first=0 count=$C
		sample slab_kb "$1" "$SLAB_KB" ;;
	untimed)
		load_mod $new $(cum_params $policy "$1") first=0 count=$C ;;
	*)
		traced_load $new $(cum_params $policy "$1") first=0 count=$C
		sample enable_us "$1" "$ENABLE_US"
		sample transition_us "$1" "$TRANS_US"
		[ -n "$CHECKS_US" ] && sample checks_us "$1" "$CHECKS_US"
		sample nops_us "$1" "$NOPS_US"
		read -r ns < /sys/module/$new/parameters/enable_ns
		sample klp_enable_us "$1" $((ns / 1000)) ;;
	esac
	mods=$old
	if [ "$policy" = legacy ]; then
		for ((i = 0; i < have; i++)); do mods="$mods $(off_name $i)"; done
		have=0
	fi
	rm_mods $mods
	local tmp=$old
	old=$new new=$tmp
}

offband_upto() {	# offband_upto <k>: off-band patches 0 .. k - 1 loaded
	for ((; have < $1; have++)); do
		load_mod "$(off_name $have)" $(off_params $policy $have)
	done
}

# One policy and one C per boot: taking a large patch away costs a
# Tasks RCU grace period per function (ftrace), minutes at C = 4096,
# where a new boot costs seconds. Nothing is ever removed but what an
# update replaced.
insmod $D/klp_scale_target.ko
hot
sample call_ps 0 "$CALL_PS" none
load_mod $old $(cum_params $policy 0) first=0 count=$C
have=0
for k in $KS; do
	# Legacy: the cumulative patch takes the k fixes' functions first,
	# untimed, so that a timed update registers no new function.
	[ "$policy" = legacy ] && [ "$k" -gt 0 ] && update "$k" untimed
	for ((r = 0; r < $(reps "$k"); r++)); do
		offband_upto "$k"
		update "$k"
	done
	offband_upto "$k"
	# A stacking patch loaded beside the cumulative and the k off-band
	# patches, then disabled.
	for ((r = 0; r < $(reps "$k"); r++)); do
		load_mod $PROBE $(probe_params $policy)
		sample offband_enable_us "$k" "$ENABLE_US"
		kl "disable $PROBE"
		[ "$REPLY_LINE" = "disable $PROBE 0" ] || die_scale "$REPLY_LINE"
		rm_mods $PROBE
	done
	if [ "$k" -eq 0 ]; then
		hot
		sample call_ps 0 "$CALL_PS"
		update 0 slab
	fi
done
hot
sample call_ps "$k" "$CALL_PS"
echo "SCALE-DONE"
