// SPDX-License-Identifier: GPL-2.0

/*
 * A carrier of a system state marked forced while a task sleeps in its
 * code, whose state is then taken over twice (test-state-lifecycle.sh):
 * its module stays loaded until reboot, so it has its own name.
 */
#include "test_klp_policy1.c"
