"""Atomic file writing and JSON-safe records, shared by every front end."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
from collections.abc import Iterable
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


def join_ids(values: Iterable) -> str:
    return ", ".join(map(str, values))
