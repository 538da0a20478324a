// SPDX-License-Identifier: GPL-2.0

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/delay.h>
#include <linux/sched/task.h>
#include <linux/workqueue.h>

/*
 * A livepatch whose replace policy, .replace flag, policy parameters and
 * patched functions are chosen at load time, so that one source serves
 * every scenario of test-replace-policy.sh and test-scoped-replace.sh
 * (test_klp_policy2.c to test_klp_policy6.c include this file to get
 * other module names). Each new function says which module it comes
 * from, so /proc/cmdline, /proc/version and test_klp_policy_target's
 * answer parameter show which implementation runs. With state_life=1
 * its system state has callbacks and owns shadow variables, which the
 * new version_proc_show allocates (test-state-lifecycle.sh).
 */

/*
 * The parameters of the sample "hybrid" policy, with the first layout of
 * struct klp_hybrid_params in samples/livepatch/livepatch-hybrid-policy.h,
 * which ended with .replaceable (the policy still reads it: a module
 * built against an older layout), defined here so that the test modules
 * build without the samples' sources.
 */
struct test_klp_hybrid_params {
	struct klp_replace_params hdr;
	bool replaceable;
};

static struct test_klp_hybrid_params hybrid_params = {
	.hdr = KLP_REPLACE_PARAMS("hybrid", struct test_klp_hybrid_params),
};

/* Unset (NULL): the default policy; "policy=" passes an empty name. */
static char *policy;
module_param(policy, charp, 0400);
MODULE_PARM_DESC(policy, "replace policy name (default: none, i.e. the default policy)");

static char *params;
module_param(params, charp, 0400);
MODULE_PARM_DESC(params, "policy named by the hybrid replace_params passed, \"none\": none (default: hybrid's when policy is hybrid)");

static uint params_size;
module_param(params_size, uint, 0400);
MODULE_PARM_DESC(params_size, "size in the header of the hybrid replace_params (default: 0, their size)");

static bool replace;
module_param(replace, bool, 0400);
MODULE_PARM_DESC(replace, "legacy .replace flag (default: false)");

static bool replaceable;
module_param(replaceable, bool, 0400);
MODULE_PARM_DESC(replaceable, "replaceable in the hybrid replace_params (default: false)");

static bool funca = true;
module_param(funca, bool, 0400);
MODULE_PARM_DESC(funca, "patch vmlinux cmdline_proc_show (default: true)");

static bool funcb;
module_param(funcb, bool, 0400);
MODULE_PARM_DESC(funcb, "patch vmlinux version_proc_show (default: false)");

static bool busy;
module_param(busy, bool, 0400);
MODULE_PARM_DESC(busy, "patch test_klp_callbacks_busy busymod_work_func (default: false)");

static bool target;
module_param(target, bool, 0400);
MODULE_PARM_DESC(target, "patch test_klp_policy_target test_klp_policy_target_answer (default: false)");

static uint replace_set;
module_param(replace_set, uint, 0400);
MODULE_PARM_DESC(replace_set, "parameter of the replace_set policy (default: 0)");

/* One more than allowed, so that a test can pass too many. */
static uint supersedes[KLP_REPLACE_SET_SUPERSEDES_MAX + 1];
static int nr_supersedes;
module_param_array(supersedes, uint, &nr_supersedes, 0400);
MODULE_PARM_DESC(supersedes, "replace sets the replace_set patch supersedes (default: none)");

static uint replace_tag;
module_param(replace_tag, uint, 0400);
MODULE_PARM_DESC(replace_tag, "parameter of the tag policy (default: 0)");

static ulong state_id;
module_param(state_id, ulong, 0400);
MODULE_PARM_DESC(state_id, "id of a klp_state the patch carries (default: 0, none)");

static uint state_version;
module_param(state_version, uint, 0400);
MODULE_PARM_DESC(state_version, "version of that klp_state (default: 0)");

static bool state_life;
module_param(state_life, bool, 0400);
MODULE_PARM_DESC(state_life, "the klp_state has callbacks and shadow variables (default: false)");

static bool state_block;
module_param(state_block, bool, 0400);
MODULE_PARM_DESC(state_block, "the klp_state sets block_disable (default: false)");

