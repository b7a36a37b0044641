"""The figures of docs/sweeps.md, from a sweep's analysis.json (matplotlib: in the dev extra).

Run: .venv/bin/python docs/sweeps/make_figures.py results/ca2035/analysis/analysis.json docs/sweeps
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def sobol_figure(a: dict, outcomes: list[str], path: Path) -> None:
    fig, axes = plt.subplots(1, len(outcomes), figsize=(5 * len(outcomes), 3.6), sharey=True)
    for ax, o in zip(np.atleast_1d(axes), outcomes, strict=True):
        rows = a["sobol"][o]
        names = [r["factor"] for r in rows]
        x = np.arange(len(names))
        ax.bar(x - 0.2, [r["S1"] for r in rows], 0.4, yerr=[r["S1_conf"] for r in rows], label="first-order S1",
               capsize=3)
        ax.bar(x + 0.2, [r["ST"] for r in rows], 0.4, yerr=[r["ST_conf"] for r in rows], label="total ST", capsize=3)
        ax.set_xticks(x, names, rotation=35, ha="right")
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_title(o, fontsize=10)
    np.atleast_1d(axes)[0].set_ylabel("share of variance (95% interval)")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def prim_figure(a: dict, path: Path) -> None:
    p = a["prim"]
    t = p["trajectory"]
    fig, ax = plt.subplots(figsize=(5.5, 4))
    sc = ax.scatter([r["coverage"] for r in t], [r["density"] for r in t], c=[r["res_dim"] for r in t], cmap="viridis")
    c = t[p["chosen"]]
    ax.scatter([c["coverage"]], [c["density"]], marker="*", s=250, color="red", label=f"chosen box {p['chosen']}")
    fig.colorbar(sc, ax=ax, label="factors restricted")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_title(f"PRIM peeling trajectory: {p['condition']}", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    a = json.loads(src.read_text())
    out.mkdir(parents=True, exist_ok=True)
    sobol_figure(a, ["balance(KAZ, 2035)", "P_member(UZB, EAEU, 2035)"], out / "sobol.png")
    if a.get("prim"):
        prim_figure(a, out / "prim.png")


if __name__ == "__main__":
    main()
