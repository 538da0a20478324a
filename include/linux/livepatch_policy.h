/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * livepatch_policy.h - the interface of livepatch replace policies
 *
 * A replace policy decides which enabled livepatches a livepatch being
 * enabled replaces. This header is what a policy plugin needs; patch
 * modules select a policy by name in struct klp_patch (livepatch.h).
 * See Documentation/livepatch/replace-policies.rst.
 */
#ifndef _LINUX_LIVEPATCH_POLICY_H_
#define _LINUX_LIVEPATCH_POLICY_H_

#include <linux/container_of.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sysfs.h>

/* Longest policy name, with its terminating NUL. */
#define KLP_REPLACE_POLICY_NAME_MAX	16

/**
 * struct klp_replace_policy - which livepatches a new livepatch replaces
 * @name:	unique name, 1 to KLP_REPLACE_POLICY_NAME_MAX - 1 characters:
 *		what patches put in &klp_patch.replace_policy, what sysfs
 *		shows and what livepatch.replace_policy= accepts
 * @owner:	module implementing the policy, set by
 *		klp_register_replace_policy() (leave it unset); pinned while
 *		any livepatch uses the policy
 * @params_size: size of the structure embedding struct klp_replace_params
 *		that every patch of this policy must pass in
 *		&klp_patch.replace_params; 0 when the policy takes none (the
 *		core then refuses patches that pass some)
 * @params_min_size: (optional) the smallest size of that structure the
 *		policy still accepts, for patch modules built against an
 *		older, shorter layout: fields are only ever appended, zero
 *		meaning what the older layout did, and the policy reads a
 *		field past @params_min_size only when
 *		klp_replace_params_has() says the patch's structure has it.
 *		0 (the default): only @params_size is accepted. A structure
 *		larger than @params_size, built for a newer policy, is
 *		always refused
 * @replaces:	(required) does @new_patch replace the enabled @old_patch?
 *		Asked of @new_patch's policy for every enabled patch,
 *		whatever that patch's policy.
 * @validate:	(optional) refuse @patch, which uses this policy (by name
 *		or as the default), because of its own parameters or of the
 *		whole set of enabled patches (klp_policy_next_enabled());
 *		called for every such patch, also when no patch is enabled;
 *		return 0, or -EINVAL after one pr_err() naming the patch and
 *		the parameter.
 * @check:	(optional) refuse @new_patch because of the enabled patch
 *		@old_patch; return 0, or -EINVAL after one pr_err() naming
 *		both patches and the function or state id. Asked of
 *		@new_patch's policy for every enabled patch, and of
 *		@old_patch's policy when @new_patch keeps @old_patch and the
 *		two patches use different policies, so a policy can protect
 *		its own patches from patches of any policy loaded later.
 * @same_line: (optional) does @new_patch continue @old_patch's cumulative
 *		line (an upgrade or a downgrade of it), rather than fold in
 *		another line? Asked of @new_patch's policy for a patch it
 *		replaces that uses the same policy, when @new_patch leaves
 *		out one of @old_patch's lifecycle states (struct klp_state
 *		with callbacks or is_shadow): within a line such a state
 *		leaves implicitly, across lines only when @new_patch lists
 *		it in &klp_patch.retire_states. NULL: never the same line.
 * @accepted:	(optional) @patch, which uses this policy, passed every step
 *		that can refuse it (the checks, the state and object
 *		pre_patch callbacks, the patching of its objects) and its
 *		transition starts: the point to log what the policy wants
 *		known about an enabled patch (an operator's override, say),
 *		since a notice from @validate or @check also appears for
 *		patches refused later. Cannot refuse @patch.
 * @patch_attrs: (optional) sysfs files the policy adds for each of its
 *		patches, one value per file, in a directory of their own:
 *		the group's name must be the policy's @name, so the files
 *		are /sys/kernel/livepatch/<patch>/<name>/<file> and no file
 *		the core adds to a patch's directory later can collide with
 *		them (only the in-tree replace_set and tag policies keep
 *		theirs in the patch's directory, as their ABI documents).
 *		Their show() finds the patch with klp_patch_from_kobj().
 * @list:	entry in the list of registered policies
 *
 * When a livepatch N is enabled, the core, holding klp_mutex:
 *
 * 1. takes N's policy (by &klp_patch.replace_policy, or the default) and
 *    pins its @owner, and checks N's &klp_patch.replace_params against
 *    @params_size;
 * 2. calls validate(N) of N's policy;
 * 3. for each enabled patch O, in the order they were enabled (N is never
 *    one of them): check(N, O), then replaces(N, O) of N's policy, then,
 *    when O is kept and O's policy is another one, check(N, O) of O's
 *    policy;
 * 4. refuses N when it lacks a system state of a patch it replaces that
 *    klp_state_may_drop() does not let it leave out, or has a state at a
 *    lower version than an enabled patch (upstream's state rule), or
 *    declares a state unlike an enabled carrier of its id (see struct
 *    klp_state), or when a function patched by a replaced patch and by a
 *    kept patch is not patched by N: at the end of the transition that
 *    function would switch from one patch's code to the other's with no
 *    task transitioned.
 *
 * It also refuses N when a system state used by a replaced patch is used
 * by a kept patch too: two enabled patches would own it.
 *
 * A negative error of a callback is returned by klp_enable_patch() as it
 * is; a positive return is a bug in the policy: the core warns once and
 * refuses N with -EINVAL. The decision recorded in step 3 is the one every
 * later rule uses: no policy is asked twice about a pair. While another
 * transition runs, N is refused with -EBUSY before any callback of its
 * policy is called (a legacy patch still gets upstream's state rule
 * first).
 *
 * N's objects and functions may be walked with klp_for_each_object() and
 * klp_for_each_func() as well as their _static() forms, but nothing of N
 * is resolved yet: its symbols (&klp_func.old_func), its objects' modules
 * and its sysfs directory do not exist; read only what its author set.
 * The callbacks run under klp_mutex: they must not take it, load modules
 * (request_module()) or modify the patches, and should answer the same
 * every time they are asked about the same patches. They may sleep and
 * allocate. Strings and arrays a patch passes come from its module:
 * bound every read. The answer is final: the state and consistency
 * rules, nops, unpatching, freeing and forced marking all use it.
 *
 * The policy's module is pinned by each patch that uses it, from the
 * patch's klp_enable_patch(), before any callback runs, until the patch
 * is freed, after its sysfs directory is gone.
 */
