#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The klp replace-policy project
#
# Replace policies in the booted kernel, with the sample policy plugin
# samples/livepatch/livepatch-hybrid-policy.ko (CONFIG_SAMPLE_LIVEPATCH=m).
# Its module name does not pass check_result's 'livepatch:'/'test_klp'
# filter, so its loading and removal are asserted directly, not through
# dmesg.

. $(dirname $0)/functions.sh

MOD_LP1=test_klp_policy1
MOD_LP2=test_klp_policy2
MOD_LP3=test_klp_policy3
MOD_LP4=test_klp_policy4
MOD_POLICY=livepatch_hybrid_policy
MOD_TARGET_BUSY=test_klp_callbacks_busy
AVAILABLE=/sys/module/livepatch/parameters/available_replace_policies

setup_config

if ! modinfo "$MOD_POLICY" &> /dev/null; then
	skip "$MOD_POLICY.ko is not installed (CONFIG_SAMPLE_LIVEPATCH=m)"
fi

# load_policy() - load the sample policy plugin from the installed modules
function load_policy() {
	log "% modprobe $MOD_POLICY"
	modprobe "$MOD_POLICY" || die "cannot load $MOD_POLICY"
}

ORIG_CMDLINE=$(cat /proc/cmdline)

# - the legacy policy is always registered and is the default here
# - load the sample "hybrid" policy plugin: it is listed
# - a livepatch selects it by name: sysfs shows it, and the livepatch
#   holds a reference to the plugin module, so the plugin cannot be removed
# - once the livepatch is disabled the reference is gone

start_test "replace policy plugin"

[[ "$(cat /sys/module/livepatch/parameters/replace_policy)" == "legacy" ]] ||
	die "default replace policy is not legacy"
load_policy
grep -qw hybrid $AVAILABLE && grep -qw legacy $AVAILABLE ||
	die "available replace policies: '$(cat $AVAILABLE)'"
check_refcnt $MOD_POLICY 0
load_lp $MOD_LP1 policy=hybrid
check_sysfs_value $MOD_LP1 replace_policy hybrid
check_sysfs_value $MOD_LP1 replace_params "replace=0 replaceable=0"
check_sysfs_rights $MOD_LP1 replace_policy "-r--r--r--"
check_sysfs_rights $MOD_LP1 replace_params "-r--r--r--"
check_refcnt $MOD_POLICY 1
ret=$(rmmod $MOD_POLICY 2>&1) && die "$MOD_POLICY was removed while in use"
[[ "$ret" == "rmmod: ERROR: Module $MOD_POLICY is in use" ]] ||
	die "unexpected rmmod error: $ret"
disable_lp $MOD_LP1
check_refcnt $MOD_POLICY 0
unload_lp $MOD_LP1
unload_mod $MOD_POLICY
grep -qw hybrid $AVAILABLE &&
	die "hybrid is still available: '$(cat $AVAILABLE)'"

check_result "% insmod test_modules/$MOD_LP1.ko policy=hybrid
livepatch: enabling patch '$MOD_LP1'
livepatch: '$MOD_LP1': initializing patching transition
livepatch: '$MOD_LP1': starting patching transition
livepatch: '$MOD_LP1': completing patching transition
livepatch: '$MOD_LP1': patching complete
% echo 0 > /sys/kernel/livepatch/$MOD_LP1/enabled
livepatch: '$MOD_LP1': initializing unpatching transition
livepatch: '$MOD_LP1': starting unpatching transition
livepatch: '$MOD_LP1': completing unpatching transition
livepatch: '$MOD_LP1': unpatching complete
% rmmod $MOD_LP1"


# Petr Mladek's example, under the hybrid policy:
# - lp1 (not replaceable) patches funcA (cmdline_proc_show)
# - lp2 (replaceable) patches funcA and funcB (version_proc_show)
# - lp3 replaces the replaceable patches and patches only funcB: funcA
#   would fall back from lp2's code to lp1's with no transition, so the
#   core refuses lp3, with -EINVAL, and nothing changes

start_test "lp1/lp2/lp3 funcA fallback refused"

REFUSAL="livepatch: patch '$MOD_LP3' replaces '$MOD_LP2' but keeps '$MOD_LP1',"
REFUSAL+=" which also patches vmlinux:cmdline_proc_show,1:"
REFUSAL+=" that function would switch to '$MOD_LP1' without a transition"

