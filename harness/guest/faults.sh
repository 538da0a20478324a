#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job of 'make faults': fail every allocation of klp_enable_patch()
# in turn, for each replace policy.
#
# For each scenario: load its patches (the "setup": enabled patches the
# faulted one replaces or keeps), then for N = 1, 2, ... load the faulted
# patch klp_fault_f with fail_nth=N, which makes the Nth allocation its
# klp_enable_patch() makes fail (harness/faults/klp_fault_patch.c), until
# klp_enable_patch() makes fewer than N allocations (left != 0). After a
# refused load nothing may be left behind: no sysfs directory, the module
# gone, the same patches enabled, the same code running, the same module
# references (patch modules, the hybrid policy module), the same ftrace
# records (enabled_functions); and the next load of the same module
# without a fault must succeed, complete its transition and replace and
# keep what the scenario expects. A load that succeeds although an
# allocation failed ("tolerated") must be just as complete. The setup is
# then restored for the next N. One line per N:
#   FAULT scen=<s> n=<N> rc=<0|ENOMEM|...> left=<L|-> result=<error|tolerated|done> leftovers=<0|1> [<what>]
# and one per scenario:
#   FAULT-SUMMARY scen=<s> faulted=<n> allocations=<n> errors=<n> (<errno> x <n>, ...) tolerated=<n> leftovers=<n> kmemleak=<n> seconds=<s>
# faulted: loads with their Nth allocation failed, N = 1 to faulted;
# allocations: how many the last, unfaulted load made (one or two more
# or fewer than faulted: slab refills vary between loads); errors and
# tolerated split the faulted loads into refused and successful ones.
# klp.faults=<s1>,<s2>... on the kernel command line runs only those
# scenarios; klp.faults_max=<N> stops each scenario after N loads.
# Forks cost up to a second in this guest: everything but insmod and
# rmmod is a bash builtin.
. /harness/lib.sh

