"""The sample negotiation inputs shipped with the package, one per file layout, read by name.

`multivector negotiate --example NAME` forecasts one; `--list-examples` lists them. The files
are package data (`multivector/negotiation/examples/`), read with `importlib.resources`, so
they are there in an installed wheel as in a checkout. The numbers are illustrative, made up to
show the layouts (see the README beside them); they are not evidence.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources

from ..textfiles import InMemoryFile, InputFileError
from .io import FileKind, read_problems
from .problem import NegotiationProblem

#: The shipped examples: name → (file, layout, what it shows).
EXAMPLES: dict[str, tuple[str, str, str]] = {
    "ktab_water_release": ("ktab_water_release.csv", "ktab",
                           "five riparian states and a donor bargain over a summer water release (2 dimensions)"),
    "bdm_eaeu_tariff": ("bdm_eaeu_tariff.csv", "bdm",
                        "members of a customs union bargain over a common external tariff"),
    "deu_small": ("deu_small.tsv", "deu", "two made-up issues in the DEU III layout, with outcomes to score"),
}


@dataclass(frozen=True)
class Example:
    name: str
    file: str
    kind: str
    description: str


def examples() -> list[Example]:
    """Every shipped example, by name."""
    return [Example(n, f, k, d) for n, (f, k, d) in sorted(EXAMPLES.items())]


def example_file(name: str) -> InMemoryFile:
    """The bytes of a shipped example, labelled `example:NAME` in messages; an unknown name is an input error."""
    if name not in EXAMPLES:
        close = difflib.get_close_matches(name, list(EXAMPLES), n=2, cutoff=0.5)
        hint = f"did you mean {' or '.join(close)}?" if close else f"use one of {', '.join(sorted(EXAMPLES))}"
        raise InputFileError(f"example:{name}", 0, "no such example", hint + " (multivector negotiate --list-examples)")
    file = EXAMPLES[name][0]
    data = (resources.files(__package__) / "examples" / file).read_bytes()
    return InMemoryFile(file, data)


def read_example(name: str) -> tuple[FileKind, list[NegotiationProblem]]:
    """The kind and problems of a shipped example, read like any file."""
    return read_problems(example_file(name))
