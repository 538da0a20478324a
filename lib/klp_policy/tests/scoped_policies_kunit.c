// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the replace_set and tag policies: their decisions over
 * mixes of policies and parameters, every refusal with its error code,
 * the legacy .replace mapping used when they are the default policy,
 * parameter validation, the sysfs parameters, and the lifecycle of
 * system states (which callbacks run, which shadow variables are freed)
 * under each policy. The patches are synthetic and never enabled; the
 * selftests enable real ones.
 */

#include <kunit/test.h>
#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>
#include <linux/module.h>
#include <linux/string.h>
#include "policy.h"
#include "state.h"

/* The registered policies, pinned while the suites run. */
static struct klp_replace_policy *tp_legacy, *tp_set, *tp_tag;

static int tp_suite_init(struct kunit_suite *suite)
{
	tp_legacy = klp_find_get_replace_policy("legacy");
	tp_set = klp_find_get_replace_policy("replace_set");
	tp_tag = klp_find_get_replace_policy("tag");
	if (tp_legacy && tp_set && tp_tag)
		return 0;

	if (tp_legacy)
		klp_put_replace_policy(tp_legacy);
	if (tp_set)
		klp_put_replace_policy(tp_set);
	if (tp_tag)
		klp_put_replace_policy(tp_tag);
	return -ENOENT;
}

static void tp_suite_exit(struct kunit_suite *suite)
{
	klp_put_replace_policy(tp_tag);
	klp_put_replace_policy(tp_set);
	klp_put_replace_policy(tp_legacy);
}

/* How a synthetic patch selects its policy. */
enum tp_kind {
	TP_LEGACY,		/* names none, legacy is the default */
	TP_SET,			/* KLP_REPLACE_SET(param) */
	TP_SET_DEFAULT,		/* names none, replace_set is the default */
	TP_TAG,			/* KLP_REPLACE_TAG(param) */
	TP_TAG_DEFAULT,		/* names none, tag is the default */
	TP_HYBRID,		/* tp_hybrid: replaces .replace ("replaceable") patches */
};

struct tp_spec {
	enum tp_kind kind;
	bool replace;
	unsigned int param;
	const char *func;	/* "func" in vmlinux or "module:func" */
	const char *func2;	/* a second function of the same object, or NULL */
	unsigned long state;	/* klp_state id, 0 for none */
	unsigned int version;
	bool lifecycle;		/* the state has callbacks and shadow variables */
	bool block_disable;
	int pre_patch_ret;	/* what the state's pre_patch callback returns */
	unsigned long retire;	/* a state id in retire_states, 0 for none */
	int obj_ret;		/* what the objects' step of enabling returns */
	const unsigned int *sup;	/* replace_supersedes */
	unsigned int nr_sup;
	const unsigned int *also;	/* replace_also_supersede */
	const unsigned int *nr_also;
};

static void tp_dummy(void)
{
}

static void tp_state_lifecycle(struct klp_state *state, const struct tp_spec *spec);

/* A plugin in the shape of the hybrid sample: replaces "replaceable" patches. */
static bool tp_hybrid_replaces(const struct klp_patch *new_patch,
			       const struct klp_patch *old_patch)
{
	return old_patch->replace;
}

static void tp_logf(const char *what, const struct klp_patch *patch,
		    const struct klp_state *state);

/* Logs, so that a row shows when the core calls it. */
static void tp_hybrid_accepted(const struct klp_patch *patch)
{
	tp_logf("accepted", patch, patch->states);
}

static struct klp_replace_policy tp_hybrid = {
	.name		= "kunit_hybrid",
	.replaces	= tp_hybrid_replaces,
	.accepted	= tp_hybrid_accepted,
};

static struct klp_patch *tp_build(struct kunit *test, const char *name,
				  const struct tp_spec *spec)
{
	struct klp_patch *patch;
	struct module *mod;
	struct klp_func *funcs;
	const char *colon;
	char *objname;

	patch = kunit_kzalloc(test, sizeof(*patch), GFP_KERNEL);
	mod = kunit_kzalloc(test, sizeof(*mod), GFP_KERNEL);
	patch->objs = kunit_kcalloc(test, 2, sizeof(*patch->objs), GFP_KERNEL);
	funcs = kunit_kcalloc(test, 3, sizeof(*funcs), GFP_KERNEL);
	patch->states = kunit_kcalloc(test, 2, sizeof(*patch->states), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, patch && mod && patch->objs && funcs && patch->states);

	strscpy(mod->name, name, sizeof(mod->name));
	patch->mod = mod;
	patch->replace = spec->replace;

	colon = strchr(spec->func, ':');
	if (colon) {
		objname = kunit_kstrdup(test, spec->func, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objname);
		objname[colon - spec->func] = '\0';
		patch->objs[0].name = objname;
		funcs[0].old_name = colon + 1;
	} else {
		funcs[0].old_name = spec->func;
	}
	funcs[0].new_func = tp_dummy;
	if (spec->func2) {
		funcs[1].old_name = spec->func2;
		funcs[1].new_func = tp_dummy;
	}
	patch->objs[0].funcs = funcs;

	INIT_LIST_HEAD(&patch->states[0].shadow_owner);
	if (spec->retire) {
		unsigned long *retire;

		retire = kunit_kcalloc(test, 2, sizeof(*retire), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, retire);
		retire[0] = spec->retire;
		patch->retire_states = retire;
	}
	patch->states[0].id = spec->state;
	patch->states[0].version = spec->version;
	patch->states[0].block_disable = spec->block_disable;
	if (spec->lifecycle)
		tp_state_lifecycle(&patch->states[0], spec);
	patch->replace_supersedes = spec->sup;
	patch->nr_replace_supersedes = spec->nr_sup;
	patch->replace_also_supersede = spec->also;
	patch->nr_replace_also_supersede = spec->nr_also;
	INIT_LIST_HEAD(&patch->list);
	INIT_LIST_HEAD(&patch->replaced_list);
	INIT_LIST_HEAD(&patch->replaced_node);

	/* ->policy is what klp_enable_patch() would pin. */
	switch (spec->kind) {
	case TP_LEGACY:
		patch->policy = tp_legacy;
		break;
	case TP_SET:
		patch->replace_policy = "replace_set";
		patch->replace_set = spec->param;
		fallthrough;
	case TP_SET_DEFAULT:
		patch->policy = tp_set;
		break;
	case TP_TAG:
		patch->replace_policy = "tag";
		patch->replace_tag = spec->param;
		fallthrough;
	case TP_TAG_DEFAULT:
		patch->policy = tp_tag;
		break;
	case TP_HYBRID:
		patch->policy = &tp_hybrid;
		break;
	}

	return patch;
}

