"""The ``assay`` command: one Typer app, one module per command group.

Exit codes: 0 success; 1 a check found shortfalls; 2 a usage or input error (bad file, bad
profile or config, unknown name); 3 a missing optional dependency; 70 an internal error.
A user error prints one line naming the file, line and fix; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer

from assay.cli.lazy import LazyGroup
from assay.errors import EXIT_INTERNAL, EXIT_USAGE, AssayError
from assay.version import __version__

app = typer.Typer(
    name="assay",
    cls=LazyGroup,
    help="Assay: security assessment of generative-AI services under TC260-003 / GB/T 45654-2025 "
    "(生成式人工智能服务安全基本要求).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"assay {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when something fails.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Assay command line. Exit codes: 0 ok, 1 shortfalls found, 2 bad input or usage,
    3 missing optional dependency, 70 internal error."""


def run(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn errors into one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]  # accepted anywhere on the line
    try:
        app(args=args, prog_name="assay")  # standalone: exits itself on success or usage error
    except AssayError as exc:
        if debug:
            traceback.print_exc()
        typer.echo(f"assay: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a path that is a folder, not writable, on a full disk...
        if debug:
            traceback.print_exc()
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"assay: error: {where}{exc.strerror or exc} (fix: check the path)", err=True)
        sys.exit(EXIT_USAGE)
    except UnicodeEncodeError as exc:
        typer.echo(
            f"assay: error: cannot write {exc.object[exc.start : exc.end]!r} in {exc.encoding} "
            "(fix: choose utf-8-sig or gb18030)",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # a bug: say so, keep the traceback behind --debug
        if debug:
            traceback.print_exc()
        typer.echo(
            f"assay: internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug and report it)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
