#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The klp replace-policy project
#
# The lifecycle of a system state under scoped replacement: its callbacks
# run when it enters the system (no enabled patch carries it yet) and when
# it leaves (the last patch carrying it is disabled, or replaced by one
# that does not carry it), and the shadow variables it owns are freed
# then. The off-band fix of these tests carries state 7, whose shadow
# variables count the calls of its version_proc_show: one counter and one
# record per call.

# $CUM, $OFF and $LIFE below are lists of module parameters, split on purpose.
# shellcheck disable=SC2086

. "$(dirname "$0")/functions.sh"

MOD_LP1=test_klp_policy1
MOD_LP2=test_klp_policy2
MOD_LP3=test_klp_policy3
AVAILABLE=/sys/module/livepatch/parameters/available_replace_policies

setup_config

grep -qw replace_set "$AVAILABLE" ||
	modprobe -q klp-replace-policy-replace_set 2>/dev/null
grep -qw replace_set "$AVAILABLE" ||
	skip "replace policy replace_set is not available (CONFIG_KLP_REPLACE_POLICY_REPLACE_SET)"

ORIG_VERSION=$(cat /proc/version)
CUM="policy=replace_set replace_set=0"
OFF="policy=replace_set replace_set=7 funca=0 funcb=1"
LIFE="state_id=7 state_version=1 state_life=1"

# state_msgs(modname, callback...) - the messages of state 7's callbacks
# in modname, "free shadow" once per shadow variable freed
function state_msgs() {
	local mod="$1"; shift
	local cb

	for cb in "$@"; do
		echo "$mod: state 7: $cb"
	done
}

# frees(n) - n times "free shadow", for state_msgs
function frees() {
	local i

	for ((i = 0; i < $1; i++)); do
		echo "free shadow"
	done
}

# state_enable_msgs(modname) - modname enabled, bringing state 7 in
function state_enable_msgs() {
	echo "livepatch: enabling patch '$1'
livepatch: '$1': initializing patching transition
$(state_msgs "$1" "pre_patch (0)")
livepatch: '$1': starting patching transition
livepatch: '$1': completing patching transition
$(state_msgs "$1" post_patch)
livepatch: '$1': patching complete"
}

# state_disable_msgs(modname, frees) - modname disabled, the last patch
# carrying state 7: the state leaves, frees shadow variables are freed
function state_disable_msgs() {
	local IFS=$'\n'

	echo "% echo 0 > $KLP_SYSFS_DIR/$1/enabled
livepatch: '$1': initializing unpatching transition
$(state_msgs "$1" pre_unpatch)
livepatch: '$1': starting unpatching transition
livepatch: '$1': completing unpatching transition
$(state_msgs "$1" post_unpatch $(frees "$2"))
livepatch: '$1': unpatching complete"
}

# state_drop_msgs(modname, owner, frees) - modname enabled, replacing
# owner without its state 7: owner's callbacks undo it
function state_drop_msgs() {
	local IFS=$'\n'

	echo "livepatch: enabling patch '$1'
livepatch: '$1': initializing patching transition
$(state_msgs "$2" pre_unpatch)
livepatch: '$1': starting patching transition
livepatch: '$1': completing patching transition
$(state_msgs "$2" post_unpatch $(frees "$3"))
livepatch: '$1': patching complete"
}

# wait_removed(modname) - a replaced patch leaves sysfs once it is freed
function wait_removed() {
	loop_until "[[ ! -e $KLP_SYSFS_DIR/$1 ]]" ||
		die "replaced livepatch $1 is still in sysfs"
}

# wait_transition_stalled(modname) - modname's transition waits for a task
function wait_transition_stalled() {
	loop_until "grep -qs '^1$' $KLP_SYSFS_DIR/$1/transition" ||
		die "$1 is not in transition"
	sleep 1
	grep -qs '^1$' "$KLP_SYSFS_DIR/$1/transition" ||
		die "the transition of $1 completed although a task sleeps in the code it replaces"
}

