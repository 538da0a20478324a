// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy.c - replace policies: which livepatches a new livepatch replaces
 *
 * A policy answers, for a patch being enabled and each enabled patch,
 * whether the new one replaces the old one; it may also refuse the new
 * patch. The answer is taken once per transition, under klp_mutex, and
 * kept in the new patch's replaced_list, which klp_add_nops(), the
 * unpatching and freeing of replaced patches and klp_force_transition()
 * all use. Whatever a policy says, the core refuses a patch that would
 * make a function fall back from a replaced patch's code to a kept
 * patch's code without a transition.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kmod.h>
#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "core.h"
#include "policy.h"
#include "state.h"
#include "transition.h"

/*
 * klp_policy_mutex protects klp_policies. It nests inside klp_mutex and
 * is never held while calling a policy.
 */
static DEFINE_MUTEX(klp_policy_mutex);
static LIST_HEAD(klp_policies);

/* The policy of patches that name none; legacy until late_initcall. */
KLP_POLICY_VISIBLE struct klp_replace_policy *klp_default_policy = &klp_legacy_policy;

static char klp_default_policy_name[KLP_REPLACE_POLICY_NAME_MAX] =
	CONFIG_KLP_DEFAULT_REPLACE_POLICY;
module_param_string(replace_policy, klp_default_policy_name,
		    sizeof(klp_default_policy_name), 0444);
MODULE_PARM_DESC(replace_policy,
		 "replace policy of livepatches that name none (default: "
		 CONFIG_KLP_DEFAULT_REPLACE_POLICY ")");

/* Names come from patch modules: never read past the longest valid one. */
static bool klp_policy_name_valid(const char *name)
{
	return name && name[0] &&
	       strnlen(name, KLP_REPLACE_POLICY_NAME_MAX) < KLP_REPLACE_POLICY_NAME_MAX;
}

static struct klp_replace_policy *klp_policy_find(const char *name)
{
	struct klp_replace_policy *policy;

	lockdep_assert_held(&klp_policy_mutex);

	list_for_each_entry(policy, &klp_policies, list) {
		if (!strcmp(policy->name, name))
			return policy;
	}

	return NULL;
}

/*
 * The in-tree policies whose files are in the patch's own directory: built
 * in, or a module built in the kernel tree (an out-of-tree module, which
 * any plugin is, carries TAINT_OOT_MODULE), so that a plugin registering
 * one of their names does not get flat files.
 */
static bool klp_policy_has_flat_attrs(const struct klp_replace_policy *policy,
				      const struct module *owner)
{
	if (strcmp(policy->name, "replace_set") && strcmp(policy->name, "tag"))
		return false;

	return !owner || !test_bit(TAINT_OOT_MODULE, &owner->taints);
}

static int klp_validate_replace_policy(const struct klp_replace_policy *policy,
				       const struct module *owner)
{
	if (!klp_policy_name_valid(policy->name)) {
		pr_err("replace policy name must be 1 to %d characters\n",
		       KLP_REPLACE_POLICY_NAME_MAX - 1);
		return -EINVAL;
	}

	if (!policy->replaces) {
		pr_err("replace policy '%s' does not implement required op replaces()\n",
		       policy->name);
		return -EINVAL;
	}

	/*
	 * A policy's files go in a directory named after it: a file the
	 * core adds to patch directories later (6.13's stack_order, say)
	 * must not collide with a plugin's. The in-tree scoped policies
	 * predate the rule; their files are documented ABI.
	 */
	if (policy->patch_attrs && !klp_policy_has_flat_attrs(policy, owner) &&
	    (!policy->patch_attrs->name ||
	     strcmp(policy->patch_attrs->name, policy->name))) {
		pr_err("replace policy '%s': patch_attrs must be named '%s', a directory of each patch's\n",
		       policy->name, policy->name);
		return -EINVAL;
	}

	if (policy->params_size &&
	    policy->params_size < sizeof(struct klp_replace_params)) {
		pr_err("replace policy '%s': params_size %zu is smaller than struct klp_replace_params\n",
		       policy->name, policy->params_size);
		return -EINVAL;
	}

	if (policy->params_min_size &&
	    (policy->params_min_size > policy->params_size ||
	     policy->params_min_size < sizeof(struct klp_replace_params))) {
		pr_err("replace policy '%s': params_min_size %zu is not between struct klp_replace_params and params_size %zu\n",
		       policy->name, policy->params_min_size, policy->params_size);
		return -EINVAL;
	}

	return 0;
}