/* ---- decisions and refusals: does N replace O, may N load beside O? ---- */

struct tp_decision {
	const char *desc;
	struct tp_spec new, old;
	bool replaces;
	int check;
};

#define SET(n)		.kind = TP_SET, .param = (n)
#define TAG(t)		.kind = TP_TAG, .param = (t)
#define SET_DEF(r)	.kind = TP_SET_DEFAULT, .replace = (r)
#define TAG_DEF(r)	.kind = TP_TAG_DEFAULT, .replace = (r)
#define LEGACY(r)	.kind = TP_LEGACY, .replace = (r)
#define HYBRID(r)	.kind = TP_HYBRID, .replace = (r)
/* A state with callbacks and shadow variables (tp_state_lifecycle()). */
#define LIFE(id)	.state = (id), .version = 1, .lifecycle = true
#define SUP(...)	.sup = (const unsigned int[]){ __VA_ARGS__ },	\
			.nr_sup = ARRAY_SIZE(((const unsigned int[]){ __VA_ARGS__ }))
/* What also_supersede=<sets> on the module's command line gives. */
#define ALSO(...)	.also = (const unsigned int[]){ __VA_ARGS__ },	\
			.nr_also = &(const unsigned int){			\
				ARRAY_SIZE(((const unsigned int[]){ __VA_ARGS__ })) }

/*
 * The decision as the core takes it, with O enabled: N's policy decides
 * and may refuse, and O's policy may refuse when O is kept.
 */
static void tp_decision_test(struct kunit *test)
{
	const struct tp_decision *c = test->param_value;
	struct klp_patch *n = tp_build(test, "new", &c->new);
	struct klp_patch *o = tp_build(test, "old", &c->old);
	LIST_HEAD(enabled);

	list_add_tail(&o->list, &enabled);
	KUNIT_EXPECT_EQ(test, n->policy->replaces(n, o), c->replaces);
	KUNIT_EXPECT_EQ(test, klp_decide_replaced(n, &enabled), c->check);
	if (!c->check)
		KUNIT_EXPECT_EQ(test, !list_empty(&o->replaced_node), c->replaces);
	klp_release_replaced(n);
}

static const struct tp_decision replace_set_cases[] = {
	{ "same set 0 replaces",
	  { SET(0), .func = "f1" }, { SET(0), .func = "f2" }, true, 0 },
	{ "same set replaces a patch of the same function",
	  { SET(7), .func = "f1" }, { SET(7), .func = "f1" }, true, 0 },
	{ "another set is kept",
	  { SET(0), .func = "f1" }, { SET(7), .func = "f2" }, false, 0 },
	{ "another set sharing a function is refused",
	  { SET(0), .func = "f1" }, { SET(7), .func = "f1" }, false, -EINVAL },
	{ "another set sharing a module function is refused",
	  { SET(0), .func = "mod:f1" }, { SET(7), .func = "mod:f1" }, false, -EINVAL },
	{ "same name in another object is another function",
	  { SET(0), .func = "mod:f1" }, { SET(7), .func = "f1" }, false, 0 },
	{ "another set sharing a state id is refused",
	  { SET(0), .func = "f1", .state = 3, .version = 1 },
	  { SET(7), .func = "f2", .state = 3, .version = 1 }, false, -EINVAL },
	{ "same set: a missing state is refused",
	  { SET(0), .func = "f1" }, { SET(0), .func = "f1", .state = 3, .version = 1 },
	  true, -EINVAL },
	{ "same set: a lower state version is refused",
	  { SET(0), .func = "f1", .state = 3, .version = 1 },
	  { SET(0), .func = "f1", .state = 3, .version = 2 }, true, -EINVAL },
	{ "same set: a state with callbacks may be left out",
	  { SET(0), .func = "f1" }, { SET(0), .func = "f1", LIFE(3) }, true, 0 },
	{ "same set: a block_disable state may not be left out",
	  { SET(0), .func = "f1" },
	  { SET(0), .func = "f1", LIFE(3), .block_disable = true }, true, -EINVAL },
	{ "another set's state with callbacks is still refused",
	  { SET(0), .func = "f1", LIFE(3) }, { SET(7), .func = "f2", LIFE(3) },
	  false, -EINVAL },
	{ "same set: a higher state version is fine",
	  { SET(0), .func = "f1", .state = 3, .version = 2 },
	  { SET(0), .func = "f1", .state = 3, .version = 1 }, true, 0 },
	{ "set 4294967295 replaces its own",
	  { SET(4294967295U), .func = "f1" }, { SET(4294967295U), .func = "f1" }, true, 0 },
	{ "set 4294967295 is not set 0",
	  { SET(4294967295U), .func = "f1" }, { SET(0), .func = "f2" }, false, 0 },
	{ "a legacy replacing patch is kept",
	  { SET(0), .func = "f1" }, { LEGACY(true), .func = "f2" }, false, 0 },
	{ "sharing a function with a legacy patch is refused",
	  { SET(0), .func = "f1" }, { LEGACY(false), .func = "f1" }, false, -EINVAL },
	{ "tag 7 is not set 7",
	  { SET(7), .func = "f1" }, { TAG(7), .func = "f1" }, false, -EINVAL },
	{ "default, .replace=true is set 0",
	  { SET_DEF(true), .func = "f1" }, { SET(0), .func = "f1" }, true, 0 },
	{ "default, two .replace=true patches replace",
	  { SET_DEF(true), .func = "f1" }, { SET_DEF(true), .func = "f2" }, true, 0 },
	{ "default, zero-initialised patches never replace",
	  { SET_DEF(false), .func = "f1" }, { SET_DEF(false), .func = "f2" }, false, 0 },
	{ "default, zero-initialised patches may not share",
	  { SET_DEF(false), .func = "f1" }, { SET_DEF(false), .func = "f1" }, false, -EINVAL },
	{ "default, .replace=true does not replace a private set",
	  { SET_DEF(true), .func = "f1" }, { SET_DEF(false), .func = "f2" }, false, 0 },
	{ "set 0 does not replace a private set",
	  { SET(0), .func = "f1" }, { SET_DEF(false), .func = "f2" }, false, 0 },
	{ "legacy .replace=true replaces a replace_set patch",
	  { LEGACY(true), .func = "f1" }, { SET(7), .func = "f2" }, true, 0 },
	{ "legacy .replace=false keeps a replace_set patch",
	  { LEGACY(false), .func = "f1" }, { SET(7), .func = "f2" }, false, 0 },
	{ "legacy .replace=false may not share a function with a set patch",
	  { LEGACY(false), .func = "f1" }, { SET(7), .func = "f1" }, false, -EINVAL },
	{ "legacy .replace=false may not share a module function with a set patch",
	  { LEGACY(false), .func = "mod:f1" }, { SET(0), .func = "mod:f1" }, false, -EINVAL },
	{ "legacy .replace=false may not use a set patch's state id",
	  { LEGACY(false), .func = "f1", .state = 3, .version = 1 },
	  { SET(7), .func = "f2", .state = 3, .version = 1 }, false, -EINVAL },
	{ "legacy .replace=true may take over a set patch's function",
	  { LEGACY(true), .func = "f1" }, { SET(7), .func = "f1" }, true, 0 },
	{ "tag 7 may not share a function with set 7",
	  { TAG(7), .func = "f1" }, { SET(7), .func = "f1" }, false, -EINVAL },
	{ "superseding set 7 replaces its patch and takes over its function",
	  { SET(0), SUP(7), .func = "f1" }, { SET(7), .func = "f1" }, true, 0 },
	{ "superseding set 7 still replaces its own set",
	  { SET(0), SUP(7), .func = "f1" }, { SET(0), .func = "f2" }, true, 0 },
	{ "superseding a set with no enabled patch: its own set only",
	  { SET(0), SUP(7), .func = "f1" }, { SET(0), .func = "f1" }, true, 0 },
	{ "superseding 7 and 9 replaces set 9",
	  { SET(0), SUP(7, 9), .func = "mod:f1" }, { SET(9), .func = "mod:f1" }, true, 0 },
	{ "superseding 9 without its function mod:f1 is refused: it would revert",
	  { SET(0), SUP(7, 9), .func = "f1" }, { SET(9), .func = "mod:f1" }, true, -EINVAL },
	{ "superseding 7 without its function f2 is refused: it would revert",
	  { SET(0), SUP(7), .func = "f1" }, { SET(7), .func = "f2" }, true, -EINVAL },
	{ "a set not listed is kept",
	  { SET(0), SUP(7), .func = "f1" }, { SET(9), .func = "f2" }, false, 0 },
	{ "a set not listed may not share a function",
	  { SET(0), SUP(7), .func = "f1" }, { SET(9), .func = "f1" }, false, -EINVAL },
	{ "superseding 7 does not replace tag 7",
	  { SET(0), SUP(7), .func = "f1" }, { TAG(7), .func = "f1" }, false, -EINVAL },
	{ "superseding 0 does not replace a private set",
	  { SET(1), SUP(0), .func = "f1" }, { SET_DEF(false), .func = "f2" }, false, 0 },
	{ "superseded set: a missing state is refused",
	  { SET(0), SUP(7), .func = "f1" },
	  { SET(7), .func = "f1", .state = 3, .version = 1 }, true, -EINVAL },
	{ "superseded set: a lower state version is refused",
	  { SET(0), SUP(7), .func = "f1", .state = 3, .version = 1 },
	  { SET(7), .func = "f1", .state = 3, .version = 2 }, true, -EINVAL },
	{ "superseded set: the same state version is fine",
	  { SET(0), SUP(7), .func = "f1", .state = 3, .version = 2 },
	  { SET(7), .func = "f1", .state = 3, .version = 2 }, true, 0 },
	{ "an operator's also_supersede=9 replaces set 9",
	  { SET(0), SUP(7), ALSO(9), .func = "f1" }, { SET(9), .func = "f1" }, true, 0 },
	{ "also_supersede=9 without its function f2 is refused: it would revert",
	  { SET(0), ALSO(9), .func = "f1" }, { SET(9), .func = "f2" }, true, -EINVAL },
	{ "also_supersede=9 keeps set 11, which may not share",
	  { SET(0), ALSO(9), .func = "f1" }, { SET(11), .func = "f1" }, false, -EINVAL },
	{ "also_supersede=9: a missing state of set 9 is refused",
	  { SET(0), ALSO(9), .func = "f1" },
	  { SET(9), .func = "f1", .state = 3, .version = 1 }, true, -EINVAL },
	{ "a set 7 patch does not supersede the set 0 patch that superseded 7",
	  { SET(7), .func = "f2" }, { SET(0), SUP(7), .func = "f1" }, false, 0 },
};

