#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py <samples.csv> <outdir> <mode>: the make bench table.

Reads the guest's "BENCH,<measure>,<policy>,<x>,<value>" samples, writes
<outdir>/bench.csv (median, min, max and count per measure, policy and
x), prints the table with the ratios, and draws <outdir>/bench.svg and
the same figure as <outdir>/bench.png with matplotlib (Debian's
python3-matplotlib, so run it as /usr/bin/python3):
  (a) functions transitioned per cumulative update against k,
  (b) update time (insmod to end of transition) against k, with spread,
  (c) the stall: update time while a task sleeps in an off-band fix,
  (d) folding an off-band fix in: time to completion and exposure window,
  (e) folding it in: calls that ran the unfixed code,
  (f) enabling a patch against the number of loaded patches.
Exits non-zero when a bar is missed: scoped updates transition exactly
C functions and legacy C + kF, the scoped update completes with the
off-band sleeper still asleep, and superseding an off-band fix takes one
transition with no call to the unfixed code; also when the fold-in
samples are missing or matplotlib cannot be imported.
"""

import csv
import math
import statistics
import sys
from collections import defaultdict

C, F = 32, 4
POLICIES = ("legacy", "replace_set", "tag")
METHODS = ("supersede", "disable_then_load", "legacy_replace")
COLORS = {"legacy": "#c0392b", "replace_set": "#2471a3", "tag": "#229954",
          "supersede": "#2471a3", "disable_then_load": "#e67e22", "legacy_replace": "#c0392b"}
FOLDIN = ("foldin_transitions", "foldin_us", "foldin_calls", "foldin_unfixed_calls", "foldin_window_us",
          "foldin_folded_calls", "foldin_other_fix_replaced")


def load(path):
    """The samples by (measure, policy, x), and the lines that were not."""
    data, bad = defaultdict(list), []
    with open(path) as f:
        for row in csv.reader(f):
            if len(row) != 5 or row[0] != "BENCH":
                continue
            try:
                x, v = int(row[3]), int(row[4])
            except ValueError:
                # A sample the guest could not measure ("" from a failed
                # command) fails the run but must not hide the others.
                bad.append(",".join(row))
                continue
            data[(row[1], row[2], x)].append(v)
    return data, bad


def med(values):
    return statistics.median(values) if values else float("nan")


def spread(values):
    m = med(values)
    if not values or not m:
        return "-"
    return "%+.0f%%/%+.0f%%" % (100 * (min(values) - m) / m, 100 * (max(values) - m) / m)


def ratio(a, b):
    return a / b if a and b and not math.isnan(a) and not math.isnan(b) else float("nan")


def series(data, measure, policy, scale=1.0):
    """(xs, medians, lows, highs) of one measure and policy, by x."""
    xs = sorted(x for (m, p, x) in data if m == measure and p == policy)
    vs = [[v * scale for v in data[(measure, policy, x)]] for x in xs]
    return xs, [med(v) for v in vs], [min(v) for v in vs], [max(v) for v in vs]


def errors(ys, lo, hi):
    """Asymmetric min/max error bars around the medians."""
    return [[y - a for y, a in zip(ys, lo)], [b - y for y, b in zip(ys, hi)]]


def no_data(ax, what):
    ax.text(0.5, 0.5, "no data\n(%s)" % what, ha="center", va="center",
            transform=ax.transAxes, color="grey", fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])


def legend_below(ax, ncol):
    # Below the axes, never over a line or a bar; tight_layout makes room.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=ncol, fontsize=8, frameon=False)


def k_axis(ax, ks):
    # Linear, so C + kF reads as the straight line it is; a tick label
    # too close to the previous one (1 next to 0 at k=64) is left out.
    ticks = []
    for k in ks:
        if not ticks or k - ticks[-1] >= 0.04 * (ks[-1] - ks[0]):
            ticks.append(k)
    ax.set_xticks(ticks)
    ax.set_xlim(ks[0] - 0.03 * max(1, ks[-1] - ks[0]), ks[-1] + 0.03 * max(1, ks[-1] - ks[0]))
    ax.set_xlabel("k (off-band fixes loaded, F=%d functions each)" % F)


def panel_transitioned(ax, data):
    ax.set_title("(a) functions transitioned per cumulative update")
    ks = set()
    for policy in POLICIES:
        xs, ys, _, _ = series(data, "transitioned", policy)
        if not xs:
            continue
        ks.update(xs)
        ax.plot(xs, ys, marker="o", color=COLORS[policy], label=policy,
                linestyle="--" if policy == "tag" else "-")
    if not ks:
        return no_data(ax, "transitioned")
    ks = sorted(ks)
    ax.plot([ks[0], ks[-1]], [C + ks[0] * F, C + ks[-1] * F], color="grey", linewidth=0.8, linestyle=":",
            label="C + kF (expected, legacy)")
    ax.axhline(C, color="grey", linewidth=0.8, linestyle="-.", label="C = %d (expected, scoped)" % C)
    k_axis(ax, ks)
    ax.set_ylabel("functions transitioned")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    legend_below(ax, 3)


def panel_update_time(ax, data):
    ax.set_title("(b) cumulative update time (insmod to complete)")
    ks = set()
    for policy in POLICIES:
        xs, ys, lo, hi = series(data, "insmod_to_complete_us", policy, 1e-3)
        if not xs:
            continue
        ks.update(xs)
        ax.fill_between(xs, lo, hi, color=COLORS[policy], alpha=0.15, linewidth=0)
        ax.errorbar(xs, ys, yerr=errors(ys, lo, hi), marker="o", capsize=3, color=COLORS[policy],
                    label="%s (median, min-max)" % policy, linestyle="--" if policy == "tag" else "-")
    if not ks:
        return no_data(ax, "insmod_to_complete_us")
    k_axis(ax, sorted(ks))
    ax.set_ylabel("time (ms)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    legend_below(ax, 2)


def panel_stall(ax, data):
    ax.set_title("(c) update while a task sleeps in the off-band fix")
    wakes = sorted({x for (m, _, x) in data if m == "stall_us"})
    if not wakes:
        return no_data(ax, "stall_us")
    width = 0.35
    top = 0
    for i, policy in enumerate(("legacy", "replace_set")):
        xs, ys, lo, hi = series(data, "stall_us", policy, 1e-3)
        if not xs:
            continue
        pos = [wakes.index(x) + (i - 0.5) * width for x in xs]
        ax.bar(pos, ys, width, yerr=errors(ys, lo, hi), capsize=4, color=COLORS[policy], label=policy)
        top = max(top, max(hi))
        for p, x, y, h in zip(pos, xs, ys, hi):
            note = "%.0f ms" % y
            if policy == "replace_set":
                asleep = data.get(("stall_sleeper_still_asleep", policy, x), [])
                note += "\nsleeper still\nasleep %d/%d" % (sum(asleep), len(asleep))
            ax.annotate(note, (p, h), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8)
    for j, x in enumerate(wakes):
        # The sleeper's wake time is what legacy has to wait for.
        ax.hlines(x * 1000, j - 0.5, j + 0.5, colors="black", linestyles=":", linewidth=1)
        ax.annotate("sleeper wakes after %d s" % x, (j + 0.5, x * 1000), xytext=(-2, 3),
                    textcoords="offset points", ha="right", va="bottom", fontsize=8)
        top = max(top, x * 1000)
    ax.set_xticks(range(len(wakes)))
    ax.set_xticklabels(["off-band fix's sleeper: %d s" % x for x in wakes])
    ax.set_xlim(-0.7, len(wakes) - 0.3)
    ax.set_ylim(0, top * 1.3)
    ax.set_ylabel("update time, insmod to complete (ms)")
    ax.grid(axis="y", alpha=0.3)
    legend_below(ax, 2)


def panel_foldin_time(ax, data):
    ax.set_title("(d) folding an off-band fix in: time")
    methods = [m for m in METHODS if ("foldin_us", m, 0) in data]
    if not methods:
        return no_data(ax, "foldin_us")
    width = 0.38
    for i, (measure, label, hatch) in enumerate((("foldin_us", "time to completion", None),
                                                 ("foldin_window_us", "exposure window (unfixed code runs)", "//"))):
        pos, ys, lo, hi, colors = [], [], [], [], []
        for j, m in enumerate(methods):
            v = [x / 1000 for x in data.get((measure, m, 0), [])]
            if not v:
                continue
            pos.append(j + (i - 0.5) * width)
            ys.append(med(v))
            lo.append(min(v))
            hi.append(max(v))
            colors.append(COLORS[m])
        ax.bar(pos, ys, width, yerr=errors(ys, lo, hi), capsize=4, label=label, color=colors,
               alpha=1.0 if i == 0 else 0.45, hatch=hatch, edgecolor="black", linewidth=0.5)
        for p, y, h in zip(pos, ys, hi):
            ax.annotate("%.1f ms" % y, (p, h), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8)
    labels = []
    for m in methods:
        t = data.get(("foldin_transitions", m, 0), [])
        n = "%d" % med(t) if t else "?"
        labels.append("%s\n(%s transition%s)" % (m, n, "" if n == "1" else "s"))
    ax.set_xticks(range(len(methods)))
    ax.set_xticklabels(labels)
    ax.set_xlim(-0.6, len(methods) - 0.4)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.15)
    ax.set_ylabel("time from first operator action (ms)")
    ax.grid(axis="y", alpha=0.3)
    # Bars are coloured by method; the legend tells the two kinds apart.
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(facecolor="grey", edgecolor="black", label="time to completion"),
                       Patch(facecolor="grey", alpha=0.45, hatch="//", edgecolor="black",
                             label="exposure window (unfixed code runs)")],
              loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, fontsize=8, frameon=False)


def panel_foldin_calls(ax, data):
    ax.set_title("(e) folding it in: calls to f during the span")
    methods = [m for m in METHODS if ("foldin_calls", m, 0) in data]
    if not methods:
        return no_data(ax, "foldin_calls")
    width = 0.38
    for i, (measure, label) in enumerate((("foldin_calls", "all calls to f"),
                                          ("foldin_unfixed_calls", "calls running the unfixed f"))):
        pos, ys, lo, hi = [], [], [], []
        for j, m in enumerate(methods):
            v = data.get((measure, m, 0), [])
            if not v:
                continue
            pos.append(j + (i - 0.5) * width)
            ys.append(med(v))
            lo.append(min(v))
            hi.append(max(v))
        ax.bar(pos, ys, width, yerr=errors(ys, lo, hi), capsize=4, label=label,
               color="#95a5a6" if i == 0 else "#c0392b", edgecolor="black", linewidth=0.5)
    top = max([max(data.get(("foldin_calls", m, 0), [0]) or [0]) for m in methods] + [1])
    for j, m in enumerate(methods):
        u = data.get(("foldin_unfixed_calls", m, 0), [])
        if not u:
            note = "unfixed calls\nnot measured"
        elif max(u) == 0:
            note = "0 unfixed\ncalls"
        else:
            note = "%d unfixed calls\n(%d-%d)" % (med(u), min(u), max(u))
        ax.annotate(note, (j + width / 2, max(u) if u else 0), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, fontweight="bold" if u and max(u) == 0 else None)
    ax.set_xticks(range(len(methods)))
    ax.set_xticklabels(methods)
    ax.set_xlim(-0.6, len(methods) - 0.4)
    ax.set_ylim(0, top * 1.3)
    ax.set_ylabel("calls (median, min-max)")
    ax.grid(axis="y", alpha=0.3)
    legend_below(ax, 2)


def panel_enable(ax, data):
    ax.set_title("(f) enabling a patch against loaded patches")
    drawn = False
    for measure, label, style, marker in (("enable_ns", "klp_enable_patch() of a new set", "-", "o"),
                                          ("decide_ns", "policy decision + scope checks", "--", "s")):
        xs, ys, lo, hi = series(data, measure, "replace_set", 1e-3)
        if not xs:
            continue
        drawn = True
        ax.errorbar(xs, ys, yerr=errors(ys, lo, hi), marker=marker, capsize=3, linestyle=style,
                    color=COLORS["replace_set"], label=label)
    if not drawn:
        return no_data(ax, "enable_ns, decide_ns")
    ns = sorted({x for (m, _, x) in data if m in ("enable_ns", "decide_ns")})
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(ns)
    ax.set_xticklabels([str(n) for n in ns])
    ax.minorticks_off()
    ax.set_xlabel("loaded patches (replace_set, F=%d functions each)" % F)
    ax.set_ylabel("time (\u00b5s, log scale)")
    ax.grid(alpha=0.3, which="both")
    legend_below(ax, 1)


def plot(data, outdir, mode):
    """bench.svg and bench.png: one figure, six panels."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench: python3-matplotlib missing, run make deps")
        return False
    fig, axes = plt.subplots(2, 3, figsize=(17, 10.5))
    for draw, ax in zip((panel_transitioned, panel_update_time, panel_stall,
                         panel_foldin_time, panel_foldin_calls, panel_enable), axes.flat):
        draw(ax, data)
    fig.suptitle("make bench (%s run): scoped replacement against legacy, C=%d functions cumulative, "
                 "F=%d per off-band fix" % (mode, C, F), fontsize=13)
    fig.tight_layout(h_pad=3)
    for ext in ("svg", "png"):
        fig.savefig("%s/bench.%s" % (outdir, ext), dpi=110)
    plt.close(fig)
    return True


