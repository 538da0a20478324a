// SPDX-License-Identifier: GPL-2.0
// Copyright (C) 2026 The klp replace-policy project

/*
 * The patch a forced transition would have replaced had it not been
 * reversed: if it stayed marked forced, its module could never be
 * removed, so it has its own name.
 */
#include "test_klp_policy1.c"
