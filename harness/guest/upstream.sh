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
	local sid=$1 p m i
	pkill -KILL -s "$sid" 2>/dev/null
	for p in "$KLP"/*; do
		[ -d "$p" ] || continue
		if [ "$(cat "$p/transition")" = 1 ]; then
			echo 1 > "$p/force" 2>/dev/null
		fi
		echo 0 > "$p/enabled" 2>/dev/null
	done
	for ((i = 0; i < 100; i++)); do
		[ -z "$(ls "$KLP")" ] && break
		sleep 0.2
	done
	for i in 1 2 3; do
		for m in $(lsmod | awk '$1 ~ /^test_klp/ { print $1 }'); do
			rmmod "$m" 2>/dev/null
		done
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