/**
 * __klp_register_replace_policy() - make a replace policy available
 * @policy:	policy to register; must stay valid until unregistered
 * @owner:	module implementing @policy
 *
 * Called through klp_register_replace_policy(), which passes THIS_MODULE:
 * @owner is stored in &klp_replace_policy.owner, whatever the policy set
 * there, so that every patch using the policy pins its module.
 *
 * Return: see klp_register_replace_policy().
 */
int __klp_register_replace_policy(struct klp_replace_policy *policy,
				  struct module *owner)
{
	int ret;

	ret = klp_validate_replace_policy(policy, owner);
	if (ret)
		return ret;

	policy->owner = owner;

	mutex_lock(&klp_policy_mutex);
	if (klp_policy_find(policy->name)) {
		pr_notice("replace policy '%s' already registered\n", policy->name);
		ret = -EEXIST;
	} else {
		list_add_tail(&policy->list, &klp_policies);
	}
	mutex_unlock(&klp_policy_mutex);

	return ret;
}
EXPORT_SYMBOL_GPL(__klp_register_replace_policy);

/**
 * klp_unregister_replace_policy() - withdraw a replace policy
 * @policy:	registered policy
 *
 * Called from the exit function of the module implementing the policy.
 * Livepatches using the policy hold a reference to that module, so a
 * module's exit function never runs while they exist.
 */
void klp_unregister_replace_policy(struct klp_replace_policy *policy)
{
	mutex_lock(&klp_policy_mutex);
	list_del_init(&policy->list);
	mutex_unlock(&klp_policy_mutex);
}
EXPORT_SYMBOL_GPL(klp_unregister_replace_policy);

/**
 * klp_find_get_replace_policy() - look up a replace policy by name
 * @name:	policy name
 *
 * Return: the policy with a reference to its module held (drop it with
 * klp_put_replace_policy()), or NULL when no such policy is registered
 * or its module is going away.
 */
KLP_POLICY_VISIBLE struct klp_replace_policy *klp_find_get_replace_policy(const char *name)
{
	struct klp_replace_policy *policy;

	mutex_lock(&klp_policy_mutex);
	policy = klp_policy_find(name);
	if (policy && !try_module_get(policy->owner))
		policy = NULL;
	mutex_unlock(&klp_policy_mutex);

	return policy;
}

/**
 * klp_put_replace_policy() - drop a reference taken by a lookup
 * @policy:	policy returned by klp_find_get_replace_policy()
 */
KLP_POLICY_VISIBLE void klp_put_replace_policy(struct klp_replace_policy *policy)
{
	module_put(policy->owner);
}

/**
 * klp_patch_replace_policy() - the policy deciding for a livepatch
 * @patch:	livepatch being enabled or enabled, as passed to a callback
 *
 * For policies that decide differently depending on a patch's policy,
 * e.g. one that only replaces patches of its own kind: compare the result
 * with the address of your struct klp_replace_policy.
 *
 * Return: the policy @patch was enabled under: the one it names in
 * &klp_patch.replace_policy, or the default policy at that time.
 */
const struct klp_replace_policy *klp_patch_replace_policy(const struct klp_patch *patch)
{
	return patch->policy;
}
EXPORT_SYMBOL_GPL(klp_patch_replace_policy);

/*
 * A callback returns 0 or a negative errno: klp_enable_patch() returns it
 * from the patch module's init, where a positive value would leave the
 * module loaded with no patch enabled. Such a value is a bug in the policy.
 */
static int klp_policy_ret(const struct klp_replace_policy *policy,
			  const char *op, int ret)
{
	if (WARN_ONCE(ret > 0,
		      "livepatch: replace policy '%s': %s() returned %d, not 0 or -errno\n",
		      policy->name, op, ret))
		return -EINVAL;

	return ret;
}

/*
 * The functions of the patch being enabled, hashed the first time a check
 * asks whether that patch patches a function, and freed when its checks
 * are over: comparing it with every enabled patch is then linear in the
 * number of functions. Under klp_mutex.
 */
static const struct klp_patch *klp_indexed_patch;
static struct klp_func_index klp_indexed_funcs;
static int klp_indexed_state;	/* 0 not built yet, 1 built, -ENOMEM */

/**
 * klp_policy_index_begin() - hash the functions of @patch when first needed
 * @patch:	livepatch being enabled
 *
 * Until klp_policy_index_end(), klp_patch_patches_func(@patch, ...) and
 * the finders look @patch's functions up in a hash. When it cannot be
 * allocated they walk @patch instead, which gives the same answers.
 */
KLP_POLICY_VISIBLE void klp_policy_index_begin(const struct klp_patch *patch)
{
	klp_indexed_patch = patch;
	klp_indexed_state = 0;
}

/**
 * klp_policy_index_end() - free the hash of klp_policy_index_begin()
 */
