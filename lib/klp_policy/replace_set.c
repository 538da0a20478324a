// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replace_set.c - the replace_set policy: replace the patch of the same set
 *
 * The rule of the "Introduce replace set support" review upstream. A
 * patch carries an unsigned set number (KLP_REPLACE_SET(n)); it replaces
 * exactly the enabled replace_set patches with the same number, so at
 * most one patch per set is enabled. No number is special: 0 is a set
 * like any other, and the default. A patch is refused when it patches a
 * function, or uses a klp_state id, that an enabled patch outside its
 * set (of any policy) also patches or uses; inside the set, states
 * follow the cumulative rule.
 *
 * A patch may also supersede further sets (KLP_REPLACE_SET_SUPERSEDES(),
 * as proposed upstream in June 2026): it then replaces the enabled patches
 * of those sets too, in the same transition, and takes over their
 * functions and states; a listed set with no enabled patch is fine. This
 * folds an off-band fix into the cumulative line with no window in which
 * its function runs unfixed code. An operator can add sets the patch was
 * not built for when loading it (also_supersede=, logged).
 *
 * A patch that names no policy, when replace_set is the default, is read
 * from its legacy flag: .replace = true is set 0; .replace = false is a
 * private set that no other patch shares, so zero-initialised patches
 * never replace each other.
 */

#define pr_fmt(fmt) "livepatch: " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>
#include <linux/module.h>
#include <linux/sysfs.h>
#include "scope.h"

static struct klp_replace_policy klp_replace_set_policy;

static bool klp_is_replace_set_patch(const struct klp_patch *patch)
{
	return klp_patch_replace_policy(patch) == &klp_replace_set_policy;
}

/* The patch's set; false for a private set or a patch of another policy. */
static bool klp_replace_set_of(const struct klp_patch *patch, unsigned int *set)
{
	if (!klp_is_replace_set_patch(patch))
		return false;

	if (!patch->replace_policy) {
		*set = 0;
		return patch->replace;
	}

	*set = patch->replace_set;
	return true;
}

static bool klp_set_listed(const unsigned int *sets, unsigned int nr,
			   unsigned int set)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (sets[i] == set)
			return true;
	}

	return false;
}

/* How many sets an operator added with also_supersede=. */
static unsigned int klp_replace_set_nr_also(const struct klp_patch *patch)
{
	return patch->nr_replace_also_supersede ?
	       *patch->nr_replace_also_supersede : 0;
}

/* Does @patch, a replace_set patch, supersede @set? */
static bool klp_replace_set_supersedes(const struct klp_patch *patch,
				       unsigned int set)
{
	return klp_set_listed(patch->replace_supersedes,
			      patch->nr_replace_supersedes, set) ||
	       klp_set_listed(patch->replace_also_supersede,
			      klp_replace_set_nr_also(patch), set);
}

static bool klp_replace_set_replaces(const struct klp_patch *new_patch,
				     const struct klp_patch *old_patch)
{
	unsigned int new_set, old_set;

	if (!klp_replace_set_of(new_patch, &new_set) ||
	    !klp_replace_set_of(old_patch, &old_set))
		return false;

	return new_set == old_set ||
	       klp_replace_set_supersedes(new_patch, old_set);
}

/* A set is a line: a patch of another set it supersedes is folded in. */
static bool klp_replace_set_same_line(const struct klp_patch *new_patch,
				      const struct klp_patch *old_patch)
{
	unsigned int new_set, old_set;

	return klp_replace_set_of(new_patch, &new_set) &&
	       klp_replace_set_of(old_patch, &old_set) && new_set == old_set;
}

static void klp_replace_set_desc(const struct klp_patch *patch, char *buf)
{
	unsigned int set;

	if (klp_replace_set_of(patch, &set))
		snprintf(buf, KLP_SCOPE_DESC_MAX, "replace_set=%u", set);
	else if (klp_is_replace_set_patch(patch))
		snprintf(buf, KLP_SCOPE_DESC_MAX, "replace_set=private");
	else
		snprintf(buf, KLP_SCOPE_DESC_MAX, "policy %s",
			 klp_patch_replace_policy(patch)->name);
}

/*
 * A patch that supersedes another set folds that set's fix in: a function
 * of the fix it does not patch would get a nop and run the unfixed code
 * once the transition completes. Within a set a newer patch may drop a
 * function (a downgrade does); across sets, nothing but disabling the fix
 * may revert it, so the operator's also_supersede= is refused the same
 * way.
 */
