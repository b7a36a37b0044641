"""Execute a sweep: chunks of points as tasks on a `concurrent.futures` executor, part files, resume.

Each chunk is one task: the worker runs the vectorised engine for all the chunk's points
(points.py) and writes its own Parquet part file atomically; the process that drives the
sweep records the file's checksum in the manifest as each task finishes (manifest.py).
The executor is anything with the `concurrent.futures.Executor` interface:

- in-process (one worker: no pool, no pickling, the baseline of the benchmark);
- a local process pool (`ProcessPoolExecutor`, spawn start method);
- a Dask cluster through `distributed.Client.get_executor()`: an existing scheduler
  (`tcp://host:port`) or a `LocalCluster` started for the run. Dask re-runs the tasks of a
  worker it loses; the workers must see the output folder (a shared file system).

Results do not depend on the executor, the number of workers or the order in which chunks
finish: every chunk's seeds come from the sweep's one SeedSequence (points.chunk_seeds).
"""

from __future__ import annotations

import concurrent.futures as cf
import io
import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io_utils import write_atomic, write_table_atomic
from .design import design_table
from .manifest import Manifest, part_name, sha256_bytes
from .spec import SweepSpec

MISSING_EXTRA = "the sweep needs {what}: install it with `pip install 'multivector[sweep]'`"


class SweepError(RuntimeError):
    """A sweep that cannot start or did not finish; the message says what to do."""


