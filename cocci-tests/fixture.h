/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every fixture of scripts/coccinelle/api/livepatch_replace_policy.cocci
 * shares: a livepatch of cmdline_proc_show. spatch runs with --no-includes,
 * so only the fixtures' own struct klp_patch code is matched.
 */
#ifndef _COCCI_FIXTURE_H
#define _COCCI_FIXTURE_H

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", "this has been live patched");
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

#endif /* _COCCI_FIXTURE_H */