KLP_POLICY_VISIBLE void klp_policy_index_end(void)
{
	if (klp_indexed_state == 1)
		klp_func_index_free(&klp_indexed_funcs);
	klp_indexed_patch = NULL;
	klp_indexed_state = 0;
}

static unsigned int klp_count_static_funcs(const struct klp_patch *patch)
{
	struct klp_object *obj;
	struct klp_func *func;
	unsigned int nr = 0;

	klp_for_each_object_static(patch, obj) {
		klp_for_each_func_static(obj, func)
			nr++;
	}

	return nr;
}

/* The hash of @patch's functions, or NULL to walk them. */
KLP_POLICY_VISIBLE const struct klp_func_index *
klp_policy_index(const struct klp_patch *patch)
{
	struct klp_object *obj;
	struct klp_func *func;

	if (patch != klp_indexed_patch || klp_indexed_state < 0)
		return NULL;
	if (klp_indexed_state == 1)
		return &klp_indexed_funcs;

	klp_indexed_state = klp_func_index_init(&klp_indexed_funcs,
						klp_count_static_funcs(patch));
	if (klp_indexed_state)
		return NULL;

	klp_for_each_object_static(patch, obj) {
		klp_for_each_func_static(obj, func)
			klp_func_index_add(&klp_indexed_funcs, obj, func);
	}
	klp_indexed_state = 1;

	return &klp_indexed_funcs;
}

/**
 * klp_patch_patches_func() - does a livepatch modify this function?
 * @patch:	livepatch
 * @obj:	object of the function
 * @func:	function
 *
 * Looks in the arrays the patch author gave (not nops: enabled patches
 * keep none once their transition is over); in a hash for the patch being
 * enabled.
 *
 * Return: true when @patch has a klp_func for the same function.
 */
KLP_POLICY_VISIBLE bool klp_patch_patches_func(const struct klp_patch *patch,
					       const struct klp_object *obj,
					       const struct klp_func *func)
{
	const struct klp_func_index *index = klp_policy_index(patch);
	struct klp_object *pobj;
	struct klp_func *pfunc;

	if (index)
		return klp_func_index_find(index, obj, func, NULL);

	klp_for_each_object_static(patch, pobj) {
		klp_for_each_func_static(pobj, pfunc) {
			if (klp_same_func(pobj, pfunc, obj, func))
				return true;
		}
	}

	return false;
}

/*
 * A function of @a that @b patches (@patched) or does not patch. Looked
 * up in the hash of @a, the patch being enabled, when only it has one.
 */
static bool klp_find_func(const struct klp_patch *a, const struct klp_patch *b,
			  bool patched, const struct klp_object **objp,
			  const struct klp_func **funcp)
{
	const struct klp_func_index *index;
	struct klp_object *obj, *found_obj;
	struct klp_func *func, *found;

	index = patched && a != b && !klp_policy_index(b) ? klp_policy_index(a) : NULL;
	if (index) {
		klp_for_each_object_static(b, obj) {
			klp_for_each_func_static(obj, func) {
				found = klp_func_index_find(index, obj, func, &found_obj);
				if (found) {
					*objp = found_obj;
					*funcp = found;
					return true;
				}
			}
		}
		return false;
	}

	klp_for_each_object_static(a, obj) {
		klp_for_each_func_static(obj, func) {
			if (klp_patch_patches_func(b, obj, func) == patched) {
				*objp = obj;
				*funcp = func;
				return true;
			}
		}
	}

	return false;
}

/**
 * klp_find_shared_func() - find a function two livepatches both patch
 * @a:		livepatch
 * @b:		livepatch
 * @objp:	set to @a's object of the function, when found
 * @funcp:	set to @a's function, when found
 *
 * Compares the arrays the patch authors gave, so a function in a module
 * that is not loaded counts too.
 *
 * Return: true when a function is found.
 */
bool klp_find_shared_func(const struct klp_patch *a, const struct klp_patch *b,
			  const struct klp_object **objp,
			  const struct klp_func **funcp)
{
	return klp_find_func(a, b, true, objp, funcp);
}
EXPORT_SYMBOL_GPL(klp_find_shared_func);

/**
 * klp_find_unpatched_func() - find a function one livepatch leaves out
 * @patch:	livepatch
 * @other:	livepatch
 * @objp:	set to @other's object of the function, when found
 * @funcp:	set to @other's function, when found
 *
 * For a policy whose patch takes over every function of another patch,
 * e.g. one that folds a fix in: a function @other patches that @patch does
 * not would get a nop, i.e. revert to the original code. Compares the
 * arrays the patch authors gave, as klp_find_shared_func() does.
 *
 * Return: true when a function of @other is not patched by @patch.
 */