static int klp_replace_set_check_fold(const struct klp_patch *new_patch,
				      const struct klp_patch *old_patch,
				      const char *new_desc, const char *old_desc)
{
	unsigned int new_set, old_set;
	const struct klp_object *obj;
	const struct klp_func *func;

	if (!klp_replace_set_of(new_patch, &new_set) ||
	    !klp_replace_set_of(old_patch, &old_set) || new_set == old_set)
		return 0;

	if (!klp_find_unpatched_func(new_patch, old_patch, &obj, &func))
		return 0;

	pr_err("patch '%s' (%s) supersedes patch '%s' (%s) but does not patch its function %s:%s,%lu: that function would revert to the unfixed code\n",
	       new_patch->mod->name, new_desc, old_patch->mod->name, old_desc,
	       obj->name ? obj->name : "vmlinux", func->old_name,
	       func->old_sympos ?: 1);
	return -EINVAL;
}

static int klp_replace_set_check(const struct klp_patch *new_patch,
				 const struct klp_patch *old_patch)
{
	char new_desc[KLP_SCOPE_DESC_MAX], old_desc[KLP_SCOPE_DESC_MAX];
	bool replaced = klp_replace_set_replaces(new_patch, old_patch);
	int ret;

	klp_replace_set_desc(new_patch, new_desc);
	klp_replace_set_desc(old_patch, old_desc);

	if (replaced) {
		ret = klp_replace_set_check_fold(new_patch, old_patch,
						 new_desc, old_desc);
		if (ret)
			return ret;
	}

	return klp_scope_check(new_patch, old_patch, replaced, false,
			       new_desc, old_desc,
			       "patches in different replace sets must not share it");
}

/* The supersede list: at most a few distinct sets, never the patch's own. */
static int klp_replace_set_validate_supersedes(const struct klp_patch *patch)
{
	const char *name = patch->mod->name;
	unsigned int i, j, nr = patch->nr_replace_supersedes;

	if (!nr && !patch->replace_supersedes)
		return 0;

	if (!patch->replace_policy) {
		pr_err("patch '%s' sets replace_supersedes without selecting its policy: use KLP_REPLACE_SET_SUPERSEDES()\n",
		       name);
		return -EINVAL;
	}
	if (!nr || !patch->replace_supersedes) {
		pr_err("patch '%s' (replace_set=%u): replace_supersedes has %u sets at %s\n",
		       name, patch->replace_set, nr,
		       patch->replace_supersedes ? "an address" : "no address");
		return -EINVAL;
	}
	if (nr > KLP_REPLACE_SET_SUPERSEDES_MAX) {
		pr_err("patch '%s' (replace_set=%u) supersedes %u sets, more than %d\n",
		       name, patch->replace_set, nr, KLP_REPLACE_SET_SUPERSEDES_MAX);
		return -EINVAL;
	}
	for (i = 0; i < nr; i++) {
		if (patch->replace_supersedes[i] == patch->replace_set) {
			pr_err("patch '%s' (replace_set=%u) lists its own set %u in replace_supersedes\n",
			       name, patch->replace_set, patch->replace_set);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (patch->replace_supersedes[j] == patch->replace_supersedes[i]) {
				pr_err("patch '%s' (replace_set=%u) lists set %u twice in replace_supersedes\n",
				       name, patch->replace_set,
				       patch->replace_supersedes[i]);
				return -EINVAL;
			}
		}
	}

	return 0;
}

/*
 * The sets an operator added when loading the patch: checked like the
 * supersede list; logged once the patch is accepted, since the patch was
 * not built for them.
 */
static int klp_replace_set_validate_also(const struct klp_patch *patch)
{
	const char *name = patch->mod->name;
	unsigned int i, set, nr = klp_replace_set_nr_also(patch);

	if (!nr)
		return 0;

	if (!patch->replace_policy) {
		pr_err("patch '%s' sets also_supersede without selecting its policy\n",
		       name);
		return -EINVAL;
	}
	if (nr > KLP_REPLACE_SET_SUPERSEDES_MAX || !patch->replace_also_supersede) {
		pr_err("patch '%s' (replace_set=%u): also_supersede has %u sets at %s\n",
		       name, patch->replace_set, nr,
		       patch->replace_also_supersede ? "an address" : "no address");
		return -EINVAL;
	}
	for (i = 0; i < nr; i++) {
		set = patch->replace_also_supersede[i];
		if (set == patch->replace_set) {
			pr_err("patch '%s' (replace_set=%u): also_supersede lists its own set %u\n",
			       name, patch->replace_set, set);
			return -EINVAL;
		}
		if (klp_set_listed(patch->replace_supersedes,
				   patch->nr_replace_supersedes, set) ||
		    klp_set_listed(patch->replace_also_supersede, i, set)) {
			pr_err("patch '%s' (replace_set=%u): also_supersede lists set %u, which it already supersedes\n",
			       name, patch->replace_set, set);
			return -EINVAL;
		}
	}

	return 0;
}

