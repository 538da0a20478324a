// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livepatch-hybrid-policy.c - a replace policy plugin, as a sample
 *
 * Reproduces the "hybrid mode" that was proposed and rejected upstream: a
 * replacing livepatch (.replace = true) replaces only the enabled
 * livepatches of this policy that are marked replaceable, and keeps the
 * others. A livepatch marks itself replaceable by pointing
 * .replace_data at a bool that is true:
 *
 *	static const bool replaceable = true;
 *	static struct klp_patch patch = {
 *		...
 *		.replace_data = &replaceable,
 *	};
 *
 * and selects the policy at init time, without linking against this
 * module:
 *
 *	patch.replace_policy = klp_find_get_replace_policy("hybrid");
 *	ret = klp_enable_patch(&patch);	(takes its own reference)
 *	klp_put_replace_policy(patch.replace_policy);
 *
 * The rule alone breaks the consistency model (Petr Mladek's lp1/lp2/lp3
 * example); the livepatch core refuses such loads whatever policy asked
 * for them, which is what this sample demonstrates.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sysfs.h>

static struct klp_replace_policy hybrid_policy;

static bool hybrid_replaceable(const struct klp_patch *patch)
{
	const bool *replaceable = patch->replace_data;

	return replaceable && *replaceable;
}

static bool hybrid_replaces(const struct klp_patch *new_patch,
			    const struct klp_patch *old_patch)
{
	return new_patch->replace &&
	       klp_patch_replace_policy(old_patch) == &hybrid_policy &&
	       hybrid_replaceable(old_patch);
}

static int hybrid_show(const struct klp_patch *patch, char *buf)
{
	return sysfs_emit(buf, "replace=%d replaceable=%d\n",
			  patch->replace, hybrid_replaceable(patch));
}

static struct klp_replace_policy hybrid_policy = {
	.name		= "hybrid",
	.owner		= THIS_MODULE,
	.replaces	= hybrid_replaces,
	.show		= hybrid_show,
};

static int __init hybrid_policy_init(void)
{
	return klp_register_replace_policy(&hybrid_policy);
}

static void __exit hybrid_policy_exit(void)
{
	klp_unregister_replace_policy(&hybrid_policy);
}

module_init(hybrid_policy_init);
module_exit(hybrid_policy_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sample livepatch replace policy: the rejected hybrid mode");