def foldin(data, failures):
    print("\n5. Folding an off-band fix into the cumulative line (set 7's fix into set 0's v3)")
    if not any(m in FOLDIN for (m, _, _) in data):
        failures.append("no fold-in samples (foldin_*): section 5 of the guest job did not run")
        print("   no samples")
        return
    print("   %-18s %11s %9s %12s %8s %17s %10s %12s %9s %14s" % (
        "method", "transitions", "time ms", "spread", "calls", "unfixed (min-max)", "window ms", "spread",
        "v3 calls", "other fix gone"))
    for m in METHODS:
        t, us, calls, unfixed, win, folded, other = (data.get((measure, m, 0), []) for measure in FOLDIN)
        if not t:
            failures.append("fold-in: no %s samples" % m)
            continue
        print("   %-18s %11s %9.1f %12s %8.0f %17s %10.1f %12s %9.0f %14s" % (
            m, "%d" % med(t) if len(set(t)) == 1 else "/".join(map(str, t)),
            med(us) / 1000, spread(us), med(calls),
            "%.0f (%d-%d)" % (med(unfixed), min(unfixed), max(unfixed)) if unfixed else "-",
            med(win) / 1000, spread(win), med(folded), "%d of %d" % (sum(other), len(other))))
        # Zero unfixed calls only mean something if v3's code answered.
        if not folded or min(folded) == 0:
            failures.append("fold-in %s: no call ran v3's code during the span (%s)" % (m, folded))
        want_other = 1 if m == "legacy_replace" else 0
        if set(other) != {want_other}:
            failures.append("fold-in %s: the other off-band fix was %s, expected %s" % (
                m, "replaced" if want_other == 0 else "kept", "kept" if want_other == 0 else "replaced"))
        if m == "supersede" and set(t) != {1}:
            failures.append("fold-in supersede ran %s transitions, expected 1" % t)
        if m == "disable_then_load" and set(t) != {2}:
            failures.append("fold-in disable_then_load ran %s transitions, expected 2" % t)
        if m in ("supersede", "legacy_replace"):
            if not unfixed:
                failures.append("fold-in %s: unfixed calls not measured" % m)
            elif max(unfixed) != 0:
                failures.append("fold-in %s: %s calls ran the unfixed code, expected 0" % (m, unfixed))
        # The alternative's unfixed calls are its window, not a failure;
        # no call at all means the in-guest watcher did not run.
        if m == "disable_then_load" and not any(calls):
            failures.append("fold-in: no calls to f observed during disable_then_load: the watcher did not run")
    r = ratio(med(data.get(("foldin_us", "disable_then_load", 0), [])),
              med(data.get(("foldin_us", "supersede", 0), [])))
    if not math.isnan(r):
        print("   disable_then_load/supersede time ratio: %.2f" % r)