bool klp_find_unpatched_func(const struct klp_patch *patch,
			     const struct klp_patch *other,
			     const struct klp_object **objp,
			     const struct klp_func **funcp)
{
	return klp_find_func(other, patch, false, objp, funcp);
}
EXPORT_SYMBOL_GPL(klp_find_unpatched_func);

static const struct klp_state *klp_patch_state(const struct klp_patch *patch,
					       unsigned long id)
{
	const struct klp_state *state;

	for (state = patch->states; state && state->id; state++) {
		if (state->id == id)
			return state;
	}

	return NULL;
}

/**
 * klp_find_shared_state() - find a system state two livepatches both use
 * @a:		livepatch
 * @b:		livepatch
 *
 * Return: @a's state whose id @b also uses, or NULL.
 */
const struct klp_state *klp_find_shared_state(const struct klp_patch *a,
					      const struct klp_patch *b)
{
	const struct klp_state *state;

	for (state = a->states; state && state->id; state++) {
		if (klp_patch_state(b, state->id))
			return state;
	}

	return NULL;
}
EXPORT_SYMBOL_GPL(klp_find_shared_state);

static bool klp_is_replaced(const struct klp_patch *old_patch)
{
	return !list_empty(&old_patch->replaced_node);
}

/* Does @patch keep any enabled patch? */
static bool klp_keeps_any(const struct klp_patch *patch, struct list_head *patches)
{
	struct klp_patch *old_patch;

	list_for_each_entry(old_patch, patches, list) {
		if (old_patch != patch && !klp_is_replaced(old_patch))
			return true;
	}

	return false;
}

/* The first patch @patch replaces that patches @func. */
static struct klp_patch *klp_replaced_patching(const struct klp_patch *patch,
					       const struct klp_object *obj,
					       const struct klp_func *func)
{
	struct klp_patch *old_patch;

	klp_for_each_replaced_patch(patch, old_patch) {
		if (klp_patch_patches_func(old_patch, obj, func))
			return old_patch;
	}

	return NULL;
}

/*
 * The functions of the patches @patch replaces that @patch does not patch
 * itself: counted, and added to @orphans unless it is NULL.
 */
static unsigned int klp_orphans(const struct klp_patch *patch,
				struct klp_func_index *orphans)
{
	struct klp_patch *old_patch;
	struct klp_object *obj;
	struct klp_func *func;
	unsigned int nr = 0;

	klp_for_each_replaced_patch(patch, old_patch) {
		klp_for_each_object_static(old_patch, obj) {
			klp_for_each_func_static(obj, func) {
				if (klp_patch_patches_func(patch, obj, func))
					continue;
				if (orphans)
					klp_func_index_add(orphans, obj, func);
				nr++;
			}
		}
	}

	return nr;
}

/*
 * The function rule of klp_check_consistency(), linear in the number of
 * functions: hash the functions that lose their replaced patch's code,
 * then look each function of the kept patches up.
 */
static int klp_check_fallback(const struct klp_patch *patch,
			      struct list_head *patches)
{
	struct klp_patch *old_patch, *kept_patch;
	struct klp_func_index orphans;
	struct klp_object *obj, *old_obj;
	struct klp_func *func, *old_func;
	unsigned int nr;
	int ret;

	/* A cumulative patch usually leaves none: then nothing is allocated. */
	nr = klp_orphans(patch, NULL);
	if (!nr)
		return 0;

	ret = klp_func_index_init(&orphans, nr);
	if (ret)
		return ret;
	klp_orphans(patch, &orphans);

	list_for_each_entry(kept_patch, patches, list) {
		if (kept_patch == patch || klp_is_replaced(kept_patch))
			continue;

		klp_for_each_object_static(kept_patch, obj) {
			klp_for_each_func_static(obj, func) {
				old_func = klp_func_index_find(&orphans, obj, func, &old_obj);
				if (!old_func)
					continue;

				old_patch = klp_replaced_patching(patch, old_obj, old_func);
				pr_err("patch '%s' replaces '%s' but keeps '%s', which also patches %s:%s,%lu: that function would switch to '%s' without a transition\n",
				       patch->mod->name, old_patch->mod->name,
				       kept_patch->mod->name,
				       obj->name ? obj->name : "vmlinux",
				       func->old_name, func->old_sympos ?: 1,
				       kept_patch->mod->name);
				ret = -EINVAL;
				goto out;
			}
		}
	}

out:
	klp_func_index_free(&orphans);
	return ret;
}

