#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job of 'make concurrency': livepatch operations from several
# processes at once, for klp.conc_seconds= (60) seconds:
#   loader-a..d  each owns three patch modules (/concurrency/klp_conc_<l><i>.ko,
#                test_klp_policy1.c under other names) and, keeping up to
#                two of them enabled, insmods one with random policy and
#                scope (legacy .replace 0/1, replace sets with supersede
#                lists, tags, the hybrid sample policy), functions and
#                klp_state, or disables one, and rmmods those whose patch
#                was freed (disabled, or replaced by another loader's)
#   reader-all   reads every file under /sys/kernel/livepatch/ (patch,
#                object and function directories), the patched functions
#                (/proc/cmdline, /proc/version, the target's answer) and
#                the policy files, over and over
#   reader-held  opens every attribute of a random patch, waits, then
#                reads them through the open files (the patch may have
#                been freed and its module, or its policy's, removed)
#   policy       modprobe / rmmod of livepatch-hybrid-policy.ko, which
#                loaders also load on demand (policy=hybrid)
#   target       insmod / rmmod of test_klp_policy_target.ko, which
#                patches with target=1 patch
#   toggler      reverses transitions in flight, disables random patches,
#                tries to re-enable disabled ones
# Refusals (EINVAL, EBUSY, ENOENT, ...) are expected and counted by
# errno; a splat, a hang or a leak is what fails. Then the workers stop
# (each within a bounded time, or it is reported hung), everything is
# disabled, freed and removed, and nothing may be left: no patch in
# sysfs, no test module, the policy module unreferenced. Prints one
# "KLP-CONC-WORKER <name> ops=<n> <what>_<outcome>=<n> ..." line per
# worker and "KLP-CONC-DONE ops=<n> ... result=pass|fail".
# Forks cost up to a second here: everything but insmod, rmmod and
# modprobe is a bash builtin.
. /harness/lib.sh
shopt -s nullglob

MODS=/concurrency
TMODS=/kselftest/livepatch/test_modules
TARGET=test_klp_policy_target
POLICY_MOD=livepatch_hybrid_policy
AVAILABLE=/sys/module/livepatch/parameters/available_replace_policies
W=/tmp/conc
mkdir -p "$W"

param() {	# param <name> <default>: klp.<name>= of the kernel command line
	local a v=$2
	read -r -a args < /proc/cmdline
	for a in "${args[@]}"; do
		[[ $a == "klp.$1="* ]] && v=${a#*=}
	done
	echo "$v"
}
SECS=$(param conc_seconds 60)
SEED=$(param conc_seed 1)
NLOADERS=$(param conc_loaders 4)
TOGGLER=$(param conc_toggler 1)	# 0: no reversals, no toggler disables
GRACE=120	# a worker still running this long after the end is hung
CLEANUP=180	# seconds to disable and free everything at the end

# A pipe nobody writes to: "read -t" on it sleeps without a fork.
mkfifo "$W/fifo"
exec 9<> "$W/fifo"
nap() {
	read -r -t "$1" -u 9 _ || true
}

# Per worker: counters, its stderr file, its summary at the end.
declare -A CNT=()
ERR=
OPS=0
cnt() {		# cnt <what>_<outcome>: one operation done
	CNT[$1]=$((${CNT[$1]:-0} + 1))
	OPS=$((OPS + 1))
}
op() {		# op <what>_<outcome> <description>: cnt, and a line of the trace
	local up
	cnt "$1"
	read -r up _ < /proc/uptime
	echo "$up $WORKER $2 -> $RC" >> "$W/$WORKER.trace"
}
tally() {	# tally <what>: a counter that is no operation of its own
	CNT[$1]=$((${CNT[$1]:-0} + 1))
}
summary() {	# summary <worker>
	local k line="KLP-CONC-WORKER $1 ops=$OPS"
	for k in "${!CNT[@]}"; do
		line="$line $k=${CNT[$k]}"
	done
	echo "$line" > "$W/$1.sum"
}

# errclass <status>: RC=ok, or the errno the failed command's message
# in $ERR names (insmod, rmmod, modprobe and bash's own messages).
declare -A NOTED=()
errclass() {
	local msg=
	if [ "$1" = 0 ]; then
		RC=ok
		return
	fi
	[ -s "$ERR" ] && read -r msg < "$ERR"
	case $msg in
	"") RC=eof ;;
	*"Invalid param"* | *"Invalid argument"*) RC=EINVAL ;;
	*"resource busy"* | *"is in use"*) RC=EBUSY ;;
	*"temporarily unavailable"*) RC=EAGAIN ;;
	*"File exists"*) RC=EEXIST ;;
	*"No such device"*) RC=ENODEV ;;
	*"Unknown symbol"* | *"No such file"* | *"not currently loaded"* | *"not found"*) RC=ENOENT ;;
	*"Permission denied"*) RC=EACCES ;;
	*"Operation not permitted"*) RC=EPERM ;;
	*"Cannot allocate"*) RC=ENOMEM ;;
	*"Input/output"*) RC=EIO ;;
	*)
		RC=other
		# Each new message once, for the report.
		if [ -z "${NOTED[$msg]:-}" ]; then
			NOTED[$msg]=1
			echo "KLP-CONC-NOTE $WORKER: unclassified error: $msg"
		fi
		;;
	esac
}

