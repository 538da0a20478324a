#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The replace_set and tag policies in a booted kernel: a fleet's
# cumulative patch updated while an off-band fix stays, conflicts across
# scopes (whatever the policy of the patch loaded later), system states,
# downgrades, reversed and forced transitions, and a task sleeping in the
# off-band fix.

# $CUM and $OFF below are lists of module parameters, split on purpose.
# shellcheck disable=SC2086

. "$(dirname "$0")/functions.sh"

MOD_LP1=test_klp_policy1
MOD_LP2=test_klp_policy2
MOD_LP3=test_klp_policy3
MOD_LP5=test_klp_policy5
MOD_TARGET_BUSY=test_klp_callbacks_busy
MOD_TARGET=test_klp_policy_target
TARGET_ANSWER=/sys/module/$MOD_TARGET/parameters/answer
AVAILABLE=/sys/module/livepatch/parameters/available_replace_policies

setup_config

for policy in replace_set tag; do
	# A policy built as a module registers once loaded.
	grep -qw "$policy" "$AVAILABLE" ||
		modprobe -q "klp-replace-policy-$policy" 2>/dev/null
	grep -qw "$policy" "$AVAILABLE" ||
		skip "replace policy $policy is not available (CONFIG_KLP_REPLACE_POLICY_*)"
done

ORIG_CMDLINE=$(cat /proc/cmdline)
ORIG_VERSION=$(cat /proc/version)

# A livepatch that names no policy gets the boot default: the tests name
# their policies, except where a patch without one is the point.
DEFAULT_POLICY=$(cat /sys/module/livepatch/parameters/replace_policy)
case "$DEFAULT_POLICY" in
legacy|replace_set|tag) ;;
*) die "default replace policy '$DEFAULT_POLICY': expected legacy, replace_set or tag" ;;
esac

# use_policy(policy) - set what the tests below say of the scopes
#	policy - replace_set or tag
function use_policy() {
	POLICY=$1
	if [[ "$POLICY" == replace_set ]]; then
		PARAM=replace_set
		OTHER_PARAM=replace_tag
		CUMULATIVE=0
		RULE="patches in different replace sets must not share it"
	else
		PARAM=replace_tag
		OTHER_PARAM=replace_set
		CUMULATIVE=1
		RULE="patches with different tags must not share it"
	fi
	OFFBAND=7
	CUM="policy=$POLICY $PARAM=$CUMULATIVE"
	OFF="policy=$POLICY $PARAM=$OFFBAND"
}

# conflict_msg(what) - lp2 (off-band) refused beside lp1 (cumulative)
function conflict_msg() {
	echo "livepatch: patch '$MOD_LP2' ($PARAM=$OFFBAND) and patch '$MOD_LP1'" \
		"($PARAM=$CUMULATIVE) both $1: $RULE"
}

# upstream_conflict_msg(what) - lp2 (no policy or legacy, no replace)
# refused beside lp1 (off-band)
function upstream_conflict_msg() {
	echo "livepatch: patch '$MOD_LP2' (policy legacy) and patch '$MOD_LP1'" \
		"($PARAM=$OFFBAND) both $1: $RULE"
}

# no_policy_conflict_msg(what) - lp2, naming no policy, refused beside
# lp1 (off-band); the default policy's check speaks first
function no_policy_conflict_msg() {
	local desc rule lp1_desc="policy $POLICY"

	[[ "$DEFAULT_POLICY" == "$POLICY" ]] && lp1_desc="$PARAM=$OFFBAND"
	case "$DEFAULT_POLICY" in
	legacy)
		upstream_conflict_msg "$1"
		return ;;
	replace_set)
		desc="replace_set=private"
		rule="patches in different replace sets must not share it" ;;
	tag)
		desc="replace_tag=0"
		rule="patches with different tags must not share it" ;;
	esac
	echo "livepatch: patch '$MOD_LP2' ($desc) and patch '$MOD_LP1'" \
		"($lp1_desc) both $1: $rule"
}

# replaced_state_msg(what) - lp2 replacing lp1 lacks one of its states
function replaced_state_msg() {
	echo "livepatch: patch '$MOD_LP2' replaces '$MOD_LP1' but $1"
}

