// SPDX-License-Identifier: GPL-2.0
// Copyright (C) 2026 The klp replace-policy project

/*
 * The patch an earlier forced transition is stacked on, kept marked
 * forced across a reversed replacing transition: its module stays loaded
 * until reboot, so it has its own name.
 */
#include "test_klp_policy1.c"