static int state_pre_patch_ret;
module_param(state_pre_patch_ret, int, 0400);
MODULE_PARM_DESC(state_pre_patch_ret, "what the state's pre_patch callback returns (default: 0)");

static ulong retire;
module_param(retire, ulong, 0400);
MODULE_PARM_DESC(retire, "id of a lifecycle state the patch retires (retire_states; default: 0, none)");

static int state_shadow = -1;
module_param(state_shadow, int, 0400);
MODULE_PARM_DESC(state_shadow, "with state_life=1: 0 declares no is_shadow and no shadow_dtor, 2 a shadow_dtor without is_shadow (default: is_shadow)");

static ulong shadow_id;
module_param(shadow_id, ulong, 0400);
MODULE_PARM_DESC(shadow_id, "without state_life: count the calls in shadow variables of this id, declaring no state (default: 0, none)");

static bool hold;
module_param(hold, bool, 0400);
MODULE_PARM_DESC(hold, "sleep (while sleep is set) holding the call counter between klp_shadow_get_or_alloc() and its use (default: false)");

static int obj_pre_patch_ret;
module_param(obj_pre_patch_ret, int, 0400);
MODULE_PARM_DESC(obj_pre_patch_ret, "what the vmlinux object's pre_patch callback returns, with obj_callbacks=1 (default: 0)");

static bool obj_callbacks;
module_param(obj_callbacks, bool, 0400);
MODULE_PARM_DESC(obj_callbacks, "the vmlinux object has (un)patch callbacks (default: false)");

static bool sleep;
module_param(sleep, bool, 0644);
MODULE_PARM_DESC(sleep, "the new version_proc_show sleeps while this is set (default: false)");

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s: cmdline_proc_show\n", THIS_MODULE->name);
	return 0;
}

/*
 * The shadow variables of the state (state_life=1): a call counter, and a
 * record of each call. Shadow variables are keyed by an address that is
 * never dereferenced: init_task's bytes outlive every patch module, so
 * the patch folding this one in finds the same variables.
 */
static void *shadow_key(unsigned int n)
{
	return (char *)&init_task + n;
}

static unsigned int shadow_count_call(void)
{
	/* A livepatch without the state keeps its variables apart. */
	unsigned long id = shadow_id ?: state_id;
	unsigned int key = shadow_id ? 64 : 0;
	unsigned int *calls, *record;

	calls = klp_shadow_get_or_alloc(shadow_key(key), id, sizeof(*calls),
					GFP_KERNEL, NULL, NULL);
	if (!calls)
		return 0;
	if (hold && READ_ONCE(sleep)) {
		pr_info("%s: sleeping\n", __func__);
		while (READ_ONCE(sleep))
			msleep(20);
	}
	record = klp_shadow_alloc(shadow_key(key + ++*calls), id, sizeof(*record),
				  GFP_KERNEL, NULL, NULL);
	if (record)
		*record = *calls;
	return *calls;
}

static int livepatch_version_proc_show(struct seq_file *m, void *v)
{
	if (!hold && READ_ONCE(sleep)) {
		pr_info("version_proc_show: sleeping\n");
		while (READ_ONCE(sleep))
			msleep(20);
	}
	if (state_life || shadow_id)
		seq_printf(m, "%s: version_proc_show calls=%u\n",
			   THIS_MODULE->name, shadow_count_call());
	else
		seq_printf(m, "%s: version_proc_show\n", THIS_MODULE->name);
	return 0;
}

static int state_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("state %lu: pre_patch (%d)\n", state->id, state_pre_patch_ret);
	return state_pre_patch_ret;
}

static void state_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("state %lu: post_patch\n", state->id);
}

static void state_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("state %lu: pre_unpatch\n", state->id);
}

static void state_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	pr_info("state %lu: post_unpatch\n", state->id);
}

static void state_shadow_dtor(void *obj, void *shadow_data)
{
	pr_info("state %lu: free shadow\n", state_id);
}

static void livepatch_busymod_work_func(struct work_struct *work)
{
	pr_info("livepatched busymod_work_func\n");
}

static int livepatch_target_answer(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s: test_klp_policy_target_answer\n",
			  THIS_MODULE->name);
}

/* The per-object callbacks (obj_callbacks=1), as test_klp_callbacks_demo.c has them. */
static int pre_patch_callback(struct klp_object *obj)
{
	pr_info("%s: vmlinux\n", __func__);
	return obj_pre_patch_ret;
}

