#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job of 'make model' and 'make stress': runs the plan in
# /stress/plan (written by harness/stress/model.py on the host), one
# operation per line "<step> <wait> <op> <args...>", and after each step
# prints one line the host compares with the model's expectation:
#   OBS <step> rc=<0|EINVAL|EBUSY|...> p=<patch>:<enabled><transition>,...
#       f=<impl of c>/<v>/<f0>/<f1>/<f2>/<f3> m=<modules loaded> [s=<0|1>]
# c and v are vmlinux's cmdline_proc_show and version_proc_show (read
# through /proc/cmdline and /proc/version), f0..f3 klp_st_target's
# functions (/proc/klp_st_f<N>); each reads "orig", the name of the patch
# module whose code ran, or "-" when the target module is not loaded.
# <wait> only says how long to wait before looking: "settle" up to 15 s
# for the transitions to end, "stall" 2 s for one the model expects to
# stay stalled, "none" not at all; what is seen is reported either way.
# Forks cost up to a second here: everything but insmod and rmmod is a
# bash builtin, and every wait is bounded.
. /harness/lib.sh

MODS=/stress
PLAN=/stress/plan
ERR=/tmp/stress.err
declare -A FILE=([c]=/proc/cmdline [v]=/proc/version [f0]=/proc/klp_st_f0
		 [f1]=/proc/klp_st_f1 [f2]=/proc/klp_st_f2 [f3]=/proc/klp_st_f3)
declare -A SLEEPER=()	# owner module -> pid of the task sleeping in its code

# A pipe nobody writes to: "read -t" on it sleeps without a fork.
mkfifo /tmp/stress.fifo
exec 9<> /tmp/stress.fifo
nap() {
	read -r -t "$1" -u 9 _ || true
}

# errno_of <status>: the errno a failed command's message in $ERR names.
errno_of() {
	local msg=
	if [ "$1" = 0 ]; then
		RC=0
		return
	fi
	[ -s "$ERR" ] && read -r msg < "$ERR"
	case $msg in
	*"Invalid parameters"* | *"Invalid argument"*) RC=EINVAL ;;
	*"resource busy"* | *"is in use"*) RC=EBUSY ;;
	*"Unknown symbol"* | *"No such file"* | *"not currently loaded"*) RC=ENOENT ;;
	*"File exists"*) RC=EEXIST ;;
	*"No such device"*) RC=ENODEV ;;
	*) msg=${msg// /_}; RC="ERR:${msg:0:60}" ;;
	esac
}

# patch_list: PL="<name>:<enabled><transition>,..." of /sys/kernel/livepatch,
# BUSY set when one is in transition or disabled (being freed)
patch_list() {
	local d e t
	PL='' BUSY=''
	for d in "$KLP"/*; do
		[ -d "$d" ] || continue
		read -r e < "$d/enabled" 2>/dev/null || e='?'
		read -r t < "$d/transition" 2>/dev/null || t='?'
		PL="$PL${PL:+,}${d##*/}:$e$t"
		[ "$e$t" = 10 ] || BUSY=1
	done
}

