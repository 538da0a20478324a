// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the livepatch replace policy core: the registry, the
 * legacy policy's decisions, the replaced-set computation and the
 * consistency check, on synthetic patches (KUnit cannot enable real
 * livepatches; the selftests do that).
 */

#include <kunit/test.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/string.h>
#include "../core.h"
#include "../policy.h"

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
 * patch replaces only patches whose replace_data marks them replaceable.
 */
static bool hybrid_replaces(const struct klp_patch *new_patch,
			    const struct klp_patch *old_patch)
{
	const bool *replaceable = old_patch->replace_data;

	return new_patch->replace && replaceable && *replaceable;
}

static const bool tp_replaceable = true;

static struct klp_replace_policy hybrid_policy = {
	.name = "kunit-hybrid",
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

static void klp_policy_test_register_unknown_flags(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-flags");

	policy->flags = ~KLP_REPLACE_POLICY_ALL_FLAGS;
	KUNIT_EXPECT_EQ(test, klp_validate_replace_policy(policy), -EINVAL);
	KUNIT_EXPECT_EQ(test, klp_register_replace_policy(policy), -EINVAL);
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
 * Petr Mladek's example: lp1 (kept) patches funcA; lp2 (replaced) patches
 * funcA and funcB; lp3 replaces lp2 and patches only funcB. funcA would
 * fall back from lp2's code to lp1's with no task transitioned.
 */
static void lp123(struct kunit *test, struct list_head *patches,
		  struct klp_patch **lp3, bool lp3_patches_func_a,
		  const char *func_a_obj)
{
	struct klp_patch *lp1, *lp2;

	lp1 = tp_new(test, "lp1", &hybrid_policy, false);
	tp_func(test, lp1, func_a_obj, "funcA", 0);
	lp2 = tp_new(test, "lp2", &hybrid_policy, false);
	lp2->replace_data = &tp_replaceable;
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
	old->replace_data = &tp_replaceable;
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
	old->replace_data = &tp_replaceable;
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

	/* No livepatch is enabled in a KUnit kernel: nothing to replace. */
	KUNIT_ASSERT_EQ(test, tp_prepare(n), 0);
	KUNIT_EXPECT_PTR_EQ(test, n->policy, &klp_legacy_policy);
	KUNIT_EXPECT_PTR_EQ(test, klp_patch_replace_policy(n), &klp_legacy_policy);
	KUNIT_EXPECT_EQ(test, tp_count_replaced(n), 0);
	tp_unprepare(n);
	KUNIT_EXPECT_NULL(test, n->policy);
}

static void klp_policy_test_prepare_unregistered(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-gone");
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = policy;

	KUNIT_EXPECT_EQ(test, tp_prepare(n), -ENOENT);
	KUNIT_EXPECT_NULL(test, n->policy);
	KUNIT_EXPECT_TRUE(test, list_empty(&n->replaced_list));
}

static void klp_policy_test_prepare_validate(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-valid");
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	policy->validate = counting_validate;
	fake_register(test, policy);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = policy;
	n->replace_set = 7;
	validate_calls = 0;

	KUNIT_ASSERT_EQ(test, tp_prepare(n), 0);
	KUNIT_EXPECT_EQ(test, validate_calls, 1);
	KUNIT_EXPECT_PTR_EQ(test, n->policy, policy);
	tp_unprepare(n);
}

static void klp_policy_test_prepare_validate_refuses(struct kunit *test)
{
	struct klp_replace_policy *policy = fake_policy(test, "kunit-invalid");
	struct klp_patch *n = tp_new(test, "n", NULL, false);

	policy->validate = counting_validate;
	fake_register(test, policy);
	tp_func(test, n, NULL, "funcA", 0);
	n->replace_policy = policy;
	n->replace_set = 8;
	validate_calls = 0;

	/* Refused, and the policy is no longer pinned by the patch. */
	KUNIT_EXPECT_EQ(test, tp_prepare(n), -EINVAL);
	KUNIT_EXPECT_EQ(test, validate_calls, 1);
	KUNIT_EXPECT_NULL(test, n->policy);
}

static struct kunit_case klp_replace_policy_test_cases[] = {
	KUNIT_CASE(klp_policy_test_register_find),
	KUNIT_CASE(klp_policy_test_register_duplicate),
	KUNIT_CASE(klp_policy_test_register_missing_replaces),
	KUNIT_CASE(klp_policy_test_register_no_name),
	KUNIT_CASE(klp_policy_test_register_long_name),
	KUNIT_CASE(klp_policy_test_register_unknown_flags),
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
	KUNIT_CASE(klp_policy_test_prepare_default),
	KUNIT_CASE(klp_policy_test_prepare_unregistered),
	KUNIT_CASE(klp_policy_test_prepare_validate),
	KUNIT_CASE(klp_policy_test_prepare_validate_refuses),
	{}
};

static struct kunit_suite klp_replace_policy_test_suite = {
	.name = "klp_replace_policy",
	.test_cases = klp_replace_policy_test_cases,
};

kunit_test_suite(klp_replace_policy_test_suite);

MODULE_DESCRIPTION("KUnit tests for livepatch replace policies");
MODULE_LICENSE("GPL");
