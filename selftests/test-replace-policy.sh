#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Replace policies in the booted kernel, with the sample policy plugin
# samples/livepatch/livepatch-hybrid-policy.ko and the sample livepatch
# samples/livepatch/livepatch-hybrid-patch.ko (CONFIG_SAMPLE_LIVEPATCH=m),
# installed where modprobe finds them. Their module names do not pass
# check_result's 'livepatch:'/'test_klp' filter, so their loading and
# removal are asserted directly, not through dmesg.

. "$(dirname "$0")/functions.sh"

MOD_LP1=test_klp_policy1
MOD_LP2=test_klp_policy2
MOD_LP3=test_klp_policy3
MOD_LP4=test_klp_policy4
MOD_LP8=test_klp_policy8
MOD_POLICY=livepatch_hybrid_policy
MOD_SAMPLE=livepatch_hybrid_patch
MOD_TARGET_BUSY=test_klp_callbacks_busy
AVAILABLE=/sys/module/livepatch/parameters/available_replace_policies
# One character more than a policy name may have; the refusal quotes
# only as many as a name may have.
LONG_NAME=abcdefghijklmnop
NAME_LIMIT="1 to 15 characters"

setup_config

if ! modinfo "$MOD_POLICY" &> /dev/null; then
	skip "$MOD_POLICY.ko is not installed (CONFIG_SAMPLE_LIVEPATCH=m)"
fi

# load_policy() - load the sample policy plugin from the installed modules
function load_policy() {
	log "% modprobe $MOD_POLICY"
	modprobe "$MOD_POLICY" || die "cannot load $MOD_POLICY"
}

# policy_loaded() - is the sample policy plugin loaded?
function policy_loaded() {
	[[ -e "/sys/module/$MOD_POLICY" ]]
}

# refused_msg(modname, error) - what insmod says when the module's init fails
#	error - kmod's words for the errno, e.g. "Invalid parameters" for EINVAL
function refused_msg() {
	echo "insmod: ERROR: could not insert module test_modules/$1.ko: $2"
}

# new_dmesg() - the kernel messages since start_test
function new_dmesg() {
	dmesg | awk -v last_dmesg="$LAST_DMESG" 'p; $0 == last_dmesg { p=1 }'
}

ORIG_CMDLINE=$(cat /proc/cmdline)

# A livepatch that names no policy gets the boot default, whichever it
# is (CONFIG_KLP_DEFAULT_REPLACE_POLICY or livepatch.replace_policy=);
# every other test below names its policy, so this script passes under
# any default:
# - the default is registered and listed as available
# - lp1 without policy= shows the default in sysfs and runs its code

start_test "a livepatch without a policy gets the default"

DEFAULT_POLICY=$(cat /sys/module/livepatch/parameters/replace_policy)
[[ -n "$DEFAULT_POLICY" ]] || die "no default replace policy"
grep -qw "$DEFAULT_POLICY" "$AVAILABLE" ||
	die "default policy $DEFAULT_POLICY is not available: '$(cat "$AVAILABLE")'"
load_lp $MOD_LP1
check_sysfs_value $MOD_LP1 replace_policy "$DEFAULT_POLICY"
check_sysfs_value $MOD_LP1 replace 0
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
disable_lp $MOD_LP1
unload_lp $MOD_LP1
check_file /proc/cmdline "$ORIG_CMDLINE"

check_result "% insmod test_modules/$MOD_LP1.ko
$(enable_msgs $MOD_LP1)
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1"


# - the legacy policy is always registered
# - the sample "hybrid" policy plugin is not loaded: a livepatch that
#   selects it by name loads it (klp_enable_patch() request_module()s
#   klp-replace-policy-hybrid, the plugin's alias)
# - sysfs shows the policy, the patch's .replace and the plugin's one
#   typed parameter, each in its own file; replace_params is gone
# - the livepatch holds a reference to the plugin module, so the plugin
#   cannot be removed; once the livepatch is disabled the reference is gone

start_test "replace policy plugin loaded on demand"

policy_loaded && die "$MOD_POLICY is loaded before any livepatch asked for it"
grep -qw hybrid "$AVAILABLE" &&
	die "hybrid is available before its module is loaded: '$(cat "$AVAILABLE")'"
