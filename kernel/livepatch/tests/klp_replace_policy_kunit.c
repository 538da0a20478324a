// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the livepatch replace policy core: the registry, the
 * legacy policy's decisions, the replaced-set computation and the
 * consistency check, on synthetic patches (KUnit cannot enable real
 * livepatches; the selftests do that).
 */

#include <kunit/test.h>
#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>
#include <linux/module.h>
#include <linux/string.h>
#include "../core.h"
#include "../policy.h"
#include "../transition.h"

#define TP_OBJS		3
#define TP_FUNCS	4

/* A synthetic patch: static object and function arrays, as authors write. */
static struct klp_patch *tp_new(struct kunit *test, const char *name,
				struct klp_replace_policy *policy, bool replace)
{
	struct klp_patch *patch;
	struct module *mod;
	int i;

	patch = kunit_kzalloc(test, sizeof(*patch), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, patch);
	mod = kunit_kzalloc(test, sizeof(*mod), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mod);
	strscpy(mod->name, name, sizeof(mod->name));

	patch->mod = mod;
	patch->replace = replace;
	patch->policy = policy;
	patch->objs = kunit_kcalloc(test, TP_OBJS + 1, sizeof(*patch->objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, patch->objs);
	for (i = 0; i < TP_OBJS; i++) {
		patch->objs[i].funcs = kunit_kcalloc(test, TP_FUNCS + 1,
						     sizeof(struct klp_func), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, patch->objs[i].funcs);
	}
	INIT_LIST_HEAD(&patch->list);
	INIT_LIST_HEAD(&patch->replaced_list);
	INIT_LIST_HEAD(&patch->replaced_node);

	return patch;
}

static void tp_dummy(void)
{
}

/* Patch function @fname, position @sympos, of object @objname (NULL: vmlinux). */
static void tp_func(struct kunit *test, struct klp_patch *patch,
		    const char *objname, const char *fname, unsigned long sympos)
{
	struct klp_object *obj;
	struct klp_func *func;
	int i, j;

	/* The arrays end at the first object without functions. */
	for (i = 0; i < TP_OBJS; i++) {
		obj = &patch->objs[i];
		if (!obj->funcs[0].old_name) {
			obj->name = objname;
			break;
		}
		if ((!obj->name && !objname) ||
		    (obj->name && objname && !strcmp(obj->name, objname)))
			break;
	}
	KUNIT_ASSERT_LT(test, i, TP_OBJS);

	for (j = 0; j < TP_FUNCS && obj->funcs[j].old_name; j++)
		;
	KUNIT_ASSERT_LT(test, j, TP_FUNCS);
	func = &obj->funcs[j];
	func->old_name = fname;
	func->old_sympos = sympos;
	func->new_func = tp_dummy;
}

/* The registry holds enabled patches in klp_patches; tests use their own. */
static void tp_enable(struct list_head *patches, struct klp_patch *patch)
{
	list_add_tail(&patch->list, patches);
}

static bool tp_replaced(const struct klp_patch *new_patch,
			const struct klp_patch *old_patch)
{
	const struct klp_patch *p;

	klp_for_each_replaced_patch(new_patch, p) {
		if (p == old_patch)
			return true;
	}
	return false;
}

static size_t tp_count_replaced(const struct klp_patch *patch)
{
	return list_count_nodes((struct list_head *)&patch->replaced_list);
}

/*
 * "hybrid": the rejected "replaceable" rule from the seeds. A replacing
 * patch replaces only patches whose parameters mark them replaceable.
 */
struct tp_hybrid_params {
	struct klp_replace_params hdr;
	bool replaceable;
};

static bool hybrid_replaces(const struct klp_patch *new_patch,
			    const struct klp_patch *old_patch)
{
	return new_patch->replace && old_patch->replace_params &&
	       klp_patch_replace_params(old_patch, struct tp_hybrid_params, hdr)->replaceable;
}

static const struct tp_hybrid_params tp_replaceable = {
	.hdr = KLP_REPLACE_PARAMS("kunit-hybrid", struct tp_hybrid_params),
	.replaceable = true,
};

static struct klp_replace_policy hybrid_policy = {
	.name = "kunit-hybrid",
	.params_size = sizeof(struct tp_hybrid_params),
	.replaces = hybrid_replaces,
};

static int refusing_check(const struct klp_patch *new_patch,
			  const struct klp_patch *old_patch)
{
	return -EINVAL;
}

static bool never_replaces(const struct klp_patch *new_patch,
			   const struct klp_patch *old_patch)
{
	return false;
}

/* ---- registry ---- */

KUNIT_DEFINE_ACTION_WRAPPER(klp_unregister_replace_policy_wrapper,
			    klp_unregister_replace_policy,
			    struct klp_replace_policy *);

static struct klp_replace_policy *fake_policy(struct kunit *test, const char *name)
{
	struct klp_replace_policy *policy;

	policy = kunit_kzalloc(test, sizeof(*policy), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, policy);
	policy->name = name;
	policy->owner = THIS_MODULE;
	policy->replaces = never_replaces;
	INIT_LIST_HEAD(&policy->list);

	return policy;
}

static void fake_register(struct kunit *test, struct klp_replace_policy *policy)
{
	KUNIT_ASSERT_EQ(test, klp_register_replace_policy(policy), 0);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test, klp_unregister_replace_policy_wrapper,
						  policy), 0);
}

static void klp_policy_test_register_find(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-fake");
	struct klp_replace_policy *found;

	fake_register(test, policy);
	found = klp_find_get_replace_policy("kunit-fake");
	KUNIT_EXPECT_PTR_EQ(test, found, policy);
	if (found)
		klp_put_replace_policy(found);
}

/* The core records the registering module, whatever the policy set. */
static void klp_policy_test_register_sets_owner(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-owner");

	policy->owner = ERR_PTR(-EFAULT);
	fake_register(test, policy);
	KUNIT_EXPECT_PTR_EQ(test, policy->owner, THIS_MODULE);
}

static void klp_policy_test_register_duplicate(struct kunit *test)
{
	struct klp_replace_policy *first = fake_policy(test, "kunit-dup");
	struct klp_replace_policy *second = fake_policy(test, "kunit-dup");
	struct klp_replace_policy *found;

	fake_register(test, first);
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(second), -EEXIST);

	/* The first one stays the one found. */
	found = klp_find_get_replace_policy("kunit-dup");
	KUNIT_EXPECT_PTR_EQ(test, found, first);
	if (found)
		klp_put_replace_policy(found);
}

static void klp_policy_test_register_missing_replaces(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-noop");

	policy->replaces = NULL;
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
	KUNIT_EXPECT_NULL(test, klp_find_get_replace_policy("kunit-noop"));
}

static void klp_policy_test_register_no_name(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, NULL);

	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
	policy->name = "";
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
}

static void klp_policy_test_register_long_name(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-name-too-long");

	KUNIT_ASSERT_GE(test, strlen(policy->name), KLP_REPLACE_POLICY_NAME_MAX);
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
	KUNIT_EXPECT_NULL(test, klp_find_get_replace_policy("kunit-name-too-long"));
}