/**
 * klp_check_consistency() - refuse a fallback without a transition
 * @patch:	livepatch being enabled, its replaced_list decided
 * @patches:	the enabled livepatches
 *
 * When a function is patched by a patch @patch replaces and by one it
 * keeps, and @patch does not patch it itself, then at the end of the
 * transition that function would switch from the replaced patch's code to
 * the kept patch's code with no task transitioned (the lp1/lp2/lp3 funcA
 * example from the hybrid mode review). When a system state is used by a
 * patch @patch replaces and by one it keeps, two enabled patches would
 * own it afterwards (@patch, which must take it over, and the kept one),
 * each with callbacks that set it up or tear it down.
 *
 * Linear in the number of functions of the patches involved.
 *
 * Return: 0, -ENOMEM, or -EINVAL after a pr_err() naming the patches and
 * the function or the state id.
 */
KLP_POLICY_VISIBLE int klp_check_consistency(const struct klp_patch *patch,
					     struct list_head *patches)
{
	struct klp_patch *old_patch, *kept_patch;
	const struct klp_state *state;
	int ret;

	/* Nothing replaced or nothing kept: nothing can fall back. */
	if (list_empty(&patch->replaced_list) || !klp_keeps_any(patch, patches))
		return 0;

	ret = klp_check_fallback(patch, patches);
	if (ret)
		return ret;

	klp_for_each_replaced_patch(patch, old_patch) {
		list_for_each_entry(kept_patch, patches, list) {
			if (kept_patch == patch || klp_is_replaced(kept_patch))
				continue;

			state = klp_find_shared_state(old_patch, kept_patch);
			if (!state)
				continue;

			pr_err("patch '%s' replaces '%s' but keeps '%s', which also uses state id %lu: two enabled patches would own it\n",
			       patch->mod->name, old_patch->mod->name,
			       kept_patch->mod->name, state->id);
			return -EINVAL;
		}
	}

	return 0;
}

/**
 * klp_decide_replaced() - ask the policies about every enabled patch
 * @patch:	livepatch being enabled, with its policy pinned
 * @patches:	the enabled livepatches
 *
 * For each enabled patch O, @patch's policy may refuse @patch and decides
 * whether @patch replaces O; when O is kept and uses another policy, O's
 * policy may refuse @patch too, so that a policy's promises to its own
 * patches hold against patches of every policy loaded after them.
 *
 * Fills @patch->replaced_list. On error it is left for
 * klp_release_replaced() to empty.
 *
 * Return: 0 or the error of a policy's check().
 */
KLP_POLICY_VISIBLE int klp_decide_replaced(struct klp_patch *patch,
					   struct list_head *patches)
{
	struct klp_replace_policy *policy = patch->policy, *old_policy;
	struct klp_patch *old_patch;
	int ret;

	list_for_each_entry(old_patch, patches, list) {
		if (old_patch == patch)
			continue;

		if (policy->check) {
			ret = klp_policy_ret(policy, "check", policy->check(patch, old_patch));
			if (ret)
				return ret;
		}

		if (policy->replaces(patch, old_patch)) {
			list_add_tail(&old_patch->replaced_node, &patch->replaced_list);
			continue;
		}

		old_policy = old_patch->policy;
		if (old_policy != policy && old_policy->check) {
			ret = klp_policy_ret(old_policy, "check",
					     old_policy->check(patch, old_patch));
			if (ret)
				return ret;
		}
	}

	return 0;
}

/**
 * klp_release_replaced() - forget which patches @patch replaces
 * @patch:	livepatch whose replaced_list to empty
 *
 * Called by klp_policy_unlink() when enabling @patch failed and when
 * @patch is freed, which is also how a reversed transition ends: the
 * patches it would have replaced stay enabled and untouched. Must be
 * called under klp_mutex.
 */
KLP_POLICY_VISIBLE void klp_release_replaced(struct klp_patch *patch)
{
	struct klp_patch *old_patch, *tmp_patch;

	klp_for_each_replaced_patch_safe(patch, old_patch, tmp_patch)
		list_del_init(&old_patch->replaced_node);
}

/**
 * klp_policy_replaces() - does a patch being enabled replace an enabled one?
 * @patch:	livepatch being enabled, past klp_decide_replaced()
 * @old_patch:	enabled livepatch
 *
 * The decision klp_decide_replaced() recorded, for the state rule, which
 * never asks a policy again. While another transition runs nothing is
 * decided and only legacy patches get this far (klp_policy_prepare()):
 * legacy's rule is read from .replace, as upstream does.
 *
 * Return: true when @patch replaces @old_patch.
 */
bool klp_policy_replaces(const struct klp_patch *patch,
			 const struct klp_patch *old_patch)
{
	if (klp_transition_patch)
		return patch->replace;

	return klp_is_replaced(old_patch);
}