MODS=/faults
ERR=/tmp/faults.err
DBG=/sys/kernel/debug
TR=/sys/kernel/tracing
HYB=livepatch_hybrid_policy
HYB_KO=(/lib/modules/*/kernel/samples/livepatch/livepatch-hybrid-policy.ko)

read -r CMDLINE < /proc/cmdline
ONLY= MAXN=100000
for w in $CMDLINE; do
	case $w in
	klp.faults=*) ONLY=,${w#klp.faults=}, ;;
	klp.faults_max=*) MAXN=${w#klp.faults_max=} ;;
	esac
done

# A pipe nobody writes to: "read -t" on it sleeps without a fork.
mkfifo /tmp/faults.fifo
exec 9<> /tmp/faults.fifo
nap() {
	read -r -t "$1" -u 9 _ || true
}

# kmsg <text>: a marker in the kernel log, for the host's report.
kmsg() {
	echo "klp_fault: $*" > /dev/kmsg
}

# Fault injection: only through the per-task fail-nth, which the patch
# module sets around klp_enable_patch(); probability stays 0. Sleeping
# and highmem allocations count, and order-0 pages. The allocations of
# kmemleak's metadata (failslab) and of KASAN's stack depot (page
# allocator) are not the enable path's: their code is rejected by the
# stack trace filter, so they neither fail nor count (the host passes
# their text ranges in /faults/config). Every forced failure logs its
# stack (verbose=2), with no rate limit.
fi_setup() {
	local d SLAB_REJECT PAGE_REJECT
	. "$MODS/config"
	for d in failslab fail_page_alloc; do
		echo N > "$DBG/$d/ignore-gfp-wait" || return 1
		echo 0 > "$DBG/$d/verbose_ratelimit_interval_ms" || return 1
		echo 2 > "$DBG/$d/verbose" || return 1
		echo 0 > "$DBG/$d/probability" || return 1
	done
	echo N > "$DBG/fail_page_alloc/ignore-gfp-highmem" || return 1
	echo 0 > "$DBG/fail_page_alloc/min-order" || return 1
	echo "${SLAB_REJECT% *}" > "$DBG/failslab/reject-start" || return 1
	echo "${SLAB_REJECT#* }" > "$DBG/failslab/reject-end" || return 1
	echo "${PAGE_REJECT% *}" > "$DBG/fail_page_alloc/reject-start" || return 1
	echo "${PAGE_REJECT#* }" > "$DBG/fail_page_alloc/reject-end" || return 1
}

# errno_of <status>: RC, the errno named by a failed insmod's message.
errno_of() {
	local msg=
	RC=0
	[ "$1" = 0 ] && return
	[ -s "$ERR" ] && read -r msg < "$ERR"
	case $msg in
	*"Cannot allocate memory"*) RC=ENOMEM ;;
	*"Invalid parameters"* | *"Invalid argument"*) RC=EINVAL ;;
	*"No such file"* | *"Unknown symbol"*) RC=ENOENT ;;
	*"No such device"*) RC=ENODEV ;;
	*"resource busy"*) RC=EBUSY ;;
	*"File exists"*) RC=EEXIST ;;
	*) msg=${msg// /_}; RC="ERR:${msg:0:60}" ;;
	esac
}

# impl: IMPL, whose code answers /proc/cmdline, /proc/version,
# /proc/uptime and /proc/loadavg: "c=<x> v=<x> u=<x> l=<x>", each orig or
# the letter of the patch module klp_fault_<letter>.
impl() {
	local f x k
	IMPL=
	for f in c:cmdline v:version u:uptime l:loadavg; do
		read -r x < "/proc/${f#*:}"
		case $x in
		klp:klp_fault_*) k=${x#klp:klp_fault_} ;;
		klp:*) k=${x#klp:} ;;
		*) k=orig ;;
		esac
		IMPL+="${IMPL:+ }${f%%:*}=$k"
	done
}

# snap: SNAP, what a refused load must leave as it was: the livepatches
# (enabled, transition), the references to the patch and policy modules
# (- when not loaded), the code of the four functions and the registered
# policies.
snap() {
	local d e t m r pol
	SNAP=
	for d in "$KLP"/*; do
		[ -d "$d" ] || continue
		read -r e < "$d/enabled" 2>/dev/null || e='?'
		read -r t < "$d/transition" 2>/dev/null || t='?'
		SNAP+="${d##*/klp_fault_}:$e$t "
	done
	for m in klp_fault_a klp_fault_b klp_fault_c klp_fault_f $HYB; do
		r=-
		[ -d "/sys/module/$m" ] && { read -r r < "/sys/module/$m/refcnt" || r='?'; }
		SNAP+="${m#klp_fault_}=$r "
	done
	impl
	read -r pol < /sys/module/livepatch/parameters/available_replace_policies
	SNAP+="$IMPL pol=${pol// /,}"
}

# ftrace_snap: FTR, the functions ftrace has ops on, with their flags.
ftrace_snap() {
	local l
	FTR=
	while IFS= read -r l; do
		FTR+="$l|"
	done < "$TR/enabled_functions"
}

