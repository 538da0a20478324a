// SPDX-License-Identifier: GPL-2.0
// Fixture for scripts/coccinelle/api/livepatch_replace_policy.cocci: assignment through a pointer, a macro default (kpatch livepatch-patch-hook.c)

#include "fixture.h"

#define HAVE_KLP_REPLACE

#ifndef KLP_REPLACE_ENABLE
#define KLP_REPLACE_ENABLE true
#endif

static struct klp_patch *lpatch;

static int livepatch_init(void)
{
	lpatch = kzalloc(sizeof(*lpatch), GFP_KERNEL);
	if (!lpatch)
		return -ENOMEM;

	lpatch->mod = THIS_MODULE;
	lpatch->objs = objs;
#ifdef HAVE_KLP_REPLACE
	lpatch->replace = KLP_REPLACE_ENABLE;
#endif
	return klp_enable_patch(lpatch);
}

static void livepatch_exit(void)
{
	kfree(lpatch);
}

module_init(livepatch_init);
module_exit(livepatch_exit);

MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
