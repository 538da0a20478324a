#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench-scale-report.py <samples.csv> <outdir> <full|smoke>

Turns make bench-scale's SCALE lines (harness/guest/bench-scale.sh) into
<outdir>/scale.csv, prints the table (each time against C and k, for the
series' kernel per policy and for pristine 6.12), the series/pristine
ratios of the legacy figures, and each part's growth exponent in the
total number of functions involved (old + new cumulative, plus the
off-band patches' functions: the slope of a least-squares fit of
log(time) against log(functions)), and draws <outdir>/scale.svg (log-log,
one line per kernel and policy, slopes in the legend). Exits 1 when
samples are missing or a bar of the full run is not met: the checks'
exponent at most 1.1, and the legacy update at C = 4096 no slower on the
series' kernel than on pristine.
"""

import csv
import math
import sys
from collections import defaultdict

F = 4
PARTS = ("enable_us", "klp_enable_us", "checks_us", "nops_us", "transition_us")
TABLE = PARTS + ("offband_enable_us", "slab_kb", "call_ps")
# checks_us and nops_us are split at marks pristine 6.12 does not have
# (see split_trace() in harness/guest/bench-scale.sh): no ratio of theirs.
RATIOS = ("enable_us", "klp_enable_us", "transition_us",
          "offband_enable_us", "slab_kb", "call_ps", "call_ps_unpatched")


def load(path, bad):
    data = defaultdict(dict)
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if not row or row[0] != "SCALE":
                continue
            try:
                _, kernel, policy, measure, c, k, value = row
                point, v = (int(c), int(k)), float(value)
            except ValueError:
                bad.append(",".join(row))
                continue
            data[(kernel, policy, measure)].setdefault(point, []).append(v)
    return data


def median(vals):
    v = sorted(vals)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def medians(data):
    """The same keys, each point's median."""
    return {key: {pt: median(v) for pt, v in pts.items()} for key, pts in data.items()}


def total_funcs(c, k, policy="replace_set"):
    """Functions involved: the old and new cumulative patches and the k
    off-band patches; legacy's cumulative patches carry the fixes'."""
    if policy == "legacy":
        return 2 * (c + F * k) + F * k
    return 2 * c + F * k


def slope(points):
    """Least-squares slope of log(y) against log(x), None when undefined."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    if sxx == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx


def lines(data):
    """(kernel, policy) pairs with samples, the series' first."""
    keys = sorted({(kern, pol) for (kern, pol, _) in data if pol != "none"},
                  key=lambda kp: (kp[0] != "series", kp[1]))
    return keys


def fmt(v):
    return "-" if v is None else ("%.0f" % v if v >= 100 else "%.1f" % v)


def main():
    samples, outdir, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    failures = []
    bad = []
    raw = load(samples, bad)
    failures += ["malformed sample: " + b for b in bad]
    if not raw:
        print("bench-scale: no samples")
        return 1
    data = medians(raw)

    with open(outdir + "/scale.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kernel", "policy", "measure", "C", "k", "median", "min", "max", "n"])
        for (kern, pol, meas), vals in sorted(raw.items()):
            for (c, k), v in sorted(vals.items()):
                w.writerow([kern, pol, meas, c, k, median(v), min(v), max(v), len(v)])

    print("bench-scale (%s): microseconds unless noted; functions = 2C + %dk"
          " (legacy: 2C + %dk, its cumulative patches carry the fixes)" % (mode, F, 3 * F))
    for kern, pol in lines(data):
        print("\n%s, %s:" % (kern, pol))
        print("  %5s %4s %6s" % ("C", "k", "funcs") +
              "".join(" %14s" % p for p in TABLE))
        pts = sorted(data.get((kern, pol, "enable_us"), {}))
        for c, k in pts:
            print("  %5d %4d %6d" % (c, k, total_funcs(c, k, pol)) +
                  "".join(" %14s" % fmt(data.get((kern, pol, p), {}).get((c, k)))
                          for p in TABLE))
        print("  growth exponent in functions:" + "".join(
            " %s %s" % (p, fmt2(slope([(total_funcs(c, k, pol), v) for (c, k), v in
                                       data.get((kern, pol, p), {}).items()])))
            for p in PARTS))

    # The series' cost for who keeps legacy: series / pristine, per point
    # (medians), and the spread of each point's samples around its median.
    print("\nseries / pristine, legacy (1.00: same; each point's ratio of medians;"
          " spread: the widest (max - min) / median of a point's samples, both kernels):")
    for meas in RATIOS:
        pol = "none" if meas == "call_ps_unpatched" else "legacy"
        m = "call_ps" if meas == "call_ps_unpatched" else meas
        s = data.get(("series", pol, m), {})
        p = data.get(("pristine", pol, m), {})
        common = sorted(x for x in set(s) & set(p) if p[x] > 0 and s[x] >= 0)
        if not common:
            continue
        ratios = sorted(s[x] / p[x] for x in common)
        spread = max(spread_of(raw.get((kern, pol, m), {}).get(x, []))
                     for kern in ("series", "pristine") for x in common)
        print("  %-18s median %.2f  (min %.2f, max %.2f, %d points; spread %.0f%%)" %
              (meas, median(ratios), ratios[0], ratios[-1], len(ratios), 100 * spread))
        if meas == "klp_enable_us" and mode == "full":
            for x in [x for x in common if x[0] == 4096]:
                print("    C=4096 k=%d: series %s, pristine %s, ratio %.2f" %
                      (x[1], fmt(s[x]), fmt(p[x]), s[x] / p[x]))
                if s[x] > p[x] * 1.05:
                    failures.append("legacy update at C=4096 k=%d slower on the series "
                                    "(%.0f us) than on pristine (%.0f us)" % (x[1], s[x], p[x]))

    for kern, pol in lines(data):
        if kern != "series":
            continue
        e = slope([(total_funcs(c, k, pol), v) for (c, k), v in
                   data.get((kern, pol, "checks_us"), {}).items()])
        if mode == "full" and e is not None and e > 1.1:
            failures.append("%s: decision and checks grow with exponent %.2f > 1.1" % (pol, e))

    plot(data, outdir)
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