KUNIT_ARRAY_PARAM_DESC(replace_set_decision, replace_set_cases, desc);

static const struct tp_decision tag_cases[] = {
	{ "tag 1 replaces tag 1",
	  { TAG(1), .func = "f1" }, { TAG(1), .func = "f2" }, true, 0 },
	{ "tag 2 keeps tag 1",
	  { TAG(2), .func = "f1" }, { TAG(1), .func = "f2" }, false, 0 },
	{ "tag 2 sharing a function with tag 1 is refused",
	  { TAG(2), .func = "f1" }, { TAG(1), .func = "f1" }, false, -EINVAL },
	{ "tag 2 sharing a state with tag 1 is refused",
	  { TAG(2), .func = "f1", .state = 5, .version = 1 },
	  { TAG(1), .func = "f2", .state = 5, .version = 1 }, false, -EINVAL },
	{ "tag 2 replaces tag 0",
	  { TAG(2), .func = "f1" }, { TAG(0), .func = "f1" }, true, 0 },
	{ "tag 2 replaces tag 0 in a module",
	  { TAG(2), .func = "mod:f1" }, { TAG(0), .func = "mod:f1" }, true, 0 },
	{ "tag 2 may not leave out the state with callbacks of a tag 0 patch",
	  { TAG(2), .func = "f1" }, { TAG(0), .func = "f1", LIFE(5) }, true, -EINVAL },
	{ "tag 2 may retire the state with callbacks of a tag 0 patch",
	  { TAG(2), .func = "f1", .retire = 5 }, { TAG(0), .func = "f1", LIFE(5) },
	  true, 0 },
	{ "tag 0 replaces nothing",
	  { TAG(0), .func = "f1" }, { TAG(0), .func = "f2" }, false, 0 },
	{ "tag 0 stacks on tag 0",
	  { TAG(0), .func = "f1" }, { TAG(0), .func = "f1" }, false, 0 },
	{ "tag 0 shares a state with tag 0",
	  { TAG(0), .func = "f1", .state = 5, .version = 1 },
	  { TAG(0), .func = "f2", .state = 5, .version = 1 }, false, 0 },
	{ "tag 0 may not stack on tag 1",
	  { TAG(0), .func = "f1" }, { TAG(1), .func = "f1" }, false, -EINVAL },
	{ "tag 0 beside tag 1",
	  { TAG(0), .func = "f1" }, { TAG(1), .func = "f2" }, false, 0 },
	{ "same tag: a missing state is refused",
	  { TAG(1), .func = "f1" }, { TAG(1), .func = "f1", .state = 5, .version = 1 },
	  true, -EINVAL },
	{ "same tag: a lower state version is refused",
	  { TAG(1), .func = "f1", .state = 5, .version = 1 },
	  { TAG(1), .func = "f1", .state = 5, .version = 3 }, true, -EINVAL },
	{ "tag 4294967295 replaces its own",
	  { TAG(4294967295U), .func = "f1" }, { TAG(4294967295U), .func = "f1" }, true, 0 },
	{ "tag 4294967295 replaces tag 0",
	  { TAG(4294967295U), .func = "f1" }, { TAG(0), .func = "f2" }, true, 0 },
	{ "a legacy patch has no tag: kept",
	  { TAG(1), .func = "f1" }, { LEGACY(true), .func = "f2" }, false, 0 },
	{ "sharing a function with a legacy patch is refused",
	  { TAG(1), .func = "f1" }, { LEGACY(true), .func = "f1" }, false, -EINVAL },
	{ "sharing a function with a replace_set patch is refused",
	  { TAG(1), .func = "f1" }, { SET(1), .func = "f1" }, false, -EINVAL },
	{ "default, .replace=true replaces .replace=false",
	  { TAG_DEF(true), .func = "f1" }, { TAG_DEF(false), .func = "f1" }, true, 0 },
	{ "default, .replace=true replaces tag 1",
	  { TAG_DEF(true), .func = "f1" }, { TAG(1), .func = "f2" }, true, 0 },
	{ "default, .replace=false patches stack",
	  { TAG_DEF(false), .func = "f1" }, { TAG_DEF(false), .func = "f1" }, false, 0 },
	{ "default, .replace=false may not stack on .replace=true",
	  { TAG_DEF(false), .func = "f1" }, { TAG_DEF(true), .func = "f1" }, false, -EINVAL },
	{ "legacy .replace=true replaces a tag patch",
	  { LEGACY(true), .func = "f1" }, { TAG(3), .func = "f2" }, true, 0 },
	{ "legacy .replace=false may not share a function with a tag patch",
	  { LEGACY(false), .func = "f1" }, { TAG(2), .func = "f1" }, false, -EINVAL },
	{ "legacy .replace=false may not share a function with a tag 0 patch",
	  { LEGACY(false), .func = "f1" }, { TAG(0), .func = "f1" }, false, -EINVAL },
	{ "legacy .replace=false may not use a tag patch's state id",
	  { LEGACY(false), .func = "f1", .state = 5, .version = 1 },
	  { TAG(2), .func = "f2", .state = 5, .version = 1 }, false, -EINVAL },
	{ "legacy .replace=false beside a tag patch",
	  { LEGACY(false), .func = "f1" }, { TAG(2), .func = "f2" }, false, 0 },
	{ "legacy .replace=true may take over a tag patch's function",
	  { LEGACY(true), .func = "f1" }, { TAG(2), .func = "f1" }, true, 0 },
};

