/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LIVEPATCH_POLICY_H
#define _LIVEPATCH_POLICY_H

#include <linux/livepatch.h>

#define klp_for_each_replaced_patch(patch, old_patch)			\
	list_for_each_entry(old_patch, &(patch)->replaced_list, replaced_node)

#define klp_for_each_replaced_patch_safe(patch, old_patch, tmp_patch)	\
	list_for_each_entry_safe(old_patch, tmp_patch,			\
				 &(patch)->replaced_list, replaced_node)

int klp_policy_prepare(struct klp_patch *patch);
void klp_policy_unlink(struct klp_patch *patch);
void klp_policy_put(struct klp_patch *patch);
ssize_t klp_policy_name_show(const struct klp_patch *patch, char *buf);
ssize_t klp_policy_params_show(const struct klp_patch *patch, char *buf);

#if IS_ENABLED(CONFIG_KUNIT)
bool klp_patch_patches_func(const struct klp_patch *patch,
			    const struct klp_object *obj,
			    const struct klp_func *func);
int klp_decide_replaced(struct klp_patch *patch, struct list_head *patches);
int klp_check_consistency(const struct klp_patch *patch,
			  struct list_head *patches);
void klp_release_replaced(struct klp_patch *patch);
#endif

#endif /* _LIVEPATCH_POLICY_H */