def main():
    samples, outdir, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    data, bad = load(samples)
    if not data:
        print("bench: no samples in %s" % samples)
        return 1

    with open(outdir + "/bench.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["measure", "policy", "x", "median", "min", "max", "samples"])
        for (measure, policy, x), v in sorted(data.items()):
            w.writerow([measure, policy, x, med(v), min(v), max(v), len(v)])

    failures = ["malformed sample: " + b for b in bad]
    ks = sorted({x for (m, _, x) in data if m == "transitioned"})
    print("\n1. Cumulative update (C=%d) with k off-band fixes (F=%d each), %s run" % (C, F, mode))
    print("%4s %-12s %12s %9s %16s %14s %14s" % ("k", "policy", "transitioned", "replaced",
                                                 "insmod->done ms", "spread", "slab KiB"))
    for k in ks:
        for policy in POLICIES:
            t = data.get(("transitioned", policy, k))
            if not t:
                continue
            want = C + k * F if policy == "legacy" else C
            if set(t) != {want}:
                failures.append("%s k=%d transitioned %s, expected %d" % (policy, k, t, want))
            us = data.get(("insmod_to_complete_us", policy, k), [])
            kb = [v for v in data.get(("slab_kb", policy, k), []) if v >= 0]
            # %.0f, not %d: a measure missing from a partial run is nan.
            print("%4d %-12s %12.0f %9.0f %16.1f %14s %14s" % (
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
            x, med(leg) / 1000, spread(leg), med(sc) / 1000, spread(sc), ratio(med(leg), med(sc))))
        kleg = data.get(("stall_kernel_us", "legacy", x), [])
        ksc = data.get(("stall_kernel_us", "replace_set", x), [])
        if kleg and ksc:
            print("   of which \"enabling patch\" to \"patching complete\" (the transition, from"
                  " after the decision, checks and nops): legacy %.1f ms (%s), replace_set %.1f ms (%s)" % (
                      med(kleg) / 1000, spread(kleg), med(ksc) / 1000, spread(ksc)))
            print("   replace_set samples (ms): insmod->done %s; kernel part %s" % (
                " ".join("%.0f" % (v / 1000) for v in sc), " ".join("%.0f" % (v / 1000) for v in ksc)))
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
            ra = ratio(med(data[(measure, "replace_set", b)]), med(data[(measure, "replace_set", a)]))
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

    if mode != "stall":
        foldin(data, failures)

    # Drawn after the table, so a missing matplotlib still leaves the
    # numbers of a long guest run on screen, yet fails the run.
    if not plot(data, outdir, mode):
        failures.append("no figure: python3-matplotlib missing, run make deps")

    for f in failures:
        print("FAILED: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
