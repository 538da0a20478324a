// SPDX-License-Identifier: GPL-2.0
// Fixture for scripts/coccinelle/api/livepatch_replace_policy.cocci: already explicit: nothing to do, whatever the target

#include "fixture.h"

/* A policy name can be any expression: a literal, a macro, a variable. */
#define LIVEPATCH_POLICY "tag"

static char *policy;
module_param(policy, charp, 0400);
MODULE_PARM_DESC(policy, "replace policy of patch6 (default=legacy)");

static bool replace;
module_param(replace, bool, 0400);
MODULE_PARM_DESC(replace, "replace (default=false)");

static unsigned int which;
module_param(which, uint, 0400);
MODULE_PARM_DESC(which, "patch to enable (default=0)");

/* Named in the initializer, in either order, by any expression. */
static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace_policy = "legacy",
	.replace = true,
};

static struct klp_patch patch2 = {
	.mod = THIS_MODULE,
	.objs = objs,
	KLP_REPLACE_SET(7),
};

static struct klp_patch patch3 = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = false,
	.replace_policy = LIVEPATCH_POLICY,
};

static struct klp_patch patch4 = {
	.mod = THIS_MODULE,
	.objs = objs,
	KLP_REPLACE_TAG(2),
	.replace = true,
};

/* Named next to the flag, at run time. */
static struct klp_patch patch5 = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static struct klp_patch patch6 = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static struct klp_patch *patches[] = {
	&patch, &patch2, &patch3, &patch4, &patch5, &patch6,
};

static int livepatch_init(void)
{
	struct klp_patch *p = patches[which % ARRAY_SIZE(patches)];

	/* The initializer names the policy, the flag is set here. */
	patch2.replace = replace;
	patch3.replace = replace;

	if (p == &patch5) {
		patch5.replace_policy = "legacy";
		patch5.replace = replace;
	} else if (p == &patch6) {
		p->replace = replace;
		p->replace_policy = policy ? policy : "legacy";
	}
	return klp_enable_patch(p);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
