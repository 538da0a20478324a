#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A forced transition reversed, and reversed again, must not let the module
# of a patch it replaces go while a task may still run that module's code.
# The reversals race with the transition work, which runs about once a
# second: a run in which it got in between is skipped, never failed.

. "$(dirname "$0")/functions.sh"

MOD_LP2=test_klp_policy2
# Pinned for good by the forced transition: used by no other test.
MOD_LP6=test_klp_policy6

setup_config

# livepatch_msgs_since(msg) - the livepatch messages after the last line
# of the kernel log that ends with msg, without timestamps
function livepatch_msgs_since() {
	dmesg | sed 's/^\[[ 0-9.]*\] //' |
		awk -v msg="$1" '
			index($0, msg) &&
			substr($0, length($0) - length(msg) + 1) == msg { out = ""; next }
			/^livepatch: / { out = out $0 "\n" }
			END { printf "%s", out }'
}

# lost_race(reason) - the transition work ran between two of the writes:
# wake the sleeper, leave nothing in transition, skip
function lost_race() {
	echo 0 > "/sys/module/$MOD_LP6/parameters/sleep"
	wait "$SLEEPER"
	loop_until "! grep -qs '^1$' $KLP_SYSFS_DIR/$MOD_LP2/transition" ||
		die "the transition of $MOD_LP2 did not complete once the sleeper woke"
	[[ ! -e "$KLP_SYSFS_DIR/$MOD_LP2" ]] || disable_lp $MOD_LP2
	unload_lp $MOD_LP2
	skip "lost the race against the transition work: $1"
}

# wait_mid_second() - the transition work runs about once a second, on
# whole seconds of the jiffies clock (round_jiffies_relative()), which
# /proc/uptime follows closely: write in the middle of a second, as far
# from the next run as can be
function wait_mid_second() {
	local up i

	for ((i = 0; i < 40; i++)); do
		read -r up _ < /proc/uptime
		[[ ${up#*.} == [3-5]* ]] && return
		sleep 0.05
	done
}

# A forced transition moves every task to the patched state; reversed,
# it targets the unpatched state, and reversed again the patched state,
# which the tasks the force moved are still in. They are not set pending
# and their stacks are never checked again, so the transition completes
# while a task sleeps in the replaced patch's code. The forced mark the
# force gave that patch must hold across both reversals:
# - lp6 patches version_proc_show; a task sleeps in lp6's code
# - lp2 (.replace) patches version_proc_show: its transition waits for
#   the task
# - in one shell line: force, disable (reversed) and enable (reversed
#   again) lp2; its transition completes at the next transition work
# - lp6 is replaced, but its module cannot be removed: the task wakes up
#   in lp6's code (it used to be removable, and the task then woke up in
#   freed module text: "unable to handle page fault", an oops)
start_test "forced transition reversed twice keeps the replaced module"

load_lp $MOD_LP6 policy=legacy funca=0 funcb=1 sleep=1
start_sleeper $MOD_LP6
load_lp_nowait $MOD_LP2 policy=legacy replace=1 funca=0 funcb=1
sleep 1
check_sysfs_value $MOD_LP2 transition 1
LP2_DIR=$KLP_SYSFS_DIR/$MOD_LP2
writes="% echo 1 > $LP2_DIR/force; echo 0 > $LP2_DIR/enabled; echo 1 > $LP2_DIR/enabled"
wait_mid_second
log "$writes"
echo 1 > "$LP2_DIR/force"; echo 0 > "$LP2_DIR/enabled"; echo 1 > "$LP2_DIR/enabled"

reversed_twice="livepatch: forcing remaining tasks to the patched state
livepatch: '$MOD_LP2': reversing transition from patching to unpatching
livepatch: '$MOD_LP2': starting unpatching transition
livepatch: '$MOD_LP2': reversing transition from unpatching to patching
livepatch: '$MOD_LP2': starting patching transition"
# Let the transition work run twice: with the race won it completes.
sleep 3
case "$(livepatch_msgs_since "$writes")" in
"$reversed_twice"*"'$MOD_LP2': patching complete") ;;
"$reversed_twice"*) lost_race "the transition stalls on the sleeper" ;;
*) lost_race "the writes were not two reversals of one forced transition" ;;
esac
kill -0 "$SLEEPER" 2>/dev/null || die "the sleeper woke up"
check_patches "$MOD_LP2"
log "% rmmod $MOD_LP6"
rmmod "$MOD_LP6" 2>/dev/null &&
	die "$MOD_LP6 was removed while a task may still run its code"
check_refcnt $MOD_LP6 1
log "% echo 0 > /sys/module/$MOD_LP6/parameters/sleep"
echo 0 > "/sys/module/$MOD_LP6/parameters/sleep"
wait "$SLEEPER"
check_file /tmp/klp-sleeper.out "$MOD_LP6: version_proc_show"
check_file /proc/version "$MOD_LP2: version_proc_show"
disable_lp $MOD_LP2
unload_lp $MOD_LP2

check_result "% insmod test_modules/$MOD_LP6.ko policy=legacy funca=0 funcb=1 sleep=1
$(enable_msgs $MOD_LP6)
$MOD_LP6: version_proc_show: sleeping
% insmod test_modules/$MOD_LP2.ko policy=legacy replace=1 funca=0 funcb=1
$(start_msgs $MOD_LP2)
$writes
$reversed_twice
livepatch: '$MOD_LP2': completing patching transition
livepatch: '$MOD_LP2': patching complete
% rmmod $MOD_LP6
% echo 0 > /sys/module/$MOD_LP6/parameters/sleep
$(disable_msgs $MOD_LP2)
% rmmod $MOD_LP2"

exit 0