load_lp $MOD_LP1 policy=hybrid replaceable=1
policy_loaded || die "$MOD_POLICY was not loaded on demand"
lsmod | grep -q "^$MOD_POLICY " || die "lsmod does not list $MOD_POLICY"
{ grep -qw hybrid "$AVAILABLE" && grep -qw legacy "$AVAILABLE"; } ||
	die "available replace policies: '$(cat "$AVAILABLE")'"
check_sysfs_value $MOD_LP1 replace_policy hybrid
check_sysfs_value $MOD_LP1 hybrid/replaceable 1
# Built with the policy's first parameter layout: no label.
check_sysfs_value $MOD_LP1 hybrid/label ""
check_sysfs_value $MOD_LP1 replace 0
check_sysfs_absent $MOD_LP1 replace_params
check_sysfs_absent $MOD_LP1 replace_set
check_sysfs_absent $MOD_LP1 replace_tag
check_sysfs_rights $MOD_LP1 replace_policy "-r--r--r--"
check_sysfs_rights $MOD_LP1 hybrid/replaceable "-r--r--r--"
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
check_refcnt $MOD_POLICY 1
ret=$(rmmod $MOD_POLICY 2>&1) && die "$MOD_POLICY was removed while in use"
[[ "$ret" == "rmmod: ERROR: Module $MOD_POLICY is in use" ]] ||
	die "unexpected rmmod error: $ret"
disable_lp $MOD_LP1
check_refcnt $MOD_POLICY 0
unload_lp $MOD_LP1
unload_mod $MOD_POLICY
grep -qw hybrid "$AVAILABLE" &&
	die "hybrid is still available: '$(cat "$AVAILABLE")'"

check_result "% insmod test_modules/$MOD_LP1.ko policy=hybrid replaceable=1
$(enable_msgs $MOD_LP1)
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1"


# The sample livepatch selects the hybrid policy by name, with its typed
# parameters, without linking against the plugin:
# - modprobe loads it from the installed modules; it loads the plugin
# - sysfs shows its policy and parameter; /proc/cmdline runs its code

start_test "sample livepatch selecting a plugin policy"

modinfo "$MOD_SAMPLE" &> /dev/null ||
	die "$MOD_SAMPLE.ko is not installed (samples/livepatch/livepatch-hybrid-patch.c)"
policy_loaded && die "$MOD_POLICY is loaded before any livepatch asked for it"
log "% modprobe $MOD_SAMPLE replaceable=1 label=fleet-a"
modprobe "$MOD_SAMPLE" replaceable=1 label=fleet-a || die "cannot load $MOD_SAMPLE"
loop_until "grep -q '^0$' $KLP_SYSFS_DIR/$MOD_SAMPLE/transition" ||
	die "failed to complete transition"
policy_loaded || die "$MOD_POLICY was not loaded on demand"
check_sysfs_value $MOD_SAMPLE replace_policy hybrid
check_sysfs_value $MOD_SAMPLE hybrid/replaceable 1
check_sysfs_value $MOD_SAMPLE hybrid/label fleet-a
check_sysfs_value $MOD_SAMPLE replace 0
check_sysfs_absent $MOD_SAMPLE replace_params
check_file /proc/cmdline "this has been live patched (hybrid policy)"
check_refcnt $MOD_POLICY 1
disable_lp $MOD_SAMPLE
unload_lp $MOD_SAMPLE
check_refcnt $MOD_POLICY 0
unload_mod $MOD_POLICY
check_file /proc/cmdline "$ORIG_CMDLINE"

check_result "$(enable_msgs $MOD_SAMPLE)
livepatch: '$MOD_SAMPLE': initializing unpatching transition
livepatch: '$MOD_SAMPLE': starting unpatching transition
livepatch: '$MOD_SAMPLE': completing unpatching transition
livepatch: '$MOD_SAMPLE': unpatching complete"


# A plugin may decide on the whole set of enabled patches from validate()
# (klp_policy_for_each_enabled()): the sample patch with requires=<module>
# loads only while that livepatch is enabled.
# - requires=test_klp_policy1 with no patch enabled: refused (-EINVAL)
# - lp1 enabled (legacy, version_proc_show): the same load is accepted

