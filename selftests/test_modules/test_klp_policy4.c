// SPDX-License-Identifier: GPL-2.0

/*
 * The patch a forced transition replaces: its module can never be
 * removed afterwards, so each test script that forces has its own.
 */
#include "test_klp_policy1.c"
