// SPDX-License-Identifier: GPL-2.0
/*
 * klp_scale_patch.c - a livepatch of klp_scale_target for make bench-scale
 *
 * Patches kf<first> .. kf<first + count - 1> of klp_scale_target, and
 * kf<extra_first> .. kf<extra_first + extra_count - 1> (a legacy
 * cumulative patch that merged off-band fixes), all with the same new
 * function. Built once per kernel as klp_scale_p000;
 * harness/bench-scale.sh copies the module under other names. On the
 * series' kernel the policy comes from module parameters
 * (klp_test_policy.h); on pristine 6.12 only replace= exists.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/vmalloc.h>

#ifdef KLP_REPLACE_SET
#include "klp_test_policy.h"
#else
static bool replace;
module_param(replace, bool, 0400);

static void klp_test_set_policy(struct klp_patch *patch)
{
	patch->replace = replace;
}
#endif

#define SCALE_MAX_FUNCS	8192

static int first;
module_param(first, int, 0400);
static int count;
module_param(count, int, 0400);
static int extra_first;
module_param(extra_first, int, 0400);
static int extra_count;
module_param(extra_count, int, 0400);

/* How long klp_enable_patch() took. */
static u64 enable_ns;
module_param(enable_ns, ullong, 0444);

static noinline int scale_new_fn(int x)
{
	return x + 1;
}

static struct klp_func *funcs;
static char (*names)[16];

static struct klp_object objs[] = {
	{ .name = "klp_scale_target" },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int klp_scale_init(void)
{
	int i, n = count + extra_count, ret;
	u64 start;

	if (first < 0 || count < 1 || extra_first < 0 || extra_count < 0 ||
	    n > SCALE_MAX_FUNCS)
		return -EINVAL;

	/* vmalloc: not slab, so that the series' slab costs stand out. */
	funcs = vzalloc(array_size(n + 1, sizeof(*funcs)));
	names = vzalloc(array_size(n, sizeof(*names)));
	if (!funcs || !names) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "kf%d",
			 i < count ? first + i : extra_first + i - count);
		funcs[i].old_name = names[i];
		funcs[i].new_func = scale_new_fn;
	}
	objs[0].funcs = funcs;
	klp_test_set_policy(&patch);

	start = ktime_get_ns();
	ret = klp_enable_patch(&patch);
	enable_ns = ktime_get_ns() - start;
	if (!ret)
		return 0;
err:
	vfree(funcs);
	vfree(names);
	return ret;
}

static void klp_scale_exit(void)
{
	vfree(funcs);
	vfree(names);
}

module_init(klp_scale_init);
module_exit(klp_scale_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch of klp_scale_target for make bench-scale");