# reverse_lp(modname) - reverse modname's stalled transition and wait for
# its patch to be gone
function reverse_lp() {
	log "% echo 0 > $KLP_SYSFS_DIR/$1/enabled"
	echo 0 > "$KLP_SYSFS_DIR/$1/enabled"
	wait_removed "$1"
}

# wake_sleeper(modname) - let the reader asleep in modname's
# version_proc_show return
function wake_sleeper() {
	echo 0 > "/sys/module/$1/parameters/sleep"
	wait "$SLEEPER"
}


# A fold-in keeps the off-band fix's shadow data and runs no callback:
# - lp1: cumulative (set 0), lp2: off-band fix (set 7) bringing in state 7
#   (its callbacks run), two calls counted in its shadow variables
# - lp3: cumulative (set 0) superseding set 7, carrying state 7: takes it
#   over; the third call finds the count of the first two
# - lp3 disabled, the last patch carrying the state: its callbacks run and
#   the four shadow variables (counter and three records) are freed

start_test "a fold-in keeps the off-band fix's shadow data"

load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF $LIFE
check_file /proc/version "$MOD_LP2: version_proc_show calls=1"
check_file /proc/version "$MOD_LP2: version_proc_show calls=2"
load_lp $MOD_LP3 $CUM funcb=1 supersedes=7 $LIFE
wait_removed $MOD_LP1
wait_removed $MOD_LP2
check_sysfs_value $MOD_LP3 replaced "$MOD_LP1 $MOD_LP2"
check_file /proc/version "$MOD_LP3: version_proc_show calls=3"
disable_lp $MOD_LP3
check_file /proc/version "$ORIG_VERSION"
unload_lp $MOD_LP3
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF $LIFE
$(state_enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=7 $LIFE
$(enable_msgs $MOD_LP3)
$(state_disable_msgs $MOD_LP3 4)
% rmmod $MOD_LP3
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# Retiring the off-band fix without a fold-in:
# - lp1 cumulative, lp2 off-band with state 7, two calls counted
# - lp3 cumulative superseding set 7 and patching its function, without
#   the state: lp2's callbacks run once, before and after the transition,
#   and lp2's three shadow variables are freed
# - lp3 disabled: no state callback runs again

start_test "retiring the off-band fix runs its callbacks once and frees its shadow variables"

load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF $LIFE
check_file /proc/version "$MOD_LP2: version_proc_show calls=1"
check_file /proc/version "$MOD_LP2: version_proc_show calls=2"
load_lp $MOD_LP3 $CUM funcb=1 supersedes=7
wait_removed $MOD_LP2
check_file /proc/version "$MOD_LP3: version_proc_show"
disable_lp $MOD_LP3
unload_lp $MOD_LP3
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF $LIFE
$(state_enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=7
$(state_drop_msgs $MOD_LP3 $MOD_LP2 3)
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# A downgrade drops the state the newer patch brought in, for legacy and
# replace_set alike:
# - lp1: v1 without the state, lp2: v2 replacing it with state 7 (enters)
# - lp3: v1 again: lp2's callbacks undo the state, its shadow variables go

for policy in legacy replace_set; do
if [[ "$policy" == legacy ]]; then
	V="policy=legacy replace=1"
else
	V=$CUM
fi
start_test "$policy: a downgrade runs the newer patch's callbacks"

load_lp $MOD_LP1 $V funcb=1
load_lp $MOD_LP2 $V funcb=1 $LIFE
wait_removed $MOD_LP1
check_file /proc/version "$MOD_LP2: version_proc_show calls=1"
load_lp $MOD_LP3 $V funcb=1
wait_removed $MOD_LP2
check_file /proc/version "$MOD_LP3: version_proc_show"
disable_lp $MOD_LP3
unload_lp $MOD_LP3
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $V funcb=1
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $V funcb=1 $LIFE
$(state_enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko $V funcb=1
$(state_drop_msgs $MOD_LP3 $MOD_LP2 2)
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% rmmod $MOD_LP2
% rmmod $MOD_LP1"
done


# A retirement reversed half way, then done:
# - lp1 cumulative, lp2 off-band with state 7, one call counted; a reader
#   then sleeps in lp2's version_proc_show
# - lp3 retiring lp2 (no state): lp2's pre_unpatch runs, the transition
#   waits for the sleeper; reversed: lp2's post_patch sets the state up
#   again, nothing is freed, lp2 stays; the sleeper's call is the second
# - lp3 loaded again: lp2's callbacks undo the state once, its three
#   shadow variables are freed

start_test "a reversed retirement sets the state up again and loses nothing"

load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF $LIFE
check_file /proc/version "$MOD_LP2: version_proc_show calls=1"
echo 1 > /sys/module/$MOD_LP2/parameters/sleep
start_sleeper $MOD_LP2
load_lp_nowait $MOD_LP3 $CUM funcb=1 supersedes=7
wait_transition_stalled $MOD_LP3
reverse_lp $MOD_LP3
check_sysfs_value $MOD_LP2 enabled 1
unload_lp $MOD_LP3
wake_sleeper $MOD_LP2
check_file /tmp/klp-sleeper.out "$MOD_LP2: version_proc_show calls=2"
load_lp $MOD_LP3 $CUM funcb=1 supersedes=7
wait_removed $MOD_LP2
disable_lp $MOD_LP3
unload_lp $MOD_LP3
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF $LIFE
$(state_enable_msgs $MOD_LP2)
$MOD_LP2: version_proc_show: sleeping
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=7
livepatch: enabling patch '$MOD_LP3'
livepatch: '$MOD_LP3': initializing patching transition
$(state_msgs $MOD_LP2 pre_unpatch)
livepatch: '$MOD_LP3': starting patching transition
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP3/enabled
livepatch: '$MOD_LP3': reversing transition from patching to unpatching
livepatch: '$MOD_LP3': starting unpatching transition
livepatch: '$MOD_LP3': completing unpatching transition
$(state_msgs $MOD_LP2 post_patch)
livepatch: '$MOD_LP3': unpatching complete
% rmmod $MOD_LP3
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=7
$(state_drop_msgs $MOD_LP3 $MOD_LP2 3)
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# A state entering, reversed half way:
# - lp1: off-band fix v1 (set 7, no state); a reader sleeps in its
#   version_proc_show
# - lp2: off-band fix v2 (set 7) bringing in state 7: its pre_patch runs,
#   the transition waits for the sleeper; reversed: its post_unpatch runs,
#   lp1 stays and runs

start_test "a reversed transition undoes the state it brought in"

load_lp $MOD_LP1 $OFF sleep=1
start_sleeper $MOD_LP1
load_lp_nowait $MOD_LP2 $OFF $LIFE
wait_transition_stalled $MOD_LP2
reverse_lp $MOD_LP2
unload_lp $MOD_LP2
wake_sleeper $MOD_LP1
check_file /tmp/klp-sleeper.out "$MOD_LP1: version_proc_show"
check_file /proc/version "$MOD_LP1: version_proc_show"
disable_lp $MOD_LP1
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $OFF sleep=1
$(enable_msgs $MOD_LP1)
$MOD_LP1: version_proc_show: sleeping
% insmod test_modules/$MOD_LP2.ko $OFF $LIFE
livepatch: enabling patch '$MOD_LP2'
livepatch: '$MOD_LP2': initializing patching transition
$(state_msgs $MOD_LP2 "pre_patch (0)")
livepatch: '$MOD_LP2': starting patching transition
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP2/enabled
livepatch: '$MOD_LP2': reversing transition from patching to unpatching
livepatch: '$MOD_LP2': starting unpatching transition
livepatch: '$MOD_LP2': completing unpatching transition
$(state_msgs $MOD_LP2 post_unpatch)
livepatch: '$MOD_LP2': unpatching complete
% rmmod $MOD_LP2
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1"


# A failing state callback refuses the patch and changes nothing:
# - lp1 cumulative; lp2 off-band whose state's pre_patch fails (-ENODEV):
#   refused, /proc/version unpatched, lp1 alone

start_test "a failing state pre_patch callback refuses the patch"

load_lp $MOD_LP1 $CUM
load_failing_mod $MOD_LP2 $OFF $LIFE state_pre_patch_ret=-19
check_patches "$MOD_LP1"
check_file /proc/version "$ORIG_VERSION"
disable_lp $MOD_LP1
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF $LIFE state_pre_patch_ret=-19
livepatch: enabling patch '$MOD_LP2'
livepatch: '$MOD_LP2': initializing patching transition
$(state_msgs $MOD_LP2 "pre_patch (-19)")
livepatch: pre-patch callback failed for state id 7
livepatch: failed to enable patch '$MOD_LP2'
livepatch: '$MOD_LP2': canceling patching transition, going to unpatch
livepatch: '$MOD_LP2': completing unpatching transition
livepatch: '$MOD_LP2': unpatching complete
insmod: ERROR: could not insert module test_modules/$MOD_LP2.ko: No such device
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1"


# Two scopes may not declare one shadow id (the state id):
# - lp1 cumulative with state 7 and its shadow variables
# - lp2 off-band (set 7) with state 7: refused

start_test "two scopes declaring one shadow id are refused"

load_lp $MOD_LP1 $CUM $LIFE
load_failing_mod $MOD_LP2 $OFF $LIFE
check_patches "$MOD_LP1"
disable_lp $MOD_LP1
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $CUM $LIFE
$(state_enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF $LIFE
$(echo "livepatch: patch '$MOD_LP2' (replace_set=7) and patch '$MOD_LP1' (replace_set=0)" \
	"both use state id 7: patches in different replace sets must not share it")
insmod: ERROR: could not insert module test_modules/$MOD_LP2.ko: Invalid parameters
$(state_disable_msgs $MOD_LP1 0)
% rmmod $MOD_LP1"


# A state that sets block_disable never leaves the system:
# - lp1 cumulative with state 7, block_disable: disabling it is refused
#   (-EPERM), and so is lp2 replacing it without the state
# - lp2 replacing it with the state (without block_disable) takes it over
#   with no callback; lp2, its last carrier, may then be disabled

start_test "a block_disable state keeps its patch enabled"

load_lp $MOD_LP1 $CUM $LIFE state_block=1
log "% echo 0 > $KLP_SYSFS_DIR/$MOD_LP1/enabled"
if echo 0 2>/dev/null > "$KLP_SYSFS_DIR/$MOD_LP1/enabled"; then
	die "$MOD_LP1 was disabled although its state sets block_disable"
fi
check_sysfs_value $MOD_LP1 enabled 1
load_failing_mod $MOD_LP2 $CUM
load_lp $MOD_LP2 $CUM $LIFE
wait_removed $MOD_LP1
disable_lp $MOD_LP2
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $CUM $LIFE state_block=1
$(state_enable_msgs $MOD_LP1)
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP1/enabled
$(echo "livepatch: patch '$MOD_LP1' cannot be disabled: its state id 7 sets block_disable" \
	"and no other patch carries it")
% insmod test_modules/$MOD_LP2.ko $CUM
$(echo "livepatch: patch '$MOD_LP2' (replace_set=0) replaces patch '$MOD_LP1' (replace_set=0)" \
	"but lacks its state id 7")
insmod: ERROR: could not insert module test_modules/$MOD_LP2.ko: Invalid parameters
% insmod test_modules/$MOD_LP2.ko $CUM $LIFE
$(enable_msgs $MOD_LP2)
$(state_disable_msgs $MOD_LP2 0)
% rmmod $MOD_LP2
% rmmod $MOD_LP1"

exit 0
