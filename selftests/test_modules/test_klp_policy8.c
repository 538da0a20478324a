// SPDX-License-Identifier: GPL-2.0

/*
 * The patch an earlier forced transition is stacked on, kept marked
 * forced across a reversed replacing transition: its module stays loaded
 * until reboot, so it has its own name.
 */
#include "test_klp_policy1.c"