# settle: until no patch is in transition or disabled (being freed), 15 s
# at most (SETTLED=0 then), then until the modules of the patches freed
# meanwhile have dropped their references (1 s at most: a forced one
# never does)
settle() {
	local i before=$1 p m rc n
	SETTLED=0
	for ((i = 0; i < 150; i++)); do
		patch_list
		[ -z "$BUSY" ] && SETTLED=1 && break
		nap 0.1
	done
	for p in ${before//,/ }; do
		m=${p%%:*}
		case ",$PL," in *",$m:"*) continue ;; esac
		for ((i = 0; i < 10; i++)); do
			read -r rc < "/sys/module/$m/refcnt" 2>/dev/null || break
			[ "$rc" = 0 ] && break
			nap 0.1
		done
	done
	# and the policy module's references, one per patch using it
	[ -d /sys/module/livepatch_hybrid_policy ] || return 0
	for ((i = 0; i < 10; i++)); do
		n=0
		for p in "$KLP"/*/replace_policy; do
			[ -e "$p" ] && read -r m < "$p" 2>/dev/null && [ "$m" = hybrid ] && n=$((n + 1))
		done
		read -r rc < /sys/module/livepatch_hybrid_policy/refcnt 2>/dev/null || break
		[ "$rc" -le "$n" ] && break
		nap 0.1
	done
}

observe() {
	local f line x out=
	patch_list
	for f in c v f0 f1 f2 f3; do
		if [ -e "${FILE[$f]}" ]; then
			read -r line < "${FILE[$f]}" 2>/dev/null || line="klp:?"
			case $line in
			klp:orig) x=orig ;;
			klp:*) x=${line#klp:} ;;
			*) x=orig ;;	# the original /proc/cmdline, /proc/version
			esac
		else
			x=-
		fi
		out="$out${out:+/}$x"
	done
	FN=$out
	out=
	for f in /sys/module/klp_st_* /sys/module/livepatch_hybrid_policy; do
		[ -d "$f" ] && out="$out${out:+,}${f##*/}"
	done
	MODLIST=${out:--}
}

