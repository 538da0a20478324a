#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-object (un)patch callbacks under scoped replacement keep upstream's
# behaviour: only the callbacks of the livepatch in transition run. A
# livepatch that replaces its replace set, supersedes another set,
# replaces tag-0 livepatches, or keeps some livepatches and replaces
# others (the sample "hybrid" plugin, samples/livepatch/, installed where
# modprobe finds it) runs its own pre/post-patch callbacks; the replaced
# and the kept livepatches' callbacks do not run.

# $CUM and $OFF below are lists of module parameters, split on purpose.
# shellcheck disable=SC2086

. "$(dirname "$0")/functions.sh"

MOD_LP1=test_klp_policy1
MOD_LP2=test_klp_policy2
MOD_LP3=test_klp_policy3
MOD_POLICY=livepatch_hybrid_policy
AVAILABLE=/sys/module/livepatch/parameters/available_replace_policies

setup_config

for policy in replace_set tag; do
	grep -qw "$policy" "$AVAILABLE" ||
		modprobe -q "klp-replace-policy-$policy" 2>/dev/null
	grep -qw "$policy" "$AVAILABLE" ||
		skip "replace policy $policy is not available (CONFIG_KLP_REPLACE_POLICY_*)"
done
modinfo "$MOD_POLICY" &> /dev/null ||
	skip "$MOD_POLICY.ko is not installed (CONFIG_SAMPLE_LIVEPATCH=m)"

ORIG_VERSION=$(cat /proc/version)
CB="obj_callbacks=1"

# wait_removed(modname) - a replaced patch leaves sysfs once it is freed
function wait_removed() {
	loop_until "[[ ! -e $KLP_SYSFS_DIR/$1 ]]" ||
		die "replaced livepatch $1 is still in sysfs"
}

# cb_enable_msgs(modname) - the messages of a livepatch with vmlinux
# callbacks enabled without surprises: its own callbacks only
function cb_enable_msgs() {
	echo "livepatch: enabling patch '$1'
livepatch: '$1': initializing patching transition
$1: pre_patch_callback: vmlinux
livepatch: '$1': starting patching transition
livepatch: '$1': completing patching transition
$1: post_patch_callback: vmlinux
livepatch: '$1': patching complete"
}

# cb_disable_msgs(modname) - disable_lp's command line and the messages
# of a livepatch with vmlinux callbacks disabled
function cb_disable_msgs() {
	echo "% echo 0 > $KLP_SYSFS_DIR/$1/enabled
livepatch: '$1': initializing unpatching transition
$1: pre_unpatch_callback: vmlinux
livepatch: '$1': starting unpatching transition
livepatch: '$1': completing unpatching transition
$1: post_unpatch_callback: vmlinux
livepatch: '$1': unpatching complete"
}


# replace_set:
# - lp1: cumulative (set 0), lp2: off-band fix (set 7), both with callbacks
# - lp3: cumulative (set 0) replacing lp1: lp3's callbacks only; lp2 stays
# - lp3 disabled, lp1 loaded again, then lp3 superseding set 7 and
#   patching its function: lp3's callbacks only, neither lp1's nor lp2's

start_test "replace_set: only the new patch's callbacks run"

CUM="policy=replace_set replace_set=0 $CB"
OFF="policy=replace_set replace_set=7 funca=0 funcb=1 $CB"
load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF
load_lp $MOD_LP3 $CUM
wait_removed $MOD_LP1
check_sysfs_value $MOD_LP2 enabled 1
disable_lp $MOD_LP3
unload_lp $MOD_LP3
unload_lp $MOD_LP1
load_lp $MOD_LP1 $CUM
load_lp $MOD_LP3 $CUM funcb=1 supersedes=7
wait_removed $MOD_LP1
wait_removed $MOD_LP2
disable_lp $MOD_LP3
unload_lp $MOD_LP3
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $CUM
$(cb_enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF
$(cb_enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko $CUM
$(cb_enable_msgs $MOD_LP3)
$(cb_disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% rmmod $MOD_LP1
% insmod test_modules/$MOD_LP1.ko $CUM
$(cb_enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=7
$(cb_enable_msgs $MOD_LP3)
$(cb_disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# tag:
# - lp1: tag 0 with callbacks (funcB), lp2: tag 1 with callbacks (funcA)
# - lp3: tag 1 with callbacks, patching both: replaces lp1 and lp2, its
#   callbacks only

start_test "tag: only the new patch's callbacks run"

load_lp $MOD_LP1 policy=tag replace_tag=0 funca=0 funcb=1 $CB
load_lp $MOD_LP2 policy=tag replace_tag=1 $CB
load_lp $MOD_LP3 policy=tag replace_tag=1 funcb=1 $CB
wait_removed $MOD_LP1
wait_removed $MOD_LP2
disable_lp $MOD_LP3
check_file /proc/version "$ORIG_VERSION"
unload_lp $MOD_LP3
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko policy=tag replace_tag=0 funca=0 funcb=1 $CB
$(cb_enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko policy=tag replace_tag=1 $CB
$(cb_enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko policy=tag replace_tag=1 funcb=1 $CB
$(cb_enable_msgs $MOD_LP3)
$(cb_disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# hybrid (the sample plugin): keeps what is not replaceable
# - lp1: not replaceable (funcA), lp2: replaceable (funcB), callbacks each
# - lp3 (.replace = true, funcB): replaces lp2, keeps lp1; its callbacks only
# - lp3 and lp1 disabled: each runs its own unpatch callbacks

start_test "hybrid: only the new patch's callbacks run, kept or replaced"

load_lp $MOD_LP1 policy=hybrid $CB
load_lp $MOD_LP2 policy=hybrid replaceable=1 funca=0 funcb=1 $CB
load_lp $MOD_LP3 policy=hybrid replace=1 funca=0 funcb=1 $CB
wait_removed $MOD_LP2
check_sysfs_value $MOD_LP1 enabled 1
check_sysfs_value $MOD_LP3 replaced "$MOD_LP2"
disable_lp $MOD_LP3
disable_lp $MOD_LP1
unload_lp $MOD_LP3
unload_lp $MOD_LP2
unload_lp $MOD_LP1
unload_mod $MOD_POLICY

check_result "% insmod test_modules/$MOD_LP1.ko policy=hybrid $CB
$(cb_enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko policy=hybrid replaceable=1 funca=0 funcb=1 $CB
$(cb_enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko policy=hybrid replace=1 funca=0 funcb=1 $CB
$(cb_enable_msgs $MOD_LP3)
$(cb_disable_msgs $MOD_LP3)
$(cb_disable_msgs $MOD_LP1)
% rmmod $MOD_LP3
% rmmod $MOD_LP2
% rmmod $MOD_LP1"

exit 0
