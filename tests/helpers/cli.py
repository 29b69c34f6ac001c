"""Run the ``assay`` command line from a test.

:func:`run_assay` calls the real entry point, :func:`assay.cli.main.run`, in this process: the
same argument parsing, error mapping and exit codes as the console script, without paying a
fresh interpreter's imports on every call. Standard output and standard error are captured
apart, the working directory is ``cwd`` for the call, and the result looks like
:class:`subprocess.CompletedProcess`, so a test reads ``.returncode``, ``.stdout``, ``.stderr``.

:func:`run_assay_process` runs ``python -m assay`` in a child process, for what needs one: a
kill or a signal, the console script itself, an exit code seen from outside.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from typer.testing import CliRunner


def _env(lang: str) -> dict[str, str | None]:
    return {"ASSAY_LANG": lang, "COLUMNS": "200", "NO_COLOR": "1"}


def run_assay(
    *args: str | Path,
    cwd: Path | None = None,
    lang: str = "en",
    process: bool = False,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``assay ARGS`` in this process (``process=True``: in a child process)."""
    if process:
        return run_assay_process(*args, cwd=cwd, lang=lang, input=input)
    from assay.cli.main import run

    argv = [str(a) for a in args]
    with CliRunner().isolation(input=input, env=_env(lang)) as (out, err, _), _chdir(cwd):
        try:
            run(argv)
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc.code)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return subprocess.CompletedProcess(["assay", *argv], code, stdout, stderr)


def run_assay_process(
    *args: str | Path,
    cwd: Path | None = None,
    lang: str = "en",
    input: str | None = None,
    command: Sequence[str | Path] = (sys.executable, "-m", "assay"),
) -> subprocess.CompletedProcess[str]:
    """``python -m assay ARGS`` (or ``command ARGS``, e.g. the console script) in a child
    process, as a user would run it."""
    env = {**os.environ, **{k: v for k, v in _env(lang).items() if v is not None}}
    return subprocess.run(
        [*map(str, command), *map(str, args)],
        cwd=cwd,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _exit_code(code: object) -> int:
    """The process exit status ``sys.exit(code)`` gives (a message: printed, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


@contextmanager
def _chdir(cwd: Path | None) -> Iterator[None]:
    before = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before)
