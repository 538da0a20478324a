#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job for 'make upstream-selftests': the livepatch selftests exactly
# as Linux 6.12 ships them (/kselftest-pristine), each script on its own:
# bounded by klp.script_timeout= seconds, in a session of its own whose
# leftover processes are killed afterwards (test-syscall.sh's getpid
# hammerers otherwise run forever), then every livepatch disabled and
# every test module removed, so that one script's failure cannot change
# the next one's outcome. klp.tests=a.sh,b.sh runs only those.
# Prints "KLP-UPSTREAM <script> <ok|fail|skip|timeout> <rc> <seconds>".
. /harness/lib.sh

DIR=/kselftest-pristine/livepatch
cmdline=$(cat /proc/cmdline)
limit=$(sed -n 's/.*klp\.script_timeout=\([0-9]*\).*/\1/p' <<< "$cmdline")
tests=$(sed -n 's/.*klp\.tests=\([^ ]*\).*/\1/p' <<< "$cmdline")
scripts=${tests//,/ }
[ -n "$scripts" ] || scripts=$(cd "$DIR" && ls test-*.sh)

# cleanup: what a failed script may have left: its processes, enabled
# livepatches (a stalled transition reversed), loaded test modules.
cleanup() {
	local sid=$1 p m i t waited=0
	pkill -KILL -s "$sid" 2>/dev/null
	# One transition at a time: wait for the one running (force it only
	# when stuck for 15 s), then disable the next enabled patch.
	for ((i = 0; i < 600; i++)); do
		[ -z "$(ls "$KLP")" ] && break
		t=
		for p in "$KLP"/*; do
			[ "$(cat "$p/transition" 2>/dev/null)" = 1 ] && t=$p
		done
		if [ -n "$t" ]; then
			waited=$((waited + 1))
			[ "$waited" = 75 ] && echo 1 > "$t/force" 2>/dev/null
		else
			waited=0
			for p in "$KLP"/*; do
				[ "$(cat "$p/enabled" 2>/dev/null)" = 1 ] || continue
				echo 0 > "$p/enabled" 2>/dev/null && break
			done
		fi
		sleep 0.2
	done
	for i in 1 2 3; do
		for m in $(lsmod | awk '$1 ~ /^test_klp/ { print $1 }'); do
			rmmod "$m" 2>/dev/null
		done
		sleep 0.2
	done
	echo "KLP-UPSTREAM-LEFT patches=[$(ls "$KLP" | tr '\n' ' ')] modules=[$(lsmod | awk '$1 ~ /^test_klp/ { printf "%s ", $1 }')]"
}

cd "$DIR" || exit 1
# The scripts only check that KDIR names a directory: the test modules
# were built on the host against the test kernel.
export KDIR=/kselftest-pristine
for s in $scripts; do
	echo "KLP-UPSTREAM-BEGIN $s"
	start=$(date +%s)
	# setsid: the script and everything it starts share one session id,
	# the script's pid, which cleanup kills.
	setsid timeout -k 5 "${limit:-300}" "./$s" &
	pid=$!
	wait "$pid"
	rc=$?
	case $rc in
	0) result=ok ;;
	4) result=skip ;;
	124 | 137) result=timeout ;;
	*) result=fail ;;
	esac
	cleanup "$pid"
	echo "KLP-UPSTREAM $s $result $rc $(($(date +%s) - start))"
done
echo "KLP-UPSTREAM-DONE"
