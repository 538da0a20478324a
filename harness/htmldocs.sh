#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the htmldocs of Documentation/livepatch/ from the assembled tree,
# as Sphinx builds them upstream (kernel-doc of every header the rst files
# name included), and record one check: no warning and no error.
. "$(dirname "$0")/lib.sh"

need_tree
RESULT_FILE=${RESULT_FILE:-htmldocs}
mkdir -p "$LOGS" "$RESULTS"
rm -f "$RESULTS/$RESULT_FILE"
log=$LOGS/htmldocs.log
what="htmldocs: Documentation/livepatch builds with no Sphinx or kernel-doc warning"

command -v sphinx-build >/dev/null || die "sphinx-build not found: run 'make deps' (python3-sphinx)"
rm -rf "$BUILD/htmldocs"
set +e
make -C "$TREE" O="$BUILD/htmldocs" SPHINXDIRS=livepatch htmldocs > "$log" 2>&1
rc=$?
set -e
warnings=$(grep -E 'WARNING|ERROR|warning:|error:' "$log" || true)
if [ "$rc" = 0 ] && [ -z "$warnings" ] &&
   [ -f "$BUILD/htmldocs/Documentation/output/livepatch/replace-policies.html" ]; then
	record_check pass "$what"
else
	record_check fail "$what" "exit $rc, $(echo "$warnings" | grep -c .) warnings, see $log"
	echo "$warnings" | head -20 >&2
	exit 1
fi