static void klp_policy_test_register_small_params(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-params");

	policy->params_size = sizeof(struct klp_replace_params) - 1;
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
	KUNIT_EXPECT_NULL(test, klp_find_get_replace_policy("kunit-params"));
}

static struct attribute *tp_no_attrs[] = { NULL };

/* A plugin's files go in a directory named after it, never beside the core's. */
/*
 * Flat files are the in-tree replace_set and tag policies' ABI only: an
 * out-of-tree module registering one of their names gets no exemption.
 */
static void klp_policy_test_register_flat_out_of_tree(struct kunit *test)
{
	static const struct attribute_group flat = { .attrs = tp_no_attrs };
	struct klp_replace_policy *policy = fake_policy(test, "tag");
	struct module *oot;

	oot = kunit_kzalloc(test, sizeof(*oot), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, oot);
	set_bit(TAINT_OOT_MODULE, &oot->taints);
	policy->patch_attrs = &flat;
	KUNIT_EXPECT_EQ(test, __klp_register_replace_policy(policy, oot), -EINVAL);
}

static void klp_policy_test_register_attrs_named(struct kunit *test)
{
	static const struct attribute_group flat = { .attrs = tp_no_attrs };
	static const struct attribute_group other = { .name = "other", .attrs = tp_no_attrs };
	static const struct attribute_group named = { .name = "kunit-attrs", .attrs = tp_no_attrs };
	struct klp_replace_policy *policy = fake_policy(test, "kunit-attrs");

	policy->patch_attrs = &flat;
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
	policy->patch_attrs = &other;
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
	KUNIT_EXPECT_NULL(test, klp_find_get_replace_policy("kunit-attrs"));
	policy->patch_attrs = &named;
	fake_register(test, policy);
}

static void klp_policy_test_register_params_min_size(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-minsize");

	policy->params_size = sizeof(struct tp_hybrid_params);
	policy->params_min_size = policy->params_size + 1;
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
	policy->params_min_size = sizeof(struct klp_replace_params) - 1;
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
	KUNIT_EXPECT_NULL(test, klp_find_get_replace_policy("kunit-minsize"));
	policy->params_min_size = sizeof(struct klp_replace_params);
	fake_register(test, policy);
}

static void klp_policy_test_find_unknown(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, klp_find_get_replace_policy("kunit-none"));
}

static void klp_policy_test_unregister(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-gone");

	KUNIT_ASSERT_EQ(test, klp_register_replace_policy(policy), 0);
	klp_unregister_replace_policy(policy);
	KUNIT_EXPECT_NULL(test, klp_find_get_replace_policy("kunit-gone"));

	/* The name is free again. */
	fake_register(test, policy);
	KUNIT_EXPECT_NOT_NULL(test, klp_find_get_replace_policy("kunit-gone"));
	klp_put_replace_policy(policy);
}

static void klp_policy_test_legacy_registered(struct kunit *test)
{
	struct klp_replace_policy *found = klp_find_get_replace_policy("legacy");

	KUNIT_EXPECT_PTR_EQ(test, found, &klp_legacy_policy);
	if (found)
		klp_put_replace_policy(found);
}

/* ---- legacy decisions ---- */

struct legacy_case {
	const char *description;
	bool new_replace;
	bool old_replace;
	bool old_other_policy;
	bool expected;
};

static const struct legacy_case legacy_cases[] = {
	{ "replace=1 replaces a replace=0 patch", true, false, false, true },
	{ "replace=1 replaces a replace=1 patch", true, true, false, true },
	{ "replace=1 replaces a patch of another policy", true, false, true, true },
	{ "replace=0 keeps a replace=0 patch", false, false, false, false },
	{ "replace=0 keeps a replace=1 patch", false, true, false, false },
	{ "replace=0 keeps a patch of another policy", false, true, true, false },
};

static void legacy_case_desc(const struct legacy_case *c, char *desc)
{
	strscpy(desc, c->description, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(legacy, legacy_cases, legacy_case_desc);

static void klp_policy_test_legacy_decision(struct kunit *test)
{
	const struct legacy_case *c = test->param_value;
	struct klp_patch *new_patch, *old_patch;

	new_patch = tp_new(test, "new", &klp_legacy_policy, c->new_replace);
	old_patch = tp_new(test, "old", c->old_other_policy ? &hybrid_policy :
			   &klp_legacy_policy, c->old_replace);

	KUNIT_EXPECT_EQ(test, klp_legacy_policy.replaces(new_patch, old_patch),
			c->expected);
}

/* ---- the replaced set ---- */

static void klp_policy_test_decide_replace_all(struct kunit *test)
{
	struct klp_patch *p1, *p2, *p3, *n;
	LIST_HEAD(patches);

	p1 = tp_new(test, "p1", &klp_legacy_policy, false);
	p2 = tp_new(test, "p2", &klp_legacy_policy, true);
	p3 = tp_new(test, "p3", &hybrid_policy, false);
	tp_enable(&patches, p1);
	tp_enable(&patches, p2);
	tp_enable(&patches, p3);
	n = tp_new(test, "n", &klp_legacy_policy, true);

	KUNIT_EXPECT_EQ(test, klp_decide_replaced(n, &patches), 0);
	KUNIT_EXPECT_EQ(test, tp_count_replaced(n), 3);
	KUNIT_EXPECT_TRUE(test, tp_replaced(n, p1));
	KUNIT_EXPECT_TRUE(test, tp_replaced(n, p2));
	KUNIT_EXPECT_TRUE(test, tp_replaced(n, p3));
	klp_release_replaced(n);
}

static void klp_policy_test_decide_replace_none(struct kunit *test)
{
	struct klp_patch *p1, *n;
	LIST_HEAD(patches);

	p1 = tp_new(test, "p1", &klp_legacy_policy, true);
	tp_enable(&patches, p1);
	n = tp_new(test, "n", &klp_legacy_policy, false);

	KUNIT_EXPECT_EQ(test, klp_decide_replaced(n, &patches), 0);
	KUNIT_EXPECT_EQ(test, tp_count_replaced(n), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&p1->replaced_node));
}

static void klp_policy_test_decide_skips_itself(struct kunit *test)
{
	struct klp_patch *n;
	LIST_HEAD(patches);

	n = tp_new(test, "n", &klp_legacy_policy, true);
	tp_enable(&patches, n);

	KUNIT_EXPECT_EQ(test, klp_decide_replaced(n, &patches), 0);
	KUNIT_EXPECT_EQ(test, tp_count_replaced(n), 0);
}

static void klp_policy_test_decide_check_refuses(struct kunit *test)
{
	struct klp_replace_policy refusing = {
		.name = "kunit-refuse",
		.replaces = never_replaces,
		.check = refusing_check,
	};
	struct klp_patch *p1, *n;
	LIST_HEAD(patches);

	p1 = tp_new(test, "p1", &klp_legacy_policy, false);
	tp_enable(&patches, p1);
	n = tp_new(test, "n", &refusing, true);

	KUNIT_EXPECT_EQ(test, klp_decide_replaced(n, &patches), -EINVAL);
	klp_release_replaced(n);
	KUNIT_EXPECT_EQ(test, tp_count_replaced(n), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&p1->replaced_node));
}

