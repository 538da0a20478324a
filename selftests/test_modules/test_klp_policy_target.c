// SPDX-License-Identifier: GPL-2.0

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>

/*
 * A module whose function test_klp_policy1.c to test_klp_policy6.c patch
 * with target=1, so that test-scoped-replace.sh can load it after the
 * livepatches. Reading /sys/module/test_klp_policy_target/parameters/answer
 * calls the function: the line says which implementation ran.
 */

/* Called only through answer_ops, so the compiler keeps it whole. */
static int test_klp_policy_target_answer(char *buf,
					 const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s: original\n", THIS_MODULE->name);
}

static const struct kernel_param_ops answer_ops = {
	.get = test_klp_policy_target_answer,
};
module_param_cb(answer, &answer_ops, NULL, 0444);
MODULE_PARM_DESC(answer, "which implementation of test_klp_policy_target_answer() runs");

static int test_klp_policy_target_init(void)
{
	return 0;
}

static void test_klp_policy_target_exit(void)
{
}

module_init(test_klp_policy_target_init);
module_exit(test_klp_policy_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Livepatch test: a module function for replace policies");
