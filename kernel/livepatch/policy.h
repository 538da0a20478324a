/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEPATCH_POLICY_H
#define _LIVEPATCH_POLICY_H

#include <linux/livepatch.h>
#include <linux/livepatch_policy.h>

struct klp_func_index;

#define klp_for_each_replaced_patch(patch, old_patch)			\
	list_for_each_entry(old_patch, &(patch)->replaced_list, replaced_node)

#define klp_for_each_replaced_patch_safe(patch, old_patch, tmp_patch)	\
	list_for_each_entry_safe(old_patch, tmp_patch,			\
				 &(patch)->replaced_list, replaced_node)

/* Upstream's .replace semantics (lib/klp_policy/legacy.c); always built in. */
extern struct klp_replace_policy klp_legacy_policy;

void klp_policy_request(const struct klp_patch *patch);
int klp_policy_prepare(struct klp_patch *patch);
bool klp_policy_same_line(const struct klp_patch *patch,
			  const struct klp_patch *old_patch);
bool klp_policy_replaces(const struct klp_patch *patch,
			 const struct klp_patch *old_patch);
int klp_policy_add_files(struct klp_patch *patch);
void klp_policy_accepted(const struct klp_patch *patch);
void klp_policy_unlink(struct klp_patch *patch);
void klp_policy_put(struct klp_patch *patch);
ssize_t klp_policy_name_show(const struct klp_patch *patch, char *buf);
ssize_t klp_policy_replaced_show(const struct klp_patch *patch, char *buf);

/* What the built-in KUnit suites call: global only when one is configured. */
#if IS_ENABLED(CONFIG_KLP_REPLACE_POLICY_KUNIT_TEST) || \
	IS_ENABLED(CONFIG_KLP_SCOPED_POLICIES_KUNIT_TEST)
#define KLP_POLICY_VISIBLE

extern struct klp_replace_policy *klp_default_policy;
struct klp_replace_policy *klp_find_get_replace_policy(const char *name);
void klp_put_replace_policy(struct klp_replace_policy *policy);
bool klp_patch_patches_func(const struct klp_patch *patch,
			    const struct klp_object *obj,
			    const struct klp_func *func);
int klp_decide_replaced(struct klp_patch *patch, struct list_head *patches);
int klp_check_consistency(const struct klp_patch *patch,
			  struct list_head *patches);
void klp_release_replaced(struct klp_patch *patch);
void klp_policy_index_begin(const struct klp_patch *patch);
void klp_policy_index_end(void);
const struct klp_func_index *klp_policy_index(const struct klp_patch *patch);
#else
#define KLP_POLICY_VISIBLE	static
#endif

#endif /* _LIVEPATCH_POLICY_H */