# settle: until no livepatch is in transition or disabled (being
# freed), 30 s at most.
settle() {
	local i d e t busy
	for ((i = 0; i < 300; i++)); do
		busy=
		for d in "$KLP"/*; do
			[ -d "$d" ] || continue
			read -r e < "$d/enabled" 2>/dev/null || e='?'
			read -r t < "$d/transition" 2>/dev/null || t='?'
			[ "$e$t" = 10 ] || busy=1
		done
		[ -z "$busy" ] && return 0
		nap 0.1
	done
	echo "livepatches still busy after 30 s:"
	show_patches
	return 1
}

# unref <module...>: until each loaded one has no reference, 10 s at most.
unref() {
	local i m r
	for m in "$@"; do
		for ((i = 0; i < 100; i++)); do
			read -r r < "/sys/module/$m/refcnt" 2>/dev/null || break
			[ "$r" = 0 ] && break
			nap 0.1
		done
	done
}

# load <letter> <params...>: insmod klp_fault_<letter>, its status in RC.
load() {
	local m=$1 rc=0
	shift
	insmod "$MODS/klp_fault_$m.ko" "$@" 2> "$ERR" || rc=$?
	errno_of $rc
}

# enabled: EN, the letters of the enabled livepatches, in name order.
enabled() {
	local d e
	EN=
	for d in "$KLP"/*; do
		[ -d "$d" ] || continue
		read -r e < "$d/enabled" 2>/dev/null || e=0
		[ "$e" = 1 ] && EN+="${d##*/klp_fault_} "
	done
	EN=${EN% }
}

# expect: after klp_fault_f's load, the livepatches EXP_PATCHES are
# enabled and no other, and the code EXP_IMPL runs; WHAT says otherwise.
expect() {
	settle || { WHAT+=" transition-did-not-end"; return 1; }
	enabled
	impl
	[ "$EN" = "$EXP_PATCHES" ] && [ "$IMPL" = "$EXP_IMPL" ] && return 0
	WHAT+=" after-load:[$EN][$IMPL](expected:[$EXP_PATCHES][$EXP_IMPL])"
	return 1
}

