/* SPDX-License-Identifier: GPL-2.0 */
/* core_post.h - the harness' way into core.c's static functions. */
ssize_t harness_enabled_store(struct klp_patch *patch, const char *buf)
{
	return enabled_store(&patch->kobj, NULL, buf, strlen(buf));
}

ssize_t harness_force_store(struct klp_patch *patch, const char *buf)
{
	return force_store(&patch->kobj, NULL, buf, strlen(buf));
}

/* A reset between histories: free a patch whatever its state. */
void harness_free_patch(struct klp_patch *patch)
{
	klp_free_patch_start(patch);
	klp_free_patch_finish(patch);
}