static void klp_replace_set_accepted(const struct klp_patch *patch)
{
	char sets[KLP_REPLACE_SET_SUPERSEDES_MAX * 11 + 1];
	unsigned int i, nr = klp_replace_set_nr_also(patch);
	int len = 0;

	if (!nr)
		return;

	for (i = 0; i < nr; i++)
		len += scnprintf(sets + len, sizeof(sets) - len, "%s%u",
				 i ? "," : "", patch->replace_also_supersede[i]);

	pr_warn("patch '%s' (replace_set=%u): operator override: also supersedes set %s\n",
		patch->mod->name, patch->replace_set, sets);
}

static int klp_replace_set_validate(const struct klp_patch *patch)
{
	int ret;

	ret = klp_scope_validate(patch, "replace_set", patch->replace_set,
				 "replace_tag", patch->replace_tag);
	if (ret)
		return ret;

	ret = klp_replace_set_validate_supersedes(patch);
	if (ret)
		return ret;

	return klp_replace_set_validate_also(patch);
}

/*
 * /sys/kernel/livepatch/<patch>/replace_set: the set, a number; absent for
 * a patch in a private set, which has none.
 */
static ssize_t replace_set_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	const struct klp_patch *patch = klp_patch_from_kobj(kobj);
	unsigned int set = 0;

	klp_replace_set_of(patch, &set);
	return sysfs_emit(buf, "%u\n", set);
}

/* /sys/kernel/livepatch/<patch>/replace_supersedes: "7 9", or empty */
static ssize_t replace_supersedes_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	const struct klp_patch *patch = klp_patch_from_kobj(kobj);
	unsigned int i;
	int len = 0;

	for (i = 0; i < patch->nr_replace_supersedes; i++)
		len += sysfs_emit_at(buf, len, "%s%u", i ? " " : "",
				     patch->replace_supersedes[i]);

	return len + sysfs_emit_at(buf, len, "\n");
}

/* /sys/kernel/livepatch/<patch>/replace_also_supersede: "9", or empty */
static ssize_t replace_also_supersede_show(struct kobject *kobj,
					   struct kobj_attribute *attr, char *buf)
{
	const struct klp_patch *patch = klp_patch_from_kobj(kobj);
	unsigned int i;
	int len = 0;

	for (i = 0; i < klp_replace_set_nr_also(patch); i++)
		len += sysfs_emit_at(buf, len, "%s%u", i ? " " : "",
				     patch->replace_also_supersede[i]);

	return len + sysfs_emit_at(buf, len, "\n");
}

static struct kobj_attribute replace_set_kobj_attr = __ATTR_RO(replace_set);
static struct kobj_attribute replace_also_supersede_kobj_attr =
	__ATTR_RO(replace_also_supersede);
static struct kobj_attribute replace_supersedes_kobj_attr =
	__ATTR_RO(replace_supersedes);

static struct attribute *klp_replace_set_attrs[] = {
	&replace_set_kobj_attr.attr,
	&replace_supersedes_kobj_attr.attr,
	&replace_also_supersede_kobj_attr.attr,
	NULL
};

static umode_t klp_replace_set_attr_visible(struct kobject *kobj,
					    struct attribute *attr, int n)
{
	unsigned int set;

	if (attr == &replace_set_kobj_attr.attr &&
	    !klp_replace_set_of(klp_patch_from_kobj(kobj), &set))
		return 0;
	return attr->mode;
}

static const struct attribute_group klp_replace_set_group = {
	.attrs = klp_replace_set_attrs,
	.is_visible = klp_replace_set_attr_visible,
};

static struct klp_replace_policy klp_replace_set_policy = {
	.name		= "replace_set",
	.replaces	= klp_replace_set_replaces,
	.same_line	= klp_replace_set_same_line,
	.validate	= klp_replace_set_validate,
	.check		= klp_replace_set_check,
	.accepted	= klp_replace_set_accepted,
	.patch_attrs	= &klp_replace_set_group,
};

static int __init klp_replace_set_init(void)
{
	return klp_register_replace_policy(&klp_replace_set_policy);
}

static void __exit klp_replace_set_exit(void)
{
	klp_unregister_replace_policy(&klp_replace_set_policy);
}

module_init(klp_replace_set_init);
module_exit(klp_replace_set_exit);
MODULE_ALIAS_KLP_REPLACE_POLICY("replace_set");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch replace policy: replace the patch of the same replace set");
