// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * legacy.c - upstream's .replace semantics as a replace policy
 *
 * A patch with .replace = true replaces every enabled livepatch, whatever
 * policy that one uses; a patch with .replace = false replaces none, and
 * stacks on the functions it shares with others. With only legacy patches
 * that use no state callbacks or shadow-owning states, livepatch decides
 * and refuses as upstream 6.12 does; Documentation/livepatch/
 * replace-policies.rst lists where the core differs.
 *
 * Always built in: it is the fallback when the configured default policy
 * is not available, as tcp_reno is for TCP congestion control.
 */

#define pr_fmt(fmt) "livepatch: " fmt

#include <linux/init.h>
#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>
#include <linux/module.h>
#include "policy.h"

static bool klp_legacy_replaces(const struct klp_patch *new_patch,
				const struct klp_patch *old_patch)
{
	return new_patch->replace;
}

/* The scoped policies' parameters mean nothing here: a patch set them by mistake. */
static int klp_legacy_validate(const struct klp_patch *patch)
{
	if (patch->replace_set || patch->replace_tag ||
	    patch->nr_replace_supersedes || patch->replace_supersedes ||
	    (patch->nr_replace_also_supersede && *patch->nr_replace_also_supersede)) {
		pr_err("patch '%s' sets replace_set=%u replace_tag=%u or replace_supersedes but uses replace policy 'legacy': select a policy with KLP_REPLACE_SET() or KLP_REPLACE_TAG()\n",
		       patch->mod->name, patch->replace_set, patch->replace_tag);
		return -EINVAL;
	}

	return 0;
}

/*
 * Legacy's line is its cumulative patches: a non-replacing patch beside
 * them is an off-band fix, whose states a replacing patch must retire
 * explicitly.
 */
static bool klp_legacy_same_line(const struct klp_patch *new_patch,
				 const struct klp_patch *old_patch)
{
	return old_patch->replace;
}

struct klp_replace_policy klp_legacy_policy = {
	.name		= "legacy",
	.replaces	= klp_legacy_replaces,
	.same_line	= klp_legacy_same_line,
	.validate	= klp_legacy_validate,
};

static int __init klp_legacy_policy_init(void)
{
	/* Nothing can be registered yet, let alone a duplicate. */
	return klp_register_replace_policy(&klp_legacy_policy);
}
core_initcall(klp_legacy_policy_init);