static void klp_policy_test_release_unlinks(struct kunit *test)
{
	struct klp_patch *p1, *p2, *n;
	LIST_HEAD(patches);

	p1 = tp_new(test, "p1", &klp_legacy_policy, false);
	p2 = tp_new(test, "p2", &klp_legacy_policy, false);
	tp_enable(&patches, p1);
	tp_enable(&patches, p2);
	n = tp_new(test, "n", &klp_legacy_policy, true);

	KUNIT_ASSERT_EQ(test, klp_decide_replaced(n, &patches), 0);
	KUNIT_ASSERT_EQ(test, tp_count_replaced(n), 2);
	klp_release_replaced(n);
	KUNIT_EXPECT_TRUE(test, list_empty(&n->replaced_list));
	KUNIT_EXPECT_TRUE(test, list_empty(&p1->replaced_node));
	KUNIT_EXPECT_TRUE(test, list_empty(&p2->replaced_node));
	/* The enabled list itself is untouched. */
	KUNIT_EXPECT_EQ(test, list_count_nodes(&patches), 2);
}

/* ---- function identity ---- */

static void klp_policy_test_patches_func(struct kunit *test)
{
	struct klp_patch *p = tp_new(test, "p", &klp_legacy_policy, false);
	struct klp_patch *q = tp_new(test, "q", &klp_legacy_policy, false);

	tp_func(test, p, NULL, "funcA", 0);
	tp_func(test, p, "test_mod", "funcB", 2);

	tp_func(test, q, NULL, "funcA", 1);		/* sympos 0 == 1 */
	tp_func(test, q, "test_mod", "funcA", 0);	/* other object */
	tp_func(test, q, "test_mod", "funcB", 1);	/* other position */
	tp_func(test, q, "test_mod", "funcB", 2);

	KUNIT_EXPECT_TRUE(test, klp_patch_patches_func(p, &q->objs[0], &q->objs[0].funcs[0]));
	KUNIT_EXPECT_FALSE(test, klp_patch_patches_func(p, &q->objs[1], &q->objs[1].funcs[0]));
	KUNIT_EXPECT_FALSE(test, klp_patch_patches_func(p, &q->objs[1], &q->objs[1].funcs[1]));
	KUNIT_EXPECT_TRUE(test, klp_patch_patches_func(p, &q->objs[1], &q->objs[1].funcs[2]));
}

/* ---- the consistency invariant ---- */

/*
 * The example of the upstream review: lp1 (kept) patches funcA; lp2
 * (replaced) patches funcA and funcB; lp3 replaces lp2 and patches only
 * funcB. funcA would fall back from lp2's code to lp1's with no task
 * transitioned.
 */
static void lp123(struct kunit *test, struct list_head *patches,
		  struct klp_patch **lp3, bool lp3_patches_func_a,
		  const char *func_a_obj)
{
	struct klp_patch *lp1, *lp2;

	lp1 = tp_new(test, "lp1", &hybrid_policy, false);
	tp_func(test, lp1, func_a_obj, "funcA", 0);
	lp2 = tp_new(test, "lp2", &hybrid_policy, false);
	lp2->replace_params = &tp_replaceable.hdr;
	tp_func(test, lp2, NULL, "funcA", 0);
	tp_func(test, lp2, NULL, "funcB", 0);
	tp_enable(patches, lp1);
	tp_enable(patches, lp2);

	*lp3 = tp_new(test, "lp3", &hybrid_policy, true);
	tp_func(test, *lp3, NULL, "funcB", 0);
	if (lp3_patches_func_a)
		tp_func(test, *lp3, NULL, "funcA", 0);

	KUNIT_ASSERT_EQ(test, klp_decide_replaced(*lp3, patches), 0);
	KUNIT_ASSERT_EQ(test, tp_count_replaced(*lp3), 1);
}

static void klp_policy_test_consistency_lp123_refused(struct kunit *test)
{
	struct klp_patch *lp3;
	LIST_HEAD(patches);

	lp123(test, &patches, &lp3, false, NULL);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(lp3, &patches), -EINVAL);
	klp_release_replaced(lp3);
}

static void klp_policy_test_consistency_lp123_covered(struct kunit *test)
{
	struct klp_patch *lp3;
	LIST_HEAD(patches);

	lp123(test, &patches, &lp3, true, NULL);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(lp3, &patches), 0);
	klp_release_replaced(lp3);
}

static void klp_policy_test_consistency_other_object(struct kunit *test)
{
	struct klp_patch *lp3;
	LIST_HEAD(patches);

	/* lp1's funcA lives in a module: not the function lp2 patches. */
	lp123(test, &patches, &lp3, false, "test_mod");
	KUNIT_EXPECT_EQ(test, klp_check_consistency(lp3, &patches), 0);
	klp_release_replaced(lp3);
}

static void klp_policy_test_consistency_module_object(struct kunit *test)
{
	struct klp_patch *kept, *old, *n;
	LIST_HEAD(patches);

	kept = tp_new(test, "kept", &hybrid_policy, false);
	tp_func(test, kept, "test_mod", "mod_func", 0);
	old = tp_new(test, "old", &hybrid_policy, false);
	old->replace_params = &tp_replaceable.hdr;
	tp_func(test, old, "test_mod", "mod_func", 1);
	tp_enable(&patches, kept);
	tp_enable(&patches, old);
	n = tp_new(test, "n", &hybrid_policy, true);
	tp_func(test, n, NULL, "other", 0);

	KUNIT_ASSERT_EQ(test, klp_decide_replaced(n, &patches), 0);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(n, &patches), -EINVAL);
	klp_release_replaced(n);
}

static void klp_policy_test_consistency_nothing_replaced(struct kunit *test)
{
	struct klp_patch *p1, *p2, *n;
	LIST_HEAD(patches);

	p1 = tp_new(test, "p1", &klp_legacy_policy, false);
	tp_func(test, p1, NULL, "funcA", 0);
	p2 = tp_new(test, "p2", &klp_legacy_policy, false);
	tp_func(test, p2, NULL, "funcA", 0);
	tp_enable(&patches, p1);
	tp_enable(&patches, p2);
	n = tp_new(test, "n", &klp_legacy_policy, false);
	tp_func(test, n, NULL, "funcB", 0);

	KUNIT_ASSERT_EQ(test, klp_decide_replaced(n, &patches), 0);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(n, &patches), 0);
}

