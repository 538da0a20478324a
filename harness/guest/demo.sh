#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job for 'make': the off-band fleet scenario under replace_set.
# A fleet runs a cumulative livepatch (set 0) and ships an off-band fix
# (set 7) to part of its machines; the next cumulative update replaces
# the cumulative patch only; the last one folds the fix in: it
# supersedes set 7, in one transition. The selftest modules print which module's
# code runs: /proc/cmdline is cmdline_proc_show(), /proc/version is
# version_proc_show(). A thin scenario runner: the assertions live in
# the selftests (test-scoped-replace.sh).
. /harness/lib.sh
set -e

MODS=/kselftest/livepatch/test_modules LOAD_VERBOSE=1
V1=test_klp_policy1 OFFBAND=test_klp_policy2 V2=test_klp_policy3

state() {
	show_patches
	echo "  cmdline_proc_show runs: $(cat /proc/cmdline)"
	echo "  version_proc_show runs: $(cat /proc/version)"
}

echo "default replace policy: $(cat /sys/module/livepatch/parameters/replace_policy)," \
	"available: $(cat /sys/module/livepatch/parameters/available_replace_policies)"

step "before any livepatch"
state

step "cumulative patch v1, replace_set 0 (patches cmdline_proc_show)"
load $V1 policy=replace_set replace_set=0
state

step "off-band fix, replace_set 7 (patches version_proc_show)"
load $OFFBAND policy=replace_set replace_set=7 funca=0 funcb=1
state

step "cumulative patch v2, replace_set 0: replaces v1 only"
load $V2 policy=replace_set replace_set=0
while [ -d "$KLP/$V1" ]; do sleep 0.1; done
state

step "a fix in another set (9) that also patches cmdline_proc_show is refused"
echo "  # insmod test_klp_policy5.ko policy=replace_set replace_set=9"
insmod "$MODS/test_klp_policy5.ko" policy=replace_set replace_set=9 2>&1 | sed 's/^/  /' || true
dmesg | grep 'livepatch: patch' | tail -1 | sed 's/^\[[ 0-9.]*\] /  /'
state

step "a patch that names no policy, .replace=1: the default policy" \
	"($(cat /sys/module/livepatch/parameters/replace_policy), from the boot command line) reads it as set 0"
load test_klp_policy4 replace=1 funca=0 funcb=0 busy=1
while [ -d "$KLP/$V2" ]; do sleep 0.1; done
state

# Which code version_proc_show() answers with, call after call, while the
# fix is folded in: "<calls> <first line of /proc/version>" per run.
SEEN=/tmp/klp-demo-seen STOP=/tmp/klp-demo-stop
reader() {
	local v prev= n=0
	while [ ! -e $STOP ]; do
		read -r v < /proc/version	# a builtin: no fork per call
		if [ "$v" != "$prev" ]; then
			[ -z "$prev" ] || echo "$n $prev" >> $SEEN
			prev=$v n=0
		fi
		n=$((n + 1))
	done
	echo "$n $prev" >> $SEEN
}

step "fold the off-band fix into the cumulative line: v3, replace_set 0," \
	"supersedes set 7 and patches version_proc_show too (one transition)"
rm -f $SEEN $STOP
reader &
rpid=$!
load test_klp_policy5 policy=replace_set replace_set=0 funcb=1 supersedes=7
while [ -d "$KLP/$OFFBAND" ] || [ -d "$KLP/test_klp_policy4" ]; do sleep 0.1; done
sleep 0.5
touch $STOP
wait $rpid
state
echo "  version_proc_show answered a reader calling it in a loop, in order:"
sed 's/^\([0-9]*\) \(.*\)/    \1 calls: \2/' $SEEN
unfixed=$(awk '$2 == "Linux" { n += $1 } END { print n + 0 }' $SEEN)
echo "  calls that ran the unfixed (original) code: $unfixed"
[ "$unfixed" = 0 ] || { echo "demo: the fold-in exposed the unfixed code" >&2; exit 1; }
