#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make faults: fail every allocation of klp_enable_patch() in turn, for
# each replace policy, in the booted test kernel. Builds the livepatch
# harness/faults/klp_fault_patch.c under four module names, appends them
# and the guest scripts to a copy of the initramfs and runs
# harness/guest/faults.sh, which loads the faulted patch with
# fail_nth=1, 2, ... until klp_enable_patch() makes fewer allocations
# than that, and checks after each refused load that nothing is left
# behind and that the next load works. One check per scenario (its
# summary, and no kernel splat during it); the failing allocation of
# every N (from the kernel's fault injection stack dumps) goes to
# $BUILD/faults/sites.txt, the splats with their scenario and N to
# $BUILD/faults/splats.txt. About 13 minutes here (2 cores, TCG).
# FAULTS=<scenario,...> runs only those (legacy, legacy-replace,
# replace_set, replace_set-supersede, tag, hybrid, hybrid-ondemand,
# state-lifecycle);
# FAULTS_MAX=<N> stops each after N loads (a quick look).
. "$(dirname "$0")/lib.sh"
RESULT_FILE=${RESULT_FILE:-faults}

need_tree
[ -f "$OBJ/vmlinux" ] || die "no test kernel in $OBJ: run 'make kernel' first"
[ -f "$BUILD/initramfs.cpio.gz" ] || die "no initramfs: run 'make initramfs' first"
for opt in FAULT_INJECTION FAILSLAB FAIL_PAGE_ALLOC FAULT_INJECTION_DEBUG_FS \
	   FAULT_INJECTION_STACKTRACE_FILTER; do
	grep -q "^CONFIG_$opt=y" "$OBJ/.config" ||
		die "the test kernel lacks CONFIG_$opt: rebuild it (make kernel)"
done
# The stack trace filter takes addresses from System.map.
grep -q '^CONFIG_RANDOMIZE_BASE=y' "$OBJ/.config" &&
	die "the test kernel has KASLR: the addresses of System.map would not hold"

F=$BUILD/faults
rm -rf "$F"
mkdir -p "$F/mods" "$F/root/faults" "$LOGS"
start=$(date +%s)

# text_range <object>: "<start> <end>" of the object's .text in vmlinux,
# found as the address in System.map where every function of the
# object's .text sits at its offset.
text_range() {
	/usr/bin/python3 - "$OBJ/$1" "$OBJ/System.map" <<'EOF'
import subprocess, sys
obj, smap = sys.argv[1], sys.argv[2]
syms = {}
for line in subprocess.run(["objdump", "-t", obj], capture_output=True,
                           text=True, check=True).stdout.splitlines():
    f = line.split()
    if len(f) == 6 and f[2] == "F" and f[3] == ".text":
        syms[f[5]] = int(f[0], 16)
size = None
for line in subprocess.run(["objdump", "-h", obj], capture_output=True,
                           text=True, check=True).stdout.splitlines():
    f = line.split()
    if len(f) >= 3 and f[1] == ".text":
        size = int(f[2], 16)
addrs = {}
for line in open(smap):
    a, t, name = line.split()[:3]
    if t in "tT" and name in syms:
        addrs.setdefault(name, []).append(int(a, 16))
bases = None
for name, off in syms.items():
    cand = {a - off for a in addrs.get(name, [])}
    bases = cand if bases is None else bases & cand
if not bases or len(bases) != 1 or size is None:
    sys.exit("cannot place %s in System.map" % obj)
base = bases.pop()
print("0x%x 0x%x" % (base, base + size))
EOF
}
slab_reject=$(text_range mm/kmemleak.o) || die "no text range for kmemleak"
page_reject=$(text_range lib/stackdepot.o) || die "no text range for the stack depot"
cat > "$F/root/faults/config" <<EOF
# kmemleak's metadata and KASAN's stack depot: not the enable path's
SLAB_REJECT="$slab_reject"
PAGE_REJECT="$page_reject"
EOF

build_test_livepatches "$F/mods" "the fault injection modules" \
	"$PROJECT/harness/faults/klp_fault_patch.c" klp_fault_ "a b c f"
