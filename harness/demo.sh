#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make (make demo): boot the test kernel under livepatch.replace_policy=
# replace_set and run the off-band fleet scenario (harness/guest/demo.sh).
# The terminal shows the scenario's own output; the whole guest console
# (boot log, the kernel's messages during the scenario) goes to
# $BUILD/logs/demo-console.log.  V=1 prints the console as it comes
# instead.  Ends with one PASS or FAIL line: the scenario ran to the end
# (guest exit status 0) and the kernel log has no splat.
. "$(dirname "$0")/lib.sh"

LOG=$LOGS/demo-console.log
append="livepatch.replace_policy=replace_set ${QEMU_APPEND:-}"
if [ "${V:-0}" = 1 ]; then
	export QEMU_SHOW=console
else
	export QEMU_SHOW=job
	append="$append klp.quiet=1"
	echo "demo: the guest console goes to $LOG (follow it with 'tail -f $LOG', or run 'make demo V=1')"
fi

set +e
QEMU_APPEND=$append "$PROJECT/harness/qemu.sh" demo "${DEMO_TIMEOUT:-600}"
qrc=$?
set -e

echo
why=
case $qrc in
0) ;;
2) why="kernel splat in the guest (listed above)" ;;
*) why="the guest did not run to the end (see above)" ;;
esac
if [ -z "$why" ]; then
	exit_line=$(grep -a '^KLP-HARNESS-EXIT' "$LOG" | tail -1)
	[ "$exit_line" = "KLP-HARNESS-EXIT rc=0" ] ||
		why="the scenario failed in the guest (${exit_line#KLP-HARNESS-EXIT })"
fi
if [ -n "$why" ]; then
	if [ "$QEMU_SHOW" = job ]; then
		echo "demo: last lines of the console:"
		tail -25 "$LOG" | sed 's/^/  | /'
	fi
	echo "demo: FAIL: $why; console log: $LOG"
	exit 1
fi
echo "demo: PASS: the scenario ran to the end and the kernel log is splat-free; console log: $LOG"