struct klp_replace_policy {
	/* external */
	const char *name;
	struct module *owner;
	size_t params_size;
	size_t params_min_size;
	bool (*replaces)(const struct klp_patch *new_patch,
			 const struct klp_patch *old_patch);
	int (*validate)(const struct klp_patch *patch);
	int (*check)(const struct klp_patch *new_patch,
		     const struct klp_patch *old_patch);
	bool (*same_line)(const struct klp_patch *new_patch,
			  const struct klp_patch *old_patch);
	void (*accepted)(const struct klp_patch *patch);
	const struct attribute_group *patch_attrs;

	/* internal */
	struct list_head list;
};

/**
 * MODULE_ALIAS_KLP_REPLACE_POLICY() - let a patch load this policy's module
 * @name:	the policy's name, a string literal
 *
 * klp_enable_patch() of a patch that names a policy nobody registered
 * loads the module with this alias first.
 */
#define MODULE_ALIAS_KLP_REPLACE_POLICY(name)				\
	MODULE_ALIAS("klp-replace-policy-" name)

int __klp_register_replace_policy(struct klp_replace_policy *policy,
				  struct module *owner);

/**
 * klp_register_replace_policy() - make a replace policy available
 * @policy:	policy to register; must stay valid until unregistered
 *
 * Called from the init function of the module implementing the policy,
 * as its last step: from then on a patch may pin the module, so nothing
 * after it may fail. Records THIS_MODULE, the caller's module, as
 * &klp_replace_policy.owner. The policy is available to patches enabled
 * from then on.
 *
 * Return: 0; -EINVAL after a pr_err() when the name is missing, empty or
 * longer than KLP_REPLACE_POLICY_NAME_MAX - 1 characters, replaces() is
 * missing or params_size is smaller than struct klp_replace_params; or
 * -EEXIST when a policy with the same name is registered.
 */
#define klp_register_replace_policy(policy)				\
	__klp_register_replace_policy(policy, THIS_MODULE)

void klp_unregister_replace_policy(struct klp_replace_policy *policy);
const struct klp_replace_policy *
klp_patch_replace_policy(const struct klp_patch *patch);

/**
 * klp_patch_replace_params() - a patch's parameters for the policy deciding for it
 * @patch:	livepatch whose policy is the caller's
 * @type:	the policy's parameter structure
 * @member:	the struct klp_replace_params in @type
 *
 * Only for a patch whose policy is the caller's (klp_patch_replace_policy()
 * returns it) and whose policy sets @params_size: the core has then checked
 * that the parameters are there and of the policy's type.
 *
 * Return: a const pointer to @patch's parameters.
 */
#define klp_patch_replace_params(patch, type, member)			\
	container_of_const((patch)->replace_params, type, member)

/**
 * klp_replace_params_has() - do a patch's parameters have this field?
 * @patch:	livepatch whose policy is the caller's
 * @type:	the policy's parameter structure
 * @field:	a field of @type appended after &klp_replace_policy.params_min_size
 *
 * For a policy that grew its parameter structure: a patch module built
 * against an older layout passes a shorter structure, which the core
 * accepted because it is at least @params_min_size.
 *
 * Return: true when @patch's structure is long enough to hold @field.
 */
#define klp_replace_params_has(patch, type, field)			\
	((patch)->replace_params->size >= offsetofend(type, field))

/**
 * klp_patch_from_kobj() - the livepatch of a /sys/kernel/livepatch/ directory
 * @kobj:	kobject passed to a show() of &klp_replace_policy.patch_attrs
 *
 * Return: the livepatch the directory belongs to.
 */
static inline const struct klp_patch *klp_patch_from_kobj(struct kobject *kobj)
{
	return container_of_const(kobj, struct klp_patch, kobj);
}

/* For check(): what two patches share. */
bool klp_find_shared_func(const struct klp_patch *a, const struct klp_patch *b,
			  const struct klp_object **objp,
			  const struct klp_func **funcp);
bool klp_find_unpatched_func(const struct klp_patch *patch,
			     const struct klp_patch *other,
			     const struct klp_object **objp,
			     const struct klp_func **funcp);
const struct klp_state *klp_find_shared_state(const struct klp_patch *a,
					      const struct klp_patch *b);
/* For validate(), check() and accepted(): the enabled patches. */
const struct klp_patch *klp_policy_next_enabled(const struct klp_patch *patch);
bool klp_policy_replaced(const struct klp_patch *patch,
			 const struct klp_patch *old_patch);

bool klp_state_may_drop(const struct klp_patch *new_patch,
			const struct klp_patch *old_patch,
			const struct klp_state *state);
int klp_check_replaced_states(const struct klp_patch *new_patch,
			      const struct klp_patch *old_patch);

#endif /* _LINUX_LIVEPATCH_POLICY_H_ */