function refused_msg() {
	echo "insmod: ERROR: could not insert module test_modules/$1.ko: Invalid parameters"
}

# wait_removed(modname) - a replaced patch leaves sysfs once it is freed
function wait_removed() {
	loop_until "[[ ! -e $KLP_SYSFS_DIR/$1 ]]" ||
		die "replaced livepatch $1 is still in sysfs"
}


# The off-band fleet scenario, for each policy:
# - lp1: cumulative patch v1 (funcA = cmdline_proc_show)
# - lp2: off-band fix in its own scope (funcB = version_proc_show)
# - lp3: cumulative patch v2 (funcA): replaces lp1 only; lp2 stays
#   enabled and funcB keeps running lp2's code at every step

for policy in replace_set tag; do
use_policy $policy
start_test "$POLICY: off-band fix survives a cumulative update"

load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF funca=0 funcb=1
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
check_file /proc/version "$MOD_LP2: version_proc_show"
check_sysfs_value $MOD_LP2 replace_policy "$POLICY"
check_sysfs_value $MOD_LP2 $PARAM $OFFBAND
check_sysfs_value $MOD_LP2 replace 0
check_sysfs_value $MOD_LP2 replaced ""
check_sysfs_rights $MOD_LP2 $PARAM "-r--r--r--"
check_sysfs_absent $MOD_LP2 replace_params
check_sysfs_absent $MOD_LP2 $OTHER_PARAM
load_lp $MOD_LP3 $CUM
wait_removed $MOD_LP1
check_patches "$MOD_LP2 $MOD_LP3"
check_sysfs_value $MOD_LP2 enabled 1
check_file /proc/cmdline "$MOD_LP3: cmdline_proc_show"
check_file /proc/version "$MOD_LP2: version_proc_show"
check_sysfs_value $MOD_LP3 $PARAM $CUMULATIVE
check_sysfs_value $MOD_LP3 replace 0
check_sysfs_value $MOD_LP3 replaced "$MOD_LP1"
check_sysfs_absent $MOD_LP3 replace_params
unload_lp $MOD_LP1
disable_lp $MOD_LP3
check_file /proc/cmdline "$ORIG_CMDLINE"
check_file /proc/version "$MOD_LP2: version_proc_show"
disable_lp $MOD_LP2
check_file /proc/version "$ORIG_VERSION"
unload_lp $MOD_LP3
unload_lp $MOD_LP2

