# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the harness scripts; sourced, never run.

set -euo pipefail

PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$PROJECT/build}
case $BUILD in /*) ;; *) BUILD=$PROJECT/$BUILD ;; esac
TREE=$BUILD/linux		# assembled kernel source tree (a git repository)
OBJ=$BUILD/obj			# O= output of the test kernel
KUNIT_OBJ=${KUNIT_OBJ:-$BUILD/kunit}	# --build_dir of kunit.py
LOGS=$BUILD/logs
RESULTS=${RESULTS:-$BUILD/results}	# one file per check: "<pass|fail> <name>"
JOBS=${JOBS:-$(($(nproc) + 1))}
DEBIAN_KSRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
PRISTINE_TAG=klp-pristine

die() {
	echo "error: $*" >&2
	exit 1
}

info() {
	echo "==> $*"
}

# The compiler, through ccache when it is installed.
kcc() {
	if command -v ccache >/dev/null 2>&1; then
		echo "ccache gcc"
	else
		echo "gcc"
	fi
}

# build_test_livepatches <dir> <what> <patch.c> <prefix> <suffixes> [<module.c>...]:
# build, against the test kernel, one livepatch module <prefix><suffix>
# per suffix, each compiled from <patch.c> (a livepatch needs a module
# name of its own for every copy loaded at once) with the shared
# klp_test_policy.h, and each <module.c> as a module of its own; W=1, a
# warning fails. The .ko files are left in <dir>, which should start empty.
build_test_livepatches() {
	local dir=$1 what=$2 src=$3 prefix=$4 suffixes=$5 mods= f x log
	shift 5
	log=$LOGS/$(basename "$(dirname "$dir")")-build.log
	mkdir -p "$dir" "$LOGS"
	cp "$src" "$PROJECT/harness/klp_test_policy.h" "$@" "$dir/"
	for f in "$@"; do
		mods="$mods $(basename "${f%.c}").o"
	done
	for x in $suffixes; do
		echo "#include \"$(basename "$src")\"" > "$dir/$prefix$x.c"
		mods="$mods $prefix$x.o"
	done
	echo "obj-m :=$mods" > "$dir/Kbuild"
	info "building $what"
	make -C "$OBJ" M="$dir" CC="$(kcc)" -j"$JOBS" W=1 modules > "$log" 2>&1 ||
		die "$what failed to build: $log"
	if grep -q 'warning:' "$log"; then
		grep 'warning:' "$log" >&2
		die "$what build with warnings: $log"
	fi
}

# record_check <pass|fail> <name> [detail]: one result line for make check.
record_check() {
	mkdir -p "$RESULTS"
	printf '%s %s\n' "$1" "$2" >> "$RESULTS/${RESULT_FILE:-misc}"
	if [ "$1" = pass ]; then
		echo "ok - $2"
	else
		echo "not ok - $2${3:+ ($3)}"
	fi
}

# Seconds since an epoch stamp, for the phase timings.
since() {
	echo $(($(date +%s) - $1))
}

need_tree() {
	[ -d "$TREE/.git" ] || die "no assembled tree in $TREE: run 'make tree' first"
}

# kver_of <dir>: VERSION.PATCHLEVEL of a kernel source tree, or nothing.
kver_of() {
	local mk=$1/Makefile
	[ -f "$mk" ] || return 0
	awk '/^VERSION =/ { v = $3 } /^PATCHLEVEL =/ { p = $3 }
	     END { if (v != "" && p != "") print v "." p }' "$mk"
}

# splat_lines <console log>: kernel splats (lockdep, KASAN, kmemleak as
# reported by the guest init, WARN, BUG, oops, panic, list corruption,
# kobject misuse).
splat_lines() {
	grep -nE 'WARNING: |BUG: |------------\[ cut here \]|INFO: (possible|trying|task)|possible (circular|recursive) locking|KASAN: |UBSAN: |Kernel panic|general protection fault|list_(add|del) corruption|kobject: .*(tried to init an initialized object|is not initialized)|KLP-KMEMLEAK-BEGIN' "$1" || true
}

# variant_fragment <variant>: the test kernel's configuration, changed
# for one variant of make matrix (also make bench-scale's production run)
variant_fragment() {
	local drop=NONE add=
	case $1 in
	default-replace_set) add=CONFIG_KLP_DEFAULT_REPLACE_POLICY_REPLACE_SET=y ;;
	default-tag) add=CONFIG_KLP_DEFAULT_REPLACE_POLICY_TAG=y ;;
	policies-m)
		drop='CONFIG_KLP_REPLACE_POLICY_(REPLACE_SET|TAG)='
		add=$'CONFIG_KLP_REPLACE_POLICY_REPLACE_SET=m\nCONFIG_KLP_REPLACE_POLICY_TAG=m' ;;
	production)
		drop='CONFIG_(KASAN|PROVE_LOCKING|DEBUG_KMEMLEAK|DEBUG_ATOMIC_SLEEP|DEBUG_LIST|FAULT_INJECTION|FAILSLAB|FAIL_PAGE_ALLOC)' ;;
	*) die "no such variant: $1" ;;
	esac
	grep -Ev "^($drop)" "$PROJECT/harness/test-kernel.config"
	[ -z "$add" ] || echo "$add"
}

# pristine_worktree: $BUILD/pristine, the tree at $PRISTINE_TAG (a git
# worktree of $TREE), checked out once.
PRISTINE=$BUILD/pristine
# pristine_config <obj>: the test kernel's .config for pristine 6.12 in
# <obj>; the series' own options drop out in olddefconfig, everything
# else, compiler flags included, is the test kernel's. Left untouched
# when unchanged, so that builds stay incremental.
pristine_config() {
	local pobj=$1
	mkdir -p "$pobj"
	cp "$OBJ/.config" "$pobj/.config.new"
	make -s -C "$PRISTINE" O="$pobj" KCONFIG_CONFIG=.config.new olddefconfig >/dev/null
	if ! cmp -s "$pobj/.config.new" "$pobj/.config"; then
		mv "$pobj/.config.new" "$pobj/.config"
	else
		rm -f "$pobj/.config.new"
	fi
}

pristine_worktree() {
	local want
	want=$(git -C "$TREE" rev-parse "$PRISTINE_TAG^{commit}")
	[ "$(git -C "$PRISTINE" rev-parse HEAD 2>/dev/null)" = "$want" ] && return 0
	rm -rf "$PRISTINE"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$PRISTINE" "$want" ||
		die "cannot check out $PRISTINE_TAG into $PRISTINE"
}
