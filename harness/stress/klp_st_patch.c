// SPDX-License-Identifier: GPL-2.0
/*
 * klp_st_patch.c - a livepatch of the randomized model test (make model,
 * make stress); harness/stress.sh builds it under many module names
 * (klp_st_pNN.c include this file).
 *
 * Everything is chosen at load time by module parameters: the replace
 * policy and its parameters, valid or deliberately not (klp_test_policy.h),
 * the functions
 * patched (funcs, a bit mask: 1 vmlinux cmdline_proc_show, 2 vmlinux
 * version_proc_show, 4 << N klp_st_target's klp_st_f<N>, N = 0..3) and
 * up to two klp_state ids and versions. Every new function prints
 * "klp:<this module>", so reading /proc/cmdline, /proc/version or
 * /proc/klp_st_f<N> tells which implementation runs. Each sleeps while
 * the task calling it is the one whose pid is in sleep_pid (0644): a
 * task sleeping inside a patched function, so that transitions stall.
 * A state with state_life=1 has callbacks, which print
 * "klp_st_cb <module> <callback> <id>", and owns shadow variables, which
 * every call of a new function allocates (one per function) and whose
 * destructor prints "klp_st_cb <module> free <id>"; state_fail=<id> makes
 * that state's pre_patch callback fail. retire_states=<id>[,<id>...] lists
 * the lifecycle states the patch retires (klp_patch.retire_states: left
 * out across lines on purpose). foreign_id=<id> makes every new function
 * also allocate a shadow variable of that id without declaring a state
 * (as the upstream shadow samples do): the core does not own those; the
 * module frees the ones it allocated when it is removed, printing
 * "klp_st_cb <module> ffree <id>". also_supersede= is replace_set's
 * operator override (KLP_REPLACE_SET_ALSO_SUPERSEDE_PARAM()), whose
 * "operator override" notice the policy's accepted() prints.
 */

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "klp_test_policy.h"

static uint funcs = 1;
module_param(funcs, uint, 0400);
MODULE_PARM_DESC(funcs, "functions patched, a bit mask (see the header comment)");

static ulong state_ids[2];
static int nr_state_ids;
module_param_array(state_ids, ulong, &nr_state_ids, 0400);
MODULE_PARM_DESC(state_ids, "ids of the klp_states the patch carries");

static uint state_vers[2];
static int nr_state_vers;
module_param_array(state_vers, uint, &nr_state_vers, 0400);
MODULE_PARM_DESC(state_vers, "their versions");

static uint state_life[2];
static int nr_state_life;
module_param_array(state_life, uint, &nr_state_life, 0400);
MODULE_PARM_DESC(state_life, "1: that klp_state has callbacks and owns shadow variables");

static ulong state_fail;
module_param(state_fail, ulong, 0400);
MODULE_PARM_DESC(state_fail, "id of the klp_state whose pre_patch callback fails (-ENODEV)");

static ulong retire[5];		/* zero-terminated: one more than the parameter takes */
static int nr_retire;
module_param_array_named(retire_states, retire, ulong, &nr_retire, 0400);
MODULE_PARM_DESC(retire_states, "ids of the lifecycle states the patch retires (up to 4)");

static ulong foreign_id;
module_param(foreign_id, ulong, 0400);
MODULE_PARM_DESC(foreign_id, "shadow variable id the new functions allocate without a state");

KLP_REPLACE_SET_ALSO_SUPERSEDE_PARAM();

static int sleep_pid;
module_param(sleep_pid, int, 0644);
MODULE_PARM_DESC(sleep_pid, "the task with this pid sleeps in the new functions while set");

static int sleeping;
module_param(sleeping, int, 0444);
MODULE_PARM_DESC(sleeping, "1 while a task sleeps in a new function");

static void st_sleep(void)
{
	if (READ_ONCE(sleep_pid) != task_pid_nr(current))
		return;
	WRITE_ONCE(sleeping, 1);
	while (READ_ONCE(sleep_pid) == task_pid_nr(current))
		msleep(20);
	WRITE_ONCE(sleeping, 0);
}

static struct klp_state states[3];

/* The foreign_id variables this module's code allocated, by function. */
static unsigned long foreign_mine;

static int st_foreign_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	*(unsigned long *)shadow_data = foreign_id;
	foreign_mine |= 1UL << (unsigned long)ctor_data;
	return 0;
}

static void st_foreign_dtor(void *obj, void *shadow_data)
{
	pr_info("klp_st_cb %s ffree %lu\n", THIS_MODULE->name,
		*(unsigned long *)shadow_data);
}

/*
 * A call of a new function allocates, before it may sleep, one shadow
 * variable per state of the patch that owns them, keyed by the function:
 * (char *)&init_task + fn is an address no module outlives, never read.
 */