check_result "% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF funca=0 funcb=1
$(enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko $CUM
$(enable_msgs $MOD_LP3)
% rmmod $MOD_LP1
$(disable_msgs $MOD_LP3)
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP3
% rmmod $MOD_LP2"
done


# Patches of different scopes may not share a function, for each policy:
# - in vmlinux: lp2 (off-band) patches lp1's funcA: refused, nothing
#   changes
# - in a module that is not loaded yet: lp1 and lp2 both patch
#   test_klp_callbacks_busy's busymod_work_func: refused
# - the same with the module loaded before the patches (loading it after
#   lp1 would run lp1's busymod_work_func, which never lets its init end)

for policy in replace_set tag; do
use_policy $policy
start_test "$POLICY: functions are not shared across scopes"

load_lp $MOD_LP1 $CUM busy=1
load_failing_mod $MOD_LP2 $OFF
check_patches "$MOD_LP1"
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
load_failing_mod $MOD_LP2 $OFF funca=0 busy=1
disable_lp $MOD_LP1
unload_lp $MOD_LP1
load_mod $MOD_TARGET_BUSY
load_lp $MOD_LP1 $CUM funca=0 busy=1
load_failing_mod $MOD_LP2 $OFF funca=0 busy=1
check_patches "$MOD_LP1"
disable_lp $MOD_LP1
unload_lp $MOD_LP1
unload_mod $MOD_TARGET_BUSY

check_result "% insmod test_modules/$MOD_LP1.ko $CUM busy=1
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF
$(conflict_msg "patch vmlinux:cmdline_proc_show,1")
$(refused_msg $MOD_LP2)
% insmod test_modules/$MOD_LP2.ko $OFF funca=0 busy=1
$(conflict_msg "patch $MOD_TARGET_BUSY:busymod_work_func,1")
$(refused_msg $MOD_LP2)
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1
% insmod test_modules/$MOD_TARGET_BUSY.ko
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_init
$MOD_TARGET_BUSY: busymod_work_func enter
$MOD_TARGET_BUSY: busymod_work_func exit
% insmod test_modules/$MOD_LP1.ko $CUM funca=0 busy=1
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF funca=0 busy=1
$(conflict_msg "patch $MOD_TARGET_BUSY:busymod_work_func,1")
$(refused_msg $MOD_LP2)
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1
% rmmod $MOD_TARGET_BUSY
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_exit"
done


# Scope guarantees hold both ways, for each policy: a patch without
# .replace, loaded after a scoped patch, keeps it, so it may not share
# its functions or state ids, whether it names no policy (an upstream
# livepatch: the default policy's) or legacy; a legacy replacing patch
# replaces it and may:
# - lp1 (off-band) patches funcA and carries state 1
# - lp2 (no policy, then legacy) patches funcA: refused, by the default
#   policy's check or, under the legacy default, by lp1's policy
# - lp2 (legacy) patches funcB with state 1: refused
# - nothing changed: lp1 is the only patch and runs its code
# - lp2 (no policy) patches funcB only: enabled beside lp1, with the
#   default policy (a private replace_set, tag 0)
# - lp3 (legacy, replace) patches funcA with state 1: replaces lp1

for policy in replace_set tag; do
use_policy $policy
start_test "$POLICY: upstream-style patches keep out of a scoped patch"

load_lp $MOD_LP1 $OFF state_id=1 state_version=1
load_failing_mod $MOD_LP2
load_failing_mod $MOD_LP2 policy=legacy
load_failing_mod $MOD_LP2 policy=legacy funca=0 funcb=1 state_id=1 state_version=1
[[ ! -e /sys/module/$MOD_LP2 ]] || die "$MOD_LP2 stayed loaded"
check_patches "$MOD_LP1"
check_sysfs_value $MOD_LP1 enabled 1
check_sysfs_value $MOD_LP1 transition 0
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
check_file /proc/version "$ORIG_VERSION"
load_lp $MOD_LP2 funca=0 funcb=1
check_sysfs_value $MOD_LP2 replace_policy "$DEFAULT_POLICY"
case "$DEFAULT_POLICY" in
legacy)		check_sysfs_absent $MOD_LP2 $PARAM ;;
replace_set)	check_sysfs_absent $MOD_LP2 replace_set ;;
tag)		check_sysfs_value $MOD_LP2 replace_tag 0 ;;
esac
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
check_file /proc/version "$MOD_LP2: version_proc_show"
disable_lp $MOD_LP2
unload_lp $MOD_LP2
load_lp $MOD_LP3 policy=legacy replace=1 state_id=1 state_version=1
wait_removed $MOD_LP1
check_patches "$MOD_LP3"
check_file /proc/cmdline "$MOD_LP3: cmdline_proc_show"
unload_lp $MOD_LP1
disable_lp $MOD_LP3
unload_lp $MOD_LP3
check_file /proc/cmdline "$ORIG_CMDLINE"

check_result "% insmod test_modules/$MOD_LP1.ko $OFF state_id=1 state_version=1
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko
$(no_policy_conflict_msg "patch vmlinux:cmdline_proc_show,1")
$(refused_msg $MOD_LP2)
% insmod test_modules/$MOD_LP2.ko policy=legacy
$(upstream_conflict_msg "patch vmlinux:cmdline_proc_show,1")
$(refused_msg $MOD_LP2)
% insmod test_modules/$MOD_LP2.ko policy=legacy funca=0 funcb=1 state_id=1 state_version=1
$(upstream_conflict_msg "use state id 1")
$(refused_msg $MOD_LP2)
% insmod test_modules/$MOD_LP2.ko funca=0 funcb=1
$(enable_msgs $MOD_LP2)
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP2
% insmod test_modules/$MOD_LP3.ko policy=legacy replace=1 state_id=1 state_version=1
$(enable_msgs $MOD_LP3)
% rmmod $MOD_LP1
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3"
done


# System states, for each policy:
# - lp1 (cumulative) carries state 1 at version 2
# - lp2 replacing it without state 1: refused
# - lp2 replacing it with state 1 at version 1: refused
# - lp2 off-band with state 1: refused, the id is lp1's scope's
# - lp2 replacing it with state 1 at version 2: enabled

