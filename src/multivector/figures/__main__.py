"""`python -m multivector.figures [NAME ...] [--fast] [--check] [--root DIR]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import mismatches, producers, regenerate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m multivector.figures", description=__doc__)
    ap.add_argument("names", nargs="*", help=f"producers to run (default all: {', '.join(producers())})")
    ap.add_argument("--fast", action="store_true", help="skip the slow producers (evaluation, sweeps)")
    ap.add_argument("--check", action="store_true", help="only check the docs against the stored tables")
    ap.add_argument("--root", type=Path, default=Path.cwd(), help="the repository (default: here)")
    a = ap.parse_args(argv)
    unknown = set(a.names) - set(producers())
    if unknown:
        print(f"unknown producer(s) {', '.join(sorted(unknown))}: use {', '.join(producers())}", file=sys.stderr)
        return 2
    if not a.check:
        regenerate(a.root, a.names or None, fast_only=a.fast)
    bad = mismatches(a.root)
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