def spread_of(vals):
    """(max - min) / median of one point's samples; 0 for one sample."""
    if len(vals) < 2 or median(vals) <= 0:
        return 0.0
    return (max(vals) - min(vals)) / median(vals)


def fmt2(v):
    return "-" if v is None else "%.2f" % v


def plot(data, outdir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench-scale: no matplotlib, no plot")
        return
    fig, axes = plt.subplots(1, 3, figsize=(16, 5))
    for ax, meas, title in zip(axes, ("klp_enable_us", "checks_us", "nops_us"),
                               ("klp_enable_patch()", "decision and checks", "nops and kobjects")):
        for kern, pol in lines(data):
            vals = data.get((kern, pol, meas), {})
            pts = sorted((total_funcs(c, k, pol), v) for (c, k), v in vals.items() if v > 0)
            if not pts:
                continue
            e = slope(pts)
            # The points (every C and k), and the fitted power law.
            dots = ax.loglog([p[0] for p in pts], [p[1] for p in pts],
                             "o" if kern == "series" else "s", markersize=3,
                             label="%s %s (slope %s)" % (kern, pol, fmt2(e)))
            if e is not None:
                lx = [math.log(p[0]) for p in pts]
                ly = [math.log(p[1]) for p in pts]
                b = sum(ly) / len(ly) - e * sum(lx) / len(lx)
                xs = (min(p[0] for p in pts), max(p[0] for p in pts))
                ax.loglog(xs, [math.exp(b) * x ** e for x in xs],
                          "-" if kern == "series" else "--", color=dots[0].get_color(), linewidth=1)
        ax.set_title(title)
        ax.set_xlabel("functions involved (2C + %dk; legacy 2C + %dk)" % (F, 3 * F))
        ax.set_ylabel("microseconds")
        ax.legend(fontsize=7)
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    for ext in ("svg", "png"):
        fig.savefig("%s/scale.%s" % (outdir, ext))


if __name__ == "__main__":
    sys.exit(main())
