// SPDX-License-Identifier: GPL-2.0

/* The patch stacked on test_klp_reverse_below: the same, another name. */
#include "test_klp_reverse_below.c"