# gone <pid>: the task has exited
# callbacks() - the state callbacks and shadow destructor calls logged
# since the last step, as "<patch>:<callback>:<id>" joined by ";", a run
# of destructor calls of one id as "<patch>:free:<id>x<count>" (the order
# of the frees is the shadow hash's; "ffree": a foreign_id variable the
# module frees when removed), the core's line for each state that leaves
# at the end of a transition as "<patch>:leaving:<id>/<carrier>[/kept]"
# (kept: "forced: shadow variables kept"), and replace_set's
# accepted() notice as "<patch>:accepted:<sets>"; "-" when none
CBSEEN=0
callbacks() {
	local lines i prev= n=0 out=
	mapfile -t lines < <(dmesg | sed -n \
		-e 's/.*klp_st_cb klp_st_\([^ ]*\) \([^ ]*\) \([0-9]*\)$/\1:\2:\3/p' \
		-e "s/.*'klp_st_\([^']*\)': state \([0-9]*\) of 'klp_st_\([^']*\)' leaves the system (forced: shadow variables kept)$/\1:leaving:\2\/\3\/kept/p" \
		-e "s/.*'klp_st_\([^']*\)': state \([0-9]*\) of 'klp_st_\([^']*\)' leaves the system$/\1:leaving:\2\/\3/p" \
		-e "s/.*patch 'klp_st_\([^']*\)' (replace_set=[0-9]*): operator override: also supersedes set \([0-9,]*\)$/\1:accepted:\2/p")
	for ((i = CBSEEN; i <= ${#lines[@]}; i++)); do
		if [[ $i -lt ${#lines[@]} && ${lines[i]} == *free:* && ${lines[i]} == "$prev" ]]; then
			n=$((n + 1))
			continue
		fi
		if [ -n "$prev" ]; then
			out="$out${out:+;}$prev"
			[[ $prev == *free:* ]] && out="${out}x$n"
		fi
		prev=${lines[i]:-}
		n=1
	done
	CBSEEN=${#lines[@]}
	CB=${out:--}
}

gone() {
	local st
	! read -r _ _ st _ < "/proc/$1/stat" 2>/dev/null || [ "$st" = Z ]
}

# start_sleeper <owner module> <function>: a task calls the function and
# sleeps if it runs the owner's code; SL=1 when it does (within 3 s)
start_sleeper() {
	local owner=$1 file=${FILE[$2]} par=/sys/module/$1/parameters pid i s
	SL=0
	( echo "$BASHPID" > "$par/sleep_pid" && read -r _ < "$file" ) 2>/dev/null &
	pid=$!
	for ((i = 0; i < 60; i++)); do
		read -r s < "$par/sleeping" 2>/dev/null || s=0
		if [ "$s" = 1 ]; then
			SL=1
			SLEEPER[$owner]=$pid
			return
		fi
		gone "$pid" && break
		nap 0.05
	done
	# it did not sleep: make sure it never does
	echo 0 > "$par/sleep_pid" 2>/dev/null || true
}

# wake <owner module>: the sleeping task goes on and exits; SL=1 if it
# is still there 3 s later
wake() {
	local owner=$1 pid=${SLEEPER[$1]:-} i
	SL=0
	echo 0 > "/sys/module/$owner/parameters/sleep_pid" 2>/dev/null || true
	[ -n "$pid" ] || return 0
	unset "SLEEPER[$owner]"
	for ((i = 0; i < 60; i++)); do
		gone "$pid" && return 0
		nap 0.05
	done
	SL=1
}

echo "STRESS-BEGIN $(wc -l < "$PLAN") steps"
while read -r step wait op args; do
	case $step in "" | "#"*) continue ;; esac
	: > "$ERR"
	SL=
	SETTLED=1
	patch_list
	before=$PL
	case $op in
	load)
		# shellcheck disable=SC2086 # the module's name and its parameters
		set -- $args
		insmod "$MODS/$1.ko" "${@:2}" 2> "$ERR"
		errno_of $?
		;;
	tload)
		insmod "$MODS/klp_st_target.ko" 2> "$ERR"
		errno_of $?
		;;
	rmmod)
		rmmod "$args" 2> "$ERR"
		errno_of $?
		;;
	disable | enable | force)
		val=1
		[ "$op" = disable ] && val=0
		attr=enabled
		[ "$op" = force ] && attr=force
		{ echo "$val" > "$KLP/$args/$attr"; } 2> "$ERR"
		# shellcheck disable=SC2320 # echo's status is the write's
		errno_of $?
		;;
	force-reverse*)
		# echo 1 > force, then one reversal (echo the other value to
		# enabled) per "-reverse" in the op, back to back: builtins
		# only, so that the transition work, which ends the forced
		# transition, runs after the last write, not between two. If it
		# ran anyway (the transition ended before a reversal): RC=RACE.
		dir=$KLP/$args
		# The transition work runs on whole seconds of the jiffies
		# clock, which /proc/uptime follows: start mid-second.
		for ((i = 0; i < 40; i++)); do
			read -r up _ < /proc/uptime
			[[ ${up#*.} == [3-5]* ]] && break
			sleep 0.05
		done
		nrev=${op//[^-]/}
		nrev=${#nrev}
		read -r val < "$dir/enabled" 2>/dev/null || val=1
		{ echo 1 > "$dir/force"; } 2> "$ERR"
		# shellcheck disable=SC2320 # echo's status is the write's
		errno_of $?
		while [ "$RC" = 0 ] && [ "$nrev" -gt 0 ]; do
			read -r tr < "$dir/transition" 2>/dev/null || tr=0
			[ "$tr" = 1 ] || { RC=RACE; break; }
			val=$((1 - val))
			{ echo "$val" > "$dir/enabled"; } 2> "$ERR"
			# shellcheck disable=SC2320 # as above
			errno_of $?
			nrev=$((nrev - 1))
		done
		;;
	sleep)
		# shellcheck disable=SC2086
		start_sleeper $args
		RC=0
		;;
	wake)
		wake "$args"
		RC=0
		;;
	*)
		RC="BADOP:$op"
		;;
	esac
	case $wait in
	settle) settle "$before" ;;
	stall) nap 2 ;;
	esac
	callbacks
	observe
	echo "OBS $step rc=$RC p=${PL:--} f=$FN m=$MODLIST${SL:+ s=$SL} cb=$CB"
	if [ "$RC" = RACE ]; then
		# The kernel did not do what the plan's history needs.
		echo "STRESS-ABORT step $step: the transition work ran inside the force-reverse chain"
		break
	fi
	if [ "$wait" = settle ] && [ "$SETTLED" = 0 ]; then
		# Not what the model said: every later step would wait 15 s too.
		echo "STRESS-ABORT step $step: the transition did not end within 15 s"
		break
	fi
done < "$PLAN"

# Whatever the plan left: no task stays asleep in a patch's code.
for owner in "${!SLEEPER[@]}"; do
	wake "$owner"
done
echo "STRESS-DONE"
