"""The `multivector` command line: thin adapters over the library."""

from __future__ import annotations

import typer


def _no_flag_type() -> None:
    """Typer 0.29 shows `<bool>` beside every on/off flag in the rich help, as if it took a value; hide it."""
    try:
        from typer.core import TyperOption
    except ImportError:   # another Typer: nothing to patch
        return
    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None:   # an older Typer: no such column
        return

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

_HELP = "multivector: how weaker states balance great powers through regional organizations."


def _root(ctx: typer.Context, debug: bool = typer.Option(
        False, "--debug", help="On an unexpected error, show the Python traceback (for a bug report).")) -> None:
    """multivector: how weaker states balance great powers through regional organizations."""
    if debug:
        import os

        os.environ["MULTIVECTOR_DEBUG"] = "1"
    if ctx.invoked_subcommand is None:   # `multivector` alone: the help, and success
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


#: Each top-level command and the modules that register it (`kb` and `import` gather subcommands from
#: several). A run of one command imports and builds only its own modules: the light commands start in
#: a fraction of the time that importing and building all of them takes (benchmarks/bench_startup.py).
COMMANDS: dict[str, tuple[str, ...]] = {
    "kb": ("kb", "cow", "series"), "overview": ("overview",), "drivers": ("model",), "backtest": ("model",),
    "calibrate": ("model",), "explain": ("model",), "simulate": ("project",), "forecast": ("project",),
    "measures": ("measures",), "panel": ("panel",), "import": ("cow", "series"), "report": ("report",), "evaluate": ("evaluate",),
    "scenarios": ("library",), "proposals": ("library",), "serve": ("serve",), "negotiate": ("negotiate",),
    "sweep": ("sweep",),
}
#: The order modules register in, which is the order `--help` lists the commands.
_ORDER = ("kb", "overview", "model", "project", "measures", "panel", "cow", "report", "evaluate", "series", "library",
          "serve", "negotiate", "sweep")
_built: dict[frozenset | None, typer.Typer] = {}


def build_app(modules: frozenset[str] | None = None) -> typer.Typer:
    """The command line with every command, or only those of `modules` (names in `_ORDER`); built once each."""
    if None in _built:   # the whole app exists already: it serves every run
        return _built[None]
    if modules in _built:
        return _built[modules]
    from importlib import import_module

    from . import kb as kb_cli

    # Click's plain help, not Rich's panels: those load Markdown and Pygments, 0.1 s of CPU on every --help
    app = typer.Typer(help=_HELP, no_args_is_help=False, invoke_without_command=True, rich_markup_mode=None,
                      pretty_exceptions_show_locals=False)
    app.callback()(_root)
    for name in _ORDER:
        if modules is not None and name not in modules:
            continue
        if name == "kb":
            app.add_typer(kb_cli.app, name="kb")
        elif name == "overview":
            from .overview import overview

            app.command()(overview)
        elif name in ("model", "negotiate", "sweep", "project"):
            import_module(f".{name}", __name__).register(app)
        else:
            import_module(f".{name}", __name__).register(app, kb_cli.app)
    _built[modules] = app
    return app


def _app_for(argv: list[str]) -> typer.Typer:
    """The app a run needs: only the invoked command's modules, or all of them (help, completion, unknown)."""
    import os

    if any(k.endswith("_COMPLETE") for k in os.environ):
        return build_app()
    first = next((a for a in argv if not a.startswith("-")), None)
    if first not in COMMANDS or any(a in ("--help", "-h") for a in argv[:argv.index(first)]):
        return build_app()
    return build_app(frozenset(COMMANDS[first]))


def __getattr__(name: str):
    if name == "app":   # the whole command line (tests, docs); `main` builds only what a run needs
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

    from ..kb.dates import DateFormatError
    from ..kb.problems import CaseError, UnknownIdError
    from ..processes import end_on_signals
    from ..textfiles import InputFileError

    end_on_signals()   # SIGTERM/SIGHUP end through the clean-up, as Ctrl+C does: no staging folder left
    usage_error, no_args, aborts = _parser_errors()
    app = _app_for(sys.argv[1:])
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
    except (InputFileError, DateFormatError) as exc:   # every reader's one input error
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
        io_utils = sys.modules.get("multivector.io_utils")   # loaded by the commands that write (not at start-up)
        if io_utils is not None and isinstance(exc, io_utils.OutputFolderError):
            _err(f"error: {exc}\n")
            sys.exit(1)
        if os.environ.get("MULTIVECTOR_DEBUG"):
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} — this is a bug in multivector, not in your "
                         "input; run again with --debug (multivector --debug COMMAND ...) to see the traceback and report it\n")
        sys.exit(70)