for policy in replace_set tag; do
use_policy $policy
start_test "$POLICY: system states stay in their scope"

load_lp $MOD_LP1 $CUM state_id=1 state_version=2
load_failing_mod $MOD_LP2 $CUM
load_failing_mod $MOD_LP2 $CUM state_id=1 state_version=1
load_failing_mod $MOD_LP2 $OFF funca=0 funcb=1 state_id=1 state_version=2
check_patches "$MOD_LP1"
load_lp $MOD_LP2 $CUM state_id=1 state_version=2
wait_removed $MOD_LP1
check_file /proc/cmdline "$MOD_LP2: cmdline_proc_show"
unload_lp $MOD_LP1
disable_lp $MOD_LP2
unload_lp $MOD_LP2

check_result "% insmod test_modules/$MOD_LP1.ko $CUM state_id=1 state_version=2
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $CUM
$(replaced_state_msg "lacks its state id 1")
$(refused_msg $MOD_LP2)
% insmod test_modules/$MOD_LP2.ko $CUM state_id=1 state_version=1
$(replaced_state_msg "has its state id 1 at version 1, lower than 2")
$(refused_msg $MOD_LP2)
% insmod test_modules/$MOD_LP2.ko $OFF funca=0 funcb=1 state_id=1 state_version=2
$(conflict_msg "use state id 1")
$(refused_msg $MOD_LP2)
% insmod test_modules/$MOD_LP2.ko $CUM state_id=1 state_version=2
$(enable_msgs $MOD_LP2)
% rmmod $MOD_LP1
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP2"
done


# Downgrade within a scope, with an off-band fix beside it:
# - lp1 (v1) is replaced by lp2 (v2), then lp1 is loaded again and
#   replaces lp2; lp3 (off-band) stays enabled throughout

use_policy replace_set
start_test "$POLICY: downgrade within a scope"

load_lp $MOD_LP3 $OFF funca=0 funcb=1
load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $CUM
wait_removed $MOD_LP1
unload_lp $MOD_LP1
load_lp $MOD_LP1 $CUM
wait_removed $MOD_LP2
check_patches "$MOD_LP1 $MOD_LP3"
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
check_file /proc/version "$MOD_LP3: version_proc_show"
unload_lp $MOD_LP2
disable_lp $MOD_LP1
disable_lp $MOD_LP3
unload_lp $MOD_LP1
unload_lp $MOD_LP3

check_result "% insmod test_modules/$MOD_LP3.ko $OFF funca=0 funcb=1
$(enable_msgs $MOD_LP3)
% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $CUM
$(enable_msgs $MOD_LP2)
% rmmod $MOD_LP1
% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% rmmod $MOD_LP2
$(disable_msgs $MOD_LP1)
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP1
% rmmod $MOD_LP3"


# A cumulative update that sleeps on a task, reversed half way:
# - a task sleeps in busymod_work_func()
# - lp1 (v1) and lp3 (off-band) are enabled
# - lp2 (v2) also patches busymod_work_func(): its transition stalls
# - lp2 is disabled during the transition: lp1 and lp3 stay enabled and
#   keep running their code

start_test "$POLICY: reversed cumulative update"

load_mod $MOD_TARGET_BUSY block_transition=Y
load_lp $MOD_LP1 $CUM
load_lp $MOD_LP3 $OFF funca=0 funcb=1
load_lp_nowait $MOD_LP2 $CUM busy=1
sleep 1
check_sysfs_value $MOD_LP2 transition 1
disable_lp $MOD_LP2
check_patches "$MOD_LP1 $MOD_LP3"
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
check_file /proc/version "$MOD_LP3: version_proc_show"
unload_lp $MOD_LP2
disable_lp $MOD_LP1
disable_lp $MOD_LP3
unload_lp $MOD_LP1
unload_lp $MOD_LP3
unload_mod $MOD_TARGET_BUSY

