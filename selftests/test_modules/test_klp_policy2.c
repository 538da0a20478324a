// SPDX-License-Identifier: GPL-2.0
// Copyright (C) 2026 The klp replace-policy project

#include "test_klp_policy1.c"
