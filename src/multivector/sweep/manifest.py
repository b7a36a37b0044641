"""The manifest of a sweep folder: which chunks are finished, with the checksum of each part file.

Layout of a sweep folder:

    manifest.json     the spec's digest, the design's size, whether every chunk is finished
    chunks.jsonl      one line per finished chunk (file, checksum, rows, seconds, worker), appended
    spec.yaml         the spec as read;  base.yaml  the base scenario as read
    design.parquet    every point: unit and factor values, its chunk
    parts/chunk-NNNNNN.parquet   one file per chunk, written atomically by the worker that ran it
    results.parquet   all parts in point order, once every chunk is finished

Only the process that runs the sweep writes the manifest, after the part file it lists is
complete: manifest.json is replaced atomically, and each finished chunk is one line appended
to chunks.jsonl (and flushed to disk), so recording a chunk costs the same at the 10th chunk as
at the 10,000th. A line cut short by a kill does not parse and is ignored, as is its chunk; so
after any interruption the manifest lists only chunks whose files were whole when they were
recorded. A part file whose checksum no longer matches is run again.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..io_utils import write_atomic

MANIFEST = "manifest.json"
JOURNAL = "chunks.jsonl"
FORMAT = 1


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def part_name(chunk: int) -> str:
    return f"parts/chunk-{chunk:06d}.parquet"


@dataclass
class Manifest:
    folder: Path
    spec_digest: str
    name: str
    n_points: int
    n_chunks: int
    chunk_size: int
    seed: int
    chunks: dict[int, dict] = field(default_factory=dict)   # chunk -> {file, sha256, rows, seconds, ...}
    complete: bool = False
    created: float = field(default_factory=time.time)

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST

    def as_dict(self) -> dict:
        return {"format": FORMAT, "name": self.name, "spec_digest": self.spec_digest, "n_points": self.n_points,
                "n_chunks": self.n_chunks, "chunk_size": self.chunk_size, "seed": self.seed,
                "complete": self.complete, "created": self.created, "chunks_done": len(self.chunks)}

    def save(self) -> None:
        """manifest.json, and chunks.jsonl rewritten to hold exactly the chunks held now."""
        lines = "".join(json.dumps({"chunk": k, **v}) + "\n" for k, v in sorted(self.chunks.items()))
        write_atomic(self.folder / JOURNAL, lines)
        write_atomic(self.path, json.dumps(self.as_dict(), indent=1))

    def record(self, chunk: int, info: dict) -> None:
        """A finished chunk (its part file already complete on disk): one line appended, on disk at once."""
        import os

        self.chunks[chunk] = info
        with open(self.folder / JOURNAL, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"chunk": chunk, **info}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def verified(self) -> set[int]:
        """The chunks whose part file exists and matches its checksum (others are run again)."""
        good = set()
        for k, info in self.chunks.items():
            p = self.folder / info["file"]
            if p.is_file() and sha256_file(p) == info["sha256"]:
                good.add(k)
        return good

    @classmethod
    def load(cls, folder: str | Path) -> Manifest:
        folder = Path(folder)
        d = json.loads((folder / MANIFEST).read_text())
        if d.get("format") != FORMAT:
            raise ValueError(f"{folder / MANIFEST}: manifest format {d.get('format')!r} is not {FORMAT}")
        return cls(folder=folder, spec_digest=d["spec_digest"], name=d["name"], n_points=d["n_points"],
                   n_chunks=d["n_chunks"], chunk_size=d["chunk_size"], seed=d["seed"],
                   chunks=read_journal(folder / JOURNAL), complete=d["complete"], created=d.get("created", 0.0))


def read_journal(path: Path) -> dict[int, dict]:
    """chunk -> its record, from chunks.jsonl; a line that does not parse (cut by a kill) is skipped."""
    out: dict[int, dict] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            rec = json.loads(line)
            k = int(rec.pop("chunk"))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        if {"file", "sha256", "rows"} <= set(rec):
            out[k] = rec
    return out
