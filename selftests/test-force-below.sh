#!/bin/bash
# SPDX-License-Identifier: GPL-2.0

. "$(dirname "$0")/functions.sh"

# Pinned for good by the forced transition: used by no other test.
MOD_LP1=test_klp_force_below
MOD_LP2=test_klp_force_below2
MOD_LP3=test_klp_force_below3
SLEEPER_OUT=/tmp/test-force-below.out

setup_config


# A forced transition marks the patch it is stacked on, which it does not
# replace, since a task may still run that patch's code:
# - lp1 patches version_proc_show; a task sleeps in lp1's code
# - lp2 (no .replace) patches version_proc_show: its transition waits for
#   the task; forced, it completes
# - lp3 (.replace) patches version_proc_show: it checks lp2's code only,
#   so it replaces lp1 and lp2 and completes with the task still in
#   lp1's code
# - lp2's module can be removed; lp1's stays loaded (it used to be
#   removable, and the task then woke up in freed module text: a page
#   fault, an oops)

start_test "a forced transition marks the patch it is stacked on"

load_lp $MOD_LP1 sleep=1
cat /proc/version > "$SLEEPER_OUT" &
SLEEPER=$!
loop_until "dmesg | grep -q '$MOD_LP1: version_proc_show: sleeping'" ||
	die "the sleeper did not enter $MOD_LP1's version_proc_show"
load_lp_nowait $MOD_LP2
sleep 1
check_sysfs_value $MOD_LP2 transition 1
log "% echo 1 > /sys/kernel/livepatch/$MOD_LP2/force"
echo 1 > "/sys/kernel/livepatch/$MOD_LP2/force"
loop_until "grep -q '^0$' /sys/kernel/livepatch/$MOD_LP2/transition" ||
	die "the forced transition of $MOD_LP2 did not complete"
load_lp $MOD_LP3 replace=1
loop_until "[[ ! -e /sys/kernel/livepatch/$MOD_LP1 && ! -e /sys/kernel/livepatch/$MOD_LP2 ]]" ||
	die "the replaced livepatches are still in sysfs"
unload_lp $MOD_LP2
log "% rmmod $MOD_LP1"
rmmod "$MOD_LP1" 2>/dev/null &&
	die "$MOD_LP1 was removed while a task may still run its code"
kill -0 $SLEEPER 2>/dev/null || die "the sleeper woke up"
log "% echo 0 > /sys/module/$MOD_LP1/parameters/sleep"
echo 0 > "/sys/module/$MOD_LP1/parameters/sleep"
wait $SLEEPER
grep -q "^$MOD_LP1: version_proc_show$" "$SLEEPER_OUT" ||
	die "the sleeper did not run $MOD_LP1's version_proc_show"
disable_lp $MOD_LP3
unload_lp $MOD_LP3

check_result "% insmod test_modules/$MOD_LP1.ko sleep=1
livepatch: enabling patch '$MOD_LP1'
livepatch: '$MOD_LP1': initializing patching transition
livepatch: '$MOD_LP1': starting patching transition
livepatch: '$MOD_LP1': completing patching transition
livepatch: '$MOD_LP1': patching complete
$MOD_LP1: version_proc_show: sleeping
% insmod test_modules/$MOD_LP2.ko
livepatch: enabling patch '$MOD_LP2'
livepatch: '$MOD_LP2': initializing patching transition
livepatch: '$MOD_LP2': starting patching transition
% echo 1 > /sys/kernel/livepatch/$MOD_LP2/force
livepatch: forcing remaining tasks to the patched state
livepatch: '$MOD_LP2': completing patching transition
livepatch: '$MOD_LP2': patching complete
% insmod test_modules/$MOD_LP3.ko replace=1
livepatch: enabling patch '$MOD_LP3'
livepatch: '$MOD_LP3': initializing patching transition
livepatch: '$MOD_LP3': starting patching transition
livepatch: '$MOD_LP3': completing patching transition
livepatch: '$MOD_LP3': patching complete
% rmmod $MOD_LP2
% rmmod $MOD_LP1
% echo 0 > /sys/module/$MOD_LP1/parameters/sleep
% echo 0 > /sys/kernel/livepatch/$MOD_LP3/enabled
livepatch: '$MOD_LP3': initializing unpatching transition
livepatch: '$MOD_LP3': starting unpatching transition
livepatch: '$MOD_LP3': completing unpatching transition
livepatch: '$MOD_LP3': unpatching complete
% rmmod $MOD_LP3"

exit 0
