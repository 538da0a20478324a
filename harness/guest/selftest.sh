#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job: the livepatch selftests, through kselftest's own runner, which
# prints one TAP line per script.  klp.tests=a.sh,b.sh on the kernel
# command line (make selftest TESTS="a.sh b.sh") runs only those.
cd /kselftest || exit 1
args=()
tests=$(sed -n 's/.*klp\.tests=\([^ ]*\).*/\1/p' /proc/cmdline)
for t in ${tests//,/ }; do
	args+=(-t "livepatch:$t")
done
# The scripts only check that KDIR names a directory: the test modules
# were built on the host against the test kernel.
KDIR=/kselftest ./run_kselftest.sh "${args[@]}"