/**
 * klp_policy_next_enabled() - the enabled livepatches, for a policy callback
 * @patch:	NULL for the first one, or the one this returned last
 *
 * Lets a policy decide on the whole set of enabled livepatches, e.g.
 * validate() refusing a hotfix unless the livepatch it builds on is
 * enabled, which check() cannot, as it sees one pair at a time and is
 * not called at all when no livepatch is enabled. Walk them, in the
 * order they were enabled, with
 *
 *	for (o = klp_policy_next_enabled(NULL); o; o = klp_policy_next_enabled(o))
 *
 * The patch being enabled is never one of them. Call it only from a policy's
 * validate(), check() or accepted(), where the core holds klp_mutex.
 *
 * Return: the next enabled livepatch, or NULL after the last one.
 */
const struct klp_patch *klp_policy_next_enabled(const struct klp_patch *patch)
{
	struct klp_patch *next;

	lockdep_assert_held(&klp_mutex);

	/* The patch being checked is not on the list: nothing after it. */
	if (patch && list_empty(&patch->list))
		return NULL;

	if (!patch)
		next = list_first_entry(&klp_patches, struct klp_patch, list);
	else
		next = list_next_entry((struct klp_patch *)patch, list);

	list_for_each_entry_from(next, &klp_patches, list) {
		if (next->enabled && next != klp_transition_patch)
			return next;
	}

	return NULL;
}
EXPORT_SYMBOL_GPL(klp_policy_next_enabled);

/**
 * klp_policy_replaced() - the recorded decision, for accepted()
 * @patch:	livepatch being enabled, passed to accepted()
 * @old_patch:	enabled livepatch (klp_policy_next_enabled())
 *
 * What the core decided once, when @patch was checked, and uses for
 * everything after: call it from accepted() to log what @patch replaces.
 *
 * Return: true when @patch replaces @old_patch.
 */
bool klp_policy_replaced(const struct klp_patch *patch,
			 const struct klp_patch *old_patch)
{
	struct klp_patch *replaced;

	lockdep_assert_held(&klp_mutex);

	klp_for_each_replaced_patch(patch, replaced) {
		if (replaced == old_patch)
			return true;
	}

	return false;
}
EXPORT_SYMBOL_GPL(klp_policy_replaced);

/**
 * klp_policy_same_line() - does a patch continue the line of one it replaces?
 * @patch:	livepatch being enabled
 * @old_patch:	enabled livepatch that @patch replaces
 *
 * Only a policy knows its lines: @patch's policy answers for patches of
 * its own policy, through its optional same_line(); patches of two
 * policies are never of one line.
 *
 * Return: true when @patch continues @old_patch's line.
 */
bool klp_policy_same_line(const struct klp_patch *patch,
			  const struct klp_patch *old_patch)
{
	const struct klp_replace_policy *policy = klp_patch_replace_policy(patch);

	if (!policy || policy != klp_patch_replace_policy(old_patch) ||
	    !policy->same_line)
		return false;

	return policy->same_line(patch, old_patch);
}

/*
 * The names of the patches @patch replaces, for its replaced file: they
 * are freed when their transition completes, @patch lives on (and frees
 * the copy in klp_policy_put()).
 */
static int klp_record_replaced(struct klp_patch *patch)
{
	struct klp_patch *old_patch;
	size_t len = 1, n;
	char *names, *p;

	klp_for_each_replaced_patch(patch, old_patch)
		len += strlen(old_patch->mod->name) + 1;

	names = kzalloc(len, GFP_KERNEL);
	if (!names)
		return -ENOMEM;

	/* A write position, not strcat(): linear in the replaced patches. */
	p = names;
	klp_for_each_replaced_patch(patch, old_patch) {
		if (p != names)
			*p++ = ' ';
		n = strlen(old_patch->mod->name);
		memcpy(p, old_patch->mod->name, n);
		p += n;
	}
	patch->replaced_names = names;

	return 0;
}

/*
 * Pin the policy @patch names, or the default. The name comes from the
 * patch module: checked before anything compares it.
 */
static int klp_policy_pin(struct klp_patch *patch)
{
	const char *name = patch->replace_policy;
	struct klp_replace_policy *policy;

	if (!name) {
		if (!try_module_get(klp_default_policy->owner))
			return -ENOENT;
		patch->policy = klp_default_policy;
		return 0;
	}

	if (!klp_policy_name_valid(name)) {
		pr_err("patch '%s': replace policy name '%.*s' is not valid: 1 to %d characters\n",
		       patch->mod->name, KLP_REPLACE_POLICY_NAME_MAX - 1, name,
		       KLP_REPLACE_POLICY_NAME_MAX - 1);
		return -EINVAL;
	}

	policy = klp_find_get_replace_policy(name);
	if (!policy) {
		pr_err("patch '%s': replace policy '%s' is not registered\n",
		       patch->mod->name, name);
		return -ENOENT;
	}
	patch->policy = policy;

	return 0;
}

