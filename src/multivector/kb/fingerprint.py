"""What names a case's compiled files: the hash of its files and where the cache lives.

Light on purpose (no DuckDB, pandas or pydantic): the light commands (`kb members`, `kb show`,
:mod:`.quick`) find their snapshot with it before deciding whether anything heavier is needed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..userdata import case_overlay, packaged_cases

SCHEMA_VERSION = "3"  # 2: the `series` table (series/*.csv); 3: `positions` (positions.yaml)


def default_case_path() -> Path:
    """The embedded Central Asia case shipped inside the package."""
    return packaged_cases() / "central_asia"


def series_files(folder: Path) -> list[tuple[Path, str]]:
    """(path, label) of every series file of a case: its `series/*.csv`, where the user's overlay
    (`userdata.case_overlay`, for a case shipped in the package) has a file of the same name, that one
    instead; the label names the file in problems (relative to the case, or the overlay file's path)."""
    found = {p.name: (p, f"series/{p.name}") for p in sorted((folder / "series").glob("*.csv"))}
    overlay = case_overlay(folder)
    if overlay is not None and (overlay / "series").is_dir():
        found.update({p.name: (p, str(p)) for p in sorted((overlay / "series").glob("*.csv"))})
    return [found[name] for name in sorted(found)]


def hash_folder(folder: Path) -> str:
    """The hash of every case file, and of the series the user imported for it (the cache key of the case)."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    files = [(p, p.relative_to(folder).as_posix()) for p in sorted(folder.rglob("*"))
             if p.is_file() and p.suffix in (".yaml", ".yml", ".csv")]
    files += [(p, label) for p, label in series_files(folder) if not label.startswith("series/")]
    for path, label in files:
        digest.update(label.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where compiled databases live: $MULTIVECTOR_CACHE_DIR or the user cache folder."""
    env = os.environ.get("MULTIVECTOR_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("multivector"))


def database_path(name: str, content_hash: str, folder: Path | None = None) -> Path:
    """The cache file of a case: its folder name, where the folder is, and what it holds.

    Two folders with the same name (two copies of `central_asia`) get different
    files, so rebuilding one never removes the other's while it is being read.
    """
    where = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:8] if folder is not None else "any"
    return cache_dir() / f"{name}-{where}-{content_hash[:16]}.duckdb"
