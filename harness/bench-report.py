#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py <samples.csv> <outdir> <mode>: the make bench table.

Reads the guest's "BENCH,<measure>,<policy>,<x>,<value>" samples, writes
<outdir>/bench.csv (median, min, max and count per measure, policy and
x) and <outdir>/bench.svg (cumulative update time against k), prints
the table with the ratios, and exits non-zero when a bar is missed:
scoped updates transition exactly C functions and legacy C + kF, and
the scoped update completes with the off-band sleeper still asleep.
"""

import csv
import math
import statistics
import sys
from collections import defaultdict

C, F = 32, 4


def load(path):
    data = defaultdict(list)
    with open(path) as f:
        for row in csv.reader(f):
            if len(row) != 5 or row[0] != "BENCH":
                continue
            data[(row[1], row[2], int(row[3]))].append(int(row[4]))
    return data


def med(values):
    return statistics.median(values) if values else float("nan")


def spread(values):
    m = med(values)
    if not values or not m:
        return "-"
    return "%+.0f%%/%+.0f%%" % (100 * (min(values) - m) / m, 100 * (max(values) - m) / m)


def svg(data, path):
    """Median insmod-to-complete time against k, one line per policy."""
    series = {}
    for (measure, policy, x), v in data.items():
        if measure == "insmod_to_complete_us":
            series.setdefault(policy, []).append((x, med(v) / 1000.0))
    if not series:
        return
    ks = sorted({x for s in series.values() for x, _ in s})
    ymax = max(y for s in series.values() for _, y in s) or 1
    w, h, m = 480, 300, 50
    def px(i):
        return m + (w - 2 * m) * i / max(1, len(ks) - 1)
    def py(y):
        return h - m - (h - 2 * m) * y / ymax
    colors = {"legacy": "#c0392b", "replace_set": "#2471a3", "tag": "#229954"}
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">' % (w, h),
           '<text x="%d" y="18">cumulative update: insmod to end of transition (ms, median)</text>' % m,
           '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (m, h - m, w - m, h - m),
           '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (m, m, m, h - m),
           '<text x="%d" y="%d">0</text>' % (m - 15, h - m),
           '<text x="%d" y="%d">%.0f</text>' % (5, m + 4, ymax)]
    for i, k in enumerate(ks):
        out.append('<text x="%.0f" y="%d">k=%d</text>' % (px(i) - 10, h - m + 15, k))
    for n, (policy, points) in enumerate(sorted(series.items())):
        points.sort()
        coords = " ".join("%.0f,%.0f" % (px(ks.index(x)), py(y)) for x, y in points)
        color = colors.get(policy, "black")
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (color, coords))
        out.append('<text x="%d" y="%d" fill="%s">%s</text>' % (w - m - 60, m + 14 * n, color, policy))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    samples, outdir, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    data = load(samples)
    if not data:
        print("bench: no samples in %s" % samples)
        return 1

    with open(outdir + "/bench.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["measure", "policy", "x", "median", "min", "max", "samples"])
        for (measure, policy, x), v in sorted(data.items()):
            w.writerow([measure, policy, x, med(v), min(v), max(v), len(v)])
    svg(data, outdir + "/bench.svg")

    failures = []
    ks = sorted({x for (m, _, x) in data if m == "transitioned"})
    print("\n1. Cumulative update (C=%d) with k off-band fixes (F=%d each), %s run" % (C, F, mode))
    print("%4s %-12s %12s %9s %16s %14s %14s" % ("k", "policy", "transitioned", "replaced",
                                                 "insmod->done ms", "spread", "slab KiB"))
    for k in ks:
        for policy in ("legacy", "replace_set", "tag"):
            t = data.get(("transitioned", policy, k))
            if not t:
                continue
            want = C + k * F if policy == "legacy" else C
            if set(t) != {want}:
                failures.append("%s k=%d transitioned %s, expected %d" % (policy, k, t, want))
            us = data.get(("insmod_to_complete_us", policy, k), [])
            kb = [v for v in data.get(("slab_kb", policy, k), []) if v >= 0]
            print("%4d %-12s %12d %9d %16.1f %14s %14s" % (
                k, policy, med(t), med(data.get(("replaced_patches", policy, k), [])),
                med(us) / 1000, spread(us), "%.0f" % med(kb) if kb else "lost"))
        leg = med(data.get(("insmod_to_complete_us", "legacy", k), []))
        sc = med(data.get(("insmod_to_complete_us", "replace_set", k), []))
        if leg and sc and not math.isnan(leg) and not math.isnan(sc):
            print("%4s legacy/replace_set time ratio: %.2f" % ("", leg / sc), end="")
            lkb = med(data.get(("slab_kb", "legacy", k), []))
            skb = med(data.get(("slab_kb", "replace_set", k), []))
            print(", slab ratio: %.2f" % (lkb / skb) if lkb > 0 and skb > 0 else "")

    print("\n2. Stall: a task asleep in the off-band fix during the update")
    wake = [x for (m, p, x) in data if m == "stall_us"]
    for x in sorted(set(wake)):
        leg = data.get(("stall_us", "legacy", x), [])
        sc = data.get(("stall_us", "replace_set", x), [])
        asleep = data.get(("stall_sleeper_still_asleep", "replace_set", x), [])
        print("   sleeper wakes after %d s: legacy %.1f ms (%s), replace_set %.1f ms (%s), ratio %.1f" % (
            x, med(leg) / 1000, spread(leg), med(sc) / 1000, spread(sc), med(leg) / med(sc)))
        print("   replace_set completed with the sleeper still asleep: %d of %d runs" % (sum(asleep), len(asleep)))
        if not asleep or sum(asleep) != len(asleep):
            failures.append("replace_set update did not complete while the sleeper slept")
        if med(leg) < x * 1e6:
            failures.append("legacy update completed before the sleeper woke (%.0f us)" % med(leg))

    print("\n3. Enabling a patch against loaded patches (replace_set, F=%d functions each)" % F)
    for measure, what in (("enable_ns", "klp_enable_patch() of a new set"),
                          ("decide_ns", "policy decision + scope checks (refused probe, fastest try per load)")):
        ns = sorted({x for (m, _, x) in data if m == measure})
        print("   %s:" % what)
        for n in ns:
            v = data[(measure, "replace_set", n)]
            print("   %5d loaded: %9.1f us (%s)" % (n, med(v) / 1000, spread(v)))
        if len(ns) >= 2:
            a, b = ns[0], ns[-1]
            ra = med(data[(measure, "replace_set", b)]) / med(data[(measure, "replace_set", a)])
            exp = math.log(ra) / math.log(b / a) if ra > 0 else float("nan")
            print("   %d -> %d loaded (x%d): time x%.2f, growth exponent %.2f (1 = linear, 2 = quadratic)" % (
                a, b, b // a, ra, exp))

    print("\n4. Hot path: one call to a patched function (fastest round of 1000 calls)")
    hot = sorted({x for (m, _, x) in data if m == "call_ps"})
    for x in hot:
        v = data[("call_ps", "replace_set", x)]
        print("   %3d unrelated patches: %6.1f ns/call (%s)" % (x, med(v) / 1000, spread(v)))
    if len(hot) == 2:
        a, b = med(data[("call_ps", "replace_set", hot[0])]), med(data[("call_ps", "replace_set", hot[1])])
        if a <= 0 or b <= 0:
            failures.append("hot path not measured (%s, %s ps/call)" % (a, b))
        else:
            print("   ratio %d/%d patches: %.2f" % (hot[1], hot[0], b / a))

    for f in failures:
        print("FAILED: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
