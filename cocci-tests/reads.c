// SPDX-License-Identifier: GPL-2.0
// Fixture for scripts/coccinelle/api/livepatch_replace_policy.cocci: a livepatch module that reads .replace (reported, not rewritten)

#include "fixture.h"

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int livepatch_init(void)
{
	if (patch.replace)
		pr_info("replacing every other livepatch\n");
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
