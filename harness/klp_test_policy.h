/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp_test_policy.h - the replace policy of the harness' livepatches
 * (make model/stress, make faults, make bench), chosen at load time by
 * module parameters:
 *
 *   policy=<name>     replace policy by name (unset: the default policy)
 *   replace=1         the legacy .replace flag
 *   replace_set=<n>   parameter of the replace_set policy
 *   supersedes=<n,..> replace sets the patch supersedes
 *   replace_tag=<n>   parameter of the tag policy
 *   replaceable=1     the sample hybrid plugin's parameter
 *   params=<name>     policy named in the replace_params passed, "none":
 *                     none (unset: hybrid's when the policy is hybrid)
 *   params_size=<n>   size in the replace_params header (0: theirs)
 *
 * The last two pass deliberately wrong parameters, which the core must
 * refuse. klp_test_set_policy() copies the choice into a patch.
 */

#include <linux/livepatch.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

/*
 * The first layout of struct klp_hybrid_params (samples/livepatch),
 * which ended with .replaceable and which the policy still reads,
 * defined here so that the modules build without the samples' sources.
 */
struct klp_test_hybrid_params {
	struct klp_replace_params hdr;
	bool replaceable;
};

static struct klp_test_hybrid_params hybrid_params = {
	.hdr = KLP_REPLACE_PARAMS("hybrid", struct klp_test_hybrid_params),
};

static char *policy;
module_param(policy, charp, 0400);
MODULE_PARM_DESC(policy, "replace policy name (unset: the default policy)");

static bool replace;
module_param(replace, bool, 0400);
MODULE_PARM_DESC(replace, "legacy .replace flag");

static uint replace_set;
module_param(replace_set, uint, 0400);
MODULE_PARM_DESC(replace_set, "parameter of the replace_set policy");

/* One more than a policy takes, so that a list too long reaches it. */
static uint supersedes[KLP_REPLACE_SET_SUPERSEDES_MAX + 1];
static int nr_supersedes;
module_param_array(supersedes, uint, &nr_supersedes, 0400);
MODULE_PARM_DESC(supersedes, "replace sets the patch supersedes");

static uint replace_tag;
module_param(replace_tag, uint, 0400);
MODULE_PARM_DESC(replace_tag, "parameter of the tag policy");

static bool replaceable;
module_param(replaceable, bool, 0400);
MODULE_PARM_DESC(replaceable, "replaceable in the hybrid replace_params");

static char *params;
module_param(params, charp, 0400);
MODULE_PARM_DESC(params, "policy named in the replace_params passed, \"none\": none (unset: hybrid's when the policy is hybrid)");

static uint params_size;
module_param(params_size, uint, 0400);
MODULE_PARM_DESC(params_size, "size in the replace_params header (0: their size)");

/* Copy the policy chosen by the module parameters into @patch. */
static void klp_test_set_policy(struct klp_patch *patch)
{
	patch->replace_policy = policy;
	patch->replace = replace;
	patch->replace_set = replace_set;
	patch->replace_tag = replace_tag;
	if (nr_supersedes) {
		patch->replace_supersedes = supersedes;
		patch->nr_replace_supersedes = nr_supersedes;
	}

	hybrid_params.replaceable = replaceable;
	if (params_size)
		hybrid_params.hdr.size = params_size;
	if (params) {
		if (strcmp(params, "none")) {
			hybrid_params.hdr.policy = params;
			patch->replace_params = &hybrid_params.hdr;
		}
	} else if (policy && !strcmp(policy, "hybrid")) {
		patch->replace_params = &hybrid_params.hdr;
	}
}