KUNIT_ARRAY_PARAM_DESC(tag_decision, tag_cases, desc);

/* ---- parameter validation ---- */

struct tp_validation {
	const char *desc;
	struct tp_spec spec;
	unsigned int replace_set, replace_tag;
	int ret;
};

static void tp_validation_test(struct kunit *test)
{
	const struct tp_validation *c = test->param_value;
	struct klp_patch *patch = tp_build(test, "patch", &c->spec);

	patch->replace_set |= c->replace_set;
	patch->replace_tag |= c->replace_tag;

	KUNIT_EXPECT_EQ(test, patch->policy->validate(patch), c->ret);
}

static const struct tp_validation validation_cases[] = {
	{ "replace_set 7", { SET(7), .func = "f" }, 0, 0, 0 },
	{ "replace_set 4294967295", { SET(4294967295U), .func = "f" }, 0, 0, 0 },
	{ "replace_set default .replace=true", { SET_DEF(true), .func = "f" }, 0, 0, 0 },
	{ "replace_set and .replace", { SET(7), .replace = true, .func = "f" },
	  0, 0, -EINVAL },
	{ "replace_set without selecting it", { SET_DEF(false), .func = "f" },
	  5, 0, -EINVAL },
	{ "replace_set with a tag", { SET(7), .func = "f" }, 0, 3, -EINVAL },
	{ "tag 0", { TAG(0), .func = "f" }, 0, 0, 0 },
	{ "tag default .replace=false", { TAG_DEF(false), .func = "f" }, 0, 0, 0 },
	{ "tag and .replace", { TAG(2), .replace = true, .func = "f" }, 0, 0, -EINVAL },
	{ "tag without selecting it", { TAG_DEF(true), .func = "f" }, 0, 2, -EINVAL },
	{ "tag with a set", { TAG(2), .func = "f" }, 1, 0, -EINVAL },
	{ "legacy with a set", { LEGACY(true), .func = "f" }, 1, 0, -EINVAL },
	{ "legacy with a tag", { LEGACY(false), .func = "f" }, 0, 1, -EINVAL },
	{ "legacy", { LEGACY(true), .func = "f" }, 0, 0, 0 },
	{ "replace_set superseding 7", { SET(0), SUP(7), .func = "f" }, 0, 0, 0 },
	{ "replace_set superseding 16 sets",
	  { SET(0), SUP(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16), .func = "f" },
	  0, 0, 0 },
	{ "replace_set superseding 17 sets",
	  { SET(0), SUP(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17),
	    .func = "f" }, 0, 0, -EINVAL },
	{ "replace_set superseding its own set", { SET(7), SUP(1, 7), .func = "f" },
	  0, 0, -EINVAL },
	{ "replace_set superseding set 0 twice", { SET(7), SUP(0, 9, 0), .func = "f" },
	  0, 0, -EINVAL },
	{ "replace_set with an empty supersede list",
	  { SET(0), .sup = (const unsigned int[]){ 7 }, .nr_sup = 0, .func = "f" },
	  0, 0, -EINVAL },
	{ "replace_set with a supersede count and no list",
	  { SET(0), .nr_sup = 2, .func = "f" }, 0, 0, -EINVAL },
	{ "supersede list without selecting replace_set",
	  { SET_DEF(true), SUP(7), .func = "f" }, 0, 0, -EINVAL },
	{ "tag with a supersede list", { TAG(1), SUP(7), .func = "f" }, 0, 0, -EINVAL },
	{ "legacy with a supersede list", { LEGACY(true), SUP(7), .func = "f" },
	  0, 0, -EINVAL },
	{ "replace_set with also_supersede=9", { SET(0), SUP(7), ALSO(9), .func = "f" },
	  0, 0, 0 },
	{ "also_supersede declared, not set",
	  { SET(0), .also = (const unsigned int[]){ 0 }, .nr_also = &(const unsigned int){ 0 },
	    .func = "f" }, 0, 0, 0 },
	{ "also_supersede of its own set", { SET(4), ALSO(4), .func = "f" }, 0, 0, -EINVAL },
	{ "also_supersede of a set already superseded",
	  { SET(0), SUP(7), ALSO(9, 7), .func = "f" }, 0, 0, -EINVAL },
	{ "also_supersede of set 9 twice", { SET(0), ALSO(9, 9), .func = "f" }, 0, 0, -EINVAL },
	{ "also_supersede without selecting replace_set",
	  { SET_DEF(true), ALSO(9), .func = "f" }, 0, 0, -EINVAL },
	{ "tag with also_supersede", { TAG(1), ALSO(9), .func = "f" }, 0, 0, -EINVAL },
	{ "legacy with also_supersede", { LEGACY(false), ALSO(9), .func = "f" },
	  0, 0, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(validation, validation_cases, desc);

/* ---- /sys/kernel/livepatch/<patch>/replace_set and replace_tag ---- */

struct tp_show {
	const char *desc;
	struct tp_spec spec;
	const char *file;
	const char *expected;
};

static void tp_show_test(struct kunit *test)
{
	const struct tp_show *c = test->param_value;
	struct klp_patch *patch = tp_build(test, "patch", &c->spec);
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	const struct attribute_group *group = patch->policy->patch_attrs;
	struct kobj_attribute *attr = NULL;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, group);
	for (i = 0; group->attrs[i]; i++) {
		if (!strcmp(group->attrs[i]->name, c->file))
			attr = container_of(group->attrs[i], struct kobj_attribute, attr);
	}
	KUNIT_ASSERT_NOT_NULL_MSG(test, attr, "no file %s", c->file);
	/* NULL: the file is absent from the patch's directory. */
	if (!c->expected) {
		KUNIT_ASSERT_NOT_NULL(test, group->is_visible);
		KUNIT_EXPECT_EQ(test, group->is_visible(&patch->kobj, &attr->attr, 0), 0);
		return;
	}
	if (group->is_visible)
		KUNIT_EXPECT_NE(test, group->is_visible(&patch->kobj, &attr->attr, 0), 0);
	KUNIT_EXPECT_EQ(test, attr->show(&patch->kobj, attr, buf), strlen(c->expected));
	KUNIT_EXPECT_STREQ(test, buf, c->expected);
}

static const struct tp_show show_cases[] = {
	{ "set 0", { SET(0), .func = "f" }, "replace_set", "0\n" },
	{ "set 4294967295", { SET(4294967295U), .func = "f" }, "replace_set", "4294967295\n" },
	{ "set default .replace=true", { SET_DEF(true), .func = "f" }, "replace_set", "0\n" },
	{ "set default .replace=false: a private set, no file", { SET_DEF(false), .func = "f" },
	  "replace_set", NULL },
	{ "set 0 supersedes nothing", { SET(0), .func = "f" }, "replace_supersedes", "\n" },
	{ "set 0 supersedes 7", { SET(0), SUP(7), .func = "f" }, "replace_supersedes", "7\n" },
	{ "set 0 supersedes 9 and 4294967295", { SET(0), SUP(9, 4294967295U), .func = "f" },
	  "replace_supersedes", "9 4294967295\n" },
	{ "set 0, no also_supersede", { SET(0), .func = "f" }, "replace_also_supersede", "\n" },
	{ "set 0, also_supersede=9,11", { SET(0), ALSO(9, 11), .func = "f" },
	  "replace_also_supersede", "9 11\n" },
	{ "tag 0", { TAG(0), .func = "f" }, "replace_tag", "0\n" },
	{ "tag 4294967295", { TAG(4294967295U), .func = "f" }, "replace_tag", "4294967295\n" },
	{ "tag default .replace=true", { TAG_DEF(true), .func = "f" }, "replace_tag", "1\n" },
	{ "tag default .replace=false", { TAG_DEF(false), .func = "f" }, "replace_tag", "0\n" },
};

KUNIT_ARRAY_PARAM_DESC(show, show_cases, desc);

/* ---- the designated-initializer helpers ---- */

static void tp_initializer_test(struct kunit *test)
{
	static const struct klp_patch set_patch = { KLP_REPLACE_SET(7) };
	static const struct klp_patch tag_patch = { .replace = false, KLP_REPLACE_TAG(2) };

	KUNIT_EXPECT_STREQ(test, set_patch.replace_policy, "replace_set");
	KUNIT_EXPECT_EQ(test, set_patch.replace_set, 7);
	KUNIT_EXPECT_EQ(test, set_patch.replace_tag, 0);
	KUNIT_EXPECT_STREQ(test, tag_patch.replace_policy, "tag");
	KUNIT_EXPECT_EQ(test, tag_patch.replace_tag, 2);
	KUNIT_EXPECT_EQ(test, tag_patch.replace_set, 0);
}

/* Both are registered, under the names patches, sysfs and the boot parameter use. */
static void tp_registered_test(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, tp_set->name, "replace_set");
	KUNIT_EXPECT_STREQ(test, tp_tag->name, "tag");
	KUNIT_EXPECT_STREQ(test, tp_legacy->name, "legacy");
}