start_test "a plugin refuses a patch because of the enabled patches"

load_failing_mod_sample() {
	local ret

	log "% modprobe $MOD_SAMPLE $*"
	if ret=$(modprobe "$MOD_SAMPLE" "$@" 2>&1); then
		die "$MOD_SAMPLE unexpectedly loaded"
	fi
	log "$ret"
}
load_failing_mod_sample requires=$MOD_LP1
load_lp $MOD_LP1 policy=legacy funca=0 funcb=1
log "% modprobe $MOD_SAMPLE requires=$MOD_LP1"
modprobe "$MOD_SAMPLE" requires=$MOD_LP1 || die "cannot load $MOD_SAMPLE"
loop_until "grep -q '^0$' $KLP_SYSFS_DIR/$MOD_SAMPLE/transition" ||
	die "failed to complete transition"
check_file /proc/cmdline "this has been live patched (hybrid policy)"
disable_lp $MOD_SAMPLE
unload_lp $MOD_SAMPLE
disable_lp $MOD_LP1
unload_lp $MOD_LP1
unload_mod $MOD_POLICY

check_result "% modprobe $MOD_SAMPLE requires=$MOD_LP1
livepatch: patch '$MOD_SAMPLE' requires livepatch '$MOD_LP1', which is not enabled
% insmod test_modules/$MOD_LP1.ko policy=legacy funca=0 funcb=1
$(enable_msgs $MOD_LP1)
% modprobe $MOD_SAMPLE requires=$MOD_LP1
$(enable_msgs $MOD_SAMPLE)
livepatch: '$MOD_SAMPLE': initializing unpatching transition
livepatch: '$MOD_SAMPLE': starting unpatching transition
livepatch: '$MOD_SAMPLE': completing unpatching transition
livepatch: '$MOD_SAMPLE': unpatching complete
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1"


# A policy name or parameters the core cannot use are refused, and
# nothing is loaded, enabled or pinned:
# - an empty name and a name of 16 characters: -EINVAL
# - a name no module provides: -ENOENT, after modprobe found nothing
# - the hybrid policy without its parameters, with parameters whose
#   header names another policy, or whose header gives a size the policy
#   does not read: smaller than its first layout, which ended with
#   .replaceable (17 bytes on 64-bit), or larger than its current one
#   (40): -EINVAL
# - parameters for legacy, which takes none: -EINVAL

start_test "replace policy names and parameters refused"

SIZE_PREFIX="livepatch: patch '$MOD_LP1': replace_params of policy 'hybrid' have size"

load_failing_mod $MOD_LP1 policy=
load_failing_mod $MOD_LP1 policy=$LONG_NAME
load_failing_mod $MOD_LP1 policy=no_such
policy_loaded && die "a refused name loaded $MOD_POLICY"
load_policy
load_failing_mod $MOD_LP1 policy=hybrid params=none
load_failing_mod $MOD_LP1 policy=hybrid params=tag
load_failing_mod $MOD_LP1 policy=hybrid params_size=8
load_failing_mod $MOD_LP1 policy=hybrid params_size=64
load_failing_mod $MOD_LP1 policy=legacy params=legacy
[[ ! -e /sys/module/$MOD_LP1 ]] || die "$MOD_LP1 stayed loaded"
check_patches ""
check_refcnt $MOD_POLICY 0
unload_mod $MOD_POLICY
check_file /proc/cmdline "$ORIG_CMDLINE"

