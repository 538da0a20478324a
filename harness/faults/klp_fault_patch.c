// SPDX-License-Identifier: GPL-2.0
/*
 * klp_fault_patch.c - a livepatch of the fault injection test (make
 * faults); harness/faults.sh builds it under several module names
 * (klp_fault_<x>.c include this file).
 *
 * Everything is chosen at load time by module parameters: the replace
 * policy and its parameters (klp_test_policy.h), the functions patched
 * (funcs, a bit mask: vmlinux's 1 cmdline_proc_show, 2 version_proc_show, 16
 * uptime_proc_show, 32 loadavg_proc_show; 4 klp_fault_absent_fn of the
 * module klp_fault_absent and 8 klp_fault_absent2_fn of
 * klp_fault_absent2, modules that are never loaded: objects the patch
 * carries without resolving them) and one klp_state. Every new vmlinux
 * function prints "klp:<this module>", so reading /proc/cmdline,
 * /proc/version, /proc/uptime or /proc/loadavg tells which
 * implementation runs.
 *
 * fail_nth=<N> makes the Nth allocation this task makes inside
 * klp_enable_patch() fail: the kernel's per-task fail-nth
 * (Documentation/fault-injection/fault-injection.rst), set right before
 * the call and read right after it. The module then logs
 *	klp_fault: <module> nth=<N> ret=<ret> left=<L>
 * and keeps L in the parameter "left": L != 0 means klp_enable_patch()
 * made fewer than N allocations (none failed), L == 0 that the Nth one
 * failed and klp_enable_patch() returned ret anyway.
 */

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "klp_test_policy.h"

#ifndef CONFIG_FAULT_INJECTION
#error "klp_fault_patch needs a kernel with CONFIG_FAULT_INJECTION (task_struct.fail_nth)"
#endif

static uint funcs = 1;
module_param(funcs, uint, 0400);
MODULE_PARM_DESC(funcs, "functions patched, a bit mask (see the header comment)");

static ulong state_id;
module_param(state_id, ulong, 0400);
MODULE_PARM_DESC(state_id, "id of a klp_state the patch carries (0: none)");

static uint state_version;
module_param(state_version, uint, 0400);
MODULE_PARM_DESC(state_version, "version of that klp_state");

static uint fail_nth;
module_param(fail_nth, uint, 0400);

static bool state_life;
module_param(state_life, bool, 0400);
MODULE_PARM_DESC(state_life, "the klp_state has callbacks and owns shadow variables");

static bool state_fail;
module_param(state_fail, bool, 0400);
MODULE_PARM_DESC(state_fail, "the klp_state's pre_patch callback fails (-ENODEV)");
MODULE_PARM_DESC(fail_nth, "fail the Nth allocation of klp_enable_patch() (0: none)");

static uint left;
module_param(left, uint, 0444);
MODULE_PARM_DESC(left, "what remained of fail_nth after klp_enable_patch() (0: the Nth allocation failed)");

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "klp:%s\n", THIS_MODULE->name);
	return 0;
}

static int livepatch_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "klp:%s\n", THIS_MODULE->name);
	return 0;
}

static int livepatch_uptime_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "klp:%s\n", THIS_MODULE->name);
	return 0;
}

static int livepatch_loadavg_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "klp:%s\n", THIS_MODULE->name);
	return 0;
}

static int livepatch_klp_fault_absent_fn(void)
{
	return 0;
}

static struct klp_func vmlinux_funcs[5];

static struct klp_func absent_funcs[] = {
	{
		.old_name = "klp_fault_absent_fn",
		.new_func = livepatch_klp_fault_absent_fn,
	}, { }
};

static struct klp_func absent2_funcs[] = {
	{
		.old_name = "klp_fault_absent2_fn",
		.new_func = livepatch_klp_fault_absent_fn,
	}, { }
};

static struct klp_object objs[4];
static struct klp_state states[2];

/* The state's callbacks (state_life=1), which faults.sh counts in dmesg. */
static void fault_state_cb(const char *what, const struct klp_state *state)
{
	pr_info("klp_fault: %s state %lu %s\n", THIS_MODULE->name, state->id, what);
}

static int fault_state_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	fault_state_cb("pre_patch", state);
	return state_fail ? -ENODEV : 0;
}

static void fault_state_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	fault_state_cb("post_patch", state);
}

static void fault_state_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	fault_state_cb("pre_unpatch", state);
}

static void fault_state_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	fault_state_cb("post_unpatch", state);
}

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
};

static int klp_fault_patch_init(void)
{
	int nv = 0, no = 0, ret;

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
	if (funcs & 16)
		vmlinux_funcs[nv++] = (struct klp_func) {
			.old_name = "uptime_proc_show",
			.new_func = livepatch_uptime_proc_show,
		};
	if (funcs & 32)
		vmlinux_funcs[nv++] = (struct klp_func) {
			.old_name = "loadavg_proc_show",
			.new_func = livepatch_loadavg_proc_show,
		};
	if (nv)
		objs[no++].funcs = vmlinux_funcs;
	if (funcs & 4)
		objs[no++] = (struct klp_object) {
			.name = "klp_fault_absent",
			.funcs = absent_funcs,
		};
	if (funcs & 8)
		objs[no++] = (struct klp_object) {
			.name = "klp_fault_absent2",
			.funcs = absent2_funcs,
		};

	klp_test_set_policy(&patch);
	states[0].id = state_id;
	states[0].version = state_version;
	if (state_life) {
		states[0].callbacks = (struct klp_state_callbacks) {
			.pre_patch = fault_state_pre_patch,
			.post_patch = fault_state_post_patch,
			.pre_unpatch = fault_state_pre_unpatch,
			.post_unpatch = fault_state_post_unpatch,
		};
		states[0].is_shadow = true;
	}

	/* Nothing between these lines allocates but klp_enable_patch(). */
	WRITE_ONCE(current->fail_nth, fail_nth);
	ret = klp_enable_patch(&patch);
	left = READ_ONCE(current->fail_nth);
	WRITE_ONCE(current->fail_nth, 0);

	if (fail_nth)
		pr_info("klp_fault: %s nth=%u ret=%d left=%u\n",
			THIS_MODULE->name, fail_nth, ret, left);
	return ret;
}

static void klp_fault_patch_exit(void)
{
}

module_init(klp_fault_patch_init);
module_exit(klp_fault_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch fault injection test: fail the Nth allocation of klp_enable_patch()");
