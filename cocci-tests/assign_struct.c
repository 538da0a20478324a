// SPDX-License-Identifier: GPL-2.0
// Fixture for scripts/coccinelle/api/livepatch_replace_policy.cocci: assignment through a struct, literals (test_klp_state style)

#include "fixture.h"

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int livepatch_init(void)
{
	patch.replace = true;
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
