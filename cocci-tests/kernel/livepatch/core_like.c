// SPDX-License-Identifier: GPL-2.0
// Fixture for scripts/coccinelle/api/livepatch_replace_policy.cocci: the
// livepatch core is never changed, even where it sets .replace.

#include <linux/livepatch.h>

void core_like_reset(struct klp_patch *patch)
{
	patch->replace = false;
}

bool core_like_replaces(const struct klp_patch *patch)
{
	return patch->replace;
}