static void klp_policy_test_consistency_everything_replaced(struct kunit *test)
{
	struct klp_patch *p1, *p2, *n;
	LIST_HEAD(patches);

	/* Legacy atomic replace: nothing is kept, nothing can fall back. */
	p1 = tp_new(test, "p1", &klp_legacy_policy, false);
	tp_func(test, p1, NULL, "funcA", 0);
	p2 = tp_new(test, "p2", &klp_legacy_policy, false);
	tp_func(test, p2, NULL, "funcA", 0);
	tp_enable(&patches, p1);
	tp_enable(&patches, p2);
	n = tp_new(test, "n", &klp_legacy_policy, true);
	tp_func(test, n, NULL, "funcB", 0);

	KUNIT_ASSERT_EQ(test, klp_decide_replaced(n, &patches), 0);
	KUNIT_EXPECT_EQ(test, tp_count_replaced(n), 2);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(n, &patches), 0);
	klp_release_replaced(n);
}

static void klp_policy_test_consistency_sympos(struct kunit *test)
{
	struct klp_patch *kept, *old, *n;
	LIST_HEAD(patches);

	kept = tp_new(test, "kept", &hybrid_policy, false);
	tp_func(test, kept, NULL, "dup", 2);
	old = tp_new(test, "old", &hybrid_policy, false);
	old->replace_params = &tp_replaceable.hdr;
	tp_func(test, old, NULL, "dup", 1);
	tp_enable(&patches, kept);
	tp_enable(&patches, old);
	n = tp_new(test, "n", &hybrid_policy, true);
	tp_func(test, n, NULL, "other", 0);

	/* dup,1 and dup,2 are different functions. */
	KUNIT_ASSERT_EQ(test, klp_decide_replaced(n, &patches), 0);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(n, &patches), 0);
	klp_release_replaced(n);
}

/*
 * lp1 (kept) and lp2 (replaced) both use state 1; lp3 replaces lp2 and
 * takes the state over: two enabled patches, lp1 and lp3, would own it.
 */
static void tp_state(struct kunit *test, struct klp_patch *patch,
		     unsigned long id, unsigned int version)
{
	patch->states = kunit_kcalloc(test, 2, sizeof(*patch->states), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, patch->states);
	patch->states[0].id = id;
	patch->states[0].version = version;
}

static void klp_policy_test_consistency_state_shared(struct kunit *test)
{
	struct klp_patch *lp3;
	LIST_HEAD(patches);

	lp123(test, &patches, &lp3, true, NULL);
	tp_state(test, list_first_entry(&patches, struct klp_patch, list), 1, 1);
	tp_state(test, list_last_entry(&patches, struct klp_patch, list), 1, 1);
	tp_state(test, lp3, 1, 1);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(lp3, &patches), -EINVAL);
	klp_release_replaced(lp3);
}

/* Different ids in the replaced and the kept patch: nothing is shared. */
static void klp_policy_test_consistency_state_not_shared(struct kunit *test)
{
	struct klp_patch *lp3;
	LIST_HEAD(patches);

	lp123(test, &patches, &lp3, true, NULL);
	tp_state(test, list_first_entry(&patches, struct klp_patch, list), 2, 1);
	tp_state(test, list_last_entry(&patches, struct klp_patch, list), 1, 1);
	tp_state(test, lp3, 1, 1);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(lp3, &patches), 0);
	klp_release_replaced(lp3);
}

/* ---- the plugin contract ---- */

/* ---- large patches: the patch being enabled is hashed ---- */

#define TP_LARGE	4096

/*
 * A patch of @nr vmlinux functions fn_<first> .. fn_<first + nr - 1>,
 * leaving out fn_<skip> (-1: none), as a cumulative patch has them.
 */
static struct klp_patch *tp_new_large(struct kunit *test, const char *name,
				      bool replace, int first, int nr, int skip)
{
	struct klp_patch *patch = tp_new(test, name, &hybrid_policy, replace);
	struct klp_func *funcs;
	char (*names)[16];
	int i, j = 0;

	funcs = kunit_kcalloc(test, nr + 1, sizeof(*funcs), GFP_KERNEL);
	names = kunit_kcalloc(test, nr, sizeof(*names), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, funcs);
	KUNIT_ASSERT_NOT_NULL(test, names);
	for (i = first; i < first + nr; i++) {
		if (i == skip)
			continue;
		snprintf(names[j], sizeof(names[j]), "fn_%d", i);
		funcs[j].old_name = names[j];
		funcs[j].new_func = tp_dummy;
		j++;
	}
	patch->objs[0].funcs = funcs;

	return patch;
}

static void tp_index_end(void *unused)
{
	klp_policy_index_end();
}

/* Hash @patch's functions for the rest of the test, as enabling it does. */
static void tp_index(struct kunit *test, const struct klp_patch *patch)
{
	klp_policy_index_begin(patch);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tp_index_end, NULL), 0);
}

static void klp_policy_test_index_patches_func(struct kunit *test)
{
	struct klp_patch *p = tp_new(test, "p", &klp_legacy_policy, false);
	struct klp_patch *q = tp_new(test, "q", &klp_legacy_policy, false);

	tp_func(test, p, NULL, "funcA", 0);
	tp_func(test, p, "test_mod", "funcB", 2);
	tp_func(test, q, NULL, "funcA", 1);
	tp_func(test, q, "test_mod", "funcA", 0);
	tp_func(test, q, "test_mod", "funcB", 1);
	tp_func(test, q, "test_mod", "funcB", 2);

	/* Only the patch being enabled is hashed, and only once asked. */
	tp_index(test, p);
	KUNIT_EXPECT_NULL(test, klp_policy_index(q));
	KUNIT_EXPECT_TRUE(test, klp_patch_patches_func(p, &q->objs[0], &q->objs[0].funcs[0]));
	KUNIT_EXPECT_NOT_NULL(test, klp_policy_index(p));
	KUNIT_EXPECT_FALSE(test, klp_patch_patches_func(p, &q->objs[1], &q->objs[1].funcs[0]));
	KUNIT_EXPECT_FALSE(test, klp_patch_patches_func(p, &q->objs[1], &q->objs[1].funcs[1]));
	KUNIT_EXPECT_TRUE(test, klp_patch_patches_func(p, &q->objs[1], &q->objs[1].funcs[2]));

	klp_policy_index_end();
	KUNIT_EXPECT_NULL(test, klp_policy_index(p));
}

/*
 * A cumulative patch of 4096 functions replaces one of the same size and
 * keeps a small patch that shares fn_1234 with it: the new patch must
 * patch fn_1234 too.
 */
static void tp_large_cumulative(struct kunit *test, struct list_head *patches,
				struct klp_patch **n, int skip)
{
	struct klp_patch *kept, *old;

	kept = tp_new(test, "kept", &hybrid_policy, false);
	tp_func(test, kept, NULL, "fn_1234", 0);
	tp_func(test, kept, NULL, "fn_99999", 0);
	old = tp_new_large(test, "old", false, 0, TP_LARGE, -1);
	old->replace_params = &tp_replaceable.hdr;
	tp_enable(patches, kept);
	tp_enable(patches, old);

