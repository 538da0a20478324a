#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack the guest's initramfs: busybox for the basics, the GNU tools the
# upstream selftests rely on (bash, coreutils' date --rfc-3339 and stat
# --format, procps' sysctl --values, kmod's modinfo, diffutils' diff
# --label, getconf, util-linux's dmesg) copied from this Debian host with
# their libraries, the test kernel's modules, the installed selftests and
# the harness's guest scripts.
. "$(dirname "$0")/lib.sh"

ROOT=$BUILD/initramfs
OUT=$BUILD/initramfs.cpio.gz
HOST_PACKAGES="bash coreutils procps diffutils util-linux kmod grep sed mawk findutils libc-bin gzip"

[ -d "$BUILD/modroot/lib/modules" ] || die "no modules installed: run 'make kernel' first"
[ -x /bin/busybox ] || die "/bin/busybox missing: run 'make deps' (busybox-static)"

rm -rf "$ROOT"
mkdir -p "$ROOT"/{usr/bin,usr/sbin,usr/lib,usr/lib64,proc,sys,dev,tmp,run,root,etc}
for d in bin sbin lib lib64; do
	ln -s "usr/$d" "$ROOT/$d"
done

# copy_host <path>: a host file at the same path, following merged /usr.
copy_host() {
	local src dst
	src=$(readlink -f "$1")
	dst=$ROOT$(echo "$1" | sed -E 's#^/(bin|sbin|lib|lib64)/#/usr/\1/#')
	[ -e "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	cp "$src" "$dst"
}

bins=$(for p in $HOST_PACKAGES; do dpkg -L "$p"; done |
	grep -E '^(/usr)?/s?bin/[^/]+$' | sort -u)
for b in $bins; do
	[ -x "$b" ] && [ ! -d "$b" ] || continue
	copy_host "$b"
done
# kselftest's runner line-buffers through stdbuf, which preloads this.
copy_host /usr/libexec/coreutils/libstdbuf.so
# Libraries the copied programs load, and the dynamic loader itself.
for b in $bins; do
	[ -x "$b" ] && [ ! -d "$b" ] || continue
	ldd "$b" 2>/dev/null | grep -oE '/[^ ]+' || true
done | sort -u | while read -r lib; do
	copy_host "$lib"
done

# busybox fills in what the GNU packages above do not provide.
cp /bin/busybox "$ROOT/usr/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$ROOT/usr/bin/$applet" ] || [ -e "$ROOT/usr/sbin/$applet" ] ||
		ln -s busybox "$ROOT/usr/bin/$applet"
done

cp -a "$BUILD/modroot/lib/modules" "$ROOT/usr/lib/"
cp -a "$BUILD/kselftest" "$ROOT/kselftest"
cp -a "$PROJECT/harness/guest" "$ROOT/harness"
cp "$PROJECT/harness/guest/init" "$ROOT/init"
chmod +x "$ROOT/init" "$ROOT"/harness/*.sh
echo "root:x:0:0:root:/root:/bin/bash" > "$ROOT/etc/passwd"
echo "root:x:0:" > "$ROOT/etc/group"

(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) |
	gzip -1 > "$OUT"
echo "initramfs: $OUT ($(du -h "$OUT" | cut -f1))"