# start <name>: the worker's identity, stderr file and random stream.
start() {
	WORKER=$1
	ERR=$W/$1.err
	RANDOM=$((SEED * 97 + $2))
}

# gen_params: P, the module parameters of a random patch, and K, its kind.
gen_params() {
	local s a b t
	case $((RANDOM % 13)) in
	0 | 1) K=default; P=("replace=$((RANDOM % 4 == 0))") ;;	# legacy, the test kernel's default
	2) K=legacy-replace; P=(policy=legacy replace=1) ;;
	3) K=legacy; P=(policy=legacy) ;;
	4 | 5) K=replace_set; P=(policy=replace_set "replace_set=$((RANDOM % 3))") ;;
	6 | 7)
		K=replace_set-supersede
		s=$((RANDOM % 3))
		case $((RANDOM % 3)) in
		0) P=(policy=replace_set "replace_set=$s" "supersedes=$(((s + 1) % 3))") ;;
		1) P=(policy=replace_set "replace_set=$s" "supersedes=$(((s + 1) % 3)),$(((s + 2) % 3))") ;;
		2) P=(policy=replace_set "replace_set=$s" "supersedes=$((3 + RANDOM % 2))") ;;
		esac
		;;
	8 | 9) K=tag; P=(policy=tag "replace_tag=$((RANDOM % 3))") ;;
	10 | 11) K=hybrid; P=(policy=hybrid "replace=0" "replaceable=$((RANDOM % 2))") ;;
	12) K=hybrid-replace; P=(policy=hybrid "replace=1" "replaceable=$((RANDOM % 2))") ;;
	esac
	a=$((RANDOM % 3 != 0)) b=$((RANDOM % 2)) t=$((RANDOM % 3 == 0))
	[ "$a$b$t" = 000 ] && a=1
	P+=("funca=$a" "funcb=$b" "target=$t")
	((RANDOM % 6 == 0)) && P+=(state_id=1 "state_version=$((RANDOM % 2 + 1))")
	return 0
}