cp "$F"/mods/*.ko "$F/root/faults/"
cp -a "$PROJECT/harness/guest" "$F/root/harness"
(cd "$F/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$F/faults.cpio.gz"
cat "$BUILD/initramfs.cpio.gz" "$F/faults.cpio.gz" > "$F/initramfs.cpio.gz"

timeout=${FAULTS_TIMEOUT:-5400}
# One vCPU: with two, every transition waits a second for the other
# CPU's idle task. klp.quiet=1 keeps the kernel's messages (one stack
# dump per forced failure) off the console while the job runs; they are
# printed after it, hence the large log buffer.
append="klp.quiet=1 log_buf_len=32M"
[ -n "${FAULTS:-}" ] && append="$append klp.faults=$FAULTS"
[ -n "${FAULTS_MAX:-}" ] && append="$append klp.faults_max=$FAULTS_MAX"
set +e
QEMU_SMP=1 QEMU_INITRD=$F/initramfs.cpio.gz QEMU_APPEND="$append ${QEMU_APPEND:-}" \
	QEMU_SHOW=${QEMU_SHOW:-job} "$PROJECT/harness/qemu.sh" faults "$timeout"
qrc=$?
set -e
log=$LOGS/faults-console.log

# Which allocation failed for each N: the stack dumped by the fault
# injection before the module's "klp_fault: <module> nth=N" line (none
# for a __GFP_NOWARN allocation); every refused load must have had its
# Nth allocation failed (left=0). Kernel splats are attributed to the
# scenario and to the load whose result line follows them.
set +e
/usr/bin/python3 - "$log" "$F/sites.txt" "$F/splats.txt" <<'EOF'
import re, sys
log, out, splat_out = sys.argv[1:4]
alloc = re.compile(r"^(dump_stack|should_fail|fail_dump|prepare_alloc_pages|__alloc_pages|alloc_pages|"
                   r"__alloc_frozen|alloc_slab_page|allocate_slab|new_slab|___slab_alloc|__slab_alloc|"
                   r"slab_alloc|__kmalloc|kmalloc|kmem_cache_alloc|__kmem_cache_alloc|__do_kmalloc|"
                   r"kzalloc|kcalloc|krealloc|__vmalloc|vmalloc|__get_vm_area|alloc_vmap_area|"
                   r"__alloc_vmap_area|kvmalloc|__kvmalloc|__get_free_pages|get_zeroed_page|"
                   r"slab_pre_alloc_hook|kasan_|kmalloc_trace|kstrdup|kstrndup|kmemdup|kvasprintf)")
splat = re.compile(r"WARNING: |BUG: |KASAN: |UBSAN: |possible (circular|recursive) locking|"
                   r"list_(add|del) corruption|Kernel panic|general protection fault|INFO: (possible|trying|task)")
scen, fault, frames, intrace, bad = "-", None, [], False, 0
rows, splats, pending = [], [], []
injob = False
for line in open(log, errors="replace"):
    line = re.sub(r"^\[\s*[\d.]+\]\s?", "", line.rstrip("\n"))
    m = re.search(r"klp_fault: scenario (\S+)", line)
    if m:
        splats += ["%s after its last load: %s" % (scen, t) for t in pending]
        scen, pending = m.group(1), []
        continue
    if splat.search(line):
        pending.append(line.strip())
    if "FAULT_INJECTION: forcing a failure" in line:
        fault, frames, intrace = "?", [], False
        continue
    m = re.search(r"name (\S+), interval", line)
    if m and fault == "?":
        fault = m.group(1).rstrip(",")
        continue
    if line.strip() == "Call Trace:":
        intrace = True
        continue
    if intrace:
        if "</TASK>" in line:
            intrace = False
            continue
        m = re.match(r"\s*(\? )?([\w.]+)\+0x", line)
        if m and not m.group(1):
            frames.append(m.group(2))
        continue
    m = re.search(r"klp_fault: (\S+) nth=(\d+) ret=(-?\d+) left=(\d+)", line)
    if m:
        mod, n, ret, left = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
        if left == 0:
            site = [f for f in frames if not alloc.match(f)][:5]
            if fault:
                what = "%s %s" % (fault, " < ".join(site) if site else "-")
            else:
                what = "nowarn (a __GFP_NOWARN allocation, not logged)"
        else:
            what = "no allocation failed"
            if ret != 0:
                what += ": REFUSED WITHOUT A FAULT"
                bad += 1
        for t in pending:
            what += " | SPLAT: " + t
            splats.append("%s n=%d: %s" % (scen, n, t))
        pending = []
        rows.append("%s n=%d ret=%d %s" % (scen, n, ret, what))
        fault, frames = None, []
splats += ["%s after its last load: %s" % (scen, t) for t in pending]
with open(out, "w") as f:
    f.write("\n".join(rows) + "\n")
with open(splat_out, "w") as f:
    f.write("".join(t + "\n" for t in splats))
sys.exit(1 if bad else 0)
EOF
prc=$?
set -e
if [ "$prc" != 0 ] && [ "$qrc" = 0 ]; then
	qrc=3
fi
summaries=$(grep -a '^FAULT-SUMMARY' "$log" || true)
if [ "$qrc" != 0 ] && [ "$qrc" != 2 ] && [ "$qrc" != 3 ]; then
	record_check fail "faults: guest" "$log"
	exit 1
fi
# One check per scenario: its summary, and no splat during it.
fail=0
while read -r line; do
	[ -n "$line" ] || continue
	scen=$(sed -n 's/.*scen=\([^ ]*\).*/\1/p' <<< "$line")
	res=${line#FAULT-SUMMARY scen=$scen }
	nsplat=$(grep -c "^$scen " "$F/splats.txt" || true)
	if [[ $line == *setup-failed* ]]; then
		record_check fail "faults: $scen: the scenario's patches did not load" "$res"
		fail=1
	elif [ "$nsplat" != 0 ]; then
		record_check fail "faults: $scen: $nsplat kernel splat(s), first: $(grep -m1 "^$scen " "$F/splats.txt")" "$res"
		fail=1
	elif [[ $line != *" leftovers=0 kmemleak=0 "* ]]; then
		record_check fail "faults: $scen: something left behind" "$res"
		fail=1
	elif [[ $line == *" allocations=-"* ]]; then
		record_check fail "faults: $scen: stopped before the last allocation (FAULTS_MAX?)" "$res"
		fail=1
	else
		record_check pass "faults: $scen: $res"
	fi
done <<< "$summaries"
if ! grep -q '^FAULTS-DONE' "$log"; then
	record_check fail "faults: guest job did not finish" "$log"
	fail=1
fi
if [ "$qrc" = 2 ] && [ ! -s "$F/splats.txt" ]; then
	record_check fail "faults: kernel splat or kmemleak report outside the scenarios" "$log"
	fail=1
fi
if [ "$qrc" = 3 ]; then
	record_check fail "faults: a load refused without a failed allocation" "$F/sites.txt"
	fail=1
fi
echo "faults: run in $(since "$start")s; failing allocation per N: $F/sites.txt, splats: $F/splats.txt"
exit $fail
