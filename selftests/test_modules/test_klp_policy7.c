// SPDX-License-Identifier: GPL-2.0
// Copyright (C) 2026 The klp replace-policy project

/*
 * The patch a forced transition is stacked on: marked forced, its module
 * stays loaded until reboot, so it has its own name.
 */
#include "test_klp_policy1.c"
