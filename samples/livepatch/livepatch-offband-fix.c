// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livepatch-offband-fix.c - an off-band fix with a system state
 *
 * An off-band fix in replace set 7, beside a cumulative livepatch in set
 * 0. It fixes cmdline_proc_show() and brings in system state 7, which
 * owns the shadow variables the fix allocates (livepatch-offband.h).
 *
 * Example:
 *
 * $ insmod livepatch-offband-fix.ko
 * $ cat /proc/cmdline
 * this has been live patched by livepatch_offband_fix: read 1 times
 *
 * Fold it into the cumulative line (livepatch-offband-foldin.c): the
 * count goes on. Or disable it, or let a cumulative patch superseding set
 * 7 without the state replace it: the state leaves, its shadow variable
 * is freed.
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
	KLP_REPLACE_SET(7),
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
MODULE_DESCRIPTION("Livepatch sample: an off-band fix with a system state and shadow variables");
