// SPDX-License-Identifier: GPL-2.0

#include "test_klp_policy1.c"
