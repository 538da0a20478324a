/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * livepatch-hybrid-policy.h - parameters of the sample "hybrid" policy
 *
 * What a livepatch that selects the replace policy of
 * livepatch-hybrid-policy.c needs: the policy's name and the structure
 * of its per-patch parameters. The patch does not link against the
 * policy module; klp_enable_patch() loads it by its module alias.
 */
#ifndef _SAMPLES_LIVEPATCH_HYBRID_POLICY_H
#define _SAMPLES_LIVEPATCH_HYBRID_POLICY_H

#include <linux/livepatch.h>
#include <linux/types.h>

/* The name a patch puts in &klp_patch.replace_policy. */
#define KLP_HYBRID_POLICY	"hybrid"

/* The longest &klp_hybrid_params.label, without its NUL. */
#define KLP_HYBRID_LABEL_MAX	32

/**
 * struct klp_hybrid_params - a livepatch's parameters for the hybrid policy
 * @hdr:	header checked by the livepatch core: policy name and size
 * @replaceable: a later patch of the hybrid policy with .replace = true
 *		replaces this one; when false, this patch is kept
 * @label:	(since the second layout) a name for the patch's line of
 *		fixes, shown in sysfs; NULL for none
 * @requires:	(since the third layout) the module name of a livepatch that
 *		must be enabled for this one to load, e.g. the cumulative
 *		patch a hotfix builds on; NULL for none
 *
 * Every patch that selects the hybrid policy passes one in
 * &klp_patch.replace_params, initialized with KLP_HYBRID_PARAMS().
 *
 * The structure only ever grows at its end, and a new field's zero means
 * what the layout before it did: patch modules built against the first
 * layout, which ended with @replaceable, still load (the policy's
 * params_min_size), and the policy reads @label and @requires only from
 * patches whose structure has them.
 */
struct klp_hybrid_params {
	struct klp_replace_params hdr;
	bool replaceable;
	const char *label;
	const char *requires;
};

/**
 * KLP_HYBRID_PARAMS() - initialize struct klp_hybrid_params
 * @is_replaceable: value of &klp_hybrid_params.replaceable
 *
 * For example:
 * static const struct klp_hybrid_params params = KLP_HYBRID_PARAMS(true);
 */
#define KLP_HYBRID_PARAMS(is_replaceable)				\
	{								\
		.hdr = KLP_REPLACE_PARAMS(KLP_HYBRID_POLICY,		\
					  struct klp_hybrid_params),	\
		.replaceable = (is_replaceable),			\
	}

#endif /* _SAMPLES_LIVEPATCH_HYBRID_POLICY_H */
