#!/bin/bash
# SPDX-License-Identifier: GPL-2.0

. "$(dirname "$0")/functions.sh"

MOD_LP1=test_klp_reverse_below
MOD_LP2=test_klp_reverse_below2
SLEEPER_OUT=/tmp/test-reverse-below.out

setup_config


# The stack check of a transition that is reversed below another patch:
# - lp1 patches cmdline_proc_show and version_proc_show; a task sleeps in
#   lp1's version_proc_show
# - lp2 patches cmdline_proc_show, on top of lp1; the task is not in it,
#   so lp2's transition completes
# - lp1 is disabled: its unpatching transition waits for the task
# - lp1 is enabled again during that transition: reversed, the check of
#   cmdline_proc_show must take the original function as the code lp1
#   replaces, since lp1's func is the oldest on the function's stack (it
#   used to read past the stack's list head: KASAN slab-out-of-bounds,
#   and a transition that may never complete); the transition completes
#   with the task still asleep
# - lp1 and lp2 stay enabled: cmdline_proc_show runs lp2's code

start_test "reverse the unpatching of a patch below another one"

load_lp $MOD_LP1 funcb=1 sleep=1
cat /proc/version > "$SLEEPER_OUT" &
SLEEPER=$!
loop_until "dmesg | grep -q '$MOD_LP1: version_proc_show: sleeping'" ||
	die "the sleeper did not enter $MOD_LP1's version_proc_show"
load_lp $MOD_LP2
log "% echo 0 > /sys/kernel/livepatch/$MOD_LP1/enabled"
echo 0 > "/sys/kernel/livepatch/$MOD_LP1/enabled"
check_sysfs_value $MOD_LP1 transition 1
log "% echo 1 > /sys/kernel/livepatch/$MOD_LP1/enabled"
echo 1 > "/sys/kernel/livepatch/$MOD_LP1/enabled"
loop_until "grep -q '^0$' /sys/kernel/livepatch/$MOD_LP1/transition" ||
	die "the reversed transition of $MOD_LP1 did not complete"
kill -0 $SLEEPER 2>/dev/null || die "the sleeper woke up"
check_sysfs_value $MOD_LP1 enabled 1
grep -q "^$MOD_LP2: cmdline_proc_show$" /proc/cmdline ||
	die "cmdline_proc_show does not run $MOD_LP2's code"
log "% echo 0 > /sys/module/$MOD_LP1/parameters/sleep"
echo 0 > "/sys/module/$MOD_LP1/parameters/sleep"
wait $SLEEPER
grep -q "^$MOD_LP1: version_proc_show$" "$SLEEPER_OUT" ||
	die "the sleeper did not run $MOD_LP1's version_proc_show"
disable_lp $MOD_LP2
unload_lp $MOD_LP2
disable_lp $MOD_LP1
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko funcb=1 sleep=1
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
livepatch: '$MOD_LP2': completing patching transition
livepatch: '$MOD_LP2': patching complete
% echo 0 > /sys/kernel/livepatch/$MOD_LP1/enabled
livepatch: '$MOD_LP1': initializing unpatching transition
livepatch: '$MOD_LP1': starting unpatching transition
% echo 1 > /sys/kernel/livepatch/$MOD_LP1/enabled
livepatch: '$MOD_LP1': reversing transition from unpatching to patching
livepatch: '$MOD_LP1': starting patching transition
livepatch: '$MOD_LP1': completing patching transition
livepatch: '$MOD_LP1': patching complete
% echo 0 > /sys/module/$MOD_LP1/parameters/sleep
% echo 0 > /sys/kernel/livepatch/$MOD_LP2/enabled
livepatch: '$MOD_LP2': initializing unpatching transition
livepatch: '$MOD_LP2': starting unpatching transition
livepatch: '$MOD_LP2': completing unpatching transition
livepatch: '$MOD_LP2': unpatching complete
% rmmod $MOD_LP2
% echo 0 > /sys/kernel/livepatch/$MOD_LP1/enabled
livepatch: '$MOD_LP1': initializing unpatching transition
livepatch: '$MOD_LP1': starting unpatching transition
livepatch: '$MOD_LP1': completing unpatching transition
livepatch: '$MOD_LP1': unpatching complete
% rmmod $MOD_LP1"

exit 0
