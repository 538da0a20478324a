// SPDX-License-Identifier: GPL-2.0

/*
 * The patch a forced transition replaces while a task sleeps in its code
 * (test-force-reverse.sh): its module stays pinned until reboot, so it
 * has its own name.
 */
#include "test_klp_policy1.c"
