// SPDX-License-Identifier: GPL-2.0

/*
 * A livepatch of version_proc_show(), which sleeps while the parameter
 * sleep is set: a task reading /proc/version then holds a transition.
 * replace=1 makes it an atomic replace patch.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static bool replace;
module_param(replace, bool, 0400);
MODULE_PARM_DESC(replace, "replace every enabled livepatch (default: false)");

static bool sleep;
module_param(sleep, bool, 0644);
MODULE_PARM_DESC(sleep, "the new version_proc_show sleeps while this is set (default: false)");

static int livepatch_version_proc_show(struct seq_file *m, void *v)
{
	if (READ_ONCE(sleep)) {
		pr_info("version_proc_show: sleeping\n");
		while (READ_ONCE(sleep))
			msleep(20);
	}
	seq_printf(m, "%s: version_proc_show\n", THIS_MODULE->name);
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "version_proc_show",
		.new_func = livepatch_version_proc_show,
	}, { }
};

static struct klp_object objs[] = {
	{
		/* name being NULL means vmlinux */
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int test_klp_force_below_init(void)
{
	patch.replace_policy = "legacy";
	patch.replace = replace;
	return klp_enable_patch(&patch);
}

static void test_klp_force_below_exit(void)
{
}

module_init(test_klp_force_below_init);
module_exit(test_klp_force_below_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch test: the patch below a forced transition");