	*n = tp_new_large(test, "n", true, 0, TP_LARGE, skip);
	tp_index(test, *n);
	KUNIT_ASSERT_EQ(test, klp_decide_replaced(*n, patches), 0);
	KUNIT_ASSERT_TRUE(test, tp_replaced(*n, old));
	KUNIT_ASSERT_FALSE(test, tp_replaced(*n, kept));
}

static void klp_policy_test_large_fallback_refused(struct kunit *test)
{
	struct klp_patch *n;
	LIST_HEAD(patches);

	tp_large_cumulative(test, &patches, &n, 1234);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(n, &patches), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, klp_policy_index(n));
	klp_release_replaced(n);
}

static void klp_policy_test_large_fallback_covered(struct kunit *test)
{
	struct klp_patch *n;
	LIST_HEAD(patches);

	tp_large_cumulative(test, &patches, &n, -1);
	KUNIT_EXPECT_EQ(test, klp_check_consistency(n, &patches), 0);
	klp_release_replaced(n);
}

/* The finders answer from the hash with the patches' own functions. */
static void klp_policy_test_large_finders(struct kunit *test)
{
	struct klp_patch *n, *other;
	const struct klp_object *obj;
	const struct klp_func *func;

	n = tp_new_large(test, "n", false, 0, TP_LARGE, 1234);
	other = tp_new_large(test, "other", false, 4000, 200, -1);
	tp_index(test, n);

	/* fn_4000 is the first both patch: n's own klp_func is returned. */
	KUNIT_ASSERT_TRUE(test, klp_find_shared_func(n, other, &obj, &func));
	KUNIT_EXPECT_PTR_EQ(test, func, &n->objs[0].funcs[3999]);
	KUNIT_EXPECT_PTR_EQ(test, obj, &n->objs[0]);
	KUNIT_ASSERT_TRUE(test, klp_find_shared_func(other, n, &obj, &func));
	KUNIT_EXPECT_PTR_EQ(test, func, &other->objs[0].funcs[0]);

	/* fn_4096 is the first function of other that n leaves out. */
	KUNIT_ASSERT_TRUE(test, klp_find_unpatched_func(n, other, &obj, &func));
	KUNIT_EXPECT_PTR_EQ(test, func, &other->objs[0].funcs[96]);
	KUNIT_EXPECT_STREQ(test, func->old_name, "fn_4096");
	KUNIT_ASSERT_TRUE(test, klp_find_unpatched_func(other, n, &obj, &func));
	KUNIT_EXPECT_PTR_EQ(test, func, &n->objs[0].funcs[0]);
	KUNIT_EXPECT_NOT_NULL(test, klp_policy_index(n));
}

static int positive_check(const struct klp_patch *new_patch,
			  const struct klp_patch *old_patch)
{
	return 1;
}

/* A positive return is a plugin bug: refused with -EINVAL, not passed up. */
static void klp_policy_test_decide_positive_check(struct kunit *test)
{
	struct klp_replace_policy buggy = {
		.name = "kunit-positive",
		.replaces = never_replaces,
		.check = positive_check,
	};
	struct klp_patch *p1, *n;
	LIST_HEAD(patches);

	p1 = tp_new(test, "p1", &klp_legacy_policy, false);
	tp_enable(&patches, p1);
	n = tp_new(test, "n", &buggy, false);

	KUNIT_EXPECT_EQ(test, klp_decide_replaced(n, &patches), -EINVAL);
	klp_release_replaced(n);
}

/* ---- klp_policy_prepare(): selection, pinning, validation ---- */

static int tp_prepare(struct klp_patch *patch)
{
	int ret;

	mutex_lock(&klp_mutex);
	ret = klp_policy_prepare(patch);
	mutex_unlock(&klp_mutex);

	return ret;
}

static void tp_unprepare(struct klp_patch *patch)
{
	mutex_lock(&klp_mutex);
	klp_policy_unlink(patch);
	mutex_unlock(&klp_mutex);
	klp_policy_put(patch);
}

static int validate_calls;

static int counting_validate(const struct klp_patch *patch)
{
	validate_calls++;
	return patch->replace_set == 7 ? 0 : -EINVAL;
}

static void klp_policy_test_prepare_default(struct kunit *test)
{
	struct klp_patch *n = tp_new(test, "n", NULL, true);

	tp_func(test, n, NULL, "funcA", 0);

	/*
	 * Whatever default the kernel was built or booted with. No livepatch
	 * is enabled in a KUnit kernel: nothing to replace.
	 */
	KUNIT_ASSERT_EQ(test, tp_prepare(n), 0);
	KUNIT_EXPECT_PTR_EQ(test, n->policy, klp_default_policy);
	KUNIT_EXPECT_PTR_EQ(test, klp_patch_replace_policy(n), klp_default_policy);
	KUNIT_EXPECT_EQ(test, tp_count_replaced(n), 0);
	tp_unprepare(n);
	KUNIT_EXPECT_NULL(test, n->policy);
}

static void klp_policy_test_prepare_by_name(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-named");
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	fake_register(test, policy);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "kunit-named";

	KUNIT_ASSERT_EQ(test, tp_prepare(n), 0);
	KUNIT_EXPECT_PTR_EQ(test, n->policy, policy);
	tp_unprepare(n);
}

static void klp_policy_test_prepare_unregistered(struct kunit *test)
{
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "kunit-gone";

	KUNIT_EXPECT_EQ(test, tp_prepare(n), -ENOENT);
	KUNIT_EXPECT_NULL(test, n->policy);
	KUNIT_EXPECT_TRUE(test, list_empty(&n->replaced_list));
}

/* v1 crashed on a policy without a name: names are checked before use. */
static const char * const bad_policy_names[] = {
	"",
	"kunit-name-too-long",
};

static void bad_policy_name_desc(const char * const *name, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "replace_policy \"%s\"", *name);
}

KUNIT_ARRAY_PARAM(bad_policy_name, bad_policy_names, bad_policy_name_desc);

static void klp_policy_test_prepare_bad_name(struct kunit *test)
{
	const char * const *name = test->param_value;
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = *name;

	KUNIT_EXPECT_EQ(test, tp_prepare(n), -EINVAL);
	KUNIT_EXPECT_NULL(test, n->policy);
}

static void klp_policy_test_prepare_validate(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-valid");
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	policy->validate = counting_validate;
	fake_register(test, policy);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "kunit-valid";
	n->replace_set = 7;
	validate_calls = 0;

	KUNIT_ASSERT_EQ(test, tp_prepare(n), 0);
	KUNIT_EXPECT_EQ(test, validate_calls, 1);
	KUNIT_EXPECT_PTR_EQ(test, n->policy, policy);
	tp_unprepare(n);
}

static int positive_validate(const struct klp_patch *patch)
{
	return 2;
}

static struct klp_replace_policy positive_validate_policy = {
	.name = "kunit-posval",
	.replaces = never_replaces,
	.validate = positive_validate,
};