/* ---- the lifecycle of system states, under every policy ---- */

/* What the states' callbacks and shadow destructors did, in order. */
static char tp_log[512];

/* Entries are separated by ", ", and by " | " where the transition ends. */
static const char *tp_log_sep(size_t len)
{
	if (!len)
		return "";
	return tp_log[len - 1] == '|' ? " " : ", ";
}

static void tp_logf(const char *what, const struct klp_patch *patch,
		    const struct klp_state *state)
{
	size_t len = strlen(tp_log);

	scnprintf(tp_log + len, sizeof(tp_log) - len, "%s%s %s %lu",
		  tp_log_sep(len), what, patch->mod->name, state->id);
}

static int tp_pre_patch(struct klp_patch *patch, struct klp_state *state)
{
	tp_logf("pre_patch", patch, state);
	return (long)state->data;
}

static void tp_post_patch(struct klp_patch *patch, struct klp_state *state)
{
	tp_logf("post_patch", patch, state);
}

static void tp_pre_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	tp_logf("pre_unpatch", patch, state);
}

static void tp_post_unpatch(struct klp_patch *patch, struct klp_state *state)
{
	tp_logf("post_unpatch", patch, state);
}

/* Every shadow variable of the tests holds its own id. */
static void tp_shadow_dtor(void *obj, void *shadow_data)
{
	size_t len = strlen(tp_log);

	scnprintf(tp_log + len, sizeof(tp_log) - len, "%sfree shadow %lu",
		  tp_log_sep(len), *(unsigned long *)shadow_data);
}

