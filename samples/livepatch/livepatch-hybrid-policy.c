// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livepatch-hybrid-policy.c - a replace policy plugin, as a sample
 *
 * The "hybrid" policy reproduces the hybrid mode that was proposed and
 * rejected upstream: a livepatch with .replace = true replaces only the
 * enabled livepatches of this policy that are marked replaceable, and
 * keeps every other one. A livepatch selects the policy by name and
 * passes its parameters (livepatch-hybrid-policy.h):
 *
 *	static const struct klp_hybrid_params params = KLP_HYBRID_PARAMS(true);
 *
 *	static struct klp_patch patch = {
 *		.mod = THIS_MODULE,
 *		.objs = objs,
 *		.replace = true,
 *		.replace_policy = KLP_HYBRID_POLICY,
 *		.replace_params = &params.hdr,
 *	};
 *
 * The patch module does not link against this one. When the policy is
 * not registered, klp_enable_patch() loads this module by its alias
 * (MODULE_ALIAS_KLP_REPLACE_POLICY() below, found through modules.dep
 * once it is installed); when that fails too, klp_enable_patch() fails
 * with -ENOENT and the patch is not loaded: it never falls back to
 * another policy. livepatch-hybrid-patch.c is such a patch:
 *
 * $ insmod livepatch-hybrid-patch.ko replaceable=1   (loads this module)
 * $ cat /sys/kernel/livepatch/livepatch_hybrid_patch/replace_policy
 * hybrid
 * $ cat /sys/kernel/livepatch/livepatch_hybrid_patch/hybrid/replaceable
 * 1
 *
 * Every patch of this policy must pass parameters (params_size below);
 * one that passes none, or parameters of another policy, is refused by
 * the livepatch core before the policy sees it.
 *
 * The rule alone breaks the consistency model, as the upstream review
 * of the hybrid mode showed: lp1 (not replaceable) patches funcA, lp2
 * (replaceable) patches funcA and funcB, and lp3 (.replace = true)
 * patches funcB only. The policy says lp3 replaces lp2 and keeps lp1: at
 * the end of lp3's transition funcA would switch from lp2's code to
 * lp1's with no task transitioned. The livepatch core refuses such a
 * load whatever policy asks for it, with one line (wrapped here):
 *
 * livepatch: patch 'lp3' replaces 'lp2' but keeps 'lp1', which also
 *	patches vmlinux:funcA,1: that function would switch to 'lp1'
 *	without a transition
 *
 * and klp_enable_patch() of lp3 fails with -EINVAL, changing nothing.
 */

/* Refusals read like the livepatch core's. */
#define pr_fmt(fmt) "livepatch: " fmt

#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "livepatch-hybrid-policy.h"

static struct klp_replace_policy hybrid_policy;

/* Only for a patch of this policy: the core checked its parameters. */
static const struct klp_hybrid_params *hybrid_params(const struct klp_patch *patch)
{
	return klp_patch_replace_params(patch, struct klp_hybrid_params, hdr);
}

/* The label, or NULL for none: patches built against the first layout have none. */
static const char *hybrid_label(const struct klp_patch *patch)
{
	if (!klp_replace_params_has(patch, struct klp_hybrid_params, label))
		return NULL;
	return hybrid_params(patch)->label;
}

/* The livepatch this one requires, or NULL: older layouts have none. */
static const char *hybrid_requires(const struct klp_patch *patch)
{
	if (!klp_replace_params_has(patch, struct klp_hybrid_params, requires))
		return NULL;
	return hybrid_params(patch)->requires;
}

/*
 * A rule over the whole set of enabled patches, which check() cannot
 * express (it sees one pair at a time, and nothing when no patch is
 * enabled): the patch @patch requires must be enabled.
 */
static int hybrid_check_requires(const struct klp_patch *patch)
{
	const char *requires = hybrid_requires(patch);
	const struct klp_patch *other;

	if (!requires)
		return 0;
	if (strnlen(requires, MODULE_NAME_LEN) >= MODULE_NAME_LEN) {
		pr_err("patch '%s': hybrid requires a name longer than %lu characters\n",
		       patch->mod->name, MODULE_NAME_LEN - 1);
		return -EINVAL;
	}

	for (other = klp_policy_next_enabled(NULL); other;
	     other = klp_policy_next_enabled(other)) {
		if (!strcmp(other->mod->name, requires))
			return 0;
	}

	pr_err("patch '%s' requires livepatch '%s', which is not enabled\n",
	       patch->mod->name, requires);
	return -EINVAL;
}

