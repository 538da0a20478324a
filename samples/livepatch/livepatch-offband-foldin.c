// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livepatch-offband-foldin.c - a cumulative livepatch folding a fix in
 *
 * A cumulative livepatch in replace set 0 that supersedes set 7: it
 * replaces the cumulative patch of set 0 and the off-band fix of
 * livepatch-offband-fix.c in one transition. It patches the fix's
 * function with the same code and carries the fix's system state, so it
 * takes the state over: no state callback runs, and the shadow variable
 * the fix allocated keeps counting.
 *
 * Example, after livepatch-offband-fix.c:
 *
 * $ cat /proc/cmdline
 * this has been live patched by livepatch_offband_fix: read 1 times
 * $ insmod livepatch-offband-foldin.ko
 * $ cat /proc/cmdline
 * this has been live patched by livepatch_offband_foldin: read 2 times
 * $ echo 0 > /sys/kernel/livepatch/livepatch_offband_foldin/enabled
 * $ dmesg | tail -2
 * livepatch_offband_foldin: state 7 leaves the system: its shadow variables are freed
 * livepatch_offband_foldin: /proc/cmdline was read 2 times
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include "livepatch-offband.h"

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = offband_objs,
	.states = offband_states,
	KLP_REPLACE_SET_SUPERSEDES(0, 7),
};

static int livepatch_init(void)
{
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch sample: a cumulative patch folding in an off-band fix and its state");