static void tp_state_lifecycle(struct klp_state *state, const struct tp_spec *spec)
{
	state->callbacks.pre_patch = tp_pre_patch;
	state->callbacks.post_patch = tp_post_patch;
	state->callbacks.pre_unpatch = tp_pre_unpatch;
	state->callbacks.post_unpatch = tp_post_unpatch;
	state->callbacks.shadow_dtor = tp_shadow_dtor;
	state->is_shadow = true;
	state->data = (void *)(long)spec->pre_patch_ret;
}

enum tp_life_op {
	TP_ENABLE,	/* new is enabled, its transition completes */
	TP_FORCE,	/* new is enabled, its transition forced */
	TP_REVERSE,	/* new is enabled, its transition is reversed */
	TP_DISABLE,	/* old[0] is disabled */
};

struct tp_life {
	const char *desc;
	struct tp_spec old[3];	/* the enabled patches, "o0" .. "o2" */
	struct tp_spec new;	/* the patch being enabled, "new" */
	enum tp_life_op op;
	int ret;
	const char *log;	/* "<at the start> |<at the end>", "" when refused */
	bool foreign;		/* code without the state uses its shadow id too */
};

static int tp_shadow_obj, tp_shadow_foreign;

static void tp_shadow_each(struct kunit *test, struct klp_patch *patch, bool alloc)
{
	unsigned long *data;

	if (!patch->states[0].is_shadow)
		return;
	if (!alloc) {
		/* The test's own variable only, and the owners list entry. */
		klp_shadow_free(&tp_shadow_obj, patch->states[0].id, NULL);
		patch->states[0].shadow_forced = false;
		klp_shadow_disown(&patch->states[0]);
		return;
	}
	/* An enabled carrier, whose own code allocates: the state owns it. */
	klp_shadow_own(&patch->states[0], patch->mod);
	data = klp_shadow_alloc_owned(&tp_shadow_obj, patch->states[0].id,
				      sizeof(*data));
	KUNIT_EXPECT_NOT_NULL(test, data);
	if (!data)
		return;
	*data = patch->states[0].id;
}

static struct kunit *tp_current;

/*
 * The objects' step of klp_states_enable(): the patch's code, once its
 * objects are patched, allocates its state's shadow variable; or the
 * step fails, as an object's pre_patch callback may.
 */
static int tp_prepare_objects(struct klp_patch *patch)
{
	const struct tp_life *c = tp_current->param_value;

	if (c->new.obj_ret)
		return c->new.obj_ret;
	tp_shadow_each(tp_current, patch, true);
	return 0;
}

/*
 * The core's steps for one transition, as __klp_enable_patch(),
 * __klp_disable_patch() and klp_complete_transition() take them, with a
 * shadow variable for each state that has them.
 */
static void tp_life_test(struct kunit *test)
{
	const struct tp_life *c = test->param_value;
	static const char * const names[] = { "o0", "o1", "o2" };
	struct klp_patch *old[ARRAY_SIZE(c->old)] = {}, *n, *patch;
	int target = KLP_TRANSITION_PATCHED;
	bool started = false;
	LIST_HEAD(patches);
	int i, ret;

	tp_log[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(c->old) && c->old[i].func; i++) {
		old[i] = tp_build(test, names[i], &c->old[i]);
		old[i]->enabled = true;
		list_add_tail(&old[i]->list, &patches);
		tp_shadow_each(test, old[i], true);
	}
	n = tp_build(test, "new", &c->new);
	/* Not the core's: no free may reach it, so its dtor would log. */
	if (c->foreign)
		KUNIT_ASSERT_NOT_NULL(test,
				      klp_shadow_alloc(&tp_shadow_foreign, c->old[0].state,
						       sizeof(unsigned long),
						       GFP_KERNEL, NULL, NULL));

	if (c->op == TP_DISABLE) {
		patch = old[0];
		target = KLP_TRANSITION_UNPATCHED;
		ret = klp_states_block_disable(patch, &patches);
		if (!ret) {
			started = true;
			klp_states_pre_unpatch(patch, &patches);
		}
	} else {
		patch = n;
		/*
		 * klp_policy_prepare()'s steps, on the test's own list; as in
		 * the core, n joins the list after them (klp_init_patch()).
		 */
		ret = klp_decide_replaced(n, &patches);
		if (!ret && !klp_is_patch_compatible(n, &patches))
			ret = -EINVAL;
		if (!ret)
			ret = klp_check_consistency(n, &patches);
		list_add_tail(&n->list, &patches);
		if (!ret) {
			started = true;
			tp_current = test;
			ret = klp_states_enable(n, &patches, tp_prepare_objects);
			if (ret)
				target = KLP_TRANSITION_UNPATCHED;
		}
		if (c->op == TP_REVERSE)
			target = KLP_TRANSITION_UNPATCHED;
		/* As klp_force_transition() marks them. */
		if (c->op == TP_FORCE && !ret)
			klp_for_each_replaced_patch(n, patch)
				patch->forced = true;
		patch = n;
	}
	KUNIT_EXPECT_EQ(test, ret, c->ret);

	/* As klp_cancel_transition() does when the start failed. */
	if (started) {
		scnprintf(tp_log + strlen(tp_log), sizeof(tp_log) - strlen(tp_log), " |");
		klp_states_complete_transition(patch, target);
	}
	KUNIT_EXPECT_STREQ(test, tp_log, c->log);
	/* A forced task may still use the data: its id is pinned for good. */
	if (c->op == TP_FORCE)
		KUNIT_EXPECT_TRUE(test, klp_shadow_id_pinned(6));
	if (c->foreign)
		KUNIT_EXPECT_NOT_NULL(test, klp_shadow_get(&tp_shadow_foreign,
							   c->old[0].state));

	klp_states_release(n);
	klp_release_replaced(n);
	for (i = 0; i < ARRAY_SIZE(old) && old[i]; i++)
		tp_shadow_each(test, old[i], false);
	tp_shadow_each(test, n, false);
	if (c->foreign)
		klp_shadow_free_all(c->old[0].state, NULL);
}

#define OLD(...)	.old = { __VA_ARGS__ }