check_result "% insmod test_modules/$MOD_TARGET_BUSY.ko block_transition=Y
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_init
$MOD_TARGET_BUSY: busymod_work_func enter
% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP3.ko $OFF funca=0 funcb=1
$(enable_msgs $MOD_LP3)
% insmod test_modules/$MOD_LP2.ko $CUM busy=1
$(start_msgs $MOD_LP2)
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP2/enabled
livepatch: '$MOD_LP2': reversing transition from patching to unpatching
livepatch: '$MOD_LP2': starting unpatching transition
livepatch: '$MOD_LP2': completing unpatching transition
livepatch: '$MOD_LP2': unpatching complete
% rmmod $MOD_LP2
$(disable_msgs $MOD_LP1)
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP1
% rmmod $MOD_LP3
% rmmod $MOD_TARGET_BUSY
$MOD_TARGET_BUSY: busymod_work_func exit
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_exit"


# A task sleeps in the off-band fix's code (lp2's version_proc_show):
# - scoped: lp3 (v2) replaces lp1 (v1) and completes while the task
#   sleeps, since none of the functions it transitions is on its stack
# - legacy: lp3 replacing everything must also take funcB back from lp2,
#   so its transition cannot complete until the task wakes up

start_test "$POLICY: cumulative update beside a sleeping off-band fix"

load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF funca=0 funcb=1 sleep=1
start_sleeper $MOD_LP2
load_lp $MOD_LP3 $CUM
wait_removed $MOD_LP1
kill -0 $SLEEPER 2>/dev/null || die "the sleeper woke up before the update completed"
check_file /proc/cmdline "$MOD_LP3: cmdline_proc_show"
echo 0 > /sys/module/$MOD_LP2/parameters/sleep
wait $SLEEPER
check_file /tmp/klp-sleeper.out "$MOD_LP2: version_proc_show"
unload_lp $MOD_LP1
disable_lp $MOD_LP3
disable_lp $MOD_LP2
unload_lp $MOD_LP3
unload_lp $MOD_LP2

check_result "% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF funca=0 funcb=1 sleep=1
$(enable_msgs $MOD_LP2)
$MOD_LP2: version_proc_show: sleeping
% insmod test_modules/$MOD_LP3.ko $CUM
$(enable_msgs $MOD_LP3)
% rmmod $MOD_LP1
$(disable_msgs $MOD_LP3)
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP3
% rmmod $MOD_LP2"

start_test "legacy: cumulative update beside a sleeping off-band fix"

load_lp $MOD_LP1 policy=legacy
load_lp $MOD_LP2 policy=legacy funca=0 funcb=1 sleep=1
start_sleeper $MOD_LP2
load_lp_nowait $MOD_LP3 policy=legacy replace=1
sleep 3
check_sysfs_value $MOD_LP3 transition 1
kill -0 $SLEEPER 2>/dev/null || die "the sleeper woke up"
log "% echo 0 > /sys/module/$MOD_LP2/parameters/sleep"
echo 0 > /sys/module/$MOD_LP2/parameters/sleep
wait $SLEEPER
loop_until "grep -q '^0$' $KLP_SYSFS_DIR/$MOD_LP3/transition" ||
	die "the legacy update did not complete once the sleeper woke"
wait_removed $MOD_LP1
wait_removed $MOD_LP2
check_file /proc/version "$ORIG_VERSION"
unload_lp $MOD_LP1
unload_lp $MOD_LP2
disable_lp $MOD_LP3
unload_lp $MOD_LP3

check_result "% insmod test_modules/$MOD_LP1.ko policy=legacy
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko policy=legacy funca=0 funcb=1 sleep=1
$(enable_msgs $MOD_LP2)
$MOD_LP2: version_proc_show: sleeping
% insmod test_modules/$MOD_LP3.ko policy=legacy replace=1
$(start_msgs $MOD_LP3)
% echo 0 > /sys/module/$MOD_LP2/parameters/sleep
livepatch: '$MOD_LP3': completing patching transition
livepatch: '$MOD_LP3': patching complete
% rmmod $MOD_LP1
% rmmod $MOD_LP2
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3"


# A forced cumulative update marks only the patch it replaces:
# - a task sleeps in busymod_work_func(); lp5 (v1) and lp3 (off-band)
# - lp2 (v2) also patches busymod_work_func(): stalls, then is forced
# - lp5 can never be removed (used by no other test); lp2 and lp3 can

