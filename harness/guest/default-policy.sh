#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest job: the default replace policy as the boot command line sets it.
# klp.expect=<policy> is what livepatch.replace_policy= must resolve to;
# klp.expect_warn=<name> means <name> is not a policy, so boot must have
# warned and fallen back to legacy. Three patches that name no policy
# (only .replace) then load, and the default reads their flag as
# DESIGN.md §3 documents:
#   p1 replace=1 (cmdline_proc_show), p2 replace=0 (version_proc_show),
#   p3 replace=1 (cmdline_proc_show)
#   legacy:      p3 replaces p1 and p2
#   replace_set: p1, p3 are set 0 and p2 a private set (no replace_set
#                file): p3 replaces p1
#   tag:         p1, p3 are tag 1 and p2 tag 0: p3 replaces p1 and p2
# Each assertion prints "KLP-CHECK pass|fail <what>" for the host.
. /harness/lib.sh

MODS=/kselftest/livepatch/test_modules
P1=test_klp_policy1 P2=test_klp_policy2 P3=test_klp_policy3
expect=$(sed -n 's/.*klp\.expect=\([^ ]*\).*/\1/p' /proc/cmdline)
expect_warn=$(sed -n 's/.*klp\.expect_warn=\([^ ]*\).*/\1/p' /proc/cmdline)
fails=0

check() {	# check <what> <expected> <got>
	if [ "$2" = "$3" ]; then
		echo "KLP-CHECK pass $expect: $1"
	else
		echo "KLP-CHECK fail $expect: $1: expected '$2', got '$3'"
		fails=$((fails + 1))
	fi
}

# The policy's one-value files (replace_params, v1's packed file, must be
# gone), then replace: "replace_set=0 replace=1".
params_of() {
	local f out=
	for f in replace_params replace_set replace_tag; do
		[ -r "$KLP/$1/$f" ] && out="$out$f=$(cat "$KLP/$1/$f") "
	done
	echo "${out}replace=$(cat "$KLP/$1/replace")"
}

enabled_patches() {
	local p list=
	for p in "$KLP"/*; do
		[ -d "$p" ] && list="$list ${p##*/}"
	done
	echo "${list# }"
}

check "livepatch.replace_policy resolves" "$expect" \
	"$(cat /sys/module/livepatch/parameters/replace_policy)"
warning=
[ -z "$expect_warn" ] ||
	warning="livepatch: replace policy '$expect_warn' is not available, using 'legacy'"
check "boot log's fallback warning (only for a name that is no policy)" "$warning" \
	"$(dmesg | grep -o "livepatch: replace policy '.*' is not available, using 'legacy'")"

load $P1 replace=1
load $P2 replace=0 funca=0 funcb=1
case $expect in
legacy)      params1="replace=1" params2="replace=0" kept="$P3" replaced="$P1 $P2" ;;
replace_set) params1="replace_set=0 replace=1" params2="replace=0"
	     kept="$P2 $P3" replaced="$P1" ;;
tag)         params1="replace_tag=1 replace=1" params2="replace_tag=0 replace=0" kept="$P3"
	     replaced="$P1 $P2" ;;
*)           params1="?" params2="?" kept="?" replaced="?" ;;
esac
check "$P1 (.replace=1, no policy) runs under the default" "$expect" \
	"$(cat "$KLP/$P1/replace_policy")"
check "$P1 parameters" "$params1" "$(params_of $P1)"
check "$P2 (.replace=0, no policy) runs under the default" "$expect" \
	"$(cat "$KLP/$P2/replace_policy")"
check "$P2 parameters" "$params2" "$(params_of $P2)"
check "$P1 and $P2 stack" "$P1 $P2" "$(enabled_patches)"

load $P3 replace=1
for ((i = 0; i < 300; i++)); do
	[ "$(enabled_patches)" = "$kept" ] && break
	sleep 0.1
done
check "$P3 (.replace=1) leaves exactly '$kept' enabled" "$kept" "$(enabled_patches)"
check "$P3's replaced file names what it replaced" "$replaced" "$(cat "$KLP/$P3/replaced")"
check "cmdline_proc_show runs $P3's code" "$P3: cmdline_proc_show" \
	"$(cat /proc/cmdline)"

# One at a time: a disable is refused while another transition runs.
for p in $(enabled_patches); do
	echo 0 > "$KLP/$p/enabled"
	for ((i = 0; i < 300; i++)); do
		[ -d "$KLP/$p" ] || break
		sleep 0.1
	done
done
check "every patch disabled" "" "$(enabled_patches)"
for ((i = 0; i < 100; i++)); do
	rmmod $P1 $P2 $P3 2>/dev/null && break
	sleep 0.1
done

# The host requires this line: every check above ran.
echo "KLP-CHECKS-DONE $fails failed"