static const struct tp_life life_cases[] = {
	/* legacy */
	{ "legacy: a replacing patch carrying the state takes it over",
	  OLD({ LEGACY(true), .func = "f1", LIFE(5) }),
	  { LEGACY(true), .func = "f1", LIFE(5) }, TP_ENABLE, 0, " |" },
	{ "legacy: a new state enters",
	  OLD({ LEGACY(true), .func = "f1" }),
	  { LEGACY(true), .func = "f1", LIFE(6) }, TP_ENABLE, 0,
	  "pre_patch new 6 | post_patch new 6" },
	{ "legacy: a new state enters, reversed: undone, its shadow freed",
	  OLD({ LEGACY(true), .func = "f1" }),
	  { LEGACY(true), .func = "f1", LIFE(6) }, TP_REVERSE, 0,
	  "pre_patch new 6 | post_unpatch new 6, free shadow 6" },
	{ "legacy: a downgrade drops the newer patch's state: its callbacks undo it",
	  OLD({ LEGACY(true), .func = "f1", LIFE(5) }),
	  { LEGACY(true), .func = "f1" }, TP_ENABLE, 0,
	  "pre_unpatch o0 5 | post_unpatch o0 5, free shadow 5" },
	{ "legacy: a downgrade reversed: the dropped state is set up again",
	  OLD({ LEGACY(true), .func = "f1", LIFE(5) }),
	  { LEGACY(true), .func = "f1" }, TP_REVERSE, 0,
	  "pre_unpatch o0 5 | post_patch o0 5" },
	{ "legacy: a replacing patch leaves out an off-band patch's state: refused",
	  OLD({ LEGACY(false), .func = "f1", LIFE(5) }),
	  { LEGACY(true), .func = "f1" }, TP_ENABLE, -EINVAL, "" },
	{ "legacy: two replaced patches carry the retired state: the last undoes it once",
	  OLD({ LEGACY(false), .func = "f1", LIFE(5) },
	      { LEGACY(false), .func = "f2", LIFE(5) }),
	  { LEGACY(true), .func = "f1", .func2 = "f2", .retire = 5 }, TP_ENABLE, 0,
	  "pre_unpatch o1 5 | post_unpatch o1 5, free shadow 5" },
	{ "legacy: a stacked patch shares the state: nothing enters",
	  OLD({ LEGACY(false), .func = "f1", LIFE(5) }),
	  { LEGACY(false), .func = "f2", LIFE(5) }, TP_ENABLE, 0, " |" },
	{ "legacy: a failing pre_patch refuses; the states set up are undone",
	  OLD({ LEGACY(true), .func = "f1", LIFE(5) }),
	  { LEGACY(true), .func = "f1", LIFE(6), .pre_patch_ret = -EIO }, TP_ENABLE,
	  -EIO, "pre_patch new 6 |" },
	{ "legacy: disabling the last carrier: the state leaves",
	  OLD({ LEGACY(true), .func = "f1", LIFE(5) }),
	  { LEGACY(true), .func = "f1" }, TP_DISABLE, 0,
	  "pre_unpatch o0 5 | post_unpatch o0 5, free shadow 5" },
	{ "legacy: disabling one of two carriers: the state stays",
	  OLD({ LEGACY(false), .func = "f1", LIFE(5) },
	      { LEGACY(false), .func = "f2", LIFE(5) }),
	  { LEGACY(true), .func = "f1" }, TP_DISABLE, 0, " |" },
	{ "legacy: a block_disable state keeps its last carrier enabled",
	  OLD({ LEGACY(true), .func = "f1", LIFE(5), .block_disable = true }),
	  { LEGACY(true), .func = "f1" }, TP_DISABLE, -EPERM, "" },
	/* replace_set */
	{ "replace_set: own set, the state carried: taken over, nothing runs",
	  OLD({ SET(0), .func = "f1", LIFE(5) }, { SET(7), .func = "f2", LIFE(6) }),
	  { SET(0), .func = "f1", LIFE(5) }, TP_ENABLE, 0, " |" },
	{ "replace_set: own set, a downgrade drops the state",
	  OLD({ SET(0), .func = "f1", LIFE(5) }, { SET(7), .func = "f2", LIFE(6) }),
	  { SET(0), .func = "f1" }, TP_ENABLE, 0,
	  "pre_unpatch o0 5 | post_unpatch o0 5, free shadow 5" },
	{ "replace_set: a set not listed keeps its state",
	  OLD({ SET(0), .func = "f1" }, { SET(9), .func = "f2", LIFE(6) }),
	  { SET(0), SUP(7), .func = "f1" }, TP_ENABLE, 0, " |" },
	{ "replace_set: a fold-in carrying the superseded set's state: shadow data kept",
	  OLD({ SET(0), .func = "f1" }, { SET(7), .func = "f2", LIFE(6) }),
	  { SET(0), SUP(7), .func = "f1", .func2 = "f2", LIFE(6) }, TP_ENABLE, 0, " |" },
	{ "replace_set: superseding a set with retire_states retires its state",
	  OLD({ SET(0), .func = "f1" }, { SET(7), .func = "f2", LIFE(6) }),
	  { SET(0), SUP(7), .func = "f1", .func2 = "f2", .retire = 6 }, TP_ENABLE, 0,
	  "pre_unpatch o1 6 | post_unpatch o1 6, free shadow 6" },
	{ "replace_set: a fold-in leaving out the superseded set's state: refused",
	  OLD({ SET(0), .func = "f1" }, { SET(7), .func = "f2", LIFE(6) }),
	  { SET(0), SUP(7), .func = "f1", .func2 = "f2" }, TP_ENABLE, -EINVAL, "" },
	{ "replace_set: retiring reversed: set up again, shadow data kept",
	  OLD({ SET(0), .func = "f1" }, { SET(7), .func = "f2", LIFE(6) }),
	  { SET(0), SUP(7), .func = "f1", .func2 = "f2", .retire = 6 }, TP_REVERSE, 0,
	  "pre_unpatch o1 6 | post_patch o1 6" },
	{ "replace_set: forced retirement: callbacks run, shadow data kept",
	  OLD({ SET(0), .func = "f1" }, { SET(7), .func = "f2", LIFE(6) }),
	  { SET(0), SUP(7), .func = "f1", .func2 = "f2", .retire = 6 }, TP_FORCE, 0,
	  "pre_unpatch o1 6 | post_unpatch o1 6" },
	{ "replace_set: forced take-over: the next carrier keeps the data too",
	  OLD({ SET(7), .func = "f2", LIFE(6) }),
	  { SET(7), .func = "f2", LIFE(6) }, TP_FORCE, 0, " |" },
	{ "replace_set: a variable of the id the state does not own is not freed",
	  OLD({ SET(7), .func = "f2", LIFE(6) }),
	  { SET(7), .func = "f2" }, TP_ENABLE, 0,
	  "pre_unpatch o0 6 | post_unpatch o0 6, free shadow 6", .foreign = true },
	{ "replace_set: a positive pre_patch return is refused with -EINVAL",
	  OLD({ SET(0), .func = "f1" }),
	  { SET(7), .func = "f2", LIFE(6), .pre_patch_ret = 1 }, TP_ENABLE,
	  -EINVAL, "pre_patch new 6 |" },
	{ "replace_set: a new set's state enters beside another set's",
	  OLD({ SET(0), .func = "f1", LIFE(5) }),
	  { SET(7), .func = "f2", LIFE(6) }, TP_ENABLE, 0,
	  "pre_patch new 6 | post_patch new 6" },
	{ "replace_set: two sets declaring one shadow id: refused, nothing runs",
	  OLD({ SET(0), .func = "f1", LIFE(5) }),
	  { SET(7), .func = "f2", LIFE(5) }, TP_ENABLE, -EINVAL, "" },
	/* tag */
	{ "tag: tag 1 retires a tag 0 patch's state: it leaves",
	  OLD({ TAG(1), .func = "f1" }, { TAG(0), .func = "f2", LIFE(6) }),
	  { TAG(1), .func = "f1", .func2 = "f2", .retire = 6 }, TP_ENABLE, 0,
	  "pre_unpatch o1 6 | post_unpatch o1 6, free shadow 6" },
	{ "tag: tag 1 leaving out a tag 0 patch's state unretired: refused",
	  OLD({ TAG(1), .func = "f1" }, { TAG(0), .func = "f2", LIFE(6) }),
	  { TAG(1), .func = "f1", .func2 = "f2" }, TP_ENABLE, -EINVAL, "" },
	{ "tag: tag 1 leaves out a tag 1 patch's state: a downgrade",
	  OLD({ TAG(1), .func = "f1", LIFE(5) }),
	  { TAG(1), .func = "f1" }, TP_ENABLE, 0,
	  "pre_unpatch o0 5 | post_unpatch o0 5, free shadow 5" },
	{ "tag: tag 1 carrying a tag 0 patch's state takes it over",
	  OLD({ TAG(1), .func = "f1" }, { TAG(0), .func = "f2", LIFE(6) }),
	  { TAG(1), .func = "f1", .func2 = "f2", LIFE(6) }, TP_ENABLE, 0, " |" },
	{ "tag: tag 0 beside tag 1 brings its state in",
	  OLD({ TAG(1), .func = "f1", LIFE(5) }),
	  { TAG(0), .func = "f2", LIFE(6) }, TP_ENABLE, 0,
	  "pre_patch new 6 | post_patch new 6" },
	/* a plugin keeping one patch and replacing another */
	{ "hybrid: the replaced patch's retired state leaves, the kept one's stays",
	  OLD({ HYBRID(false), .func = "f1", LIFE(5) },
	      { HYBRID(true), .func = "f2", LIFE(6) }),
	  { HYBRID(false), .func = "f2", .retire = 6 }, TP_ENABLE, 0,
	  "pre_unpatch o1 6, accepted new 0 | post_unpatch o1 6, free shadow 6" },
	{ "hybrid: a plugin may not drop a replaced patch's state unretired",
	  OLD({ HYBRID(false), .func = "f1", LIFE(5) },
	      { HYBRID(true), .func = "f2", LIFE(6) }),
	  { HYBRID(false), .func = "f2" }, TP_ENABLE, -EINVAL, "" },
	{ "hybrid: an object step failing after pre_patch: undone, no accepted()",
	  OLD({ HYBRID(false), .func = "f1" }),
	  { HYBRID(false), .func = "f2", LIFE(6), .obj_ret = -ENODEV }, TP_ENABLE,
	  -ENODEV, "pre_patch new 6 | post_unpatch new 6" },
	{ "hybrid: a new state enters, then accepted()",
	  OLD({ HYBRID(false), .func = "f1" }),
	  { HYBRID(false), .func = "f2", LIFE(6) }, TP_ENABLE, 0,
	  "pre_patch new 6, accepted new 6 | post_patch new 6" },
	{ "hybrid: a state shared by the kept and the replaced patch: refused",
	  OLD({ HYBRID(false), .func = "f1", LIFE(5) },
	      { HYBRID(true), .func = "f2", LIFE(5) }),
	  { HYBRID(false), .func = "f2", LIFE(5) }, TP_ENABLE, -EINVAL, "" },
};

