"""What runs inside a worker process: a scenario (or the evaluation), reporting progress, stopping on cancel.

Each worker loads the case once. Progress and cancel flags live in two shared
dicts (a multiprocessing Manager) given at start: the engine's per-year
progress callback writes how far it got and raises `JobCancelled` once the job
is flagged, so a cancelled or abandoned job frees its worker within a year step.
The run itself is `model.projection.project` with the scenario's seed, or with a
comparison `model.compare.compare` (the scenario and the same run without its
changes), exactly what `multivector simulate [--compare]` runs.
"""

from __future__ import annotations

import os
from pathlib import Path

_CTX: dict = {}


class JobCancelled(Exception):
    """The job was cancelled (by a client, or because no client asked for it any more)."""


def init_worker(case_path: str | None, progress, cancelled, parent: int | None = None) -> None:
    from ..processes import die_with_parent

    die_with_parent(parent)   # a server killed with SIGKILL leaves no worker behind
    _CTX.update(case_path=case_path, progress=progress, cancelled=cancelled)


def _kb():
    if "kb" not in _CTX:
        from ..kb import CaseBase

        _CTX["kb"] = CaseBase.load(_CTX.get("case_path"))
    return _CTX["kb"]


def warm() -> int:
    """Load the case and the model's inputs now, so the first real job does not pay for it."""
    from ..model.inputs import load_inputs
    from ..model.parameters import default_posterior

    load_inputs(_kb())
    default_posterior()
    return os.getpid()


def _reporter(job_id: str):
    progress, cancelled = _CTX.get("progress"), _CTX.get("cancelled")

    def report(done: int) -> None:
        if progress is not None:
            progress[job_id] = done
        if cancelled is not None and cancelled.get(job_id):
            raise JobCancelled(job_id)

    report(0)
    return report


def run_scenario_job(job_id: str, scenario, key: str, root: str, compare: bool = False) -> str:
    """Project one scenario from the record (and, with `compare`, the same run without its changes) and write
    its result set under `root/key`; return the key."""
    from ..model.compare import compare as run_compare
    from ..model.projection import project, scenario_inputs
    from ..model.result_set import result_set
    from .results import ResultStore
    from .scenarios import from_scenario

    kb = _kb()
    report = _reporter(job_id)
    slot = ("inputs", tuple(scenario.states or ()))   # one set of inputs per selection of states (a region)
    inputs = _CTX.get(slot)
    if inputs is None or inputs.years[-1] < scenario.end:
        inputs = _CTX[slot] = scenario_inputs(kb, scenario.end, scenario.states)
    if compare:
        cmp = run_compare(kb, scenario, inputs=inputs, progress=report)
        run = cmp.scenario
    else:
        cmp, run = None, project(kb, scenario, inputs=inputs, progress=lambda t: report(t + 1))
    results = result_set(kb, run, cmp)
    results.summary = {"key": key, **results.summary, "request": from_scenario(run.scenario)}
    ResultStore(Path(root)).write(key, results)
    return key


def run_evaluation_job(job_id: str, runs: int, seed: int) -> str:
    """`multivector evaluate` with its defaults; the result is stored where the CLI and the report read it."""
    from ..evaluate import ORIGINS, available_forecasters
    from ..evaluate import evaluate as run_evaluate
    from ..evaluate.store import save_latest
    from ..model.inputs import load_inputs

    kb = _kb()
    inp = load_inputs(kb, pool=True)
    report = _reporter(job_id)
    done = [0]

    def step(name: str, origin: int) -> None:
        done[0] += 1
        report(done[0])

    ev = run_evaluate(kb, list(available_forecasters()), origins=list(ORIGINS), runs=runs, seed=seed, inputs=inp, progress=step)
    return str(save_latest(ev, inp))


def run_negotiation_job(call_id: str, what: str, kwargs: dict) -> dict:
    """A negotiation answer (`web.negotiation.predict_result` or `upload_result`), stopping before the next
    model's forecast once the call is cancelled (its request timed out, or its client went away)."""
    from . import negotiation

    fn = {"predict": negotiation.predict_result, "upload": negotiation.upload_result}[what]
    report = _reporter(call_id)
    done = [0]

    def step() -> None:
        done[0] += 1
        report(done[0])

    return fn(**kwargs, step=step)
