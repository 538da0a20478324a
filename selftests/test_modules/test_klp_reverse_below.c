// SPDX-License-Identifier: GPL-2.0

/*
 * A livepatch of cmdline_proc_show() and, with funcb=1, of
 * version_proc_show(), which sleeps while the parameter sleep is set: a
 * task reading /proc/version then holds a transition.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static bool funcb;
module_param(funcb, bool, 0400);
MODULE_PARM_DESC(funcb, "also patch version_proc_show (default: false)");

static bool sleep;
module_param(sleep, bool, 0644);
MODULE_PARM_DESC(sleep, "the new version_proc_show sleeps while this is set (default: false)");

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: cmdline_proc_show\n", THIS_MODULE->name);
	return 0;
}

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
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	}, {
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

/* Not an atomic replace: the second copy stacks on the first. */
static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace_policy = "legacy",
	.replace = false,
};

static int test_klp_reverse_below_init(void)
{
	/* Without funcb, the array ends after cmdline_proc_show. */
	if (!funcb)
		funcs[1] = (struct klp_func) { };

	return klp_enable_patch(&patch);
}

static void test_klp_reverse_below_exit(void)
{
}

module_init(test_klp_reverse_below_init);
module_exit(test_klp_reverse_below_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch test: a patch below another one, reversed");