start_test "$POLICY: forced cumulative update"

load_mod $MOD_TARGET_BUSY block_transition=Y
load_lp $MOD_LP5 $CUM
load_lp $MOD_LP3 $OFF funca=0 funcb=1
load_lp_nowait $MOD_LP2 $CUM busy=1
sleep 1
check_sysfs_value $MOD_LP2 transition 1
log "% echo 1 > $KLP_SYSFS_DIR/$MOD_LP2/force"
echo 1 > "$KLP_SYSFS_DIR/$MOD_LP2/force"
loop_until "grep -q '^0$' $KLP_SYSFS_DIR/$MOD_LP2/transition" ||
	die "forced transition did not complete"
wait_removed $MOD_LP5
check_patches "$MOD_LP2 $MOD_LP3"
check_refcnt $MOD_LP5 1
disable_lp $MOD_LP2
disable_lp $MOD_LP3
unload_lp $MOD_LP2
unload_lp $MOD_LP3
unload_mod $MOD_TARGET_BUSY

check_result "% insmod test_modules/$MOD_TARGET_BUSY.ko block_transition=Y
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_init
$MOD_TARGET_BUSY: busymod_work_func enter
% insmod test_modules/$MOD_LP5.ko $CUM
$(enable_msgs $MOD_LP5)
% insmod test_modules/$MOD_LP3.ko $OFF funca=0 funcb=1
$(enable_msgs $MOD_LP3)
% insmod test_modules/$MOD_LP2.ko $CUM busy=1
$(start_msgs $MOD_LP2)
% echo 1 > $KLP_SYSFS_DIR/$MOD_LP2/force
livepatch: forcing remaining tasks to the patched state
livepatch: '$MOD_LP2': completing patching transition
livepatch: '$MOD_LP2': patching complete
$(disable_msgs $MOD_LP2)
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP2
% rmmod $MOD_LP3
% rmmod $MOD_TARGET_BUSY
$MOD_TARGET_BUSY: busymod_work_func exit
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_exit"


# Folding the off-band fix into the cumulative line (replace_set only):
# - lp1 (v2, set 0, cmdline_proc_show) and lp2 (off-band fix, set 7,
#   version_proc_show), with a task asleep in lp2's version_proc_show
# - lp3 (v3, set 0, supersedes set 7, patches both functions): its
#   transition waits for the task, as any replace does; reversed half way,
#   lp1 and lp2 stay enabled and keep running their code
# - lp3 again while the task sleeps: once it wakes, one transition
#   replaces lp1 and lp2, and version_proc_show goes from lp2's code
#   straight to lp3's
# - on a host without set 7 the same lp3 replaces lp1 alone
# - lp1 again after lp3: a downgrade within set 0, allowed; the fix is
#   gone with lp3

use_policy replace_set
start_test "replace_set: fold an off-band fix into the cumulative line"

load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF funca=0 funcb=1 sleep=1
start_sleeper $MOD_LP2
load_lp_nowait $MOD_LP3 $CUM funcb=1 supersedes=$OFFBAND
sleep 1
check_sysfs_value $MOD_LP3 transition 1
check_sysfs_value $MOD_LP3 replace_supersedes $OFFBAND
disable_lp $MOD_LP3
check_patches "$MOD_LP1 $MOD_LP2"
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
kill -0 $SLEEPER 2>/dev/null || die "the sleeper woke up"
unload_lp $MOD_LP3

load_lp_nowait $MOD_LP3 $CUM funcb=1 supersedes=$OFFBAND
sleep 1
check_sysfs_value $MOD_LP3 transition 1
check_patches "$MOD_LP1 $MOD_LP2 $MOD_LP3"
log "% echo 0 > /sys/module/$MOD_LP2/parameters/sleep"
echo 0 > /sys/module/$MOD_LP2/parameters/sleep
wait $SLEEPER
check_file /tmp/klp-sleeper.out "$MOD_LP2: version_proc_show"
wait_removed $MOD_LP1
wait_removed $MOD_LP2
check_patches "$MOD_LP3"
check_file /proc/cmdline "$MOD_LP3: cmdline_proc_show"
check_file /proc/version "$MOD_LP3: version_proc_show"
unload_lp $MOD_LP1
unload_lp $MOD_LP2
disable_lp $MOD_LP3
unload_lp $MOD_LP3