static void klp_policy_test_prepare_positive_validate(struct kunit *test)
{
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	fake_register(test, &positive_validate_policy);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "kunit-posval";

	KUNIT_EXPECT_EQ(test, tp_prepare(n), -EINVAL);
	KUNIT_EXPECT_NULL(test, n->policy);
}

/*
 * A policy whose answer changes between calls: yes the first time, no
 * afterwards. The state rule must use the recorded "yes" and refuse the
 * patch, which lacks the replaced patch's state.
 */
static int fickle_calls;

static bool fickle_replaces(const struct klp_patch *new_patch,
			    const struct klp_patch *old_patch)
{
	return fickle_calls++ == 0;
}

static struct klp_replace_policy fickle_policy = {
	.name = "kunit-fickle",
	.replaces = fickle_replaces,
};

static void klp_policy_test_prepare_state_rule_uses_decision(struct kunit *test)
{
	struct klp_patch *old = tp_new(test, "old", &klp_legacy_policy, false);
	struct klp_patch *n = tp_new(test, "n", NULL, false);
	int ret;

	fake_register(test, &fickle_policy);
	tp_func(test, old, NULL, "funcA", 0);
	tp_state(test, old, 1, 1);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "kunit-fickle";
	fickle_calls = 0;

	/* No livepatch is enabled in a KUnit kernel: old is the only one. */
	mutex_lock(&klp_mutex);
	KUNIT_ASSERT_TRUE(test, list_empty(&klp_patches));
	list_add_tail(&old->list, &klp_patches);
	ret = klp_policy_prepare(n);
	list_del_init(&old->list);
	mutex_unlock(&klp_mutex);

	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, fickle_calls, 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&old->replaced_node));
}

/* The names of the replaced patches are kept for the replaced file. */
/* More names than a page holds: cut after a whole name, and said so. */
static void klp_policy_test_replaced_show_cut(struct kunit *test)
{
	struct klp_patch *n = tp_new(test, "new", NULL, false);
	size_t len, i, pos = 0;
	char *names, *buf;

	names = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, names && buf);
	/* "p0000 p0001 ... p0999": 5999 characters */
	for (i = 0; i < 1000; i++)
		pos += scnprintf(names + pos, 2 * PAGE_SIZE - pos, "%sp%04zu",
				 i ? " " : "", i);
	n->replaced_names = names;

	len = klp_policy_replaced_show(n, buf);
	n->replaced_names = NULL;
	KUNIT_EXPECT_LT(test, len, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, len, strlen(buf));
	KUNIT_ASSERT_GT(test, len, sizeof(" ...\n"));
	KUNIT_EXPECT_STREQ(test, buf + len - 5, " ...\n");
	/* the last name shown is whole: "pNNNN" before " ..." */
	KUNIT_EXPECT_EQ(test, buf[len - 11], ' ');
	KUNIT_EXPECT_EQ(test, buf[len - 10], 'p');
	KUNIT_EXPECT_EQ(test, strncmp(buf, names, len - 5), 0);
}

/* A rule over the whole set: refuse unless "old1" is enabled. */
static int requires_old1_validate(const struct klp_patch *patch)
{
	const struct klp_patch *other;

	for (other = klp_policy_next_enabled(NULL); other;
	     other = klp_policy_next_enabled(other)) {
		if (!strcmp(other->mod->name, "old1"))
			return 0;
	}
	return -EINVAL;
}

static bool replaces_old2(const struct klp_patch *new_patch,
			  const struct klp_patch *old_patch)
{
	return !strcmp(old_patch->mod->name, "old2");
}

/*
 * validate() sees the enabled patches (none at first, a disabled one is
 * not seen), and the recorded decision is readable afterwards.
 */
static void klp_policy_test_prepare_sees_enabled(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-requires");
	struct klp_patch *old1 = tp_new(test, "old1", &klp_legacy_policy, false);
	struct klp_patch *old2 = tp_new(test, "old2", &klp_legacy_policy, false);
	struct klp_patch *n = tp_new(test, "n", NULL, false);
	const struct klp_patch *seen;
	int ret, count = 0;

	policy->validate = requires_old1_validate;
	policy->replaces = replaces_old2;
	fake_register(test, policy);
	tp_func(test, old1, NULL, "funcA", 0);
	tp_func(test, old2, NULL, "funcB", 0);
	tp_func(test, n, NULL, "funcB", 0);
	n->replace_policy = "kunit-requires";

	KUNIT_EXPECT_EQ(test, tp_prepare(n), -EINVAL);

	mutex_lock(&klp_mutex);
	KUNIT_ASSERT_TRUE(test, list_empty(&klp_patches));
	list_add_tail(&old1->list, &klp_patches);
	list_add_tail(&old2->list, &klp_patches);
	old2->enabled = true;
	ret = klp_policy_prepare(n);
	mutex_unlock(&klp_mutex);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);

	mutex_lock(&klp_mutex);
	old1->enabled = true;
	for (seen = klp_policy_next_enabled(NULL); seen;
	     seen = klp_policy_next_enabled(seen))
		count++;
	ret = klp_policy_prepare(n);
	if (!ret) {
		KUNIT_EXPECT_TRUE(test, klp_policy_replaced(n, old2));
		KUNIT_EXPECT_FALSE(test, klp_policy_replaced(n, old1));
	}
	mutex_unlock(&klp_mutex);
	KUNIT_EXPECT_EQ(test, count, 2);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret)
		tp_unprepare(n);

	mutex_lock(&klp_mutex);
	list_del_init(&old1->list);
	list_del_init(&old2->list);
	mutex_unlock(&klp_mutex);
}

static void klp_policy_test_prepare_records_replaced(struct kunit *test)
{
	struct klp_patch *old1 = tp_new(test, "old1", &klp_legacy_policy, false);
	struct klp_patch *old2 = tp_new(test, "old2", &klp_legacy_policy, true);
	struct klp_patch *n = tp_new(test, "n", NULL, true);
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	tp_func(test, old1, NULL, "funcA", 0);
	tp_func(test, old2, NULL, "funcB", 0);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "legacy";

	mutex_lock(&klp_mutex);
	KUNIT_ASSERT_TRUE(test, list_empty(&klp_patches));
	list_add_tail(&old1->list, &klp_patches);
	list_add_tail(&old2->list, &klp_patches);
	ret = klp_policy_prepare(n);
	mutex_unlock(&klp_mutex);

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, klp_policy_replaced_show(n, buf), strlen("old1 old2\n"));
	KUNIT_EXPECT_STREQ(test, buf, "old1 old2\n");
	tp_unprepare(n);
	KUNIT_EXPECT_NULL(test, n->replaced_names);

	mutex_lock(&klp_mutex);
	list_del_init(&old1->list);
	list_del_init(&old2->list);
	mutex_unlock(&klp_mutex);

	/* A patch that replaces nothing shows an empty line. */
	KUNIT_EXPECT_EQ(test, klp_policy_replaced_show(n, buf), 1);
	KUNIT_EXPECT_STREQ(test, buf, "\n");
}

