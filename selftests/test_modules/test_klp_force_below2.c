// SPDX-License-Identifier: GPL-2.0

/* Another patch of version_proc_show: the same, another name. */
#include "test_klp_force_below.c"
