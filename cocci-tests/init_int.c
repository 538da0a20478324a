// SPDX-License-Identifier: GPL-2.0
// Fixture for scripts/coccinelle/api/livepatch_replace_policy.cocci: designated initializers, .replace = 0 and .replace = 1

#include "fixture.h"

static struct klp_patch patch_stack = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = 0,
};

static struct klp_patch patch_cumulative = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = 1,
};

static bool cumulative;
module_param(cumulative, bool, 0400);

static int livepatch_init(void)
{
	return klp_enable_patch(cumulative ? &patch_cumulative : &patch_stack);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
