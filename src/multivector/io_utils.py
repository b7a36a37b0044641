"""Atomic file writing and JSON-safe records, shared by every front end."""

from __future__ import annotations

import datetime as dt
import errno
import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd


def plain(value):
    """A JSON-safe Python value (lists stay lists, NaN becomes None)."""
    if value is None:
        return None
    if isinstance(value, np.ndarray | list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return None if math.isnan(f) else f
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp | dt.date | dt.datetime):
        return value.isoformat()[:10]
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def records(df: pd.DataFrame) -> list[dict]:
    """DataFrame rows as JSON-safe dicts."""
    return [{k: plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def flat(df: pd.DataFrame) -> pd.DataFrame:
    """Lists joined with ';' so a table fits CSV cells."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [";".join(map(str, v)) if isinstance(v, np.ndarray | list | tuple) else v for v in out[col]]
    return out


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write a file so that readers see the old or the new content, never half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_table_atomic(df: pd.DataFrame, path: str | Path, fmt: str) -> Path:
    """Write one table as csv, parquet or json, atomically."""
    path = Path(path)
    if fmt == "csv":
        return write_atomic(path, flat(df).to_csv(index=False))
    if fmt == "json":
        return write_atomic(path, json.dumps(records(df), ensure_ascii=False, indent=1))
    if fmt == "parquet":
        import io

        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        return write_atomic(path, buf.getvalue())
    raise ValueError(f"unknown format {fmt!r}: use csv, json or parquet")


def dump_json(obj) -> str:
    return json.dumps(plain(obj) if not isinstance(obj, dict) else {k: plain(v) for k, v in obj.items()},
                      ensure_ascii=False, indent=2)


# ----------------------------------------------------------------- faults of the environment
#: errno -> (what happened, how to fix it), for the faults of the machine rather than of the input or the code.
_ENVIRONMENT = {
    errno.ENOSPC: ("no space left on the device", "free some space there, or write elsewhere (--out)"),
    errno.EDQUOT: ("the disk quota is used up", "free some space there, or write elsewhere (--out)"),
    errno.EROFS: ("the file system is read-only", "write to a writable folder (--out)"),
    errno.EACCES: ("permission denied", "fix the permissions, or choose another path"),
    errno.EPERM: ("operation not permitted", "fix the permissions, or choose another path"),
    errno.ENOTDIR: ("a file stands where a folder is expected", "remove or rename that file, or choose another path"),
    errno.EISDIR: ("a folder stands where a file is expected", "give the path of a file"),
    errno.EEXIST: ("it already exists", "remove it, or choose another path"),
    errno.ENAMETOOLONG: ("the path is too long", "choose a shorter path"),
    errno.ELOOP: ("too many symbolic links", "give a path without a symlink loop"),
    errno.EMFILE: ("too many open files", "raise the limit (ulimit -n) and run again"),
    errno.ENOMEM: ("out of memory", "use fewer runs, actors or years"),
    errno.EIO: ("an input/output error of the device", "check the disk, then run again"),
}


def environment_error(exc: OSError) -> str:
    """One line for an OSError of the machine (full disk, read-only mount, permissions, a file where a folder is
    expected): what happened, where, and how to fix it — never the "bug" line."""
    where = exc.filename if exc.filename is not None else None
    if getattr(exc, "filename2", None):
        where = f"{exc.filename} -> {exc.filename2}"
    what, fix = _ENVIRONMENT.get(exc.errno, (exc.strerror or str(exc) or type(exc).__name__,
                                             "check the path and the machine, then run again"))
    return f"{where}: {what} — {fix}" if where else f"{what} — {fix}"


# ----------------------------------------------------------------- output sets
class OutputFolderError(ValueError):
    """An --out folder that cannot take the results; raised before any work is done."""


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where it is not available."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


class OutputSet:
    """Write a folder of result files so that it holds the old complete set or the new one, never a mix.

    The files are written into a staging folder beside the target (`.NAME.new-*`)
    and swapped in at `commit()`: with one atomic exchange where the system has
    one (Linux), otherwise by two renames whose gap `recover()` repairs at the
    next start. Leftovers of an interrupted run are cleaned when the next one
    starts. Creating the set checks that the target can be written, so a bad
    --out fails before the work, not after it.

    >>> import tempfile; d = Path(tempfile.mkdtemp()) / "out"
    >>> with OutputSet(d) as s:
    ...     _ = (s.path / "a.txt").write_text("new")
    >>> (d / "a.txt").read_text()
    'new'
    """

    def __init__(self, target: str | Path):
        # a symlinked --out is resolved: the set is written as the folder it points to, and the link stays
        self.target = Path(os.path.realpath(target)) if Path(target).is_symlink() else Path(target)
        if self.target.exists() and not self.target.is_dir():
            raise OutputFolderError(f"--out {self.target} is a file; give a folder (it is created if missing)")
        parent = self.target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            recover(self.target)
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.new-{os.getpid()}-", dir=parent))
            _staging(self.path)
        except OSError as exc:
            raise OutputFolderError(f"cannot write to --out {self.target}: {exc.strerror or exc}; "
                                    "choose a writable folder") from None

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def discard(self) -> None:
        import shutil

        shutil.rmtree(self.path, ignore_errors=True)
        _LIVE.discard(self.path)

    def commit(self) -> Path:
        import shutil

        _LIVE.discard(self.path)   # from here on a kill leaves what recover() repairs at the next start
        os.chmod(self.path, 0o777 & ~_umask())   # mkdtemp makes 0700; results are meant to be shared
        if not self.target.exists():
            os.rename(self.path, self.target)
        elif _exchange(self.path, self.target):
            shutil.rmtree(self.path, ignore_errors=True)          # now holds the old set
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.target.parent))
            os.rmdir(old)
            os.rename(self.target, old)
            os.rename(self.path, self.target)                     # a kill between the two: recover() restores
            shutil.rmtree(old, ignore_errors=True)
        return self.target


def recover(target: str | Path) -> None:
    """Clean what an interrupted OutputSet left beside `target`; restore the old set if the swap was cut."""
    import shutil

    target = Path(target)
    parent = target.parent
    if not parent.is_dir():
        return
    planted = [p for p in [*parent.glob(f".{target.name}.old-*"), *parent.glob(f".{target.name}.new-*")]
               if p.is_symlink() or not p.is_dir()]
    for p in planted:   # never ours (ours are folders made by mkdtemp): the link goes, never what it points to
        p.unlink(missing_ok=True)
    olds = sorted(p for p in parent.glob(f".{target.name}.old-*") if p not in planted)
    if olds and not target.exists():
        os.rename(olds.pop(), target)
    stale = [p for p in parent.glob(f".{target.name}.new-*")
             if p not in planted and not _alive(p.name.split(".new-")[-1].split("-")[0])]
    for p in [*olds, *stale]:   # a staging folder of a process still running is its own business
        shutil.rmtree(p, ignore_errors=True)


#: Staging folders of this process not yet committed or discarded: removed at exit and on SIGTERM/SIGHUP.
_LIVE: set[Path] = set()


def _staging(path: Path) -> None:
    import atexit

    if not _LIVE and not getattr(_staging, "armed", False):
        atexit.register(remove_staging)
        _staging.armed = True   # type: ignore[attr-defined]
    _LIVE.add(path)


def remove_staging() -> None:
    """Remove this process's staging folders (at exit, and when a signal ends it: `end_on_signals`)."""
    import shutil

    for p in list(_LIVE):
        shutil.rmtree(p, ignore_errors=True)
        _LIVE.discard(p)


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return int(pid) != 0
