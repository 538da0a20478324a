// SPDX-License-Identifier: GPL-2.0

/*
 * The carrier of a system state retired by a forced transition while a
 * task sleeps in its code (test-state-lifecycle.sh): its module stays
 * loaded until reboot, so it has its own name.
 */
#include "test_klp_policy1.c"
