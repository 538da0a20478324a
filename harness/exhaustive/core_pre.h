/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core_pre.h - what the functions extract.awk takes from core.c need of the
 * rest of core.c, ahead of them in core_extract.c.
 */
#include <linux/livepatch.h>
#include "core.h"
#include "policy.h"
#include "patch.h"
#include "state.h"
#include "transition.h"

/* klp_init() ran: sysfs has /sys/kernel/livepatch. */
static struct kobject *klp_root_kobj = (struct kobject *)&klp_root_kobj;
static const struct attribute_group *klp_patch_groups[] = { NULL };
static const struct attribute_group *klp_object_groups[] = { NULL };
#define kobj_sysfs_ops klp_shim_kobj_sysfs_ops

/*
 * klp_init_object(): symbol lookup (kallsyms), relocations and sysfs of
 * an object; the harness stands in (harness_init_object()).
 */
int harness_init_object(struct klp_patch *patch, struct klp_object *obj);
static int klp_init_object(struct klp_patch *patch, struct klp_object *obj)
{
	return harness_init_object(patch, obj);
}
