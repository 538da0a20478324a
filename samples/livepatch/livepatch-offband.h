/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * livepatch-offband.h - what livepatch-offband-fix.c and
 * livepatch-offband-foldin.c share: the fixed cmdline_proc_show() and
 * system state 7, which owns the shadow variables the fix allocates.
 *
 * The fix counts how often /proc/cmdline is read, in a shadow variable
 * attached to init_task, which never goes away. The count is a side effect of
 * the fix: it must survive when a cumulative patch folds the fix in, and
 * be freed when the last patch carrying the state goes away. Both come
 * from the state: its id is also the shadow variables' id (is_shadow),
 * and the core frees them, with shadow_dtor, when the state leaves.
 */

#include <linux/atomic.h>
#include <linux/livepatch.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>

/* The state id, and the id of its shadow variables. */
#define OFFBAND_STATE	7

static int offband_cmdline_proc_show(struct seq_file *m, void *v)
{
	atomic_t *reads;

	/* Zeroed when allocated; readers may run in parallel. */
	reads = klp_shadow_get_or_alloc(&init_task, OFFBAND_STATE, sizeof(*reads),
					GFP_KERNEL, NULL, NULL);
	seq_printf(m, "this has been live patched by %s: read %d times\n",
		   THIS_MODULE->name, reads ? atomic_inc_return(reads) : 0);
	return 0;
}

static int offband_state_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("state %lu enters the system\n", state->id);
	return 0;
}

static void offband_state_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("state %lu leaves the system: its shadow variables are freed\n",
		state->id);
}

static void offband_shadow_dtor(void *obj, void *shadow_data)
{
	pr_info("/proc/cmdline was read %d times\n", atomic_read(shadow_data));
}

static struct klp_func offband_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = offband_cmdline_proc_show,
	}, { }
};

static struct klp_object offband_objs[] = {
	{
		/* name being NULL means vmlinux */
		.funcs = offband_funcs,
	}, { }
};

static struct klp_state offband_states[] = {
	{
		.id = OFFBAND_STATE,
		.version = 1,
		.callbacks = {
			.pre_patch = offband_state_pre_patch,
			.post_unpatch = offband_state_post_unpatch,
			.shadow_dtor = offband_shadow_dtor,
		},
		.is_shadow = true,
	}, { }
};