load_lp $MOD_LP1 $CUM
load_lp $MOD_LP3 $CUM funcb=1 supersedes=$OFFBAND
wait_removed $MOD_LP1
check_patches "$MOD_LP3"
unload_lp $MOD_LP1
load_lp $MOD_LP1 $CUM
wait_removed $MOD_LP3
check_patches "$MOD_LP1"
grep -q "^Linux version" /proc/version ||
	die "version_proc_show does not run its original code after the downgrade"
unload_lp $MOD_LP3
disable_lp $MOD_LP1
unload_lp $MOD_LP1

# set9_conflict_msg - lp3 (set 0) refused beside lp2 in set 9
function set9_conflict_msg() {
	echo "livepatch: patch '$MOD_LP3' ($PARAM=$CUMULATIVE) and patch '$MOD_LP2'" \
		"($PARAM=9) both patch vmlinux:version_proc_show,1: $RULE"
}

# An off-band fix in a set lp3 was not built to supersede (9): lp3 is
# refused; with the operator's also_supersede=9 it is accepted, logged,
# and replaces lp1 and the fix in one transition.
load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 policy=replace_set replace_set=9 funca=0 funcb=1
load_failing_mod $MOD_LP3 $CUM funcb=1 supersedes=$OFFBAND
check_patches "$MOD_LP1 $MOD_LP2"
load_lp $MOD_LP3 $CUM funcb=1 supersedes=$OFFBAND also_supersede=9
wait_removed $MOD_LP1
wait_removed $MOD_LP2
check_patches "$MOD_LP3"
check_sysfs_value $MOD_LP3 replace_supersedes $OFFBAND
check_sysfs_value $MOD_LP3 replace_also_supersede 9
check_file /proc/version "$MOD_LP3: version_proc_show"
unload_lp $MOD_LP1
unload_lp $MOD_LP2
disable_lp $MOD_LP3
unload_lp $MOD_LP3

# The same fold-in on a function of a module loaded after the patches:
# - lp2 (off-band fix, set 7) patches test_klp_policy_target_answer()
#   before test_klp_policy_target is loaded: the module runs lp2's code
#   from the moment it is loaded
# - lp3 (v3, set 0, supersedes set 7) takes it over in the one
#   transition that replaces lp1 and lp2
# - reloaded after lp3, the module runs lp3's code; once lp3 is disabled,
#   its own
load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF funca=0 target=1
load_mod $MOD_TARGET
check_file $TARGET_ANSWER "$MOD_LP2: test_klp_policy_target_answer"
load_lp $MOD_LP3 $CUM target=1 supersedes=$OFFBAND
wait_removed $MOD_LP1
wait_removed $MOD_LP2
check_patches "$MOD_LP3"
check_file $TARGET_ANSWER "$MOD_LP3: test_klp_policy_target_answer"
unload_mod $MOD_TARGET
load_mod $MOD_TARGET
check_file $TARGET_ANSWER "$MOD_LP3: test_klp_policy_target_answer"
unload_lp $MOD_LP1
unload_lp $MOD_LP2
disable_lp $MOD_LP3
check_file $TARGET_ANSWER "$MOD_TARGET: original"
unload_lp $MOD_LP3
unload_mod $MOD_TARGET