KUNIT_ARRAY_PARAM_DESC(life, life_cases, desc);

static struct kunit_case klp_state_lifecycle_test_cases[] = {
	KUNIT_CASE_PARAM(tp_life_test, life_gen_params),
	{}
};

static struct kunit_suite klp_state_lifecycle_test_suite = {
	.name = "klp_state_lifecycle",
	.suite_init = tp_suite_init,
	.suite_exit = tp_suite_exit,
	.test_cases = klp_state_lifecycle_test_cases,
};

static struct kunit_case klp_replace_set_test_cases[] = {
	KUNIT_CASE_PARAM(tp_decision_test, replace_set_decision_gen_params),
	{}
};

static struct kunit_suite klp_replace_set_test_suite = {
	.name = "klp_replace_set",
	.suite_init = tp_suite_init,
	.suite_exit = tp_suite_exit,
	.test_cases = klp_replace_set_test_cases,
};

static struct kunit_case klp_tag_test_cases[] = {
	KUNIT_CASE_PARAM(tp_decision_test, tag_decision_gen_params),
	{}
};

static struct kunit_suite klp_tag_test_suite = {
	.name = "klp_tag",
	.suite_init = tp_suite_init,
	.suite_exit = tp_suite_exit,
	.test_cases = klp_tag_test_cases,
};

static struct kunit_case klp_scoped_policies_test_cases[] = {
	KUNIT_CASE_PARAM(tp_validation_test, validation_gen_params),
	KUNIT_CASE_PARAM(tp_show_test, show_gen_params),
	KUNIT_CASE(tp_initializer_test),
	KUNIT_CASE(tp_registered_test),
	{}
};

static struct kunit_suite klp_scoped_policies_test_suite = {
	.name = "klp_scoped_policies",
	.suite_init = tp_suite_init,
	.suite_exit = tp_suite_exit,
	.test_cases = klp_scoped_policies_test_cases,
};

kunit_test_suites(&klp_replace_set_test_suite, &klp_tag_test_suite,
		  &klp_scoped_policies_test_suite, &klp_state_lifecycle_test_suite);

MODULE_DESCRIPTION("KUnit tests for the replace_set and tag livepatch replace policies");
MODULE_LICENSE("GPL");