/* The core, not the policy, tells whose parameters a patch passes. */
static int klp_policy_check_params(const struct klp_patch *patch)
{
	const struct klp_replace_params *params = patch->replace_params;
	const struct klp_replace_policy *policy = patch->policy;
	const char *name = patch->mod->name;
	size_t min_size;

	if (!params) {
		if (!policy->params_size)
			return 0;
		pr_err("patch '%s': replace policy '%s' needs replace_params\n",
		       name, policy->name);
		return -EINVAL;
	}

	if (!policy->params_size) {
		pr_err("patch '%s': replace policy '%s' takes no replace_params\n",
		       name, policy->name);
		return -EINVAL;
	}

	if (!params->policy ||
	    strncmp(params->policy, policy->name, KLP_REPLACE_POLICY_NAME_MAX)) {
		pr_err("patch '%s': replace_params are for policy '%.*s', not '%s'\n",
		       name, KLP_REPLACE_POLICY_NAME_MAX - 1,
		       params->policy ?: "(null)", policy->name);
		return -EINVAL;
	}

	min_size = policy->params_min_size ?: policy->params_size;
	if (params->size > policy->params_size) {
		pr_err("patch '%s': replace_params of policy '%s' have size %zu, larger than its %zu: built for a newer version of the policy\n",
		       name, policy->name, params->size, policy->params_size);
		return -EINVAL;
	}
	if (params->size < min_size) {
		if (min_size == policy->params_size)
			pr_err("patch '%s': replace_params of policy '%s' have size %zu, not %zu\n",
			       name, policy->name, params->size, policy->params_size);
		else
			pr_err("patch '%s': replace_params of policy '%s' have size %zu, smaller than the oldest layout it reads, %zu\n",
			       name, policy->name, params->size, min_size);
		return -EINVAL;
	}

	return 0;
}

/**
 * klp_policy_request() - load the module of the policy a patch names
 * @patch:	livepatch about to be enabled
 *
 * Called before klp_mutex is taken: modprobe may run for a while, and the
 * module it loads registers its policy. Invalid names and names that stay
 * unregistered are refused later, by klp_policy_prepare().
 */
void klp_policy_request(const struct klp_patch *patch)
{
	const char *name = patch->replace_policy;
	bool registered;

	if (!klp_policy_name_valid(name))
		return;

	mutex_lock(&klp_policy_mutex);
	registered = klp_policy_find(name);
	mutex_unlock(&klp_policy_mutex);

	if (!registered)
		request_module("klp-replace-policy-%s", name);
}

/**
 * klp_policy_prepare() - decide what a patch being enabled replaces
 * @patch:	livepatch being enabled, not initialized yet
 *
 * Pins the patch's policy, checks its parameters, lets the policies
 * decide and refuse, and enforces the state and consistency rules on the
 * recorded decision. While another transition runs, nothing is decided:
 * a patch of a policy other than legacy is refused with -EBUSY at once;
 * a legacy patch gets upstream's state check, and __klp_enable_patch()
 * then returns -EBUSY. Must be called under klp_mutex. On error nothing
 * is left pinned or linked.
 *
 * Return: 0, -ENOENT when the patch's policy is not registered, -EBUSY
 * while another transition runs, or -EINVAL when the patch is refused.
 */
int klp_policy_prepare(struct klp_patch *patch)
{
	struct klp_replace_policy *policy;
	bool busy = klp_transition_patch;
	int ret;

	lockdep_assert_held(&klp_mutex);

	INIT_LIST_HEAD(&patch->replaced_list);
	INIT_LIST_HEAD(&patch->replaced_node);
	patch->policy = NULL;

	ret = klp_policy_pin(patch);
	if (ret)
		return ret;
	policy = patch->policy;

	ret = klp_policy_check_params(patch);
	if (ret)
		goto err;

	/*
	 * Only one replaced_list may exist at a time, so nothing is decided
	 * while another transition runs. A legacy patch then gets upstream's
	 * checks and errno (the state rule's -EINVAL, else -EBUSY from
	 * __klp_enable_patch()); a patch of another policy gets -EBUSY
	 * before any policy is asked.
	 */
	if (busy && policy != &klp_legacy_policy) {
		ret = -EBUSY;
		goto err;
	}

	if (policy->validate) {
		ret = klp_policy_ret(policy, "validate", policy->validate(patch));
		if (ret)
			goto err;
	}

	if (!busy) {
		klp_policy_index_begin(patch);
		ret = klp_decide_replaced(patch, &klp_patches);
		if (ret)
			goto err;
	}

	if (!klp_is_patch_compatible(patch, &klp_patches)) {
		pr_err("Livepatch patch (%s) is not compatible with the already installed livepatches.\n",
		       patch->mod->name);
		ret = -EINVAL;
		goto err;
	}

	if (!busy) {
		ret = klp_check_consistency(patch, &klp_patches);
		if (ret)
			goto err;

		ret = klp_record_replaced(patch);
		if (ret)
			goto err;
		klp_policy_index_end();
	}

	return 0;
err:
	klp_policy_index_end();
	klp_policy_unlink(patch);
	klp_policy_put(patch);
	return ret;
}

