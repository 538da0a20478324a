// SPDX-License-Identifier: GPL-2.0
// Fixture for scripts/coccinelle/api/livepatch_replace_policy.cocci: assignments in #ifdef / #else arms (klp-build scripts/livepatch/init.c)

#include "fixture.h"

static struct klp_patch *patch;

static int livepatch_init(void)
{
	patch = kzalloc(sizeof(*patch), GFP_KERNEL);
	if (!patch)
		return -ENOMEM;

	patch->mod = THIS_MODULE;
	patch->objs = objs;
#ifdef KLP_NO_REPLACE
	patch->replace = false;
#else
	patch->replace = true;
#endif
	return klp_enable_patch(patch);
}

static void livepatch_exit(void)
{
	kfree(patch);
}

module_init(livepatch_init);
module_exit(livepatch_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