def require(module: str, what: str | None = None):
    """Import an optional dependency of the sweep, or fail with the install command."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise SweepError(MISSING_EXTRA.format(what=what or module)) from None


# ----------------------------------------------------------------- the task
def run_chunk(spec: SweepSpec, chunk: int, points: pd.DataFrame, folder: str, case: str | None = None) -> dict:
    """The task of one chunk: simulate its points, write its part file atomically, report on it."""
    from .points import run_points

    _keep_heap()
    t0, c0 = time.perf_counter(), time.process_time()
    table = run_points(spec, chunk, points, case)
    buf = io.BytesIO()
    table.to_parquet(buf, index=False, compression="zstd")
    data = buf.getvalue()
    rel = part_name(chunk)
    write_atomic(Path(folder) / rel, data)
    return {"chunk": chunk, "file": rel, "sha256": sha256_bytes(data), "rows": len(table),
            "seconds": round(time.perf_counter() - t0, 4), "cpu_seconds": round(time.process_time() - c0, 4),
            "worker": f"{os.uname().nodename}:{os.getpid()}",
            "peak_rss_mb": round(_peak_rss_mb(), 1)}


_HEAP_KEPT = False


def _keep_heap() -> None:
    """Let glibc keep freed memory for reuse in this worker (once per process; Linux only).

    The engine allocates and frees arrays of a few MB every year of every point. Dask's
    nannies start workers with MALLOC_TRIM_THRESHOLD_=65536, which also freezes glibc's
    mmap threshold at 128 KiB: every such array is then mapped and unmapped anew and a chunk
    costs twice the CPU time (measured: 3.1 s against 1.6 s). Raising both thresholds
    (mmap 256 MiB, trim 512 MiB) restores the speed; a worker's memory stays about 250 MB.
    """
    global _HEAP_KEPT
    if _HEAP_KEPT:
        return
    _HEAP_KEPT = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 28)    # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 29)    # M_TRIM_THRESHOLD
    except (OSError, AttributeError):   # not glibc: nothing to tune
        pass


def _peak_rss_mb() -> float:
    import resource
    import sys

    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024 / 1024 if sys.platform == "darwin" else r / 1024


# ----------------------------------------------------------------- executors
class InlineExecutor(cf.Executor):
    """Runs each task at submit, in this process: one worker without a pool."""

    def submit(self, fn, /, *args, **kwargs):
        f: cf.Future = cf.Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:   # noqa: BLE001 (handed to the caller through the future)
            if isinstance(exc, KeyboardInterrupt):
                raise
            f.set_exception(exc)
        return f


@dataclass
class ExecutorInfo:
    kind: str          # inline | pool | dask
    workers: int
    address: str = ""


@contextmanager
def open_executor(workers: int = 1, scheduler: str | None = None, dask_local: int | None = None,
                  connect_timeout: float = 20.0) -> Iterator[tuple[cf.Executor, ExecutorInfo]]:
    """The executor of a run: a Dask scheduler, a Dask LocalCluster of `dask_local` workers, a process pool
    of `workers`, or in-process for one worker."""
    if scheduler or dask_local:
        distributed = require("distributed", "dask.distributed")
        cluster = None
        if scheduler:
            try:
                client = distributed.Client(scheduler, timeout=f"{connect_timeout}s")
            except (OSError, TimeoutError) as exc:
                raise SweepError(f"cannot reach the Dask scheduler {scheduler}: {exc}; start one with "
                                 "`dask scheduler` and give its tcp://HOST:PORT") from None
        else:
            import dask

            # the workers' statistical profiler samples every thread each 10 ms: ~5% of a chunk's CPU time
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                cluster = distributed.LocalCluster(n_workers=dask_local, threads_per_worker=1, processes=True,
                                                   dashboard_address=":0", silence_logs=40)
            client = distributed.Client(cluster)
        try:
            n = len(client.scheduler_info().get("workers", {}))
            yield client.get_executor(pure=False), ExecutorInfo("dask", n, client.scheduler.address)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif workers <= 1:
        yield InlineExecutor(), ExecutorInfo("inline", 1)
    else:
        import multiprocessing

        # every worker dies with this process, even one killed with SIGKILL (the pool starts them from this
        # thread, which lives as long as the pool)
        pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_pool_worker, initargs=(os.getpid(),))
        try:
            yield pool, ExecutorInfo("pool", workers)
        except BaseException:   # Ctrl-C, a signal, an error: a running chunk may take minutes, so stop it now
            for p in list((getattr(pool, "_processes", None) or {}).values()):
                p.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        else:
            pool.shutdown(wait=True, cancel_futures=True)


def _pool_worker(parent: int) -> None:
    """A pool worker: dies with the sweep, and leaves Ctrl-C to it (the terminal's SIGINT reaches the whole
    group; the sweep records what finished and stops its workers)."""
    import signal

    from ..processes import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


# ----------------------------------------------------------------- the run
@dataclass
class Progress:
    chunks_done: int
    chunks_total: int
    points_done: int
    points_total: int
    elapsed: float
    skipped: int = 0      # chunks already finished before this run (resume)

    @property
    def points_per_second(self) -> float:
        ran = self.points_done - self.skipped_points
        return ran / self.elapsed if self.elapsed > 0 else 0.0

    skipped_points: int = 0


@dataclass
class SweepRun:
    folder: Path
    manifest: Manifest
    results: pd.DataFrame
    ran: list[int]             # chunks computed by this run
    seconds: float
    executor: ExecutorInfo | None = None


def prepare_folder(spec: SweepSpec, folder: Path, resume: bool) -> tuple[Manifest, pd.DataFrame]:
    """The manifest and design of `folder`: new, or the existing ones when resuming the same spec."""
    from .manifest import MANIFEST

    folder = Path(folder)
    if (folder / MANIFEST).exists():
        if not resume:
            raise SweepError(f"{folder} already holds a sweep; add --resume to finish it, or give another --out")
        man = Manifest.load(folder)
        if man.spec_digest != spec.digest():
            raise SweepError(f"{folder} holds a sweep of another spec (or another version of it); resume needs the "
                             "same spec — give another --out for this one")
        design = pd.read_parquet(folder / "design.parquet")
        return man, design
    if folder.exists() and any(folder.iterdir()):
        raise SweepError(f"--out {folder} is not empty and holds no sweep; give an empty or new folder")
    design = design_table(spec)
    n_chunks = int(design["chunk"].max()) + 1 if len(design) else 0
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "spec.yaml", spec.text)
    write_atomic(folder / "base.yaml", spec.base_text)
    write_atomic(folder / "sweep.json", json.dumps(describe(spec), indent=1))
    write_table_atomic(design, folder / "design.parquet", "parquet")
    man = Manifest(folder, spec.digest(), spec.name, len(design), n_chunks, spec.chunk, spec.seed)
    man.save()
    return man, design


def describe(spec: SweepSpec) -> dict:
    """What the analysis needs to know of the spec (stored as sweep.json, read without the case)."""
    from dataclasses import asdict

    return {"name": spec.name, "description": spec.description, "runs": spec.runs, "seed": spec.seed,
            "chunk": spec.chunk, "start": spec.start, "end": spec.end, "weights": spec.weights,
            "design": asdict(spec.design), "outcomes": [o.label for o in spec.outcomes],
            "factors": [{"name": f.name, "what": f.describe(), "low": f.low, "high": f.high, "dist": f.dist}
                        for f in spec.factors], "spec_digest": spec.digest()}


def run_sweep(spec: SweepSpec, folder: str | Path, executor: cf.Executor, resume: bool = False,
              case: str | None = None, progress: Callable[[Progress], None] | None = None,
              info: ExecutorInfo | None = None) -> SweepRun:
    """Run (or finish) the sweep in `folder` on `executor`; the results in point order.

    Chunks already in the manifest with a matching checksum are kept; the others are submitted.
    On an interrupt or a lost pool the manifest keeps what finished: run again with resume=True.
    """
    folder = Path(folder)
    man, design = prepare_folder(spec, folder, resume)
    done = man.verified()
    for k in set(man.chunks) - done:          # a part file damaged or missing: run it again
        del man.chunks[k]
    man.complete = False
    man.save()
    todo = [k for k in range(man.n_chunks) if k not in done]
    groups = dict(tuple(design.groupby("chunk", sort=True)))
    cols = ["point", *spec.factor_names()]
    skipped_points = sum(len(groups[k]) for k in done)
    t0 = time.perf_counter()
    points_done = skipped_points

    def report() -> None:
        if progress:
            progress(Progress(len(man.chunks), man.n_chunks, points_done, man.n_points, time.perf_counter() - t0,
                              len(done), skipped_points))

    report()
    futures: dict[cf.Future, int] = {}
    broken, failed, handled = False, [], set()

    def handle(fut: cf.Future) -> None:
        """Record a finished chunk at once (a failed one does not lose the others: they are recorded)."""
        nonlocal broken, points_done
        handled.add(fut)
        try:
            rec = fut.result()
        except BrokenProcessPool:
            broken = True
            return
        except Exception as exc:   # noqa: BLE001 (raised below, once the finished chunks are recorded)
            failed.append(exc)
            return
        man.record(futures[fut], rec)
        points_done += rec["rows"]
        report()

    try:
        for k in todo:
            fut = executor.submit(run_chunk, spec, k, groups[k][cols].reset_index(drop=True), str(folder), case)
            futures[fut] = k
            if fut.done():   # in-process (one worker): recorded now, so a kill keeps every finished chunk
                handle(fut)
        for fut in cf.as_completed([f for f in futures if f not in handled]):
            handle(fut)
        if broken:
            raise SweepError(f"a worker process died; {len(man.chunks)} of {man.n_chunks} chunks are kept in "
                             f"{folder} — run again with --resume to finish")
        if failed:
            raise failed[0]
    except BaseException:
        for f in futures:
            f.cancel()
        raise
    results = collect(folder, man)
    man.complete = True
    man.save()
    return SweepRun(folder, man, results, todo, time.perf_counter() - t0, info)


def collect(folder: Path, man: Manifest) -> pd.DataFrame:
    """All part files in point order, written to results.parquet."""
    parts = [pd.read_parquet(folder / man.chunks[k]["file"]) for k in sorted(man.chunks)]
    results = pd.concat(parts, ignore_index=True).sort_values("point", kind="stable").reset_index(drop=True)
    write_table_atomic(results, folder / "results.parquet", "parquet")
    return results


def read_results(folder: str | Path) -> tuple[Manifest, pd.DataFrame, pd.DataFrame]:
    """(manifest, design, results) of a finished sweep folder."""
    folder = Path(folder)
    from .manifest import MANIFEST

    if not (folder / MANIFEST).exists():
        raise SweepError(f"{folder} holds no sweep (no {MANIFEST}); run `multivector sweep SPEC --out {folder}` first")
    man = Manifest.load(folder)
    if not man.complete:
        raise SweepError(f"the sweep in {folder} is not finished ({len(man.chunks)} of {man.n_chunks} chunks); "
                         "run it again with --resume")
    return man, pd.read_parquet(folder / "design.parquet"), pd.read_parquet(folder / "results.parquet")
