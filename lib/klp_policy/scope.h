/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scope.h - what the scoped replace policies (replace_set, tag) share
 *
 * Both give each patch a scope: a patch replaces the enabled patches of
 * its scope, and must not share a function or a system state with a
 * patch of another scope that it keeps. Only the meaning of "scope"
 * differs, so the refusals and their messages live here.
 */
#ifndef _KLP_POLICY_SCOPE_H
#define _KLP_POLICY_SCOPE_H

#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>
#include <linux/printk.h>

#define KLP_SCOPE_DESC_MAX	40

/**
 * klp_scope_validate() - refuse parameters a scoped policy does not read
 * @patch:	livepatch being enabled under the policy
 * @param:	name of the policy's own parameter, e.g. "replace_set"
 * @value:	its value in @patch
 * @other:	name of the other scoped policy's parameter
 * @other_value: its value in @patch
 *
 * A patch that selects the policy must not also set .replace (which only
 * patches that name no policy use, see the policy's legacy mapping); a
 * patch that names no policy must not set the policy's parameter, as
 * nothing selected it. Nobody reads the other policy's parameter. Each
 * case is a mistake in the patch, refused loudly.
 *
 * Return: 0 or -EINVAL after a pr_err() naming the patch.
 */
static inline int klp_scope_validate(const struct klp_patch *patch,
				     const char *param, unsigned int value,
				     const char *other, unsigned int other_value)
{
	const char *name = patch->mod->name;

	if (patch->replace_policy && patch->replace) {
		pr_err("patch '%s' selects replace policy '%s' and sets .replace: %s decides what it replaces, drop .replace\n",
		       name, patch->replace_policy, param);
		return -EINVAL;
	}
	if (!patch->replace_policy && value) {
		pr_err("patch '%s' sets %s=%u without selecting its policy: the default policy reads only .replace\n",
		       name, param, value);
		return -EINVAL;
	}
	if (other_value) {
		pr_err("patch '%s' sets %s=%u, which policy '%s' does not read\n",
		       name, other, other_value, klp_patch_replace_policy(patch)->name);
		return -EINVAL;
	}
	return 0;
}

/**
 * klp_scope_check() - the refusals of a scoped policy
 * @new_patch:	livepatch being enabled
 * @old_patch:	enabled livepatch
 * @replaced:	@new_patch replaces @old_patch
 * @stacks:	@old_patch is kept but in the same scope, so they may share
 * @new_desc:	@new_patch's scope, for the message, e.g. "replace_set=7"
 * @old_desc:	@old_patch's scope
 * @rule:	the rule broken, for the message
 *
 * A replaced patch's states must be taken over (the cumulative rule); a
 * kept patch of another scope must share no function and no state.
 *
 * Return: 0, or -EINVAL after one pr_err() naming both patches and the
 * function or the state id.
 */
static inline int klp_scope_check(const struct klp_patch *new_patch,
				  const struct klp_patch *old_patch,
				  bool replaced, bool stacks,
				  const char *new_desc, const char *old_desc,
				  const char *rule)
{
	const struct klp_object *obj;
	const struct klp_func *func;
	const struct klp_state *state;

	if (replaced)
		return klp_check_replaced_states(new_patch, old_patch);
	if (stacks)
		return 0;

	if (klp_find_shared_func(new_patch, old_patch, &obj, &func)) {
		pr_err("patch '%s' (%s) and patch '%s' (%s) both patch %s:%s,%lu: %s\n",
		       new_patch->mod->name, new_desc, old_patch->mod->name,
		       old_desc, obj->name ? obj->name : "vmlinux",
		       func->old_name, func->old_sympos ?: 1, rule);
		return -EINVAL;
	}

	state = klp_find_shared_state(new_patch, old_patch);
	if (state) {
		pr_err("patch '%s' (%s) and patch '%s' (%s) both use state id %lu: %s\n",
		       new_patch->mod->name, new_desc, old_patch->mod->name,
		       old_desc, state->id, rule);
		return -EINVAL;
	}

	return 0;
}

#endif /* _KLP_POLICY_SCOPE_H */
