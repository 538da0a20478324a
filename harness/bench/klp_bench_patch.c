// SPDX-License-Identifier: GPL-2.0
/*
 * klp_bench_patch.c - a livepatch of klp_bench_target for make bench
 *
 * Compiled once per module name (klp_bench_pNN.c includes it), because
 * the benchmark loads up to 66 of them at once. Module parameters choose
 * the policy and its parameters (klp_test_policy.h) and the target
 * functions patched:
 * klp_bench_fn_<first> .. klp_bench_fn_<first + count - 1>, plus
 * klp_bench_sleep_fn() with sleepfn=1, whose new code sleeps while
 * the sleep parameter is set, and klp_bench_fold_fn() with foldval=<n>,
 * whose new code returns n.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "klp_test_policy.h"

#define BENCH_MAX_FUNCS	320

static int first;
module_param(first, int, 0400);
static int count;
module_param(count, int, 0400);
static bool sleepfn;
module_param(sleepfn, bool, 0400);
static int conflict = -1;
module_param(conflict, int, 0400);
static bool sleep;
module_param(sleep, bool, 0644);
static int foldval;
module_param(foldval, int, 0400);
/*
 * With a conflict, try the refused klp_enable_patch() this many times and
 * report the fastest: a refusal changes nothing, so every try does the
 * same work, and the minimum is the one no interrupt or kworker delayed.
 */
static int probes = 1;
module_param(probes, int, 0400);

/*
 * How long klp_enable_patch() took: the policy's decision, the checks,
 * the patch's initialisation and the start of its transition.
 */
static u64 enable_ns;
module_param(enable_ns, ullong, 0444);

static noinline int bench_new_fn(int x)
{
	return x + 1;
}

static noinline void bench_new_sleep_fn(void)
{
	while (READ_ONCE(sleep))
		msleep(10);
}

static noinline int bench_new_fold_fn(void)
{
	return READ_ONCE(foldval);
}

/* count functions, conflict, sleepfn, foldval and the terminator */
static struct klp_func funcs[BENCH_MAX_FUNCS + 4];
static char names[BENCH_MAX_FUNCS + 1][24];

static struct klp_object objs[2];
static struct klp_patch patch;

/*
 * Fill the patch from the parameters. A refused klp_enable_patch() has
 * initialised the kobjects of the structures it was given and released
 * them, so each try starts again from zeroed ones.
 */
static void bench_fill_patch(void)
{
	int i, nr = 0;

	memset(funcs, 0, sizeof(funcs));
	memset(objs, 0, sizeof(objs));
	memset(&patch, 0, sizeof(patch));
	objs[0].name = "klp_bench_target";
	objs[0].funcs = funcs;
	patch.mod = THIS_MODULE;
	patch.objs = objs;

	for (i = 0; i < count; i++) {
		snprintf(names[i], sizeof(names[i]), "klp_bench_fn_%d", first + i);
		funcs[nr].old_name = names[i];
		funcs[nr++].new_func = bench_new_fn;
	}
	/* One more function, e.g. one another patch owns, to be refused. */
	if (conflict >= 0) {
		snprintf(names[nr], sizeof(names[nr]), "klp_bench_fn_%d", conflict);
		funcs[nr].old_name = names[nr];
		funcs[nr++].new_func = bench_new_fn;
	}
	if (sleepfn) {
		funcs[nr].old_name = "klp_bench_sleep_fn";
		funcs[nr++].new_func = bench_new_sleep_fn;
	}
	if (foldval) {
		funcs[nr].old_name = "klp_bench_fold_fn";
		funcs[nr++].new_func = bench_new_fold_fn;
	}
	klp_test_set_policy(&patch);
}

static int bench_patch_init(void)
{
	int i, ret;

	if (count < 0 || count > BENCH_MAX_FUNCS || first < 0)
		return -EINVAL;

	enable_ns = U64_MAX;
	for (i = 0; i < (conflict >= 0 ? max(probes, 1) : 1); i++) {
		u64 start;

		bench_fill_patch();
		start = ktime_get_ns();
		ret = klp_enable_patch(&patch);
		enable_ns = min(enable_ns, ktime_get_ns() - start);
		if (!ret)
			break;
	}
	pr_info("enable_ns=%llu ret=%d\n", enable_ns, ret);
	return ret;
}

static void bench_patch_exit(void)
{
}

module_init(bench_patch_init);
module_exit(bench_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("make bench: a livepatch of klp_bench_target");
