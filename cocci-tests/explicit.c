// SPDX-License-Identifier: GPL-2.0
// Fixture for scripts/coccinelle/api/livepatch_replace_policy.cocci: already explicit: nothing to do, whatever the target

#include "fixture.h"

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace_policy = &klp_legacy_policy,
	.replace = true,
};

static struct klp_patch patch2 = {
	.mod = THIS_MODULE,
	.objs = objs,
	KLP_REPLACE_SET(7),
};

static int livepatch_init(void)
{
	patch2.replace_policy = &klp_legacy_policy;
	patch2.replace = true;
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