static void klp_policy_test_prepare_validate_refuses(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-invalid");
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	policy->validate = counting_validate;
	fake_register(test, policy);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "kunit-invalid";
	n->replace_set = 8;
	validate_calls = 0;

	/* Refused, and the policy is no longer pinned by the patch. */
	KUNIT_EXPECT_EQ(test, tp_prepare(n), -EINVAL);
	KUNIT_EXPECT_EQ(test, validate_calls, 1);
	KUNIT_EXPECT_NULL(test, n->policy);
}

/* ---- typed plugin parameters: the core tells them apart ---- */

struct tp_other_params {
	struct klp_replace_params hdr;
	long value[4];
};

static const struct tp_hybrid_params tp_params_ok = {
	.hdr = KLP_REPLACE_PARAMS("kunit-typed", struct tp_hybrid_params),
};

static const struct tp_hybrid_params tp_params_foreign = {
	.hdr = KLP_REPLACE_PARAMS("kunit-other", struct tp_hybrid_params),
};

static const struct tp_other_params tp_params_size = {
	.hdr = KLP_REPLACE_PARAMS("kunit-typed", struct tp_other_params),
};

/* What a patch module built against the policy's first, shorter layout passes. */
struct tp_params_v1 {
	struct klp_replace_params hdr;
};

static const struct tp_params_v1 tp_params_old = {
	.hdr = KLP_REPLACE_PARAMS("kunit-typed", struct tp_params_v1),
};

static const struct klp_replace_params tp_params_unnamed = {
	.size = sizeof(struct tp_hybrid_params),
};

struct params_case {
	const char *description;
	bool policy_takes_params;
	const struct klp_replace_params *params;
	int expected;
	bool policy_reads_v1;	/* params_min_size: the v1 layout */
};

static const struct params_case params_cases[] = {
	{ "matching parameters", true, &tp_params_ok.hdr, 0 },
	{ "parameters missing", true, NULL, -EINVAL },
	{ "another policy's parameters", true, &tp_params_foreign.hdr, -EINVAL },
	{ "parameters of another size", true, &tp_params_size.hdr, -EINVAL },
	{ "parameters naming no policy", true, &tp_params_unnamed, -EINVAL },
	{ "parameters to a policy that takes none", false, &tp_params_ok.hdr, -EINVAL },
	{ "no parameters to a policy that takes none", false, NULL, 0 },
	{ "an older layout, to a policy that reads only its own", true,
	  &tp_params_old.hdr, -EINVAL },
	{ "an older layout, to a policy that still reads it", true,
	  &tp_params_old.hdr, 0, true },
	{ "the current layout, to a policy that still reads older ones", true,
	  &tp_params_ok.hdr, 0, true },
	{ "a larger layout, built for a newer policy", true,
	  &tp_params_size.hdr, -EINVAL, true },
};

