/* SPDX-License-Identifier: GPL-2.0 */
/* The configuration the harness builds the livepatch files with. */
#define CONFIG_LIVEPATCH 1
#define CONFIG_KLP_REPLACE_POLICY_REPLACE_SET 1
#define CONFIG_KLP_REPLACE_POLICY_TAG 1
/* Makes the rule functions of policy.c and state.c global, as KUnit does. */
#define CONFIG_KLP_REPLACE_POLICY_KUNIT_TEST 1
#define CONFIG_KLP_DEFAULT_REPLACE_POLICY "legacy"
/* klp_have_reliable_stack(): x86_64 has it */
#define CONFIG_STACKTRACE 1
#define CONFIG_HAVE_RELIABLE_STACKTRACE 1
