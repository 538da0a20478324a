// SPDX-License-Identifier: GPL-2.0
// Copyright (C) 2026 The klp replace-policy project

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

/*
 * A livepatch whose replace policy, .replace flag, replace_data and
 * patched functions are chosen at load time, so that one source serves
 * the lp1/lp2/lp3 scenarios (test_klp_policy2.c and test_klp_policy3.c
 * include this file). Each new function prints the module's name, so
 * /proc/cmdline and /proc/version show which implementation runs.
 */

static char *policy = "";
module_param(policy, charp, 0400);
MODULE_PARM_DESC(policy, "replace policy name (default: the default policy)");

static bool replace;
module_param(replace, bool, 0400);
MODULE_PARM_DESC(replace, "legacy .replace flag (default: false)");

static bool replaceable;
module_param(replaceable, bool, 0400);
MODULE_PARM_DESC(replaceable, "replace_data of the hybrid sample policy (default: false)");

static bool funca = true;
module_param(funca, bool, 0400);
MODULE_PARM_DESC(funca, "patch cmdline_proc_show (default: true)");

static bool funcb;
module_param(funcb, bool, 0400);
MODULE_PARM_DESC(funcb, "patch version_proc_show (default: false)");

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: cmdline_proc_show\n", THIS_MODULE->name);
	return 0;
}

static int livepatch_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: version_proc_show\n", THIS_MODULE->name);
	return 0;
}

static struct klp_func funcs[3];

static struct klp_object objs[] = {
	{
		/* name being NULL means vmlinux */
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace_data = &replaceable,
};

static int test_klp_policy_init(void)
{
	struct klp_replace_policy *p = NULL;
	int nr = 0, ret;

	if (funca)
		funcs[nr++] = (struct klp_func) {
			.old_name = "cmdline_proc_show",
			.new_func = livepatch_cmdline_proc_show,
		};
	if (funcb)
		funcs[nr++] = (struct klp_func) {
			.old_name = "version_proc_show",
			.new_func = livepatch_version_proc_show,
		};

	patch.replace = replace;
	if (policy[0]) {
		p = klp_find_get_replace_policy(policy);
		if (!p) {
			pr_err("replace policy '%s' is not registered\n", policy);
			return -ENOENT;
		}
		patch.replace_policy = p;
	}

	/* klp_enable_patch() pins the policy for as long as the patch lives. */
	ret = klp_enable_patch(&patch);
	if (p)
		klp_put_replace_policy(p);

	return ret;
}

static void test_klp_policy_exit(void)
{
}

module_init(test_klp_policy_init);
module_exit(test_klp_policy_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch test: replace policies");
