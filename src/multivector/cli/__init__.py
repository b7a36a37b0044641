"""The `multivector` command line: thin adapters over the library."""

from __future__ import annotations

import typer

from . import cow as cow_cli
from . import evaluate as evaluate_cli
from . import kb as kb_cli
from . import library as library_cli
from . import measures as measures_cli
from . import model as model_cli
from . import negotiate as negotiate_cli
from . import project as project_cli
from . import report as report_cli
from . import series as series_cli
from . import serve as serve_cli
from . import sweep as sweep_cli
from .overview import overview


def _no_flag_type() -> None:
    """Typer 0.29 shows `<bool>` beside every on/off flag in the rich help, as if it took a value; hide it."""
    try:
        from typer.core import TyperOption
    except ImportError:   # another Typer: nothing to patch
        return
    shown = TyperOption.display_type_rich

    def display_type_rich(self, ctx):
        return None if getattr(self, "is_flag", False) else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich


_no_flag_type()


def _one_line_warnings() -> None:
    """Warnings from the library (a damaged cache, say) as one `warning: ...` line, not Python's two."""
    import sys
    import warnings

    def show(message, category, filename, lineno, file=None, line=None):
        (file or sys.stderr).write(f"warning: {message}\n")

    warnings.showwarning = show


_one_line_warnings()

app = typer.Typer(help="multivector: how weaker states balance great powers through regional organizations.",
                  no_args_is_help=False, invoke_without_command=True, pretty_exceptions_show_locals=False)


@app.callback()
def _root(ctx: typer.Context, debug: bool = typer.Option(
        False, "--debug", help="On an unexpected error, show the Python traceback (for a bug report).")) -> None:
    """multivector: how weaker states balance great powers through regional organizations."""
    if debug:
        import os

        os.environ["MULTIVECTOR_DEBUG"] = "1"
    if ctx.invoked_subcommand is None:   # `multivector` alone: the help, and success
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


app.add_typer(kb_cli.app, name="kb")
app.command()(overview)
model_cli.register(app)
project_cli.register(app)
for _mod in (measures_cli, cow_cli, report_cli, evaluate_cli, series_cli, library_cli, serve_cli):
    _mod.register(app, kb_cli.app)
negotiate_cli.register(app)
sweep_cli.register(app)


def _parser_errors() -> tuple[type[Exception], type[Exception], tuple]:
    """(UsageError, NoArgsIsHelpError-or-None, Abort classes) of the parser Typer uses (it vendors Click lately)."""
    try:
        from typer._click import exceptions as ce
    except ImportError:   # Typer on an installed Click
        from click import exceptions as ce
    import typer

    aborts = tuple(c for c in (getattr(ce, "Abort", None), getattr(typer, "Abort", None)) if c is not None)
    return ce.UsageError, getattr(ce, "NoArgsIsHelpError", None), aborts


def _err(text: str) -> None:
    """Write an error line to stderr with control and bidi characters escaped (it may quote user input)."""
    import sys

    from .output import terminal_safe

    sys.stderr.write(terminal_safe(text))


def main() -> None:
    """The console entry point: input errors as one line, never a traceback (MULTIVECTOR_DEBUG=1 shows it)."""
    import os
    import sys

    from ..io_utils import OutputFolderError, end_on_signals
    from ..kb import CaseError, UnknownIdError
    from ..kb.dates import DateFormatError
    from ..textfiles import InputFileError

    end_on_signals()   # SIGTERM/SIGHUP end through the clean-up, as Ctrl+C does: no staging folder left
    usage_error, no_args, aborts = _parser_errors()
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except usage_error as exc:   # a wrong option or a missing argument: one line, like every other error
        if no_args is not None and isinstance(exc, no_args):   # `multivector kb` alone: its help, success
            if exc.ctx is not None:
                sys.stdout.write(exc.ctx.get_help() + "\n")
            sys.exit(0)
        cmd = exc.ctx.command_path if getattr(exc, "ctx", None) is not None else "multivector"
        _err(f"{cmd}: {exc.format_message()} — see `{cmd} --help`\n")
        sys.exit(1)
    except (InputFileError, DateFormatError, OutputFolderError) as exc:   # every reader's one input error
        _err(f"error: {exc}\n")
        sys.exit(1)
    except CaseError as exc:
        _err(f"{exc}\n")
        sys.exit(1)
    except UnknownIdError as exc:
        _err(f"error: {exc.args[0] if exc.args else exc}\n")
        sys.exit(1)
    except OSError as exc:   # the machine's fault (full disk, read-only mount, permissions): where, and what to do
        from ..io_utils import environment_error

        if isinstance(exc, BrokenPipeError):   # `multivector ... | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        if os.environ.get("MULTIVECTOR_DEBUG"):
            raise
        _err(f"error: {environment_error(exc)}\n")
        sys.exit(1)
    except RecursionError:
        if os.environ.get("MULTIVECTOR_DEBUG"):
            raise
        _err("error: the input is nested too deeply to read — give a file as multivector writes it "
                         "(a few levels deep)\n")
        sys.exit(1)
    except MemoryError:
        _err("error: this asks for more memory than the machine has — use fewer runs, actors or years\n")
        sys.exit(1)
    except (KeyboardInterrupt, *aborts):
        _err("interrupted\n")
        sys.exit(130)
    except Exception as exc:   # a bug, not the user's input: say so in one line
        if os.environ.get("MULTIVECTOR_DEBUG"):
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} — this is a bug in multivector, not in your "
                         "input; run again with --debug (multivector --debug COMMAND ...) to see the traceback and report it\n")
        sys.exit(70)