loader() {	# loader <letter> <index>
	local l=$1 n e try
	local -a names=("klp_conc_${l}0" "klp_conc_${l}1" "klp_conc_${l}2") live free
	local -A mine=()	# patches this loader disabled itself
	start "loader-$l" "$2"
	while ((EPOCHSECONDS < END)); do
		# rmmod the modules whose patch was freed: disabled, or replaced
		for n in "${names[@]}"; do
			[ -d "/sys/module/$n" ] && [ ! -d "$KLP/$n" ] || continue
			if [ -z "${mine[$n]:-}" ]; then
				# Disabled by the toggler, or replaced by another patch.
				by=
				read -r by 2> /dev/null < "$W/tog.$n"
				[ "$by" = 1 ] && tally freed_by_toggler || tally freed_replaced
				mine[$n]=1
			fi
			busybox rmmod "$n" 2> "$ERR"
			errclass $?
			op "rmmod_$RC" "rmmod $n"
			[ "$RC" = ok ] && unset "mine[$n]"
		done
		live=() free=()
		for n in "${names[@]}"; do
			if [ -d "$KLP/$n" ]; then
				read -r e 2> /dev/null < "$KLP/$n/enabled" || continue
				if [ "$e" = 1 ]; then
					live+=("$n")
					unset "mine[$n]"	# a disable the toggler reversed
				fi
			elif [ ! -d "/sys/module/$n" ]; then
				free+=("$n")
			fi
		done
		if ((${#free[@]})) && { ((${#live[@]} == 0)) || { ((${#live[@]} < 2)) && ((RANDOM % 10 < 6)); }; }; then
			n=${free[RANDOM % ${#free[@]}]}
			gen_params
			: > "$W/tog.$n"
			insmod "$MODS/$n.ko" "${P[@]}" 2> "$ERR"
			errclass $?
			op "insmod_$RC" "insmod $n ${P[*]}"
			tally "insmod_${K}_$RC"
			unset "mine[$n]"
		elif ((${#live[@]})); then
			n=${live[RANDOM % ${#live[@]}]}
			echo 0 2> "$ERR" > "$KLP/$n/enabled"
			errclass $?
			op "disable_$RC" "echo 0 > $n/enabled"
			[ "$RC" = ok ] && mine[$n]=1
		fi
		nap "0.$((RANDOM % 8 + 1))"
	done
	summary "loader-$l"
}

# read_file <file>: one read, counted by outcome
read_file() {
	local x
	if read -r x 2> "$ERR" < "$1"; then
		cnt read_ok
	else
		errclass $?
		cnt "read_$RC"
	fi
}

reader_all() {
	local f
	start reader-all "$1"
	while ((EPOCHSECONDS < END)); do
		for f in "$KLP"/* "$KLP"/*/* "$KLP"/*/*/* "$KLP"/*/*/*/*; do
			[ -d "$f" ] && continue
			[ "${f##*/}" = force ] && continue	# write-only
			read_file "$f"
		done
		for f in /proc/cmdline /proc/version "/sys/module/$TARGET/parameters/answer" \
			 "$AVAILABLE" "/sys/module/$POLICY_MOD/refcnt"; do
			[ -e "$f" ] || continue
			[ -d "$f" ] && continue
			read_file "$f"
		done
		tally sweeps
		nap 0.05
	done
	summary reader-all
}

reader_held() {
	local f fd x p
	local -a pats fds
	start reader-held "$1"
	while ((EPOCHSECONDS < END)); do
		pats=("$KLP"/*)
		if ((${#pats[@]} == 0)); then
			nap 0.2
			continue
		fi
		p=${pats[RANDOM % ${#pats[@]}]}
		fds=()
		for f in "$p"/* "$p"/*/* "$p"/*/*/*; do
			[ -d "$f" ] && continue
			[ "${f##*/}" = force ] && continue	# write-only
			if exec {fd}< "$f"; then
				fds+=("$fd")
				tally open_ok
			else
				tally open_failed
			fi
		done 2> /dev/null
		# Long enough for the patch to be disabled, freed and its
		# module removed by its loader, often.
		nap "$((RANDOM % 2)).$((RANDOM % 10))"
		for fd in "${fds[@]}"; do
			if read -r -u "$fd" x 2> "$ERR"; then
				cnt held_read_ok
			else
				errclass $?
				cnt "held_read_$RC"
			fi
			exec {fd}<&-
		done
	done
	summary reader-held
}

policy_worker() {
	local r
	start policy "$1"
	while ((EPOCHSECONDS < END)); do
		if [ -d "/sys/module/$POLICY_MOD" ]; then
			if read -r r 2> /dev/null < "/sys/module/$POLICY_MOD/refcnt"; then
				[ "$r" = 0 ] && tally seen_unused || tally seen_in_use
			fi
			busybox rmmod "$POLICY_MOD" 2> "$ERR"
			errclass $?
			op "rmmod_$RC" "rmmod $POLICY_MOD"
		else
			modprobe livepatch-hybrid-policy 2> "$ERR"
			errclass $?
			op "modprobe_$RC" "modprobe $POLICY_MOD"
		fi
		nap "0.$((RANDOM % 9 + 1))"
	done
	summary policy
}

target_worker() {
	start target "$1"
	while ((EPOCHSECONDS < END)); do
		if [ -d "/sys/module/$TARGET" ]; then
			busybox rmmod "$TARGET" 2> "$ERR"
			errclass $?
			op "unload_$RC" "rmmod $TARGET"
		else
			insmod "$TMODS/$TARGET.ko" 2> "$ERR"
			errclass $?
			op "load_$RC" "insmod $TARGET"
		fi
		nap "$((RANDOM % 2)).$((RANDOM % 10))"
	done
	summary target
}

toggler() {
	local d e t
	local -a pats
	start toggler "$1"
	while ((EPOCHSECONDS < END)); do
		pats=("$KLP"/*)
		if ((${#pats[@]})); then
			d=${pats[RANDOM % ${#pats[@]}]}
			if read -r t 2> /dev/null < "$d/transition" &&
			   read -r e 2> /dev/null < "$d/enabled"; then
				# The loaders tell the patches they did not free themselves
				# apart by tog.<patch>: 1 when the toggler disabled it last.
				if [ "$t" = 1 ]; then
					# Reverse the transition in flight, one time in two.
					if ((RANDOM % 2)); then
						echo "$((1 - e))" 2> "$ERR" > "$d/enabled"
						errclass $?
						op "reverse_$RC" "echo $((1 - e)) > ${d##*/}/enabled (reverse)"
						[ "$RC" = ok ] && echo "$e" > "$W/tog.${d##*/}"
					fi
				elif [ "$e" = 1 ] && ((RANDOM % 3 == 0)); then
					echo 0 2> "$ERR" > "$d/enabled"
					errclass $?
					op "disable_$RC" "echo 0 > ${d##*/}/enabled"
					[ "$RC" = ok ] && echo 1 > "$W/tog.${d##*/}"
				elif [ "$e" = 0 ]; then
					# A disabled patch cannot be enabled again.
					echo 1 2> "$ERR" > "$d/enabled"
					errclass $?
					op "reenable_$RC" "echo 1 > ${d##*/}/enabled"
				fi
			else
				tally gone
			fi
		fi
		nap "0.$((RANDOM % 6 + 2))"
	done
	summary toggler
}

# The patch modules of every loader.
all_mods() {
	local l i
	ALL=()
	for l in a b c d; do
		for i in 0 1 2; do
			ALL+=("klp_conc_$l$i")
		done
	done
}

# stack_of <pid>: where a hung worker and its children are.
stack_of() {
	local p=$1 c comm
	read -r comm < "/proc/$p/comm" 2> /dev/null
	echo "  pid $p ($comm):"
	while read -r x; do echo "    $x"; done < "/proc/$p/stack" 2> /dev/null
	for c in $(cat "/proc/$p/task/$p/children" 2> /dev/null); do
		stack_of "$c"
	done
}

start main 0
all_mods
tw="toggler workers"
[ "$TOGGLER" = 1 ] || tw="workers (no toggler)"
echo "concurrency: $SECS s, seed $SEED, $NLOADERS loaders, 2 readers, policy, target and $tw"
[ -d "$KLP" ] || { echo "KLP-CONC-DONE ops=0 result=fail (no $KLP)"; exit 1; }
END=$((EPOCHSECONDS + SECS))
declare -A PIDS=()
letters=(a b c d)
for ((i = 0; i < NLOADERS && i < 4; i++)); do
	loader "${letters[i]}" "$((i + 1))" &
	PIDS[loader-${letters[i]}]=$!
done
reader_all 11 &
PIDS[reader-all]=$!
reader_held 12 &
PIDS[reader-held]=$!
policy_worker 13 &
PIDS[policy]=$!
target_worker 14 &
PIDS[target]=$!
if [ "$TOGGLER" = 1 ]; then
	toggler 15 &
	PIDS[toggler]=$!
fi

while ((EPOCHSECONDS < END)); do
	nap 1
done

# Every worker stops on its own at END; one that does not within GRACE
# seconds is hung: show where, then kill it.
hung=0
stop=$((END + GRACE))
for w in "${!PIDS[@]}"; do
	while kill -0 "${PIDS[$w]}" 2> /dev/null && ((EPOCHSECONDS < stop)); do
		nap 0.5
	done
	if kill -0 "${PIDS[$w]}" 2> /dev/null; then
		echo "KLP-CONC-HUNG $w (pid ${PIDS[$w]}) still running ${GRACE}s after the end:"
		stack_of "${PIDS[$w]}"
		show_patches
		kill -9 "${PIDS[$w]}" 2> /dev/null
		hung=$((hung + 1))
	fi
done
((hung)) || wait
ran=$((EPOCHSECONDS - END + SECS))

# Disable and free everything, remove every module.
start cleanup 99
cleanup_start=$EPOCHSECONDS
stop=$((EPOCHSECONDS + CLEANUP))
while ((EPOCHSECONDS < stop)); do
	left=0
	for d in "$KLP"/*; do
		left=1
		read -r e 2> /dev/null < "$d/enabled" || continue
		read -r t 2> /dev/null < "$d/transition" || continue
		if [ "$e" = 1 ] && [ "$t" = 0 ]; then
			echo 0 2> "$ERR" > "$d/enabled"
			errclass $?
			op "disable_$RC" "echo 0 > ${d##*/}/enabled"
		fi
	done
	for n in "${ALL[@]}"; do
		[ -d "/sys/module/$n" ] || continue
		left=1
		[ -d "$KLP/$n" ] && continue
		busybox rmmod "$n" 2> "$ERR"
		errclass $?
		op "rmmod_$RC" "rmmod $n"
	done
	((left)) || break
	nap 0.5
done
cleanup_secs=$((EPOCHSECONDS - cleanup_start))
for m in "$TARGET" "$POLICY_MOD"; do
	for ((try = 0; try < 20; try++)); do
		[ -d "/sys/module/$m" ] || break
		if [ "$m" = "$POLICY_MOD" ] && ((try == 0)); then
			read -r r < "/sys/module/$m/refcnt"
			echo "concurrency: $POLICY_MOD refcnt after every patch is freed: $r"
			[ "$r" = 0 ] || echo "KLP-CONC-LEFT $POLICY_MOD refcnt=$r with no patch left"
			[ "$r" = 0 ] || policy_ref=$r
		fi
		busybox rmmod "$m" 2> "$ERR"
		errclass $?
		op "rmmod_$RC" "rmmod $m"
		[ "$RC" = ok ] || nap 0.5
	done
done
summary cleanup

# What is left: patches, modules, the policy's registration.
leftovers=0
for d in "$KLP"/*; do
	echo "KLP-CONC-LEFT patch ${d##*/} still in sysfs"
	leftovers=$((leftovers + 1))
done
[ "$leftovers" = 0 ] || show_patches
while read -r m _; do
	case $m in
	klp_conc_* | "$TARGET" | "$POLICY_MOD" | test_klp_*)
		echo "KLP-CONC-LEFT module $m still loaded"
		leftovers=$((leftovers + 1))
		;;
	esac
done < /proc/modules
read -r avail < "$AVAILABLE"
case " ${avail//,/ } " in
*" hybrid "*)
	echo "KLP-CONC-LEFT policy hybrid still registered: $avail"
	leftovers=$((leftovers + 1))
	;;
esac
[ -n "${policy_ref:-}" ] && leftovers=$((leftovers + 1))

# Every operation but the reads, in time order (uptime, as the kernel's
# timestamps): what led to a splat.
for f in "$W"/*.trace; do
	while read -r line; do
		echo "KLP-CONC-OP $line"
	done < "$f"
done | sort -n -k2

# One line per worker, and the totals.
total=0
declare -A SUM=()
for f in "$W"/*.sum; do
	read -r line < "$f"
	echo "$line"
	read -r -a kv <<< "$line"
	w=${kv[1]}
	for x in "${kv[@]:2}"; do
		k=${x%%=*} v=${x#*=}
		[ "$k" = ops ] && [ "$w" != cleanup ] && total=$((total + v))
		case $k in insmod_ok | insmod_EINVAL | insmod_EBUSY | insmod_ENOENT | freed_replaced | freed_by_toggler | \
			   reverse_ok | read_ok | read_ENOENT | read_ENODEV | held_read_ok | held_read_ENODEV)
			[ "$w" = cleanup ] || SUM[$k]=$((${SUM[$k]:-0} + v)) ;;
		esac
	done
done
for w in "${!PIDS[@]}"; do
	[ -f "$W/$w.sum" ] || echo "KLP-CONC-WORKER $w (no summary: hung or killed)"
done
# A worker that did not report is as bad as one that hung.
missing=0
for w in "${!PIDS[@]}"; do
	[ -f "$W/$w.sum" ] || missing=$((missing + 1))
done
result=pass
((hung + leftovers + missing)) && result=fail
((${SUM[insmod_ok]:-0} > 0)) || result=fail	# a run that loaded nothing tested nothing
line="KLP-CONC-DONE ops=$total seconds=$ran"
for k in insmod_ok insmod_EINVAL insmod_EBUSY insmod_ENOENT freed_replaced freed_by_toggler reverse_ok \
	 read_ok read_ENOENT read_ENODEV held_read_ok held_read_ENODEV; do
	line="$line $k=${SUM[$k]:-0}"
done
echo "$line cleanup_s=$cleanup_secs hung=$hung missing=$missing leftovers=$leftovers result=$result"
[ "$result" = pass ]
