/* SPDX-License-Identifier: GPL-2.0 */
/* Shim of <linux/hash.h> for the exhaustive harness: everything is in klp_shim.h. */
#include <klp_shim.h>
