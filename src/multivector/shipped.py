"""What ships inside the package: the scenario library and the sweep specs, found by name.

The files live in `multivector/library/{scenarios,sweeps}` and are read with
`importlib.resources`, so an installed wheel finds them wherever it is run from
(the repository's top-level `scenarios/` and `sweeps/` are links to the same
folders). A command's FILE argument is a path when such a file exists, else the
name of a shipped file (`multivector simulate baseline`, `multivector sweep run
smoke`); a name that is neither says which names there are.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

KINDS = {"scenario": "scenarios", "sweep": "sweeps"}


class NotShipped(LookupError):
    """A FILE argument that is neither a file nor a shipped name; the message says which names exist."""


def folder(kind: str) -> Path:
    """The folder of the shipped scenarios (`kind="scenario"`) or sweep specs (`kind="sweep"`)."""
    # files() of an installed (unzipped) package is a real folder; wheels install unzipped.
    return Path(str(resources.files("multivector") / "library" / KINDS[kind]))


def names(kind: str) -> list[str]:
    """The names of the shipped files of a kind, sorted (the file name without `.yaml`)."""
    d = folder(kind)
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


def resolve(kind: str, given: str | Path) -> Path:
    """The file a FILE argument means: the path itself when it exists, else the shipped file of that name.

    >>> resolve("scenario", "baseline").name
    'baseline.yaml'
    """
    p = Path(given)
    if p.exists():
        return p
    name = p.name[:-5] if p.name.endswith(".yaml") else p.name
    shipped = folder(kind) / f"{name}.yaml"
    if p.parent == Path(".") and shipped.is_file():
        return shipped
    known = ", ".join(names(kind)) or "(none)"
    raise NotShipped(f"{kind} file {str(given)!r} not found, and no shipped {kind} has that name; give the "
                     f"path of a YAML file or one of: {known}")