load_policy
load_lp $MOD_LP1 policy=hybrid
load_lp $MOD_LP2 policy=hybrid replaceable=1 funcb=1
check_file /proc/cmdline "$MOD_LP2: cmdline_proc_show"
load_failing_mod $MOD_LP3 policy=hybrid replace=1 funca=0 funcb=1
check_patches "$MOD_LP1 $MOD_LP2"
check_file /proc/cmdline "$MOD_LP2: cmdline_proc_show"
check_file /proc/version "$MOD_LP2: version_proc_show"
[[ ! -e /sys/module/$MOD_LP3 ]] || die "$MOD_LP3 stayed loaded"
check_refcnt $MOD_POLICY 2
disable_lp $MOD_LP2
disable_lp $MOD_LP1
unload_lp $MOD_LP2
unload_lp $MOD_LP1
unload_mod $MOD_POLICY
check_file /proc/cmdline "$ORIG_CMDLINE"

check_result "% insmod test_modules/$MOD_LP1.ko policy=hybrid
livepatch: enabling patch '$MOD_LP1'
livepatch: '$MOD_LP1': initializing patching transition
livepatch: '$MOD_LP1': starting patching transition
livepatch: '$MOD_LP1': completing patching transition
livepatch: '$MOD_LP1': patching complete
% insmod test_modules/$MOD_LP2.ko policy=hybrid replaceable=1 funcb=1
livepatch: enabling patch '$MOD_LP2'
livepatch: '$MOD_LP2': initializing patching transition
livepatch: '$MOD_LP2': starting patching transition
livepatch: '$MOD_LP2': completing patching transition
livepatch: '$MOD_LP2': patching complete
% insmod test_modules/$MOD_LP3.ko policy=hybrid replace=1 funca=0 funcb=1
$REFUSAL
insmod: ERROR: could not insert module test_modules/$MOD_LP3.ko: Invalid parameters
% echo 0 > /sys/kernel/livepatch/$MOD_LP2/enabled
livepatch: '$MOD_LP2': initializing unpatching transition
livepatch: '$MOD_LP2': starting unpatching transition
livepatch: '$MOD_LP2': completing unpatching transition
livepatch: '$MOD_LP2': unpatching complete
% echo 0 > /sys/kernel/livepatch/$MOD_LP1/enabled
livepatch: '$MOD_LP1': initializing unpatching transition
livepatch: '$MOD_LP1': starting unpatching transition
livepatch: '$MOD_LP1': completing unpatching transition
livepatch: '$MOD_LP1': unpatching complete
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# A legacy .replace = true livepatch still replaces every enabled
# livepatch, whatever policy those use:
# - lp1 (legacy, no replace) and lp2 (hybrid, not replaceable)
# - lp3 (legacy, replace) replaces both; only lp3 is left

start_test "legacy replace replaces every policy's patches"

load_policy
load_lp $MOD_LP1
load_lp $MOD_LP2 policy=hybrid funcb=1
load_lp $MOD_LP3 replace=1 funca=0 funcb=1
check_patches "$MOD_LP3"
check_sysfs_value $MOD_LP3 replace_policy legacy
check_sysfs_value $MOD_LP3 replace_params "replace=1"
check_file /proc/cmdline "$ORIG_CMDLINE"
check_file /proc/version "$MOD_LP3: version_proc_show"
check_refcnt $MOD_POLICY 0
unload_lp $MOD_LP2
unload_lp $MOD_LP1
disable_lp $MOD_LP3
unload_lp $MOD_LP3
unload_mod $MOD_POLICY

check_result "% insmod test_modules/$MOD_LP1.ko
livepatch: enabling patch '$MOD_LP1'
livepatch: '$MOD_LP1': initializing patching transition
livepatch: '$MOD_LP1': starting patching transition
livepatch: '$MOD_LP1': completing patching transition
livepatch: '$MOD_LP1': patching complete
% insmod test_modules/$MOD_LP2.ko policy=hybrid funcb=1
livepatch: enabling patch '$MOD_LP2'
livepatch: '$MOD_LP2': initializing patching transition
livepatch: '$MOD_LP2': starting patching transition
livepatch: '$MOD_LP2': completing patching transition
livepatch: '$MOD_LP2': patching complete
% insmod test_modules/$MOD_LP3.ko replace=1 funca=0 funcb=1
livepatch: enabling patch '$MOD_LP3'
livepatch: '$MOD_LP3': initializing patching transition
livepatch: '$MOD_LP3': starting patching transition
livepatch: '$MOD_LP3': completing patching transition
livepatch: '$MOD_LP3': patching complete
% rmmod $MOD_LP2
% rmmod $MOD_LP1
% echo 0 > /sys/kernel/livepatch/$MOD_LP3/enabled
livepatch: '$MOD_LP3': initializing unpatching transition
livepatch: '$MOD_LP3': starting unpatching transition
livepatch: '$MOD_LP3': completing unpatching transition
livepatch: '$MOD_LP3': unpatching complete
% rmmod $MOD_LP3"


