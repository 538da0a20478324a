// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tag.c - the tag policy: replace the patches of the same tag
 *
 * The replace-tag rule proposed upstream. A patch carries an
 * unsigned tag (KLP_REPLACE_TAG(t)). Tag 0 replaces nothing, but any
 * patch with a non-zero tag supersedes it; tag t > 0 replaces every
 * enabled tag-policy patch with tag t or tag 0. A patch is refused when
 * it shares a patched function or a klp_state id with an enabled patch
 * of another tag that it keeps (patches of other policies have no tag);
 * tag-0 patches may stack on each other, as legacy non-replacing
 * patches do.
 *
 * A patch that names no policy, when tag is the default, is read from
 * its legacy flag: .replace = false is tag 0, .replace = true is tag 1.
 * A system of such patches behaves as legacy does, except that a
 * non-replacing patch can no longer stack on a function of a replacing
 * one: that load is refused.
 */

#define pr_fmt(fmt) "livepatch: " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>
#include <linux/module.h>
#include <linux/sysfs.h>
#include "scope.h"

static struct klp_replace_policy klp_tag_policy;

static bool klp_is_tag_patch(const struct klp_patch *patch)
{
	return klp_patch_replace_policy(patch) == &klp_tag_policy;
}

static unsigned int klp_tag_of(const struct klp_patch *patch)
{
	if (!patch->replace_policy)
		return patch->replace ? 1 : 0;

	return patch->replace_tag;
}

static bool klp_tag_replaces(const struct klp_patch *new_patch,
			     const struct klp_patch *old_patch)
{
	unsigned int tag = klp_tag_of(new_patch);

	/* Asked as the kept patch's policy, @new_patch may have no tag. */
	if (!tag || !klp_is_tag_patch(new_patch) || !klp_is_tag_patch(old_patch))
		return false;

	return klp_tag_of(old_patch) == tag || klp_tag_of(old_patch) == 0;
}

/* A non-zero tag is a line; a tag-0 patch it replaces is folded in. */
static bool klp_tag_same_line(const struct klp_patch *new_patch,
			      const struct klp_patch *old_patch)
{
	return klp_tag_of(new_patch) && klp_tag_of(old_patch) == klp_tag_of(new_patch);
}

static void klp_tag_desc(const struct klp_patch *patch, char *buf)
{
	if (klp_is_tag_patch(patch))
		snprintf(buf, KLP_SCOPE_DESC_MAX, "replace_tag=%u", klp_tag_of(patch));
	else
		snprintf(buf, KLP_SCOPE_DESC_MAX, "policy %s",
			 klp_patch_replace_policy(patch)->name);
}

static int klp_tag_check(const struct klp_patch *new_patch,
			 const struct klp_patch *old_patch)
{
	char new_desc[KLP_SCOPE_DESC_MAX], old_desc[KLP_SCOPE_DESC_MAX];
	bool same_tag;

	same_tag = klp_is_tag_patch(new_patch) && klp_is_tag_patch(old_patch) &&
		   klp_tag_of(old_patch) == klp_tag_of(new_patch);
	klp_tag_desc(new_patch, new_desc);
	klp_tag_desc(old_patch, old_desc);

	return klp_scope_check(new_patch, old_patch,
			       klp_tag_replaces(new_patch, old_patch), same_tag,
			       new_desc, old_desc,
			       "patches with different tags must not share it");
}

static int klp_tag_validate(const struct klp_patch *patch)
{
	if (patch->nr_replace_supersedes || patch->replace_supersedes ||
	    (patch->nr_replace_also_supersede && *patch->nr_replace_also_supersede)) {
		pr_err("patch '%s' sets replace_supersedes, which policy 'tag' does not read\n",
		       patch->mod->name);
		return -EINVAL;
	}

	return klp_scope_validate(patch, "replace_tag", patch->replace_tag,
				  "replace_set", patch->replace_set);
}

/* /sys/kernel/livepatch/<patch>/replace_tag */
static ssize_t replace_tag_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", klp_tag_of(klp_patch_from_kobj(kobj)));
}

static struct kobj_attribute replace_tag_kobj_attr = __ATTR_RO(replace_tag);

static struct attribute *klp_tag_attrs[] = {
	&replace_tag_kobj_attr.attr,
	NULL
};

static const struct attribute_group klp_tag_group = {
	.attrs = klp_tag_attrs,
};

static struct klp_replace_policy klp_tag_policy = {
	.name		= "tag",
	.replaces	= klp_tag_replaces,
	.same_line	= klp_tag_same_line,
	.validate	= klp_tag_validate,
	.check		= klp_tag_check,
	.patch_attrs	= &klp_tag_group,
};

static int __init klp_tag_init(void)
{
	return klp_register_replace_policy(&klp_tag_policy);
}

static void __exit klp_tag_exit(void)
{
	klp_unregister_replace_policy(&klp_tag_policy);
}

module_init(klp_tag_init);
module_exit(klp_tag_exit);
MODULE_ALIAS_KLP_REPLACE_POLICY("tag");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch replace policy: replace the patches of the same tag");
