#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make ftrace-handler: show that the series leaves klp_ftrace_handler(),
# the livepatch hot path, exactly as it is. Builds the object that holds
# it, kernel/livepatch/patch.o, from the pristine tree (tag klp-pristine,
# a git worktree) with the test kernel's .config into $BUILD/obj-pristine,
# then compares the function's disassembly in both objects with
# addresses, raw bytes and relocation offsets stripped (jumps inside the
# function keep their offsets). One object, not vmlinux: the kernel is
# not built with LTO, so the function's code is the object's, and the
# pristine build takes a minute instead of nine.
. "$(dirname "$0")/lib.sh"
RESULT_FILE=${RESULT_FILE:-ftrace-handler}

need_tree
[ -f "$OBJ/vmlinux" ] || die "no test kernel in $OBJ: run 'make kernel' first"

POBJ=$BUILD/obj-pristine
FUNC=klp_ftrace_handler
mkdir -p "$POBJ" "$LOGS"
start=$(date +%s)

pristine_worktree

pristine_config "$POBJ"

OBJFILE=kernel/livepatch/patch.o
info "building the pristine $OBJFILE in $POBJ (-j$JOBS)"
make -C "$PRISTINE" O="$POBJ" -j"$JOBS" CC="$(kcc)" "$OBJFILE" \
	> "$LOGS/pristine-build.log" 2>&1 ||
	die "pristine build failed: $LOGS/pristine-build.log"
grep -Eq '^CONFIG_LTO_CLANG(_FULL|_THIN)?=y' "$OBJ/.config" &&
	die "the test kernel is built with LTO: compare vmlinux images instead"

# disasm <object>: the function's instructions and relocations, position
# independent.
disasm() {
	objdump -dr --no-show-raw-insn --disassemble="$FUNC" "$1" |
		sed -n "/<$FUNC>:\$/,\$p" |
		sed -E -e 's/^ *[0-9a-f]+:\t//' \
		       -e 's/^[0-9a-f]{16} //' \
		       -e 's/\b[0-9a-f]{16}\b//g' \
		       -e "/<$FUNC(\+0x[0-9a-f]+)?>/!s/<([^>+]+)\+0x[0-9a-f]+>/<\1>/g" \
		       -e 's/-?0x[0-9a-f]+\(%rip\)/(%rip)/g' \
		       -e 's/# [0-9a-f]+ </# </' \
		       -e 's/[ \t]+$//'
}

disasm "$POBJ/$OBJFILE" > "$LOGS/$FUNC-pristine.txt"
disasm "$OBJ/$OBJFILE" > "$LOGS/$FUNC-series.txt"
n=$(grep -c . "$LOGS/$FUNC-series.txt" || true)

if [ "$n" -lt 10 ]; then
	record_check fail "$FUNC disassembly" "only $n lines in $LOGS/$FUNC-series.txt"
	exit 1
fi
if diff -u --label pristine --label series "$LOGS/$FUNC-pristine.txt" \
	"$LOGS/$FUNC-series.txt" > "$LOGS/$FUNC.diff"; then
	record_check pass "$FUNC unchanged by the series ($n lines)"
	echo "ftrace-handler: identical, $n lines ($LOGS/$FUNC-series.txt), $(since "$start")s"
else
	cat "$LOGS/$FUNC.diff"
	record_check fail "$FUNC unchanged by the series" "$LOGS/$FUNC.diff"
	exit 1
fi
