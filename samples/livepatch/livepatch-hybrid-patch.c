// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livepatch-hybrid-patch.c - a livepatch that selects a plugin replace policy
 *
 * This live patch overrides the function that prints the kernel boot
 * cmdline when /proc/cmdline is read, as livepatch-sample.c does, and
 * selects the sample "hybrid" replace policy (livepatch-hybrid-policy.c)
 * by name, with parameters of that policy's type. It does not link
 * against the policy module: klp_enable_patch() loads it by its module
 * alias when it is not registered yet, and fails with -ENOENT, loading
 * nothing, when that is not possible.
 *
 * Module parameters (read when the module is loaded):
 *   replace=1		replace the enabled hybrid patches marked replaceable
 *   replaceable=1	let a later replacing hybrid patch replace this one
 *   label=<name>	name of the patch's line of fixes (hybrid/label)
 *   requires=<module>	refuse to load unless that livepatch is enabled
 *
 * Example:
 *
 * $ insmod livepatch-hybrid-patch.ko replaceable=1 label=fleet-a
 * $ cat /proc/cmdline
 * this has been live patched (hybrid policy)
 * $ cat /sys/kernel/livepatch/livepatch_hybrid_patch/replace_policy
 * hybrid
 * $ cat /sys/kernel/livepatch/livepatch_hybrid_patch/hybrid/replaceable
 * 1
 * $ cat /sys/kernel/livepatch/livepatch_hybrid_patch/hybrid/label
 * fleet-a
 *
 * $ echo 0 > /sys/kernel/livepatch/livepatch_hybrid_patch/enabled
 * $ rmmod livepatch_hybrid_patch
 * $ rmmod livepatch_hybrid_policy	(possible once no patch uses it)
 *
 * When the policy module is neither loaded nor installed where modprobe
 * finds it (depmod), loading the patch fails with -ENOENT, which kmod's
 * insmod prints as "Unknown symbol in module", and the kernel log says:
 *
 * livepatch: patch 'livepatch_hybrid_patch': replace policy 'hybrid' is not registered
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "livepatch-hybrid-policy.h"

static bool replace;
module_param(replace, bool, 0400);
MODULE_PARM_DESC(replace, "replace the enabled replaceable hybrid patches (default: false)");

static bool replaceable;
module_param(replaceable, bool, 0400);
MODULE_PARM_DESC(replaceable, "a later replacing hybrid patch replaces this one (default: false)");

static char *label;
module_param(label, charp, 0400);
MODULE_PARM_DESC(label, "name of the patch's line of fixes, in hybrid/label (default: none)");

static char *requires;
module_param(requires, charp, 0400);
MODULE_PARM_DESC(requires, "module name of a livepatch that must be enabled (default: none)");

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", "this has been live patched (hybrid policy)");
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	}, { }
};

static struct klp_object objs[] = {
	{
		/* name being NULL means vmlinux */
		.funcs = funcs,
	}, { }
};

static struct klp_hybrid_params params = KLP_HYBRID_PARAMS(false);

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace_policy = KLP_HYBRID_POLICY,
	.replace_params = &params.hdr,
};

static int livepatch_init(void)
{
	/* Before klp_enable_patch(): the policy reads them from then on. */
	patch.replace = replace;
	params.replaceable = replaceable;
	params.label = label;
	params.requires = requires;

	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Sample livepatch that selects the hybrid replace policy");
