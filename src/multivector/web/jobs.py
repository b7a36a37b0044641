"""A bounded pool of worker processes with a queue: submit, progress, cancel, and abandonment.

- At most `workers` runs at once (processes, so a run never slows the pages'
  thread); at most `max_queue` jobs waiting; beyond that a 503 asks to retry.
- A job for a result already on disk is done at once; a job for a result being
  computed returns the job computing it (one run per key).
- Every status poll marks the job as watched. A queued or running job that no
  client has asked about for `idle_timeout` seconds is cancelled, so a client
  that disconnects mid-job frees its worker.
- A worker process that dies takes the pool with it (`BrokenProcessPool`); the
  pool is then rebuilt and the jobs it held are marked failed.
- Every worker (and the Manager holding the progress and cancel flags) dies with
  the server, even one killed with SIGKILL (`processes.die_with_parent`). The
  kernel's signal follows the thread that started a process, so one long-lived
  thread (`_owner`) starts the pool and submits every task to it.
- A negotiation request too heavy to answer in the request's thread is a call
  (`submit_call`) in the same pool, cancelled between two models' forecasts.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
import uuid
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.managers import SyncManager
from pathlib import Path

from . import worker
from .errors import WebInputError
from .results import ResultStore

ACTIVE = ("queued", "running")


@dataclass
class Job:
    id: str
    key: str
    kind: str                    # scenario | evaluation
    label: str
    total: int                   # steps of progress (years, or forecaster × origin)
    runs: int
    seed: int
    status: str = "queued"       # queued | running | done | failed | cancelled
    error: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    last_seen: float = field(default_factory=time.monotonic)
    future: Future | None = None
    clients: int = 1             # submitters waiting for this run: one client's cancel leaves the others theirs

    def as_dict(self, done: int = 0, position: int | None = None) -> dict:
        done = self.total if self.status == "done" else min(done, self.total)
        out = {"id": self.id, "key": self.key, "kind": self.kind, "label": self.label, "status": self.status,
               "progress": {"done": done, "total": self.total,
                            "fraction": round(done / self.total, 4) if self.total else 1.0},
               "runs": self.runs, "seed": self.seed, "error": self.error, "clients": self.clients,
               "elapsed_s": round((self.finished or time.time()) - (self.started or self.created), 3)}
        if position is not None:
            out["queue_position"] = position
        if self.status == "done" and self.kind == "scenario":
            out["result"] = f"/api/v1/results/{self.key}"
        return out


class JobManager:
    """The pool, the jobs it knows and the thread that cancels abandoned ones."""

    def __init__(self, case_path: str | None, store: ResultStore, workers: int = 2, max_queue: int = 64,
                 idle_timeout: float = 30.0, keep_finished: float = 3600.0):
        self.case_path, self.store = case_path, store
        self.workers, self.max_queue = max(1, int(workers)), int(max_queue)
        self.idle_timeout, self.keep_finished = float(idle_timeout), float(keep_finished)
        self._ctx = mp.get_context("spawn")   # no fork of a threaded server
        # the one thread that starts every worker process: it lives as long as the pool (processes.py)
        self._owner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="multivector-pool-owner")
        self._manager = self._owned(self._start_manager)
        self._progress = self._manager.dict()
        self._cancelled = self._manager.dict()
        self._lock = threading.RLock()
        self.jobs: dict[str, Job] = {}
        self._calls: set[str] = set()   # negotiation calls in the pool now
        self._pool = self._owned(self._new_pool)
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._reap_loop, name="multivector-job-reaper", daemon=True)
        self._reaper.start()

    def _owned(self, fn, *args):
        """Run `fn` in the pool-owner thread (every process the pool starts is started there)."""
        return self._owner.submit(fn, *args).result()

    def _start_manager(self) -> SyncManager:
        manager = SyncManager(ctx=self._ctx)
        manager.start(initializer=_manager_init, initargs=(os.getpid(),))
        return manager

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx, initializer=worker.init_worker,
                                   initargs=(self.case_path, self._progress, self._cancelled, os.getpid()))

    def _pool_submit(self, fn, *args) -> Future:
        return self._owned(self._pool.submit, fn, *args)

    def warm(self) -> None:
        """Start every worker and load the case in it (in the background: the first job then starts at once)."""
        for _ in range(self.workers):
            self._pool_submit(worker.warm)

    # ------------------------------------------------------------------ submit
    def submit_scenario(self, scenario, key: str, compare: bool = False, first_year: int | None = None) -> Job:
        """first_year: the projection's first simulated year (model.projection.projection_start), for the
        progress total; a comparison simulates the years twice."""
        n_years = (scenario.end - (first_year or scenario.start or scenario.end) + 1) * (2 if compare else 1)
        return self._submit(key, "scenario", scenario.name, n_years, scenario.runs, scenario.seed,
                            lambda job: self._pool_submit(worker.run_scenario_job, job.id, scenario, key,
                                                          str(self.store.root), compare),
                            done_already=self.store.has(key))

    def submit_evaluation(self, key: str, runs: int, seed: int, total: int) -> Job:
        return self._submit(key, "evaluation", "rolling-origin evaluation", total, runs, seed,
                            lambda job: self._pool_submit(worker.run_evaluation_job, job.id, runs, seed),
                            done_already=False)

    def _submit(self, key, kind, label, total, runs, seed, start, done_already: bool) -> Job:
        with self._lock:
            for job in self.jobs.values():   # one run per key
                if job.key == key and job.status in ACTIVE:
                    job.last_seen = time.monotonic()
                    job.clients += 1
                    return job
            job = Job(id=uuid.uuid4().hex[:16], key=key, kind=kind, label=label, total=total, runs=runs, seed=seed)
            if done_already:
                job.status, job.finished, job.started = "done", time.time(), time.time()
                self.jobs[job.id] = job
                return job
            waiting = sum(j.status == "queued" for j in self.jobs.values())
            if waiting >= self.max_queue:
                raise WebInputError(f"{waiting} runs are already waiting", "try again in a minute", status=503)
            try:
                fut = start(job)
            except (BrokenProcessPool, RuntimeError):
                self._rebuild()
                fut = start(job)
            job.future = fut
            self.jobs[job.id] = job
            fut.add_done_callback(lambda f, j=job: self._finished(j, f))
            return job

    def _finished(self, job: Job, fut: Future) -> None:
        with self._lock:
            job.finished = job.finished or time.time()
            self._progress.pop(job.id, None)
            self._cancelled.pop(job.id, None)
            if job.status == "cancelled":
                return
            job.finished = time.time()
            try:
                fut.result()
                job.status = "done"
            except (CancelledError, worker.JobCancelled):
                job.status = "cancelled"
                job.error = job.error or "cancelled"
            except BrokenProcessPool:
                job.status, job.error = "failed", "a worker process died; the pool was restarted — run it again"
                threading.Thread(target=self._rebuild, daemon=True).start()
            except ValueError as exc:    # the library's input errors (a start after the record, ...)
                job.status, job.error = "failed", str(exc)
            except Exception as exc:     # a bug: say so, keep serving
                job.status, job.error = "failed", f"internal error: {type(exc).__name__}: {exc}"

    def _rebuild(self) -> None:
        with self._lock:
            old = self._pool
            self._pool = self._owned(self._new_pool)
        old.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ calls (negotiation requests)
    def submit_call(self, fn, *args, max_calls: int | None = None) -> tuple[str, Future]:
        """Run `fn(call_id, *args)` in the pool; (call id, future). `cancel_call(id)` stops it at its next step.

        At most `max_calls` (default: twice the workers) at once; beyond that a 503 asks to retry.
        """
        limit = max_calls if max_calls is not None else 2 * self.workers
        with self._lock:
            if len(self._calls) >= limit:
                raise WebInputError(f"{len(self._calls)} heavy negotiation requests are running",
                                    "try again in a minute", status=503)
            call_id = "call-" + uuid.uuid4().hex[:16]
            self._calls.add(call_id)
        try:
            try:
                fut = self._pool_submit(fn, call_id, *args)
            except (BrokenProcessPool, RuntimeError):
                self._rebuild()
                fut = self._pool_submit(fn, call_id, *args)
        except BaseException:
            with self._lock:
                self._calls.discard(call_id)
            raise

        def done(_f, call_id=call_id) -> None:
            with self._lock:
                self._calls.discard(call_id)
            self._cancelled.pop(call_id, None)
            self._progress.pop(call_id, None)

        fut.add_done_callback(done)
        return call_id, fut

    def cancel_call(self, call_id: str, fut: Future) -> None:
        if not fut.cancel():   # running: it stops before its next model
            self._cancelled[call_id] = True

    # ------------------------------------------------------------------ status, cancel
    def get(self, job_id: str, touch: bool = True) -> Job:
        with self._lock:
            job = self.jobs.get(job_id) if isinstance(job_id, str) else None
            if job is None:
                raise WebInputError(f"no job {str(job_id)[:40]!r}",
                                    "start one with POST /api/v1/jobs; finished jobs are forgotten after an hour, "
                                    "their results stay under /api/v1/results/KEY", status=404)
            if touch:
                job.last_seen = time.monotonic()
            if job.status == "queued" and self._progress.get(job.id) is not None:
                job.status, job.started = "running", time.time()
            return job

    def status(self, job_id: str) -> dict:
        job = self.get(job_id)
        with self._lock:
            position = None
            if job.status == "queued":
                queued = sorted((j for j in self.jobs.values() if j.status == "queued"), key=lambda j: j.created)
                position = [j.id for j in queued].index(job.id) + 1
            return job.as_dict(int(self._progress.get(job.id, 0) or 0), position)

    def cancel(self, job_id: str, reason: str = "cancelled by the client", every_client: bool = False) -> Job:
        """Withdraw one client from a run; the run stops when no client is left (or `every_client`)."""
        job = self.get(job_id, touch=False)
        with self._lock:
            if job.status in ACTIVE and job.clients > 1 and not every_client:
                job.clients -= 1   # another client asked for the same run: it goes on for them
                return job
            if job.status in ACTIVE:
                if job.future is not None and job.future.cancel():
                    pass   # never started: the worker stays free
                else:
                    self._cancelled[job.id] = True   # running: stops at its next year step
                job.status, job.error, job.finished = "cancelled", reason, time.time()
            return job

    def _reap_loop(self) -> None:
        while not self._stop.wait(min(1.0, max(self.idle_timeout / 4, 0.05))):
            self.reap()

    def reap(self) -> None:
        now = time.monotonic()
        with self._lock:
            for job in list(self.jobs.values()):
                if job.status in ACTIVE and now - job.last_seen > self.idle_timeout:
                    self.cancel(job.id, f"no client asked about it for {self.idle_timeout:g} s (abandoned)",
                                every_client=True)
                elif job.status not in ACTIVE and job.finished and time.time() - job.finished > self.keep_finished:
                    del self.jobs[job.id]

    def counts(self) -> dict:
        with self._lock:
            out = {s: 0 for s in ("queued", "running", "done", "failed", "cancelled")}
            for j in self.jobs.values():
                out[j.status] += 1
            return {**out, "workers": self.workers, "max_queue": self.max_queue}

    def shutdown(self, grace: float = 1.0) -> None:
        """Stop: cancel every job, give running ones `grace` seconds to stop at a year step, then end the
        worker processes (an evaluation step can run for minutes; a server that stops must not wait for it)."""
        self._stop.set()
        with self._lock:
            for job in self.jobs.values():
                if job.status in ACTIVE:
                    self.cancel(job.id, "the server stopped", every_client=True)
            for call_id in self._calls:
                self._cancelled[call_id] = True
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + grace
        for p in processes:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join(1)
            if p.is_alive():   # stuck in C code that ignores SIGTERM
                p.kill()
                p.join(1)
        try:
            self._manager.shutdown()
        except Exception:   # already gone at interpreter exit
            pass
        self._owner.shutdown(wait=False)


def _manager_init(parent: int) -> None:
    """The Manager's process: it dies with the server too."""
    from ..processes import die_with_parent

    die_with_parent(parent)


def results_root(cache: Path | None = None) -> Path:
    """Where finished results live: `<cache>/web-results`, the cache folder the case database uses."""
    from ..kb.store import cache_dir

    return (cache or cache_dir()) / "web-results"
