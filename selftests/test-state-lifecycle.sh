#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
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

# id_msgs(modname, id, callback...) - the messages of state id's callbacks
function id_msgs() {
	local mod="$1" id="$2"; shift 2
	local cb

	for cb in "$@"; do
		echo "$mod: state $id: $cb"
	done
}

# id_enable_msgs(modname, id) - modname enabled, bringing state id in
function id_enable_msgs() {
	echo "livepatch: enabling patch '$1'
livepatch: '$1': initializing patching transition
$(id_msgs "$1" "$2" "pre_patch (0)")
livepatch: '$1': starting patching transition
livepatch: '$1': completing patching transition
$(id_msgs "$1" "$2" post_patch)
livepatch: '$1': patching complete"
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
	id_enable_msgs "$1" 7
}

# leave_msg(modname, carrier[, id]) - the core's line naming the state
# that leaves the system at the end of modname's transition
function leave_msg() {
	echo "livepatch: '$1': state ${3:-7} of '$2' leaves the system"
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
$(leave_msg "$1" "$1")
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
$(leave_msg "$1" "$2")
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


# retire_msg(modname, carrier) - modname folds carrier's set in without
# its state 7 and without retiring it: refused
function retire_msg() {
	echo "livepatch: patch '$1' replaces '$2' across lines and leaves out its state id 7:" \
		"list it in retire_states to retire it"
}

# Retiring the off-band fix without a fold-in:
# - lp1 cumulative, lp2 off-band with state 7, two calls counted
# - lp3 cumulative superseding set 7 and patching its function, without
#   the state: refused, the fix's code would lose its data silently
# - the same lp3 listing state 7 in retire_states: lp2's callbacks run
#   once, before and after the transition, and lp2's three shadow
#   variables are freed
# - lp3 disabled: no state callback runs again

start_test "retiring the off-band fix runs its callbacks once and frees its shadow variables"

load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF $LIFE
check_file /proc/version "$MOD_LP2: version_proc_show calls=1"
check_file /proc/version "$MOD_LP2: version_proc_show calls=2"
load_failing_mod $MOD_LP3 $CUM funcb=1 supersedes=7
load_lp $MOD_LP3 $CUM funcb=1 supersedes=7 retire=7
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
$(retire_msg $MOD_LP3 $MOD_LP2)
insmod: ERROR: could not insert module test_modules/$MOD_LP3.ko: Invalid parameters
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=7 retire=7
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
load_lp_nowait $MOD_LP3 $CUM funcb=1 supersedes=7 retire=7
wait_transition_stalled $MOD_LP3
reverse_lp $MOD_LP3
check_sysfs_value $MOD_LP2 enabled 1
unload_lp $MOD_LP3
wake_sleeper $MOD_LP2
check_file /tmp/klp-sleeper.out "$MOD_LP2: version_proc_show calls=2"
load_lp $MOD_LP3 $CUM funcb=1 supersedes=7 retire=7
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
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=7 retire=7
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
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=7 retire=7
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
$(leave_msg $MOD_LP2 $MOD_LP2)
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
livepatch: patch '$MOD_LP2': pre-patch callback failed for state id 7 (-19)
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
livepatch: patch '$MOD_LP2' replaces '$MOD_LP1' but lacks its state id 7
insmod: ERROR: could not insert module test_modules/$MOD_LP2.ko: Invalid parameters
% insmod test_modules/$MOD_LP2.ko $CUM $LIFE
$(enable_msgs $MOD_LP2)
$(state_disable_msgs $MOD_LP2 0)
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# exists_msgs(modname, id) - modname bringing in state id with is_shadow
# over existing shadow variables of that id: refused
function exists_msgs() {
	echo "livepatch: patch '$1' brings in state id $2 with is_shadow," \
		"but shadow variables with that id exist already
livepatch: Livepatch patch ($1) is not compatible with the already installed livepatches."
}


LEG="policy=legacy funca=0 funcb=1"


# A state frees only the shadow variables its carriers allocated:
# - lp1 (legacy) brings in state 11 with is_shadow; one call counted
# - lp2 (legacy, stacked on lp1's function) declares no state but counts
#   its own calls in shadow variables of id 11 (three variables)
# - lp1 disabled, state 11 leaves: lp1's two variables are freed, lp2's
#   are not: it counts on

start_test "a leaving state frees only its carriers' shadow variables"

load_lp $MOD_LP1 $LEG state_id=11 state_version=1 state_life=1
check_file /proc/version "$MOD_LP1: version_proc_show calls=1"
load_lp $MOD_LP2 $LEG shadow_id=11
check_file /proc/version "$MOD_LP2: version_proc_show calls=1"
check_file /proc/version "$MOD_LP2: version_proc_show calls=2"
disable_lp $MOD_LP1
check_file /proc/version "$MOD_LP2: version_proc_show calls=3"
disable_lp $MOD_LP2
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $LEG state_id=11 state_version=1 state_life=1
$(id_enable_msgs $MOD_LP1 11)
% insmod test_modules/$MOD_LP2.ko $LEG shadow_id=11
$(enable_msgs $MOD_LP2)
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP1/enabled
livepatch: '$MOD_LP1': initializing unpatching transition
$(id_msgs $MOD_LP1 11 pre_unpatch)
livepatch: '$MOD_LP1': starting unpatching transition
livepatch: '$MOD_LP1': completing unpatching transition
$(leave_msg $MOD_LP1 $MOD_LP1 11)
$(id_msgs $MOD_LP1 11 post_unpatch "free shadow" "free shadow")
livepatch: '$MOD_LP1': unpatching complete
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# A state may not enter with is_shadow while shadow variables of its id
# exist: they are another livepatch's.
# - lp2 declares no state, counts its calls in shadow variables of id 12
# - lp1 bringing in state 12 with is_shadow: refused

start_test "a state does not enter with is_shadow over existing shadow variables"

load_lp $MOD_LP2 $LEG shadow_id=12
check_file /proc/version "$MOD_LP2: version_proc_show calls=1"
load_failing_mod $MOD_LP1 policy=legacy state_id=12 state_version=1 state_life=1
check_patches "$MOD_LP2"
check_file /proc/version "$MOD_LP2: version_proc_show calls=2"
disable_lp $MOD_LP2
unload_lp $MOD_LP2

check_result "% insmod test_modules/$MOD_LP2.ko $LEG shadow_id=12
$(enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP1.ko policy=legacy state_id=12 state_version=1 state_life=1
$(exists_msgs $MOD_LP1 12)
insmod: ERROR: could not insert module test_modules/$MOD_LP1.ko: Invalid parameters
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP2"


# Upstream's shadow samples use ids 1 (fix1) and 2 (fix2, an unlocked
# counter per dummy) without declaring a state (fix1 goes first, so that
# no dummy leaks):
# (The samples' names match no check_result filter: their commands are
# not in the log.)
# - a lifecycle carrier of state 1 over fix1's variables: refused
# - a lifecycle carrier of state 2 enabled before fix2 counts, then
#   disabled while fix2 counts: none of fix2's variables is freed (KASAN
#   would see fix2 increment a freed counter); loaded again four times
#   once fix2's variables exist: refused

start_test "upstream's shadow samples keep their variables"

SAMPLE_MOD=livepatch_shadow_mod
SAMPLE_FIX1=livepatch_shadow_fix1
SAMPLE_FIX2=livepatch_shadow_fix2
LIFE1="policy=legacy state_id=1 state_version=1 state_life=1"
LIFE2="policy=legacy state_id=2 state_version=1 state_life=1"
for mod in $SAMPLE_MOD $SAMPLE_FIX1 $SAMPLE_FIX2; do
	modinfo "$mod" > /dev/null 2>&1 ||
		skip "sample $mod is not installed (CONFIG_SAMPLE_LIVEPATCH)"
done
modprobe $SAMPLE_FIX1
loop_until '[[ $(cat $KLP_SYSFS_DIR/$SAMPLE_FIX1/transition) == 0 ]]' ||
	die "$SAMPLE_FIX1 did not finish its transition"
modprobe $SAMPLE_MOD
# A dummy is allocated every second, each with an id 1 variable.
sleep 3
load_failing_mod $MOD_LP1 $LIFE1
load_lp $MOD_LP1 $LIFE2
modprobe $SAMPLE_FIX2
loop_until '[[ $(cat $KLP_SYSFS_DIR/$SAMPLE_FIX2/transition) == 0 ]]' ||
	die "$SAMPLE_FIX2 did not finish its transition"
sleep 3
disable_lp $MOD_LP1
unload_lp $MOD_LP1
for i in 1 2 3 4; do
	load_failing_mod $MOD_LP1 $LIFE2
done
rmmod $SAMPLE_MOD
disable_lp $SAMPLE_FIX2
disable_lp $SAMPLE_FIX1
rmmod $SAMPLE_FIX2 $SAMPLE_FIX1

refused2="% insmod test_modules/$MOD_LP1.ko $LIFE2
$(exists_msgs $MOD_LP1 2)
insmod: ERROR: could not insert module test_modules/$MOD_LP1.ko: Invalid parameters"
check_result "$(enable_msgs $SAMPLE_FIX1)
livepatch: applying patch '$SAMPLE_FIX1' to loading module '$SAMPLE_MOD'
% insmod test_modules/$MOD_LP1.ko $LIFE1
$(exists_msgs $MOD_LP1 1)
insmod: ERROR: could not insert module test_modules/$MOD_LP1.ko: Invalid parameters
% insmod test_modules/$MOD_LP1.ko $LIFE2
$(id_enable_msgs $MOD_LP1 2)
$(enable_msgs $SAMPLE_FIX2)
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP1/enabled
livepatch: '$MOD_LP1': initializing unpatching transition
$(id_msgs $MOD_LP1 2 pre_unpatch)
livepatch: '$MOD_LP1': starting unpatching transition
livepatch: '$MOD_LP1': completing unpatching transition
$(leave_msg $MOD_LP1 $MOD_LP1 2)
$(id_msgs $MOD_LP1 2 post_unpatch)
livepatch: '$MOD_LP1': unpatching complete
% rmmod $MOD_LP1
$refused2
$refused2
$refused2
$refused2
livepatch: reverting patch '$SAMPLE_FIX1' on unloading module '$SAMPLE_MOD'
livepatch: reverting patch '$SAMPLE_FIX2' on unloading module '$SAMPLE_MOD'
$(disable_msgs $SAMPLE_FIX2 | tail -n +2)
$(disable_msgs $SAMPLE_FIX1 | tail -n +2)"


# Old-style and lifecycle declarations of one state id are never enabled
# together, whichever comes first, under every policy (stacked in one
# scope, or replaced):
# - lp1 old-style state 14; lp2 lifecycle state 14: refused
# - lp1 lifecycle state 14; lp2 old-style state 14: refused
# - lp2 lifecycle state 14 without is_shadow beside lp1's with: refused

start_test "old-style and lifecycle declarations of one state are refused together"

# mixed_msg(modname, with|without, other, with|without) - the refusal
function mixed_msg() {
	echo "livepatch: patch '$1' declares state id 14 $2 callbacks or is_shadow, '$3' $4:" \
		"old-style and lifecycle declarations of one state cannot be enabled together"
}

OLD14="state_id=14 state_version=1"
LIFE14="state_id=14 state_version=1 state_life=1"
expect=""
for policy in "policy=legacy" "policy=replace_set replace_set=3" "policy=tag replace_tag=0"; do
	load_lp $MOD_LP1 $policy funca=0 funcb=1 $OLD14
	load_failing_mod $MOD_LP2 $policy funca=0 funcb=1 $LIFE14
	disable_lp $MOD_LP1
	unload_lp $MOD_LP1
	load_lp $MOD_LP1 $policy funca=0 funcb=1 $LIFE14
	load_failing_mod $MOD_LP2 $policy funca=0 funcb=1 $OLD14
	load_failing_mod $MOD_LP2 $policy funca=0 funcb=1 $LIFE14 state_shadow=0
	disable_lp $MOD_LP1
	unload_lp $MOD_LP1
	expect+="
% insmod test_modules/$MOD_LP1.ko $policy funca=0 funcb=1 $OLD14
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $policy funca=0 funcb=1 $LIFE14
$(mixed_msg $MOD_LP2 with $MOD_LP1 without)
livepatch: Livepatch patch ($MOD_LP2) is not compatible with the already installed livepatches.
insmod: ERROR: could not insert module test_modules/$MOD_LP2.ko: Invalid parameters
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1
% insmod test_modules/$MOD_LP1.ko $policy funca=0 funcb=1 $LIFE14
$(id_enable_msgs $MOD_LP1 14)
% insmod test_modules/$MOD_LP2.ko $policy funca=0 funcb=1 $OLD14
$(mixed_msg $MOD_LP2 without $MOD_LP1 with)
livepatch: Livepatch patch ($MOD_LP2) is not compatible with the already installed livepatches.
insmod: ERROR: could not insert module test_modules/$MOD_LP2.ko: Invalid parameters
% insmod test_modules/$MOD_LP2.ko $policy funca=0 funcb=1 $LIFE14 state_shadow=0
$(echo "livepatch: patch '$MOD_LP2' declares state id 14 without is_shadow, '$MOD_LP1' with:" \
	"the carriers of a state agree on who frees its shadow variables")
livepatch: Livepatch patch ($MOD_LP2) is not compatible with the already installed livepatches.
insmod: ERROR: could not insert module test_modules/$MOD_LP2.ko: Invalid parameters
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP1/enabled
livepatch: '$MOD_LP1': initializing unpatching transition
$(id_msgs $MOD_LP1 14 pre_unpatch)
livepatch: '$MOD_LP1': starting unpatching transition
livepatch: '$MOD_LP1': completing unpatching transition
$(leave_msg $MOD_LP1 $MOD_LP1 14)
$(id_msgs $MOD_LP1 14 post_unpatch)
livepatch: '$MOD_LP1': unpatching complete
% rmmod $MOD_LP1"
done

check_result "${expect#$'\n'}"


# A shadow_dtor without is_shadow would never run: refused.

start_test "a shadow_dtor without is_shadow is refused"

load_failing_mod $MOD_LP1 policy=legacy $LIFE14 state_shadow=2

check_result "% insmod test_modules/$MOD_LP1.ko policy=legacy $LIFE14 state_shadow=2
livepatch: patch '$MOD_LP1' sets shadow_dtor of state id 14 without is_shadow
livepatch: Livepatch patch ($MOD_LP1) is not compatible with the already installed livepatches.
insmod: ERROR: could not insert module test_modules/$MOD_LP1.ko: Invalid parameters"


# A refused patch gets no notice from its policy: replace_set's operator
# override is logged only once nothing can refuse the patch any more.
# - lp1 superseding set 7 by the operator's also_supersede=, its state
#   pre_patch failing: refused with the callback's error, no override
#   logged

start_test "no policy notice for a patch refused by its state callback"

FAIL9="state_id=9 state_version=1 state_life=1 state_pre_patch_ret=-22"
load_failing_mod $MOD_LP1 $CUM also_supersede=7 $FAIL9

check_result "% insmod test_modules/$MOD_LP1.ko $CUM also_supersede=7 $FAIL9
livepatch: enabling patch '$MOD_LP1'
livepatch: '$MOD_LP1': initializing patching transition
$(id_msgs $MOD_LP1 9 "pre_patch (-22)")
livepatch: patch '$MOD_LP1': pre-patch callback failed for state id 9 (-22)
livepatch: failed to enable patch '$MOD_LP1'
livepatch: '$MOD_LP1': canceling patching transition, going to unpatch
livepatch: '$MOD_LP1': completing unpatching transition
livepatch: '$MOD_LP1': unpatching complete
insmod: ERROR: could not insert module test_modules/$MOD_LP1.ko: Invalid parameters"


# An object's pre_patch failing after the state's pre_patch succeeded:
# the state's post_unpatch answers it, its shadow data goes

start_test "an object pre_patch failing after the state's pre_patch undoes the state"

load_failing_mod $MOD_LP1 $OFF $LIFE obj_callbacks=1 obj_pre_patch_ret=-19
check_patches ""

check_result "% insmod test_modules/$MOD_LP1.ko $OFF $LIFE obj_callbacks=1 obj_pre_patch_ret=-19
livepatch: enabling patch '$MOD_LP1'
livepatch: '$MOD_LP1': initializing patching transition
$(state_msgs $MOD_LP1 "pre_patch (0)")
$MOD_LP1: pre_patch_callback: vmlinux
livepatch: pre-patch callback failed for object 'vmlinux'
livepatch: failed to enable patch '$MOD_LP1'
livepatch: '$MOD_LP1': canceling patching transition, going to unpatch
livepatch: '$MOD_LP1': completing unpatching transition
$(leave_msg $MOD_LP1 $MOD_LP1)
$(state_msgs $MOD_LP1 post_unpatch)
livepatch: '$MOD_LP1': unpatching complete
insmod: ERROR: could not insert module test_modules/$MOD_LP1.ko: No such device"


# A reversed disable: the state's pre_unpatch is answered by post_patch,
# its shadow data stays
# - lp1 off-band with state 7, one call; a reader sleeps in its code
# - lp1 disabled: pre_unpatch, the transition waits; reversed: post_patch
# - the reader's call is the second; lp1 disabled again: the state leaves

start_test "a reversed disable sets the state up again and loses nothing"

load_lp $MOD_LP1 $OFF $LIFE
check_file /proc/version "$MOD_LP1: version_proc_show calls=1"
echo 1 > /sys/module/$MOD_LP1/parameters/sleep
start_sleeper $MOD_LP1
log "% echo 0 > $KLP_SYSFS_DIR/$MOD_LP1/enabled"
echo 0 > "$KLP_SYSFS_DIR/$MOD_LP1/enabled"
wait_transition_stalled $MOD_LP1
log "% echo 1 > $KLP_SYSFS_DIR/$MOD_LP1/enabled"
echo 1 > "$KLP_SYSFS_DIR/$MOD_LP1/enabled"
loop_until "grep -qs '^0$' $KLP_SYSFS_DIR/$MOD_LP1/transition" ||
	die "the reversed transition of $MOD_LP1 did not complete"
wake_sleeper $MOD_LP1
check_file /tmp/klp-sleeper.out "$MOD_LP1: version_proc_show calls=2"
disable_lp $MOD_LP1
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $OFF $LIFE
$(state_enable_msgs $MOD_LP1)
$MOD_LP1: version_proc_show: sleeping
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP1/enabled
livepatch: '$MOD_LP1': initializing unpatching transition
$(state_msgs $MOD_LP1 pre_unpatch)
livepatch: '$MOD_LP1': starting unpatching transition
% echo 1 > $KLP_SYSFS_DIR/$MOD_LP1/enabled
livepatch: '$MOD_LP1': reversing transition from unpatching to patching
livepatch: '$MOD_LP1': starting patching transition
livepatch: '$MOD_LP1': completing patching transition
$(state_msgs $MOD_LP1 post_patch)
livepatch: '$MOD_LP1': patching complete
$(state_disable_msgs $MOD_LP1 3)
% rmmod $MOD_LP1"


# Legacy's line is its cumulative patches: a replacing patch retires the
# state of a non-replacing (off-band) one only explicitly.
# - lp1 (legacy, not replacing) with state 18
# - lp2 (legacy, replacing) without it: refused; with retire=18: lp1's
#   callbacks undo the state

start_test "legacy: an off-band patch's state is retired only explicitly"

LEG18="policy=legacy funca=0 funcb=1"
load_lp $MOD_LP1 $LEG18 state_id=18 state_version=1 state_life=1
load_failing_mod $MOD_LP2 $LEG18 replace=1
load_lp $MOD_LP2 $LEG18 replace=1 retire=18
wait_removed $MOD_LP1
disable_lp $MOD_LP2
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $LEG18 state_id=18 state_version=1 state_life=1
$(id_enable_msgs $MOD_LP1 18)
% insmod test_modules/$MOD_LP2.ko $LEG18 replace=1
$(echo "livepatch: patch '$MOD_LP2' replaces '$MOD_LP1' across lines" \
	"and leaves out its state id 18: list it in retire_states to retire it")
livepatch: Livepatch patch ($MOD_LP2) is not compatible with the already installed livepatches.
insmod: ERROR: could not insert module test_modules/$MOD_LP2.ko: Invalid parameters
% insmod test_modules/$MOD_LP2.ko $LEG18 replace=1 retire=18
livepatch: enabling patch '$MOD_LP2'
livepatch: '$MOD_LP2': initializing patching transition
$(id_msgs $MOD_LP1 18 pre_unpatch)
livepatch: '$MOD_LP2': starting patching transition
livepatch: '$MOD_LP2': completing patching transition
$(leave_msg $MOD_LP2 $MOD_LP1 18)
$(id_msgs $MOD_LP1 18 post_unpatch)
livepatch: '$MOD_LP2': patching complete
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# A refusal names the state: a legacy replacing patch that leaves out a
# block_disable state (upstream's path prints only its own line else)

start_test "legacy: leaving out a block_disable state is refused by name"

BLK19="policy=legacy state_id=19 state_version=1 state_life=1 state_block=1"
load_lp $MOD_LP1 $BLK19
load_failing_mod $MOD_LP2 policy=legacy replace=1
load_lp $MOD_LP2 policy=legacy replace=1 state_id=19 state_version=1 state_life=1
wait_removed $MOD_LP1
disable_lp $MOD_LP2
unload_lp $MOD_LP2
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $BLK19
$(id_enable_msgs $MOD_LP1 19)
% insmod test_modules/$MOD_LP2.ko policy=legacy replace=1
livepatch: patch '$MOD_LP2' replaces '$MOD_LP1' but lacks its state id 19
livepatch: Livepatch patch ($MOD_LP2) is not compatible with the already installed livepatches.
insmod: ERROR: could not insert module test_modules/$MOD_LP2.ko: Invalid parameters
% insmod test_modules/$MOD_LP2.ko policy=legacy replace=1 state_id=19 state_version=1 state_life=1
$(enable_msgs $MOD_LP2)
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP2/enabled
livepatch: '$MOD_LP2': initializing unpatching transition
$(id_msgs $MOD_LP2 19 pre_unpatch)
livepatch: '$MOD_LP2': starting unpatching transition
livepatch: '$MOD_LP2': completing unpatching transition
$(leave_msg $MOD_LP2 $MOD_LP2 19)
$(id_msgs $MOD_LP2 19 post_unpatch)
livepatch: '$MOD_LP2': unpatching complete
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# Force (last: the forced carrier stays loaded until reboot, so it has a
# module of its own):
# - lp9 off-band with state 7 (set 7), two calls; a reader then sleeps in
#   its code holding the call counter it got from klp_shadow_get_or_alloc()
# - lp2 retiring lp9 (same set, no state) stalls; forced: lp9's callbacks
#   run as upstream's object callbacks do under force, but its shadow
#   variables stay with its module
# - the reader wakes and counts its third call on the kept counter

start_test "a forced retirement keeps the shadow data a sleeping task uses"

MOD_LP9=test_klp_policy9
load_lp $MOD_LP9 $OFF $LIFE hold=1
check_file /proc/version "$MOD_LP9: version_proc_show calls=1"
check_file /proc/version "$MOD_LP9: version_proc_show calls=2"
echo 1 > /sys/module/$MOD_LP9/parameters/sleep
cat /proc/version > /tmp/klp-sleeper.out &
SLEEPER=$!
loop_until "dmesg | grep -q '$MOD_LP9: shadow_count_call: sleeping'" ||
	die "the sleeper did not enter $MOD_LP9's shadow_count_call"
load_lp_nowait $MOD_LP2 $OFF
wait_transition_stalled $MOD_LP2
log "% echo 1 > $KLP_SYSFS_DIR/$MOD_LP2/force"
echo 1 > "$KLP_SYSFS_DIR/$MOD_LP2/force"
wait_removed $MOD_LP9
wake_sleeper $MOD_LP9
check_file /tmp/klp-sleeper.out "$MOD_LP9: version_proc_show calls=3"
disable_lp $MOD_LP2
unload_lp $MOD_LP2

check_result "% insmod test_modules/$MOD_LP9.ko $OFF $LIFE hold=1
$(state_enable_msgs $MOD_LP9)
$MOD_LP9: shadow_count_call: sleeping
% insmod test_modules/$MOD_LP2.ko $OFF
livepatch: enabling patch '$MOD_LP2'
livepatch: '$MOD_LP2': initializing patching transition
$(state_msgs $MOD_LP9 pre_unpatch)
livepatch: '$MOD_LP2': starting patching transition
% echo 1 > $KLP_SYSFS_DIR/$MOD_LP2/force
livepatch: forcing remaining tasks to the patched state
livepatch: '$MOD_LP2': completing patching transition
livepatch: '$MOD_LP2': state 7 of '$MOD_LP9' leaves the system (forced: shadow variables kept)
$(state_msgs $MOD_LP9 post_unpatch)
livepatch: '$MOD_LP2': patching complete
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP2"


# A forced mark outlives take-overs (the second module kept until reboot):
# - lp10 (set 1) with state 17, one call; a reader sleeps in its code
#   holding the call counter
# - lp2 (set 1, carrying state 17) forced past the reader: lp10 forced
# - lp3 (set 1, carrying state 17) takes the state over from lp2; the
#   reader is in lp10's code, not lp2's, so nothing waits
# - lp3 disabled, the state leaves: its variables stay (the reader holds
#   one), and the reader counts its second call on it

start_test "shadow data a forced task holds stays across later take-overs"

MOD_LP10=test_klp_policy10
SET1="policy=replace_set replace_set=1 funca=0 funcb=1 state_id=17 state_version=1 state_life=1"
load_lp $MOD_LP10 $SET1 hold=1
check_file /proc/version "$MOD_LP10: version_proc_show calls=1"
echo 1 > /sys/module/$MOD_LP10/parameters/sleep
cat /proc/version > /tmp/klp-sleeper.out &
SLEEPER=$!
loop_until "dmesg | grep -q '$MOD_LP10: shadow_count_call: sleeping'" ||
	die "the sleeper did not enter $MOD_LP10's shadow_count_call"
load_lp_nowait $MOD_LP2 $SET1
wait_transition_stalled $MOD_LP2
log "% echo 1 > $KLP_SYSFS_DIR/$MOD_LP2/force"
echo 1 > "$KLP_SYSFS_DIR/$MOD_LP2/force"
wait_removed $MOD_LP10
load_lp $MOD_LP3 $SET1
wait_removed $MOD_LP2
disable_lp $MOD_LP3
wake_sleeper $MOD_LP10
check_file /tmp/klp-sleeper.out "$MOD_LP10: version_proc_show calls=2"
unload_lp $MOD_LP3
unload_lp $MOD_LP2

check_result "% insmod test_modules/$MOD_LP10.ko $SET1 hold=1
$(id_enable_msgs $MOD_LP10 17)
$MOD_LP10: shadow_count_call: sleeping
% insmod test_modules/$MOD_LP2.ko $SET1
$(start_msgs $MOD_LP2)
% echo 1 > $KLP_SYSFS_DIR/$MOD_LP2/force
livepatch: forcing remaining tasks to the patched state
livepatch: '$MOD_LP2': completing patching transition
livepatch: '$MOD_LP2': patching complete
% insmod test_modules/$MOD_LP3.ko $SET1
$(enable_msgs $MOD_LP3)
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP3/enabled
livepatch: '$MOD_LP3': initializing unpatching transition
$(id_msgs $MOD_LP3 17 pre_unpatch)
livepatch: '$MOD_LP3': starting unpatching transition
livepatch: '$MOD_LP3': completing unpatching transition
$(leave_msg $MOD_LP3 $MOD_LP3 17) (forced: shadow variables kept)
$(id_msgs $MOD_LP3 17 post_unpatch)
livepatch: '$MOD_LP3': unpatching complete
% rmmod $MOD_LP3
% rmmod $MOD_LP2"

exit 0
