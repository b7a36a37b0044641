"""The posterior draws of the weights and intercepts, and runs' draws from them.

`multivector calibrate` samples the posterior by NUTS (estimate.py) and stores
its draws as a Parquet table beside the weights file: one row per draw (chain,
draw), one column per weight (`security_weight`, …), per intercept of a line
(`alpha:CSTO:member>none`), of the pooled chain (`alpha:*:member>none`) and per
scale of the partial pooling (`sigma:member>none`). Reading it needs only
pyarrow, so `simulate`, scenarios and the web app run without JAX.

Every run of a simulation takes one whole draw (the joint is kept: correlated
weights move together), chosen with the run's random stream, so the same seed
gives the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .transition import ALPHA_NAMES, alpha_full

POOLED = "*"
#: consecutive runs that share one posterior draw. A run's path given its draw is random, so the mean over
#: a block is that draw's probability (up to Monte Carlo noise) and the spread of the block means is what
#: the posterior leaves open: the intervals of every projection, comparison and forecast (intervals.py).
RUNS_PER_DRAW = 10


def alpha_column(line: str, name: str) -> str:
    return f"alpha:{line}:{name}"


@dataclass
class Posterior:
    """Posterior draws: column name -> (D,) values."""

    columns: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        return len(next(iter(self.columns.values())))

    @property
    def lines(self) -> list[str]:
        """The lines with intercepts of their own (the others take the pooled chain)."""
        seen = []
        for c in self.columns:
            if c.startswith("alpha:") and c.split(":")[1] != POOLED and c.split(":")[1] not in seen:
                seen.append(c.split(":")[1])
        return seen

    @property
    def weights(self) -> list[str]:
        return [c for c in self.columns if ":" not in c and c not in ("chain", "draw")]

    def alpha(self, line: str, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        """(n, 4, 3) intercepts of a line in the draws idx (the pooled chain for a line without its own)."""
        key = line if alpha_column(line, ALPHA_NAMES[0]) in self.columns else POOLED
        free = np.stack([self.columns[alpha_column(key, n)][idx] for n in ALPHA_NAMES], axis=-1)
        return alpha_full(free)

    def draw_indices(self, runs: int, rng: np.random.Generator) -> np.ndarray:
        """(runs,) the stored draw each run takes: ⌈runs / RUNS_PER_DRAW⌉ draws, distinct while the store
        has enough, each for a block of RUNS_PER_DRAW consecutive runs."""
        n = -(-runs // RUNS_PER_DRAW)
        return np.repeat(rng.choice(self.size, size=n, replace=n > self.size), RUNS_PER_DRAW)[:runs]

    def draw(self, runs: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """One whole draw per run (blocks of RUNS_PER_DRAW runs share one): weight name -> (runs,),
        `alpha:LINE` and `alpha:*` -> (runs, 4, 3)."""
        idx = self.draw_indices(runs, rng)
        out = {w: self.columns[w][idx].astype(float) for w in self.weights}
        for line in [*self.lines, POOLED]:
            out[f"alpha:{line}"] = self.alpha(line, idx).astype(float)
        return out

    def intervals(self, level: float = 0.9) -> dict[str, tuple[float, float, float]]:
        """name -> (mean, lower, upper) of each weight's central interval."""
        q = (1 - level) / 2
        return {w: (float(v.mean()), float(np.quantile(v, q)), float(np.quantile(v, 1 - q)))
                for w, v in ((w, self.columns[w]) for w in self.weights)}

    def thinned(self, thin: int) -> Posterior:
        """Every `thin`-th draw of each chain (all of them without a `draw` column)."""
        if thin <= 1 or "draw" not in self.columns:
            return self
        keep = self.columns["draw"] % thin == 0
        return Posterior({c: v[keep] for c, v in self.columns.items()})

    def means(self) -> dict[str, np.ndarray]:
        return {c: float(v.mean()) for c, v in self.columns.items() if c not in ("chain", "draw")}

    def to_parquet(self, path: str | Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from ..io_utils import write_atomic

        table = pa.table({c: pa.array(v) for c, v in self.columns.items()})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        write_atomic(path, sink.getvalue().to_pybytes())

    @classmethod
    def from_parquet(cls, path: str | Path) -> Posterior:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from ..textfiles import read_bytes

        data = read_bytes(path, "posterior draws file", max_bytes=512 * 2**20)
        try:
            table = pq.read_table(pa.BufferReader(data))
        except (pa.ArrowInvalid, OSError) as exc:
            from ..textfiles import InputFileError

            raise InputFileError(path, 0, f"not a Parquet table of posterior draws ({exc})",
                                 "keep the .draws.parquet file `multivector calibrate` wrote beside its weights "
                                 "file") from None
        return cls({c: table.column(c).to_numpy() for c in table.column_names})