static void post_patch_callback(struct klp_object *obj)
{
	pr_info("%s: vmlinux\n", __func__);
}

static void pre_unpatch_callback(struct klp_object *obj)
{
	pr_info("%s: vmlinux\n", __func__);
}

static void post_unpatch_callback(struct klp_object *obj)
{
	pr_info("%s: vmlinux\n", __func__);
}

static struct klp_func vmlinux_funcs[3];

static struct klp_func busymod_funcs[] = {
	{
		.old_name = "busymod_work_func",
		.new_func = livepatch_busymod_work_func,
	}, { }
};

static struct klp_func target_funcs[] = {
	{
		.old_name = "test_klp_policy_target_answer",
		.new_func = livepatch_target_answer,
	}, { }
};

static struct klp_object objs[4];

static struct klp_state states[2];

static unsigned long retire_states[2];

/* also_supersede=<sets>: the operator's override of the replace_set policy */
KLP_REPLACE_SET_ALSO_SUPERSEDE_PARAM();

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
	KLP_REPLACE_SET_ALSO_SUPERSEDE,
};

static int test_klp_policy_init(void)
{
	int nr_funcs = 0, nr_objs = 0;

	if (funca)
		vmlinux_funcs[nr_funcs++] = (struct klp_func) {
			.old_name = "cmdline_proc_show",
			.new_func = livepatch_cmdline_proc_show,
		};
	if (funcb)
		vmlinux_funcs[nr_funcs++] = (struct klp_func) {
			.old_name = "version_proc_show",
			.new_func = livepatch_version_proc_show,
		};
	if (nr_funcs) {
		objs[nr_objs].funcs = vmlinux_funcs;
		if (obj_callbacks)
			objs[nr_objs].callbacks = (struct klp_callbacks) {
				.pre_patch = pre_patch_callback,
				.post_patch = post_patch_callback,
				.pre_unpatch = pre_unpatch_callback,
				.post_unpatch = post_unpatch_callback,
			};
		nr_objs++;
	}
	if (busy)
		objs[nr_objs++] = (struct klp_object) {
			.name = "test_klp_callbacks_busy",
			.funcs = busymod_funcs,
		};
	if (target)
		objs[nr_objs++] = (struct klp_object) {
			.name = "test_klp_policy_target",
			.funcs = target_funcs,
		};

	/*
	 * No policy (NULL) selects the default one, which reads .replace.
	 * klp_enable_patch() loads a named policy's module when it is not
	 * registered, and pins it for as long as the patch lives.
	 */
	patch.replace_policy = policy;
	patch.replace = replace;
	patch.replace_set = replace_set;
	patch.replace_tag = replace_tag;
	if (nr_supersedes) {
		patch.replace_supersedes = supersedes;
		patch.nr_replace_supersedes = nr_supersedes;
	}

	hybrid_params.replaceable = replaceable;
	if (params_size)
		hybrid_params.hdr.size = params_size;
	if (params) {
		/* Parameters the core must refuse, e.g. another policy's. */
		if (strcmp(params, "none")) {
			hybrid_params.hdr.policy = params;
			patch.replace_params = &hybrid_params.hdr;
		}
	} else if (policy && !strcmp(policy, "hybrid")) {
		patch.replace_params = &hybrid_params.hdr;
	}

	states[0].id = state_id;
	states[0].version = state_version;
	states[0].block_disable = state_block;
	if (state_life) {
		states[0].callbacks = (struct klp_state_callbacks) {
			.pre_patch = state_pre_patch,
			.post_patch = state_post_patch,
			.pre_unpatch = state_pre_unpatch,
			.post_unpatch = state_post_unpatch,
			.shadow_dtor = state_shadow_dtor,
		};
		states[0].is_shadow = true;
		if (state_shadow == 0 || state_shadow == 2)
			states[0].is_shadow = false;
		if (state_shadow == 0)
			states[0].callbacks.shadow_dtor = NULL;
	}
	if (retire) {
		retire_states[0] = retire;
		patch.retire_states = retire_states;
	}

	return klp_enable_patch(&patch);
}

static void test_klp_policy_exit(void)
{
}

module_init(test_klp_policy_init);
module_exit(test_klp_policy_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch test: replace policies");