static void st_shadow_alloc(int fn)
{
	unsigned long *data;
	int i;

	for (i = 0; i < ARRAY_SIZE(states) && states[i].id; i++) {
		if (!states[i].is_shadow)
			continue;
		data = klp_shadow_get_or_alloc((char *)&init_task + fn, states[i].id,
					       sizeof(*data), GFP_KERNEL, NULL, NULL);
		if (data)
			*data = states[i].id;
	}
	/* Not a state's: the ctor runs only when this call allocates it. */
	if (foreign_id)
		klp_shadow_get_or_alloc((char *)&init_task + fn, foreign_id,
					sizeof(unsigned long), GFP_KERNEL,
					st_foreign_ctor, (void *)(unsigned long)fn);
}

/*
 * Inlined into each new function, so that a task sleeping here has that
 * function on its stack (a tail call would leave only st_show()).
 */
static __always_inline int st_show(struct seq_file *m, int fn)
{
	st_shadow_alloc(fn);
	st_sleep();
	seq_printf(m, "klp:%s\n", THIS_MODULE->name);
	return 0;
}

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	return st_show(m, 0);
}

static int livepatch_version_proc_show(struct seq_file *m, void *v)
{
	return st_show(m, 1);
}

#define ST_FN(n)							\
static int livepatch_klp_st_f##n(struct seq_file *m)			\
{									\
	return st_show(m, 2 + n);					\
}

ST_FN(0)
ST_FN(1)
ST_FN(2)
ST_FN(3)

static void *const target_fns[] = {
	livepatch_klp_st_f0, livepatch_klp_st_f1,
	livepatch_klp_st_f2, livepatch_klp_st_f3,
};

static struct klp_func vmlinux_funcs[3];
static struct klp_func target_funcs[5];
static struct klp_object objs[3];

/* What the guest collects after each step: "klp_st_cb <module> <what> <id>". */
static void st_cb(const char *what, const struct klp_state *state)
{
	pr_info("klp_st_cb %s %s %lu\n", THIS_MODULE->name, what, state->id);
}

static int st_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	st_cb("pre_patch", state);
	return state->id == state_fail ? -ENODEV : 0;
}

static void st_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	st_cb("post_patch", state);
}

static void st_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	st_cb("pre_unpatch", state);
}

static void st_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	st_cb("post_unpatch", state);
}

/* Each shadow variable holds its state id. */
static void st_shadow_dtor(void *obj, void *shadow_data)
{
	pr_info("klp_st_cb %s free %lu\n", THIS_MODULE->name,
		*(unsigned long *)shadow_data);
}

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	KLP_REPLACE_SET_ALSO_SUPERSEDE,
};

static const char *const target_names[] = {
	"klp_st_f0", "klp_st_f1", "klp_st_f2", "klp_st_f3",
};

static int klp_st_patch_init(void)
{
	int nv = 0, nt = 0, no = 0, i;

	if (funcs & 1)
		vmlinux_funcs[nv++] = (struct klp_func) {
			.old_name = "cmdline_proc_show",
			.new_func = livepatch_cmdline_proc_show,
		};
	if (funcs & 2)
		vmlinux_funcs[nv++] = (struct klp_func) {
			.old_name = "version_proc_show",
			.new_func = livepatch_version_proc_show,
		};
	for (i = 0; i < 4; i++)
		if (funcs & (4 << i))
			target_funcs[nt++] = (struct klp_func) {
				.old_name = target_names[i],
				.new_func = target_fns[i],
			};
	if (nv)
		objs[no++].funcs = vmlinux_funcs;
	if (nt)
		objs[no++] = (struct klp_object) {
			.name = "klp_st_target",
			.funcs = target_funcs,
		};

	klp_test_set_policy(&patch);
	if (nr_retire > 4)
		return -EINVAL;
	if (nr_retire)
		patch.retire_states = retire;

	for (i = 0; i < nr_state_ids && i < nr_state_vers; i++) {
		states[i].id = state_ids[i];
		states[i].version = state_vers[i];
		if (i >= nr_state_life || !state_life[i])
			continue;
		states[i].callbacks = (struct klp_state_callbacks) {
			.pre_patch = st_pre_patch,
			.post_patch = st_post_patch,
			.pre_unpatch = st_pre_unpatch,
			.post_unpatch = st_post_unpatch,
			.shadow_dtor = st_shadow_dtor,
		};
		states[i].is_shadow = true;
	}

	return klp_enable_patch(&patch);
}

/* The patch is gone: free the foreign_id variables this code allocated. */
static void klp_st_patch_exit(void)
{
	int fn;

	for (fn = 0; fn < 6; fn++) {
		if (foreign_mine & (1UL << fn))
			klp_shadow_free((char *)&init_task + fn, foreign_id,
					st_foreign_dtor);
	}
}

module_init(klp_st_patch_init);
module_exit(klp_st_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch of the model test");
