// SPDX-License-Identifier: GPL-2.0
// Fixture for scripts/coccinelle/api/livepatch_replace_policy.cocci: assignment through a struct, an int module parameter (test_klp_atomic_replace)

#include "fixture.h"

static int replace;
module_param(replace, int, 0644);
MODULE_PARM_DESC(replace, "replace (default=0)");

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	/* set .replace in the init function */
};

static int livepatch_init(void)
{
	patch.replace = replace;
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