static bool hybrid_is_ours(const struct klp_patch *patch)
{
	return klp_patch_replace_policy(patch) == &hybrid_policy;
}

/* Asked only of the new patch's policy, i.e. @new_patch is ours. */
static bool hybrid_replaces(const struct klp_patch *new_patch,
			    const struct klp_patch *old_patch)
{
	return new_patch->replace && hybrid_is_ours(old_patch) &&
	       hybrid_params(old_patch)->replaceable;
}

/*
 * Nothing but this policy reads the fields of the built-in ones: a patch
 * of this policy that sets them made a mistake, refused here.
 */
static int hybrid_validate(const struct klp_patch *patch)
{
	const char *label = hybrid_label(patch);

	if (patch->replace_set || patch->replace_tag ||
	    patch->replace_supersedes || patch->nr_replace_supersedes ||
	    (patch->nr_replace_also_supersede && *patch->nr_replace_also_supersede)) {
		pr_err("patch '%s' uses replace policy '%s', which reads only .replace and its replace_params\n",
		       patch->mod->name, KLP_HYBRID_POLICY);
		return -EINVAL;
	}

	/* The label comes from the patch module: bound every read of it. */
	if (label && strnlen(label, KLP_HYBRID_LABEL_MAX + 1) > KLP_HYBRID_LABEL_MAX) {
		pr_err("patch '%s': hybrid label longer than %d characters\n",
		       patch->mod->name, KLP_HYBRID_LABEL_MAX);
		return -EINVAL;
	}

	return hybrid_check_requires(patch);
}

/*
 * Asked of the new patch's policy for every enabled patch, and of this
 * policy for each enabled hybrid patch that a patch of another policy
 * keeps. The hybrid rule protects nothing: patches stack as legacy
 * non-replacing ones do. It only names the state a replacing patch
 * lacks, before the core's state rule refuses that patch.
 */
static int hybrid_check(const struct klp_patch *new_patch,
			const struct klp_patch *old_patch)
{
	if (hybrid_is_ours(new_patch) && hybrid_replaces(new_patch, old_patch))
		return klp_check_replaced_states(new_patch, old_patch);

	return 0;
}

/* /sys/kernel/livepatch/<patch>/hybrid/replaceable */
static ssize_t replaceable_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	const struct klp_patch *patch = klp_patch_from_kobj(kobj);

	return sysfs_emit(buf, "%d\n", hybrid_params(patch)->replaceable);
}

static struct kobj_attribute hybrid_replaceable_attr = __ATTR_RO(replaceable);

/* /sys/kernel/livepatch/<patch>/hybrid/label: the label, or an empty line */
static ssize_t label_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	const char *label = hybrid_label(klp_patch_from_kobj(kobj));

	return sysfs_emit(buf, "%.*s\n", KLP_HYBRID_LABEL_MAX, label ?: "");
}

static struct kobj_attribute hybrid_label_attr = __ATTR_RO(label);

static struct attribute *hybrid_attrs[] = {
	&hybrid_replaceable_attr.attr,
	&hybrid_label_attr.attr,
	NULL
};

/* The policy's files are in a directory named after it. */
static const struct attribute_group hybrid_attr_group = {
	.name = KLP_HYBRID_POLICY,
	.attrs = hybrid_attrs,
};

static struct klp_replace_policy hybrid_policy = {
	.name		= KLP_HYBRID_POLICY,
	.params_size	= sizeof(struct klp_hybrid_params),
	/* The first layout ended with replaceable: patches built with it load. */
	.params_min_size = offsetofend(struct klp_hybrid_params, replaceable),
	.replaces	= hybrid_replaces,
	.validate	= hybrid_validate,
	.check		= hybrid_check,
	.patch_attrs	= &hybrid_attr_group,
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
MODULE_ALIAS_KLP_REPLACE_POLICY("hybrid");
