"""Registered forecasts: `register` writes the baseline forecast from the record, `score` judges it later.

    multivector forecast --register forecasts/          # once, after a model change
    multivector evaluate --registered forecasts/FILE.json   # once the case's record extends past it
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .registered import (
    RegisteredForecastError,
    Registration,
    build_document,
    read_registered,
    write_registered,
)
from .score import RegisteredScore, score_registered

__all__ = ["RegisteredForecastError", "RegisteredScore", "Registration", "baseline_forecast", "build_document",
           "read_registered", "register", "score_registered", "write_registered"]


def baseline_forecast(kb, end: int = 2030, runs: int = 2000, seed: int = 0, parameters=None, posterior="default",
                      progress: Callable[[int], None] | None = None):
    """(projection, table): the case's own drivers projected from the record to `end`, and the probability of
    each status with its 90% interval over the posterior for every year after the record
    (`model.run.intervals_table`)."""
    from ..model.projection import project
    from ..model.run import intervals_table
    from ..model.scenario import Scenario

    sc = Scenario(name="baseline", description="the case's own drivers, projected from the record", end=end,
                  runs=runs, seed=seed)
    proj = project(kb, sc, parameters, keep_probs=True, posterior=posterior, progress=progress)
    if proj.counterfactual:   # a scenario without changes never is; kept as a guard on the rule
        raise RegisteredForecastError("the baseline forecast must start after the record")
    return proj, intervals_table(proj.result)


def register(kb, folder: str | Path, end: int = 2030, runs: int = 2000, seed: int = 0,
             progress: Callable[[int], None] | None = None) -> Path:
    """Run the baseline forecast with the shipped weights (each run's weights from their posterior) and write it
    as a registered forecast into `folder`; returns the file's path."""
    from ..model.intervals import describe
    from ..provenance import code_version

    if end <= int(kb.meta.get("period", {}).get("end", 2025)):
        raise RegisteredForecastError(f"--end {end}: a forecast is for the years after the record; give a later year")
    proj, table = baseline_forecast(kb, end, runs, seed, progress=progress)
    start = proj.start
    forecast = {"scenario": "baseline (the case's own drivers, no changes)", "first_year": start.year,
                "last_year": end, "runs": runs, "seed": seed,
                "weights": "each run's weights drawn from the shipped posterior" if proj.parameter_uncertainty
                           else "the shipped point weights in every run",
                "parameters": proj.parameters.as_dict(),
                "probability": "the mean over the runs of each run's probability of the status",
                "interval": describe(proj.parameter_uncertainty, runs),
                "start": start.describe()}
    case = {"name": kb.folder.name, "content_hash": kb.content_hash, "record_until": start.record_until}
    doc = build_document(table, case=case, forecast=forecast, code=code_version())
    return write_registered(doc, folder)