/**
 * klp_policy_unlink() - take a patch out of every replaced_list
 * @patch:	livepatch being freed, or whose enabling failed
 *
 * Must be called under klp_mutex.
 */
void klp_policy_unlink(struct klp_patch *patch)
{
	klp_release_replaced(patch);
	if (!list_empty(&patch->replaced_node))
		list_del_init(&patch->replaced_node);
}

/**
 * klp_policy_accepted() - tell the policy that a patch is being enabled
 * @patch:	livepatch that passed every check, its transition about to start
 */
void klp_policy_accepted(const struct klp_patch *patch)
{
	if (patch->policy->accepted)
		patch->policy->accepted(patch);
}

/**
 * klp_policy_put() - the patch no longer uses its policy
 * @patch:	livepatch whose sysfs directory is gone, or never existed
 */
void klp_policy_put(struct klp_patch *patch)
{
	kfree(patch->replaced_names);
	patch->replaced_names = NULL;

	if (patch->policy) {
		klp_put_replace_policy(patch->policy);
		patch->policy = NULL;
	}
}

/**
 * klp_policy_add_files() - the policy's files in the patch's sysfs directory
 * @patch:	livepatch whose kobject was just added
 *
 * They go with the directory; the policy's module outlives it.
 *
 * Return: 0 or the error of sysfs_create_group().
 */
int klp_policy_add_files(struct klp_patch *patch)
{
	if (!patch->policy->patch_attrs)
		return 0;

	return sysfs_create_group(&patch->kobj, patch->policy->patch_attrs);
}

/* /sys/kernel/livepatch/<patch>/replace_policy */
ssize_t klp_policy_name_show(const struct klp_patch *patch, char *buf)
{
	return sysfs_emit(buf, "%s\n", patch->policy->name);
}

/* /sys/kernel/livepatch/<patch>/replaced: "lp1 lp2", or an empty line */
ssize_t klp_policy_replaced_show(const struct klp_patch *patch, char *buf)
{
	const char *names = patch->replaced_names ?: "";
	size_t len = strlen(names);

	/* A page holds some 70 long names: cut at a name and say so. */
	if (len + sizeof("\n") > PAGE_SIZE) {
		len = PAGE_SIZE - sizeof(" ...\n");
		while (len && names[len] != ' ')
			len--;
		return sysfs_emit(buf, "%.*s ...\n", (int)len, names);
	}

	return sysfs_emit(buf, "%s\n", names);
}

/* /sys/module/livepatch/parameters/available_replace_policies */
static int klp_available_policies_get(char *buf, const struct kernel_param *kp)
{
	struct klp_replace_policy *policy;
	int len = 0;

	mutex_lock(&klp_policy_mutex);
	list_for_each_entry(policy, &klp_policies, list)
		len += sysfs_emit_at(buf, len, "%s%s", len ? " " : "", policy->name);
	mutex_unlock(&klp_policy_mutex);
	len += sysfs_emit_at(buf, len, "\n");

	return len;
}

static const struct kernel_param_ops klp_available_policies_ops = {
	.get = klp_available_policies_get,
};
module_param_cb(available_replace_policies, &klp_available_policies_ops, NULL, 0444);
MODULE_PARM_DESC(available_replace_policies, "registered replace policies");

/*
 * Resolve the default once every built-in policy has registered, as
 * tcp_congestion_default() does; fall back to legacy, always built in.
 */
static int __init klp_default_policy_init(void)
{
	struct klp_replace_policy *policy;

	policy = klp_find_get_replace_policy(klp_default_policy_name);
	if (!policy) {
		pr_warn("replace policy '%s' is not available, using '%s'\n",
			klp_default_policy_name, klp_legacy_policy.name);
		strscpy(klp_default_policy_name, klp_legacy_policy.name);
		return 0;
	}

	mutex_lock(&klp_mutex);
	klp_default_policy = policy;
	mutex_unlock(&klp_mutex);

	return 0;
}
late_initcall(klp_default_policy_init);
