#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job for 'make': load a livepatch and show what changes.  A thin
# scenario runner: the assertions live in the selftests.
. /harness/lib.sh
set -e

sample=$(find /lib/modules -name livepatch-sample.ko | head -1)

step "before: which cmdline_proc_show() runs (cat /proc/cmdline)"
show_patches
echo "  /proc/cmdline: $(cat /proc/cmdline)"

step "insmod livepatch-sample.ko (patches cmdline_proc_show)"
insmod "$sample"
wait_transition livepatch_sample
show_patches
echo "  /proc/cmdline: $(cat /proc/cmdline)"

step "disable and remove it"
echo 0 > "$KLP/livepatch_sample/enabled"
while [ -d "$KLP/livepatch_sample" ]; do sleep 0.1; done
rmmod livepatch_sample
show_patches
echo "  /proc/cmdline: $(cat /proc/cmdline)"