check_result "% insmod test_modules/$MOD_LP1.ko policy=
livepatch: patch '$MOD_LP1': replace policy name '' is not valid: $NAME_LIMIT
$(refused_msg $MOD_LP1 "Invalid parameters")
% insmod test_modules/$MOD_LP1.ko policy=$LONG_NAME
livepatch: patch '$MOD_LP1': replace policy name '${LONG_NAME:0:15}' is not valid: $NAME_LIMIT
$(refused_msg $MOD_LP1 "Invalid parameters")
% insmod test_modules/$MOD_LP1.ko policy=no_such
livepatch: patch '$MOD_LP1': replace policy 'no_such' is not registered
$(refused_msg $MOD_LP1 "Unknown symbol in module")
% insmod test_modules/$MOD_LP1.ko policy=hybrid params=none
livepatch: patch '$MOD_LP1': replace policy 'hybrid' needs replace_params
$(refused_msg $MOD_LP1 "Invalid parameters")
% insmod test_modules/$MOD_LP1.ko policy=hybrid params=tag
livepatch: patch '$MOD_LP1': replace_params are for policy 'tag', not 'hybrid'
$(refused_msg $MOD_LP1 "Invalid parameters")
% insmod test_modules/$MOD_LP1.ko policy=hybrid params_size=8
$SIZE_PREFIX 8, smaller than the oldest layout it reads, 17
$(refused_msg $MOD_LP1 "Invalid parameters")
% insmod test_modules/$MOD_LP1.ko policy=hybrid params_size=64
$SIZE_PREFIX 64, larger than its 40: built for a newer version of the policy
$(refused_msg $MOD_LP1 "Invalid parameters")
% insmod test_modules/$MOD_LP1.ko policy=legacy params=legacy
livepatch: patch '$MOD_LP1': replace policy 'legacy' takes no replace_params
$(refused_msg $MOD_LP1 "Invalid parameters")"


