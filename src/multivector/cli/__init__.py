"""The `multivector` command line: thin adapters over the library."""

from __future__ import annotations

import typer

from ..negotiation.cli import register as register_negotiation
from . import cow as cow_cli
from . import evaluate as evaluate_cli
from . import kb as kb_cli
from . import measures as measures_cli
from . import model as model_cli
from . import report as report_cli
from . import series as series_cli
from .overview import overview

app = typer.Typer(help="multivector: how weaker states balance great powers through regional organizations.",
                  no_args_is_help=True, pretty_exceptions_show_locals=False)
app.add_typer(kb_cli.app, name="kb")
app.command()(overview)
model_cli.register(app)
for _mod in (measures_cli, cow_cli, report_cli, evaluate_cli, series_cli):
    _mod.register(app, kb_cli.app)
register_negotiation(app)


def main() -> None:
    app()
