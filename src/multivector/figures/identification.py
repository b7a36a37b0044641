"""Identification: two NUTS fits with different seeds (the shipped settings: eleven pooled states, train
≤ 2008) agree on every weight's 90% interval to within 10% of its width (issue 21's target)."""

from __future__ import annotations

from . import Table

SLOW = True
SEEDS = (1, 2)
TARGET = 0.10


def compute() -> tuple[dict, dict]:
    from ..model.calibrate import calibrate

    fits = {s: calibrate(train_until=2008, seed=s) for s in SEEDS}
    return {s: f.posterior.intervals(0.9) for s, f in fits.items()}, {s: f.diagnostics for s, f in fits.items()}


def build() -> dict[str, Table]:
    intervals, diags = compute()
    a, b = (intervals[s] for s in SEEDS)
    rows, raw = [], []
    for name in a:
        width = max(a[name][2] - a[name][1], b[name][2] - b[name][1])
        gap = max(abs(a[name][1] - b[name][1]), abs(a[name][2] - b[name][2])) / width
        rows.append([name, f"[{a[name][1]:.3g}, {a[name][2]:.3g}]", f"[{b[name][1]:.3g}, {b[name][2]:.3g}]",
                     f"{gap:.1%}", "yes" if gap <= TARGET else "no"])
        raw.append({"weight": name, **{f"seed{s}": list(intervals[s][name]) for s in SEEDS}, "gap": gap})
    d = " and ".join(f"seed {s}: R-hat max {diags[s]['rhat_max']:.4f}, ESS min {diags[s]['ess_bulk_min']:.0f}"
                     for s in SEEDS)
    return {"seeds": Table(["weight", f"90% interval, seed {SEEDS[0]}", f"seed {SEEDS[1]}", "largest gap",
                            "within 10%"], rows,
                           note=f"Gap: the larger difference of the two ends, over the wider interval. {d}.",
                           align="lrrrr", raw=raw)}