# klp_force_transition() marks only the patches being replaced, whose
# modules then stay loaded for good; the new patch and the kept patches
# can still be removed. The replaced patch is $MOD_LP4, used by no other
# test: it stays loaded until reboot.
# - a task sleeps in busymod_work_func()
# - lp1 (kept) patches funcA, lp4 (replaceable) patches funcB
# - lp3 replaces lp4, patches funcB and busymod_work_func(): its
#   transition stalls on the sleeping task until it is forced
# - lp4 is gone and its module cannot be removed; lp1 and lp3 can

start_test "forced transition marks only replaced patches"

load_mod $MOD_TARGET_BUSY block_transition=Y
load_policy
load_lp $MOD_LP1 policy=hybrid
load_lp $MOD_LP4 policy=hybrid replaceable=1 funca=0 funcb=1
load_lp_nowait $MOD_LP3 policy=hybrid replace=1 funca=0 funcb=1 busy=1
sleep 1
check_sysfs_value $MOD_LP3 transition 1
log "% echo 1 > $KLP_SYSFS_DIR/$MOD_LP3/force"
echo 1 > "$KLP_SYSFS_DIR/$MOD_LP3/force"
loop_until "grep -q '^0$' $KLP_SYSFS_DIR/$MOD_LP3/transition" ||
	die "forced transition did not complete"
loop_until "[[ ! -e $KLP_SYSFS_DIR/$MOD_LP4 ]]" ||
	die "replaced patch $MOD_LP4 was not removed"
check_patches "$MOD_LP1 $MOD_LP3"
check_refcnt $MOD_LP4 1
ret=$(rmmod $MOD_LP4 2>&1) && die "forced $MOD_LP4 was removed"
disable_lp $MOD_LP1
unload_lp $MOD_LP1
disable_lp $MOD_LP3
unload_lp $MOD_LP3
unload_mod $MOD_TARGET_BUSY
check_refcnt $MOD_POLICY 0
unload_mod $MOD_POLICY

check_result "% insmod test_modules/$MOD_TARGET_BUSY.ko block_transition=Y
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_init
$MOD_TARGET_BUSY: busymod_work_func enter
% insmod test_modules/$MOD_LP1.ko policy=hybrid
livepatch: enabling patch '$MOD_LP1'
livepatch: '$MOD_LP1': initializing patching transition
livepatch: '$MOD_LP1': starting patching transition
livepatch: '$MOD_LP1': completing patching transition
livepatch: '$MOD_LP1': patching complete
% insmod test_modules/$MOD_LP4.ko policy=hybrid replaceable=1 funca=0 funcb=1
livepatch: enabling patch '$MOD_LP4'
livepatch: '$MOD_LP4': initializing patching transition
livepatch: '$MOD_LP4': starting patching transition
livepatch: '$MOD_LP4': completing patching transition
livepatch: '$MOD_LP4': patching complete
% insmod test_modules/$MOD_LP3.ko policy=hybrid replace=1 funca=0 funcb=1 busy=1
livepatch: enabling patch '$MOD_LP3'
livepatch: '$MOD_LP3': initializing patching transition
livepatch: '$MOD_LP3': starting patching transition
% echo 1 > $KLP_SYSFS_DIR/$MOD_LP3/force
livepatch: forcing remaining tasks to the patched state
livepatch: '$MOD_LP3': completing patching transition
livepatch: '$MOD_LP3': patching complete
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP1/enabled
livepatch: '$MOD_LP1': initializing unpatching transition
livepatch: '$MOD_LP1': starting unpatching transition
livepatch: '$MOD_LP1': completing unpatching transition
livepatch: '$MOD_LP1': unpatching complete
% rmmod $MOD_LP1
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP3/enabled
livepatch: '$MOD_LP3': initializing unpatching transition
livepatch: '$MOD_LP3': starting unpatching transition
livepatch: '$MOD_LP3': completing unpatching transition
livepatch: '$MOD_LP3': unpatching complete
% rmmod $MOD_LP3
% rmmod $MOD_TARGET_BUSY
$MOD_TARGET_BUSY: busymod_work_func exit
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_exit"

exit 0
