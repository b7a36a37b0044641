"""The `multivector` command line: thin adapters over the library."""

from __future__ import annotations

import typer

from . import kb as kb_cli
from . import model as model_cli
from .overview import overview

app = typer.Typer(help="multivector: how weaker states balance great powers through regional organizations.",
                  no_args_is_help=True, pretty_exceptions_show_locals=False)
app.add_typer(kb_cli.app, name="kb")
app.command()(overview)
model_cli.register(app)


def _mount_optional() -> None:
    # Subsystems register themselves here once they exist.
    try:
        from ..negotiation.cli import register  # type: ignore[attr-defined]
    except ImportError:
        return
    register(app)


_mount_optional()


def main() -> None:
    app()
