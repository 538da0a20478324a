#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the project needs, or say exactly how to.
. "$(dirname "$0")/lib.sh"

# What each is for: the kernel source and its build (gcc .. libssl-dev),
# the guest (qemu, busybox and the GNU tools the upstream selftests call),
# the static checks (sparse, perl for checkpatch, coccinelle), the
# htmldocs (sphinx), kunit.py, and the exhaustive harness's mutants
# (patch; gcc brings AddressSanitizer and UBSan).
PACKAGES="
	linux-source-6.12 xz-utils
	gcc make flex bison bc libelf-dev libssl-dev cpio kmod ccache rsync git patch
	python3 python3-ply python3-git python3-matplotlib perl
	qemu-system-x86 qemu-system-data busybox-static
	bash coreutils procps diffutils util-linux grep sed mawk findutils
	sparse coccinelle python3-sphinx graphviz
"

missing=
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root: apt-get update && $cmd" >&2
	exit 1
fi

info "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