static void params_case_desc(const struct params_case *c, char *desc)
{
	strscpy(desc, c->description, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(params, params_cases, params_case_desc);

static void klp_policy_test_prepare_params(struct kunit *test)
{
	const struct params_case *c = test->param_value;
	struct klp_replace_policy *policy = fake_policy(test, "kunit-typed");
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	if (c->policy_takes_params)
		policy->params_size = sizeof(struct tp_hybrid_params);
	if (c->policy_reads_v1)
		policy->params_min_size = sizeof(struct tp_params_v1);
	fake_register(test, policy);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "kunit-typed";
	n->replace_params = c->params;

	KUNIT_EXPECT_EQ(test, tp_prepare(n), c->expected);
	if (c->expected) {
		KUNIT_EXPECT_NULL(test, n->policy);
		return;
	}
	KUNIT_EXPECT_PTR_EQ(test, n->policy, policy);
	if (c->params == &tp_params_ok.hdr) {
		KUNIT_EXPECT_PTR_EQ(test,
				    klp_patch_replace_params(n, struct tp_hybrid_params, hdr),
				    &tp_params_ok);
		KUNIT_EXPECT_TRUE(test, klp_replace_params_has(n, struct tp_hybrid_params,
							       replaceable));
	}
	if (c->params == &tp_params_old.hdr)
		KUNIT_EXPECT_FALSE(test, klp_replace_params_has(n, struct tp_hybrid_params,
								replaceable));
	tp_unprepare(n);
}

/* ---- the enabled patches' policies are asked too ---- */

/* Which policy's check() saw which pair, in order. */
static char tp_calls[128];

static void tp_log(const char *who, const struct klp_patch *new_patch,
		   const struct klp_patch *old_patch)
{
	size_t len = strlen(tp_calls);

	snprintf(tp_calls + len, sizeof(tp_calls) - len, "%s%s(%s,%s)",
		 len ? " " : "", who, new_patch->mod->name, old_patch->mod->name);
}

/* "guard": owns its functions against any patch that does not replace it. */
static struct klp_replace_policy guard_policy;

static int guard_check(const struct klp_patch *new_patch,
		       const struct klp_patch *old_patch)
{
	const struct klp_object *obj;
	const struct klp_func *func;

	tp_log("guard", new_patch, old_patch);
	if (klp_patch_replace_policy(old_patch) != &guard_policy)
		return 0;
	if (klp_find_shared_func(new_patch, old_patch, &obj, &func))
		return -EINVAL;
	return 0;
}

static int logging_check(const struct klp_patch *new_patch,
			 const struct klp_patch *old_patch)
{
	tp_log("legacy", new_patch, old_patch);
	return 0;
}

static struct klp_replace_policy guard_policy = {
	.name = "kunit-guard",
	.replaces = never_replaces,
	.check = guard_check,
};

struct both_ways_case {
	const char *description;
	bool new_is_guard;
	bool new_replace;
	const char *new_func;
	int expected;
	const char *calls;
};

static const struct both_ways_case both_ways_cases[] = {
	{ "a kept guard patch refuses a legacy patch on its function",
	  false, false, "funcA", -EINVAL,
	  "legacy(n,other) legacy(n,guarded) guard(n,guarded)" },
	{ "a kept guard patch lets a legacy patch on another function load",
	  false, false, "funcB", 0,
	  "legacy(n,other) legacy(n,guarded) guard(n,guarded)" },
	{ "a replaced guard patch is not asked",
	  false, true, "funcA", 0,
	  "legacy(n,other) legacy(n,guarded)" },
	{ "a patch of the same policy is asked once",
	  true, false, "funcA", -EINVAL,
	  "guard(n,other) guard(n,guarded)" },
};

static void both_ways_case_desc(const struct both_ways_case *c, char *desc)
{
	strscpy(desc, c->description, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(both_ways, both_ways_cases, both_ways_case_desc);

static void klp_policy_test_decide_asks_kept_policies(struct kunit *test)
{
	const struct both_ways_case *c = test->param_value;
	struct klp_replace_policy logging_legacy = klp_legacy_policy;
	struct klp_patch *other, *guarded, *n;
	LIST_HEAD(patches);

	/* Legacy's decisions, with its check() calls logged. */
	logging_legacy.check = logging_check;

	other = tp_new(test, "other", &klp_legacy_policy, false);
	tp_func(test, other, NULL, "funcC", 0);
	guarded = tp_new(test, "guarded", &guard_policy, false);
	tp_func(test, guarded, NULL, "funcA", 0);
	tp_enable(&patches, other);
	tp_enable(&patches, guarded);
	n = tp_new(test, "n", c->new_is_guard ? &guard_policy : &logging_legacy,
		   c->new_replace);
	tp_func(test, n, NULL, c->new_func, 0);
	tp_calls[0] = '\0';

	KUNIT_EXPECT_EQ(test, klp_decide_replaced(n, &patches), c->expected);
	KUNIT_EXPECT_STREQ(test, tp_calls, c->calls);
	klp_release_replaced(n);
	KUNIT_EXPECT_TRUE(test, list_empty(&guarded->replaced_node));
}

/* Prepare @n as if @running's transition were in progress. */
static int tp_prepare_busy(struct klp_patch *n, struct klp_patch *running)
{
	struct klp_patch *saved;
	int ret;

	mutex_lock(&klp_mutex);
	saved = klp_transition_patch;
	klp_transition_patch = running;
	ret = klp_policy_prepare(n);
	klp_transition_patch = saved;
	mutex_unlock(&klp_mutex);

	return ret;
}

/*
 * During another transition nothing is decided (only one replaced_list
 * may exist): a patch of a policy other than legacy is refused with
 * -EBUSY before its policy is asked anything, and nothing stays pinned.
 */
static void klp_policy_test_prepare_during_transition(struct kunit *test)
{
	struct klp_patch *running = tp_new(test, "running", &klp_legacy_policy, false);
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	fake_register(test, &guard_policy);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "kunit-guard";
	tp_calls[0] = '\0';

	KUNIT_EXPECT_EQ(test, tp_prepare_busy(n, running), -EBUSY);
	KUNIT_EXPECT_STREQ(test, tp_calls, "");
	KUNIT_EXPECT_TRUE(test, list_empty(&n->replaced_list));
	KUNIT_EXPECT_NULL(test, n->policy);
}

/*
 * A legacy patch during another transition gets upstream's checks: it
 * is prepared (__klp_enable_patch() then returns -EBUSY), with nothing
 * decided.
 */
static void klp_policy_test_prepare_legacy_during_transition(struct kunit *test)
{
	struct klp_patch *running = tp_new(test, "running", &klp_legacy_policy, false);
	struct klp_patch *n = tp_new(test, "n", NULL, true);

	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = "legacy";

	KUNIT_EXPECT_EQ(test, tp_prepare_busy(n, running), 0);
	KUNIT_EXPECT_PTR_EQ(test, n->policy, &klp_legacy_policy);
	KUNIT_EXPECT_TRUE(test, list_empty(&n->replaced_list));
	tp_unprepare(n);
}

static struct kunit_case klp_replace_policy_test_cases[] = {
	KUNIT_CASE(klp_policy_test_register_find),
	KUNIT_CASE(klp_policy_test_register_sets_owner),
	KUNIT_CASE(klp_policy_test_register_duplicate),
	KUNIT_CASE(klp_policy_test_register_missing_replaces),
	KUNIT_CASE(klp_policy_test_register_no_name),
	KUNIT_CASE(klp_policy_test_register_long_name),
	KUNIT_CASE(klp_policy_test_register_small_params),
	KUNIT_CASE(klp_policy_test_register_attrs_named),
	KUNIT_CASE(klp_policy_test_register_flat_out_of_tree),
	KUNIT_CASE(klp_policy_test_register_params_min_size),
	KUNIT_CASE(klp_policy_test_find_unknown),
	KUNIT_CASE(klp_policy_test_unregister),
	KUNIT_CASE(klp_policy_test_legacy_registered),
	KUNIT_CASE_PARAM(klp_policy_test_legacy_decision, legacy_gen_params),
	KUNIT_CASE(klp_policy_test_decide_replace_all),
	KUNIT_CASE(klp_policy_test_decide_replace_none),
	KUNIT_CASE(klp_policy_test_decide_skips_itself),
	KUNIT_CASE(klp_policy_test_decide_check_refuses),
	KUNIT_CASE(klp_policy_test_release_unlinks),
	KUNIT_CASE(klp_policy_test_patches_func),
	KUNIT_CASE(klp_policy_test_consistency_lp123_refused),
	KUNIT_CASE(klp_policy_test_consistency_lp123_covered),
	KUNIT_CASE(klp_policy_test_consistency_other_object),
	KUNIT_CASE(klp_policy_test_consistency_module_object),
	KUNIT_CASE(klp_policy_test_consistency_nothing_replaced),
	KUNIT_CASE(klp_policy_test_consistency_everything_replaced),
	KUNIT_CASE(klp_policy_test_consistency_sympos),
	KUNIT_CASE(klp_policy_test_consistency_state_shared),
	KUNIT_CASE(klp_policy_test_consistency_state_not_shared),
	KUNIT_CASE(klp_policy_test_index_patches_func),
	KUNIT_CASE(klp_policy_test_large_fallback_refused),
	KUNIT_CASE(klp_policy_test_large_fallback_covered),
	KUNIT_CASE(klp_policy_test_large_finders),
	KUNIT_CASE(klp_policy_test_decide_positive_check),
	KUNIT_CASE(klp_policy_test_prepare_default),
	KUNIT_CASE(klp_policy_test_prepare_by_name),
	KUNIT_CASE(klp_policy_test_prepare_unregistered),
	KUNIT_CASE_PARAM(klp_policy_test_prepare_bad_name, bad_policy_name_gen_params),
	KUNIT_CASE(klp_policy_test_prepare_validate),
	KUNIT_CASE(klp_policy_test_prepare_validate_refuses),
	KUNIT_CASE(klp_policy_test_prepare_positive_validate),
	KUNIT_CASE(klp_policy_test_prepare_state_rule_uses_decision),
	KUNIT_CASE(klp_policy_test_prepare_records_replaced),
	KUNIT_CASE(klp_policy_test_prepare_sees_enabled),
	KUNIT_CASE(klp_policy_test_replaced_show_cut),
	KUNIT_CASE_PARAM(klp_policy_test_prepare_params, params_gen_params),
	KUNIT_CASE_PARAM(klp_policy_test_decide_asks_kept_policies, both_ways_gen_params),
	KUNIT_CASE(klp_policy_test_prepare_during_transition),
	KUNIT_CASE(klp_policy_test_prepare_legacy_during_transition),
	{}
};

static struct kunit_suite klp_replace_policy_test_suite = {
	.name = "klp_replace_policy",
	.test_cases = klp_replace_policy_test_cases,
};

kunit_test_suite(klp_replace_policy_test_suite);

MODULE_DESCRIPTION("KUnit tests for livepatch replace policies");
MODULE_LICENSE("GPL");
