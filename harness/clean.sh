#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Remove $BUILD, unless the assembled tree holds edits not yet exported.
. "$(dirname "$0")/lib.sh"
. "$PROJECT/harness/series-lib.sh"

if [ -d "$TREE/.git" ] && tree_has_unexported_edits && [ "${FORCE:-0}" != 1 ]; then
	die "$TREE has edits that are not in the project yet: 'make export' first, or 'make clean FORCE=1'"
fi
rm -rf "$BUILD"
echo "clean: removed $BUILD"