check_result "% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF funca=0 funcb=1 sleep=1
$(enable_msgs $MOD_LP2)
$MOD_LP2: version_proc_show: sleeping
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=$OFFBAND
$(start_msgs $MOD_LP3)
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP3/enabled
livepatch: '$MOD_LP3': reversing transition from patching to unpatching
livepatch: '$MOD_LP3': starting unpatching transition
livepatch: '$MOD_LP3': completing unpatching transition
livepatch: '$MOD_LP3': unpatching complete
% rmmod $MOD_LP3
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=$OFFBAND
$(start_msgs $MOD_LP3)
% echo 0 > /sys/module/$MOD_LP2/parameters/sleep
livepatch: '$MOD_LP3': completing patching transition
livepatch: '$MOD_LP3': patching complete
% rmmod $MOD_LP1
% rmmod $MOD_LP2
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=$OFFBAND
$(enable_msgs $MOD_LP3)
% rmmod $MOD_LP1
% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% rmmod $MOD_LP3
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1
% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko policy=replace_set replace_set=9 funca=0 funcb=1
$(enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=$OFFBAND
$(set9_conflict_msg)
$(refused_msg $MOD_LP3)
% insmod test_modules/$MOD_LP3.ko $CUM funcb=1 supersedes=$OFFBAND also_supersede=9
livepatch: enabling patch '$MOD_LP3'
livepatch: '$MOD_LP3': initializing patching transition
livepatch: patch '$MOD_LP3' ($PARAM=$CUMULATIVE): operator override: also supersedes set 9
livepatch: '$MOD_LP3': starting patching transition
livepatch: '$MOD_LP3': completing patching transition
livepatch: '$MOD_LP3': patching complete
% rmmod $MOD_LP1
% rmmod $MOD_LP2
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF funca=0 target=1
$(enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_TARGET.ko
livepatch: applying patch '$MOD_LP2' to loading module '$MOD_TARGET'
% insmod test_modules/$MOD_LP3.ko $CUM target=1 supersedes=$OFFBAND
$(enable_msgs $MOD_LP3)
% rmmod $MOD_TARGET
livepatch: reverting patch '$MOD_LP3' on unloading module '$MOD_TARGET'
% insmod test_modules/$MOD_TARGET.ko
livepatch: applying patch '$MOD_LP3' to loading module '$MOD_TARGET'
% rmmod $MOD_LP1
% rmmod $MOD_LP2
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% rmmod $MOD_TARGET"


# fold_revert_msg(set) - lp3 (set 0) supersedes lp2 (in set) but leaves
# out its version_proc_show
function fold_revert_msg() {
	echo "livepatch: patch '$MOD_LP3' ($PARAM=$CUMULATIVE) supersedes patch '$MOD_LP2'" \
		"($PARAM=$1) but does not patch its function vmlinux:version_proc_show,1:" \
		"that function would revert to the unfixed code"
}

# A fold-in must keep the fix: a v3 that supersedes the fix's set but
# does not patch one of the fix's functions would give that function a
# nop, and after a consistent transition it would run the unfixed code.
# - lp1 (v2, set 0) patches cmdline_proc_show; lp2 (off-band fix, set 7)
#   version_proc_show
# - lp3 (v3, set 0, supersedes set 7) patches only cmdline_proc_show:
#   refused, with -EINVAL, and nothing changes
# - the same with the fix in set 9 and the operator's also_supersede=9:
#   refused too; the override never reverts a fix
start_test "replace_set: a fold-in that would revert the fix is refused"

load_lp $MOD_LP1 $CUM
load_lp $MOD_LP2 $OFF funca=0 funcb=1
load_failing_mod $MOD_LP3 $CUM supersedes=$OFFBAND
check_patches "$MOD_LP1 $MOD_LP2"
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
check_file /proc/version "$MOD_LP2: version_proc_show"
[[ ! -e /sys/module/$MOD_LP3 ]] || die "$MOD_LP3 stayed loaded"
disable_lp $MOD_LP2
unload_lp $MOD_LP2
load_lp $MOD_LP2 policy=replace_set replace_set=9 funca=0 funcb=1
load_failing_mod $MOD_LP3 $CUM also_supersede=9
check_patches "$MOD_LP1 $MOD_LP2"
check_file /proc/version "$MOD_LP2: version_proc_show"
[[ ! -e /sys/module/$MOD_LP3 ]] || die "$MOD_LP3 stayed loaded"
disable_lp $MOD_LP2
unload_lp $MOD_LP2
disable_lp $MOD_LP1
unload_lp $MOD_LP1

check_result "% insmod test_modules/$MOD_LP1.ko $CUM
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko $OFF funca=0 funcb=1
$(enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko $CUM supersedes=$OFFBAND
$(fold_revert_msg $OFFBAND)
$(refused_msg $MOD_LP3)
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP2
% insmod test_modules/$MOD_LP2.ko policy=replace_set replace_set=9 funca=0 funcb=1
$(enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko $CUM also_supersede=9
$(fold_revert_msg 9)
$(refused_msg $MOD_LP3)
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP2
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1"

exit 0