# restore: take klp_fault_f away and load again the setup patches it
# replaced (their modules are still loaded, their patches gone); with
# the hybrid policy loaded on demand, unload it again.
restore() {
	local i s m again=() rm=()
	if [ -d "$KLP/klp_fault_f" ]; then
		echo 0 > "$KLP/klp_fault_f/enabled"
		for ((i = 0; i < 300; i++)); do
			[ -d "$KLP/klp_fault_f" ] || break
			nap 0.1
		done
	fi
	for s in "${SETUP[@]}"; do
		m=${s%% *}
		if [ -d "/sys/module/klp_fault_$m" ] && [ ! -d "$KLP/klp_fault_$m" ]; then
			again+=("$s")
			rm+=("klp_fault_$m")
		fi
	done
	[ -d /sys/module/klp_fault_f ] && rm+=(klp_fault_f)
	if [ "$HYBRID" = ondemand ] && [ -d "/sys/module/$HYB" ]; then
		rm+=("$HYB")
	fi
	unref "${rm[@]}"
	[ ${#rm[@]} = 0 ] || rmmod "${rm[@]}" || return 1
	for s in "${again[@]}"; do
		load $s
		[ "$RC" = 0 ] || return 1
		settle || return 1
	done
	return 0
}

# teardown: every livepatch disabled, every module of the test unloaded.
teardown() {
	local d m rm=()
	settle
	for d in "$KLP"/*; do
		[ -d "$d" ] || continue
		echo 0 > "$d/enabled"
		settle
	done
	for m in klp_fault_a klp_fault_b klp_fault_c klp_fault_f $HYB; do
		[ -d "/sys/module/$m" ] && rm+=("$m")
	done
	unref "${rm[@]}"
	[ ${#rm[@]} = 0 ] || rmmod "${rm[@]}"
}

# kmemleak_check: the leaks kmemleak finds now, printed with the marker
# the host fails on; KML their number. kmemleak reports an object 5 s
# old at least and seen unchanged by two scans: wait, scan twice, so
# that the leaks of the scenario's last loads are its own.
kmemleak_check() {
	local l out=
	KML=0
	[ -w "$DBG/kmemleak" ] || return 0
	nap 5
	echo scan > "$DBG/kmemleak"
	echo scan > "$DBG/kmemleak"
	while IFS= read -r l; do
		out+="$l"$'\n'
		[[ $l == unreferenced\ object* ]] && KML=$((KML + 1))
	done < "$DBG/kmemleak"
	if [ -n "$out" ]; then
		echo "KLP-KMEMLEAK-BEGIN (scenario $SCEN)"
		printf '%s' "$out"
		echo "KLP-KMEMLEAK-END"
		echo clear > "$DBG/kmemleak"
	fi
}

# state_cbs: CBF, "<pre_patch>,<post_unpatch>,<others>": how many state
# callbacks of klp_fault_f brought a state in and undid it, and how many
# other state callbacks ran, since the kernel log had CBLINES lines of
# them (state_life=1 patches print "klp_fault: <module> state <id> <cb>").
CBLINES=0
state_cbs() {
	local lines l pre=0 post=0 other=0 i
	mapfile -t lines < <(dmesg | sed -n 's/.*klp_fault: \(klp_fault_[a-z]* state [0-9]* [a-z_]*\)$/\1/p')
	for ((i = CBLINES; i < ${#lines[@]}; i++)); do
		l=${lines[i]}
		case $l in
		"klp_fault_f state "*" pre_patch") pre=$((pre + 1)) ;;
		"klp_fault_f state "*" post_unpatch") post=$((post + 1)) ;;
		*) other=$((other + 1)) ;;
		esac
	done
	CBLINES=${#lines[@]}
	CBF=$pre,$post,$other
}

TOTAL_LEFTOVERS=0

# scenario <name> <hybrid: no|preload|ondemand>: runs the scenario
# described by SETUP (one "<letter> <params...>" per patch, loaded in
# order), FPARAMS (klp_fault_f's parameters) and EXP_PATCHES, EXP_IMPL
# (what klp_fault_f's load leaves, see expect).
scenario() {
	local n rc left kind S0 before fbefore s errs= e k
	local nerr=0 ntol=0 nleft=0 allocs=- t0=$SECONDS
	local -A ERRS=()
	SCEN=$1 HYBRID=$2
	case $ONLY in "" | *",$SCEN,"*) ;; *) return 0 ;; esac
	echo "=== scenario $SCEN: setup [${SETUP[*]/#/klp_fault_}], faulted klp_fault_f $FPARAMS"
	kmsg "scenario $SCEN"
	if [ "$HYBRID" = preload ]; then
		insmod "$HYB_KO" || { echo "FAULT-SUMMARY scen=$SCEN setup-failed"; return 1; }
	fi
	for s in "${SETUP[@]}"; do
		load $s
		settle
		[ "$RC" = 0 ] || { echo "FAULT-SUMMARY scen=$SCEN setup-failed (klp_fault_$s: $RC)"; teardown; return 1; }
	done
	snap
	S0=$SNAP
	echo "    before: $S0"

	for ((n = 1; n <= MAXN; n++)); do
		WHAT= left=- kind=error
		snap
		before=$SNAP
		ftrace_snap
		fbefore=$FTR
		state_cbs
		load f $FPARAMS fail_nth=$n
		rc=$RC
		if [ "$rc" = 0 ]; then
			read -r left < /sys/module/klp_fault_f/parameters/left
			if [ "$left" = 0 ]; then kind=tolerated; else kind=done; fi
			expect
		else
			ERRS[$rc]=$((${ERRS[$rc]:-0} + 1))
			[ -d "$KLP/klp_fault_f" ] && WHAT+=" sysfs-directory-left"
			[ -d /sys/module/klp_fault_f ] && WHAT+=" module-left"
			if [ "$HYBRID" = ondemand ] && [ -d "/sys/module/$HYB" ]; then
				# request_module() loaded it: fine, unreferenced.
				read -r k < "/sys/module/$HYB/refcnt"
				[ "$k" = 0 ] || WHAT+=" policy-module-refcnt=$k"
				unref "$HYB"
				rmmod "$HYB" || WHAT+=" policy-module-stuck"
			fi
			snap
			[ "$SNAP" = "$before" ] || WHAT+=" state:[$before]->[$SNAP]"
			ftrace_snap
			[ "$FTR" = "$fbefore" ] || WHAT+=" ftrace:[$fbefore]->[$FTR]"
			# A state set up before the failure is undone, once; no
			# other patch's state callback runs (those of the states
			# f drops run only once nothing can fail).
			state_cbs
			case $CBF in
			0,0,0 | 1,1,0) ;;
			*) WHAT+=" state-callbacks(pre_patch,post_unpatch,other)=$CBF" ;;
			esac
			if [ -z "$WHAT" ]; then
				# The next load, unfaulted, must work in full.
				load f $FPARAMS
				if [ "$RC" = 0 ]; then
					expect
				else
					WHAT+=" reload-refused:$RC"
				fi
			fi
		fi
		if [ -z "$WHAT" ]; then
			restore || WHAT+=" restore-failed"
			snap
			[ "$SNAP" = "$S0" ] || WHAT+=" after-restore:[$S0]->[$SNAP]"
		fi
		case $kind in tolerated) ntol=$((ntol + 1)) ;; error) nerr=$((nerr + 1)) ;; esac
		if [ -n "$WHAT" ]; then
			nleft=$((nleft + 1))
			echo "FAULT scen=$SCEN n=$n rc=$rc left=$left result=$kind leftovers=1$WHAT"
			show_patches
			break
		fi
		echo "FAULT scen=$SCEN n=$n rc=$rc left=$left result=$kind leftovers=0"
		if [ "$kind" = done ]; then
			allocs=$((n - left))
			break
		fi
	done
	teardown
	kmemleak_check
	for e in "${!ERRS[@]}"; do
		errs+="${errs:+, }$e x ${ERRS[$e]}"
	done
	TOTAL_LEFTOVERS=$((TOTAL_LEFTOVERS + nleft + KML))
	echo "FAULT-SUMMARY scen=$SCEN faulted=$((n - 1)) allocations=$allocs errors=$nerr ($errs) tolerated=$ntol leftovers=$nleft kmemleak=$KML seconds=$((SECONDS - t0))"
}

echo "faults: fault injection through fail-nth on klp_enable_patch()"
[ -r "$TR/enabled_functions" ] || mount -t tracefs nodev "$TR"
fi_setup || { echo "FAULTS-DONE rc=1 (no fault injection in this kernel)"; exit 1; }

# funcs= of klp_fault_patch.c: vmlinux's 1 cmdline_proc_show,
# 2 version_proc_show, 16 uptime_proc_show, 32 loadavg_proc_show; 4 and 8
# a function of a module that is not loaded (klp_fault_absent, _absent2).
# Each replacing scenario has klp_fault_f stack on a function of a patch
# it replaces (cmdline), register new ftrace ops (uptime), replace a
# function with a nop (version: the nop's ops are unregistered when the
# transition completes, inside klp_enable_patch()), carry a nop object
# for a module that is not loaded, and keep a patch with a function of
# its own (loadavg).

# legacy, non-replacing: f stacks on a's cmdline_proc_show and adds
# version_proc_show (new ops) and an object for an unloaded module.
SETUP=("a funcs=33")
FPARAMS="funcs=7"
EXP_PATCHES="a f" EXP_IMPL="c=f v=f u=orig l=a"
scenario legacy no

# legacy .replace: f replaces a and takes over its klp_state.
SETUP=("a funcs=7 state_id=1 state_version=1")
FPARAMS="replace=1 funcs=17 state_id=1 state_version=1"
EXP_PATCHES="f" EXP_IMPL="c=f v=orig u=f l=orig"
scenario legacy-replace no

# replace_set: f (set 1) replaces a (set 1), keeps b (set 2).
SETUP=("a policy=replace_set replace_set=1 funcs=11" "b policy=replace_set replace_set=2 funcs=36")
FPARAMS="policy=replace_set replace_set=1 funcs=17"
EXP_PATCHES="b f" EXP_IMPL="c=f v=orig u=f l=b"
scenario replace_set no

# replace_set superseding: f (set 1, supersedes 2) replaces a (set 1)
# and b (set 2), keeps c (set 3); it folds b in, so it patches b's
# functions too (2 and 8).
SETUP=("a policy=replace_set replace_set=1 funcs=1" "b policy=replace_set replace_set=2 funcs=10"
       "c policy=replace_set replace_set=3 funcs=36")
FPARAMS="policy=replace_set replace_set=1 supersedes=2 funcs=27"
EXP_PATCHES="c f" EXP_IMPL="c=f v=f u=f l=c"
scenario replace_set-supersede no

# tag: f (tag 1) replaces a (tag 1) and c (tag 0), keeps b (tag 2).
SETUP=("a policy=tag replace_tag=1 funcs=3" "b policy=tag replace_tag=2 funcs=36"
       "c policy=tag replace_tag=0 funcs=8")
FPARAMS="policy=tag replace_tag=1 funcs=17"
EXP_PATCHES="b f" EXP_IMPL="c=f v=orig u=f l=b"
scenario tag no

# hybrid sample, its module loaded first: f (.replace) replaces a
# (replaceable) and keeps b (not replaceable); the policy's sysfs file
# in f's directory.
SETUP=("a policy=hybrid replaceable=1 funcs=11" "b policy=hybrid replaceable=0 funcs=36")
FPARAMS="policy=hybrid replace=1 replaceable=1 funcs=17"
EXP_PATCHES="b f" EXP_IMPL="c=f v=orig u=f l=b"
scenario hybrid preload

# hybrid sample loaded on demand: klp_enable_patch() request_module()s
# it; f keeps a (legacy).
SETUP=("a funcs=34")
FPARAMS="policy=hybrid replace=1 replaceable=0 funcs=17"
EXP_PATCHES="a f" EXP_IMPL="c=f v=a u=f l=a"
scenario hybrid-ondemand ondemand

# replace_set, states with callbacks and shadow variables: f (set 1)
# replaces a (set 1), brings in its state 1 and drops a's state 2. Every
# refused load undoes state 1 if its pre_patch ran, and runs nothing of
# a's; a pre_patch callback that fails refuses f the same way (checked
# once before the allocations are failed).
SETUP=("a policy=replace_set replace_set=1 funcs=11 state_id=2 state_version=1 state_life=1")
FPARAMS="policy=replace_set replace_set=1 funcs=17 state_id=1 state_version=1 state_life=1"
EXP_PATCHES="f" EXP_IMPL="c=f v=orig u=f l=orig"
state_fail_check() {
	local before
	case $ONLY in "" | *",state-lifecycle,"*) ;; *) return 0 ;; esac
	load a ${SETUP[0]#a }
	settle
	snap
	before=$SNAP
	state_cbs
	load f $FPARAMS state_fail=1
	state_cbs
	snap
	if [ "$RC" = ENODEV ] && [ "$CBF" = 1,0,0 ] && [ "$SNAP" = "$before" ] &&
	   [ ! -d /sys/module/klp_fault_f ]; then
		echo "FAULT-SUMMARY scen=state-pre_patch-fails refused=$RC callbacks=$CBF allocations=0 leftovers=0 kmemleak=0 seconds=0"
	else
		echo "FAULT-SUMMARY scen=state-pre_patch-fails refused=$RC callbacks=$CBF state:[$before]->[$SNAP] allocations=0 leftovers=1 kmemleak=0 seconds=0"
		TOTAL_LEFTOVERS=$((TOTAL_LEFTOVERS + 1))
	fi
	teardown
}
state_fail_check
scenario state-lifecycle no

echo "FAULTS-DONE rc=$((TOTAL_LEFTOVERS ? 1 : 0)) leftovers=$TOTAL_LEFTOVERS"
[ "$TOTAL_LEFTOVERS" = 0 ]