# The upstream review's example of the hybrid rule, under the hybrid policy:
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
check_sysfs_value $MOD_LP1 hybrid/replaceable 0
check_sysfs_value $MOD_LP2 hybrid/replaceable 1
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
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko policy=hybrid replaceable=1 funcb=1
$(enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko policy=hybrid replace=1 funca=0 funcb=1
$REFUSAL
$(refused_msg $MOD_LP3 "Invalid parameters")
$(disable_msgs $MOD_LP2)
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


# A legacy .replace = true livepatch still replaces every enabled
# livepatch, whatever policy those use:
# - lp1 (legacy, no replace) and lp2 (hybrid, not replaceable)
# - lp3 (legacy, replace) replaces both; only lp3 is left

start_test "legacy replace replaces every policy's patches"

load_policy
load_lp $MOD_LP1 policy=legacy
load_lp $MOD_LP2 policy=hybrid funcb=1
load_lp $MOD_LP3 policy=legacy replace=1 funca=0 funcb=1
check_patches "$MOD_LP3"
check_sysfs_value $MOD_LP3 replace_policy legacy
check_sysfs_value $MOD_LP3 replace 1
check_sysfs_value $MOD_LP3 replaced "$MOD_LP1 $MOD_LP2"
check_sysfs_absent $MOD_LP3 replace_params
check_sysfs_absent $MOD_LP3 hybrid
check_file /proc/cmdline "$ORIG_CMDLINE"
check_file /proc/version "$MOD_LP3: version_proc_show"
check_refcnt $MOD_POLICY 0
unload_lp $MOD_LP2
unload_lp $MOD_LP1
disable_lp $MOD_LP3
unload_lp $MOD_LP3
unload_mod $MOD_POLICY

check_result "% insmod test_modules/$MOD_LP1.ko policy=legacy
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko policy=hybrid funcb=1
$(enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko policy=legacy replace=1 funca=0 funcb=1
$(enable_msgs $MOD_LP3)
% rmmod $MOD_LP2
% rmmod $MOD_LP1
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3"


# A system state shared by a replaced and a kept patch, under the hybrid
# policy, which only checks the states of the patches it replaces:
# - lp1 (not replaceable) patches funcA and carries state 1
# - lp2 (replaceable) patches funcB and carries state 1 too
# - lp3 replaces the replaceable patches, patches funcB and takes state
#   1 over: lp1 and lp3 would both own it, and lp1's callbacks would
#   tear it down under lp3, so the core refuses lp3, with -EINVAL, and
#   nothing changes

start_test "state shared by a replaced and a kept patch refused"

REFUSAL="livepatch: patch '$MOD_LP3' replaces '$MOD_LP2' but keeps '$MOD_LP1',"
REFUSAL+=" which also uses state id 1: two enabled patches would own it"

load_policy
STATE1="state_id=1 state_version=1"
load_lp $MOD_LP1 policy=hybrid $STATE1
load_lp $MOD_LP2 policy=hybrid replaceable=1 funca=0 funcb=1 $STATE1
load_failing_mod $MOD_LP3 policy=hybrid replace=1 funca=0 funcb=1 $STATE1
check_patches "$MOD_LP1 $MOD_LP2"
check_sysfs_value $MOD_LP1 enabled 1
check_sysfs_value $MOD_LP2 enabled 1
check_file /proc/cmdline "$MOD_LP1: cmdline_proc_show"
check_file /proc/version "$MOD_LP2: version_proc_show"
[[ ! -e /sys/module/$MOD_LP3 ]] || die "$MOD_LP3 stayed loaded"
check_refcnt $MOD_POLICY 2
disable_lp $MOD_LP2
disable_lp $MOD_LP1
unload_lp $MOD_LP2
unload_lp $MOD_LP1
unload_mod $MOD_POLICY

check_result "% insmod test_modules/$MOD_LP1.ko policy=hybrid $STATE1
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP2.ko policy=hybrid replaceable=1 funca=0 funcb=1 $STATE1
$(enable_msgs $MOD_LP2)
% insmod test_modules/$MOD_LP3.ko policy=hybrid replace=1 funca=0 funcb=1 $STATE1
$REFUSAL
$(refused_msg $MOD_LP3 "Invalid parameters")
$(disable_msgs $MOD_LP2)
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP2
% rmmod $MOD_LP1"


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
rmmod $MOD_LP4 &> /dev/null && die "forced $MOD_LP4 was removed"
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
$(enable_msgs $MOD_LP1)
% insmod test_modules/$MOD_LP4.ko policy=hybrid replaceable=1 funca=0 funcb=1
$(enable_msgs $MOD_LP4)
% insmod test_modules/$MOD_LP3.ko policy=hybrid replace=1 funca=0 funcb=1 busy=1
$(start_msgs $MOD_LP3)
% echo 1 > $KLP_SYSFS_DIR/$MOD_LP3/force
livepatch: forcing remaining tasks to the patched state
livepatch: '$MOD_LP3': completing patching transition
livepatch: '$MOD_LP3': patching complete
$(disable_msgs $MOD_LP1)
% rmmod $MOD_LP1
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3
% rmmod $MOD_TARGET_BUSY
$MOD_TARGET_BUSY: busymod_work_func exit
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_exit"


# stack_forced_on_sleeper(modname) - modname patches funcB and a task
# sleeps in its code; lp2 (no .replace), stacked on funcB, waits for the
# task and is forced: that marks modname forced
function stack_forced_on_sleeper() {
	local mod="$1"

	load_lp "$mod" policy=legacy funca=0 funcb=1 sleep=1
	start_sleeper "$mod"
	load_lp_nowait $MOD_LP2 policy=legacy funca=0 funcb=1
	sleep 1
	check_sysfs_value $MOD_LP2 transition 1
	log "% echo 1 > $KLP_SYSFS_DIR/$MOD_LP2/force"
	echo 1 > "$KLP_SYSFS_DIR/$MOD_LP2/force"
	loop_until "[[ \$(cat $KLP_SYSFS_DIR/$MOD_LP2/transition) == 0 ]]" ||
		die "the forced transition of $MOD_LP2 did not complete"
}

# stack_forced_on_sleeper_msgs(modname) - what stack_forced_on_sleeper logs
function stack_forced_on_sleeper_msgs() {
	echo "% insmod test_modules/$1.ko policy=legacy funca=0 funcb=1 sleep=1
$(enable_msgs "$1")
$1: version_proc_show: sleeping
% insmod test_modules/$MOD_LP2.ko policy=legacy funca=0 funcb=1
$(start_msgs $MOD_LP2)
% echo 1 > $KLP_SYSFS_DIR/$MOD_LP2/force
livepatch: forcing remaining tasks to the patched state
livepatch: '$MOD_LP2': completing patching transition
livepatch: '$MOD_LP2': patching complete"
}

# replace_keeps_pinned(modname) - after stack_forced_on_sleeper: lp3
# (.replace, funcB) checks lp2's funcB only, so it replaces modname and
# lp2 with the task still in modname's code; lp2's module can be
# removed, modname's cannot, and the task wakes in modname's code
function replace_keeps_pinned() {
	local mod="$1"

	load_lp $MOD_LP3 policy=legacy replace=1 funca=0 funcb=1
	loop_until "[[ ! -e $KLP_SYSFS_DIR/$mod && ! -e $KLP_SYSFS_DIR/$MOD_LP2 ]]" ||
		die "the replaced livepatches are still in sysfs"
	check_patches "$MOD_LP3"
	unload_lp $MOD_LP2
	log "% rmmod $mod"
	rmmod "$mod" 2>/dev/null &&
		die "$mod was removed while a task may still run its code"
	kill -0 "$SLEEPER" 2>/dev/null || die "the sleeper woke up"
	log "% echo 0 > /sys/module/$mod/parameters/sleep"
	echo 0 > "/sys/module/$mod/parameters/sleep"
	wait "$SLEEPER"
	check_file /tmp/klp-sleeper.out "$mod: version_proc_show"
	disable_lp $MOD_LP3
	unload_lp $MOD_LP3
}

# replace_keeps_pinned_msgs(modname) - what replace_keeps_pinned logs
function replace_keeps_pinned_msgs() {
	echo "% insmod test_modules/$MOD_LP3.ko policy=legacy replace=1 funca=0 funcb=1
$(enable_msgs $MOD_LP3)
% rmmod $MOD_LP2
% rmmod $1
% echo 0 > /sys/module/$1/parameters/sleep
$(disable_msgs $MOD_LP3)
% rmmod $MOD_LP3"
}

# A replacing transition that is reversed leaves the patches it would
# have replaced as they were, including the forced mark an earlier forced
# transition gave one of them:
# - a task sleeps in busymod_work_func(); lp8 patches funcB, a task
#   sleeps in lp8's funcB
# - lp2 (no .replace) patches funcB: forced, it marks lp8
# - lp3 (.replace) patches funcB and busymod_work_func(): its transition
#   stalls on busymod_work_func(); disabled, it is reversed
# - lp3 again (.replace, funcB only) replaces lp8 and lp2; it checks
#   lp2's funcB only, so it completes with the task still in lp8's code
# - lp8's module stays loaded (the reversed transition used to clear its
#   mark: lp8 was then removable while the task slept in its code); lp8
#   is used by no other test: it stays loaded until reboot
start_test "legacy: a reversed replace keeps an earlier forced mark"

load_mod $MOD_TARGET_BUSY block_transition=Y
stack_forced_on_sleeper $MOD_LP8
load_lp_nowait $MOD_LP3 policy=legacy replace=1 funca=0 funcb=1 busy=1
sleep 1
check_sysfs_value $MOD_LP3 transition 1
disable_lp $MOD_LP3
new_dmesg | grep -q "'$MOD_LP3': reversing transition from patching to unpatching" ||
	die "the transition of $MOD_LP3 was not reversed"
unload_lp $MOD_LP3
check_patches "$MOD_LP2 $MOD_LP8"
replace_keeps_pinned $MOD_LP8
unload_mod $MOD_TARGET_BUSY

check_result "% insmod test_modules/$MOD_TARGET_BUSY.ko block_transition=Y
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_init
$MOD_TARGET_BUSY: busymod_work_func enter
$(stack_forced_on_sleeper_msgs $MOD_LP8)
% insmod test_modules/$MOD_LP3.ko policy=legacy replace=1 funca=0 funcb=1 busy=1
$(start_msgs $MOD_LP3)
% echo 0 > $KLP_SYSFS_DIR/$MOD_LP3/enabled
livepatch: '$MOD_LP3': reversing transition from patching to unpatching
livepatch: '$MOD_LP3': starting unpatching transition
livepatch: '$MOD_LP3': completing unpatching transition
livepatch: '$MOD_LP3': unpatching complete
% rmmod $MOD_LP3
$(replace_keeps_pinned_msgs $MOD_LP8)
% rmmod $MOD_TARGET_BUSY
$MOD_TARGET_BUSY: busymod_work_func exit
$MOD_TARGET_BUSY: ${MOD_TARGET_BUSY}_exit"

exit 0
