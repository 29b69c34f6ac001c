"""The real entry points, run as a user runs them, and what running commands in process needs.

Most CLI tests call :func:`assay.cli.main.run` in the test's own process (tests/helpers/cli.py);
these check that the console script and ``python -m assay`` behave the same from outside (stdin
from a real pipe, the exit status the shell sees), and that commands run one after another in
one process each see their own environment.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import run_assay, run_assay_process
from tests.helpers.examples import EXAMPLES

KEYWORDS = EXAMPLES / "banks" / "keywords.csv"
TEXTS = EXAMPLES / "texts.txt"


def _console_script() -> Path:
    script = Path(sys.executable).parent / ("assay.exe" if os.name == "nt" else "assay")
    if not script.is_file():
        pytest.skip(
            "the assay console script is not installed beside this Python (pip install -e .)"
        )
    return script


def test_the_console_script_end_to_end(tmp_path: Path) -> None:
    """The installed ``assay`` script reads stdin from a real pipe, prints what the in-process
    call prints, and the shell sees exit 2 and one error line for a bad profile."""
    script = _console_script()
    texts = TEXTS.read_text("utf-8")
    piped = run_assay_process(
        "keywords", "scan", "--file", "-", "--keywords", KEYWORDS, "--json",
        input=texts, cwd=tmp_path, command=[script],
    )  # fmt: skip
    assert piped.returncode == 0, piped.stderr
    scanned = json.loads(piped.stdout)
    assert scanned["flagged"] > 0
    here = run_assay(
        "keywords", "scan", "--file", "-", "--keywords", KEYWORDS, "--json", input=texts
    )
    assert here.returncode == 0, here.stderr
    assert json.loads(here.stdout) == scanned
    bad = run_assay_process(
        "standard", "thresholds", "--profile", "no-such-profile", cwd=tmp_path, command=[script]
    )
    assert bad.returncode == 2, bad.stderr
    assert [line for line in bad.stderr.splitlines() if line.strip()] == [
        line
        for line in run_assay(
            "standard", "thresholds", "--profile", "no-such-profile"
        ).stderr.splitlines()
        if line.strip()
    ]


def test_python_dash_m_assay_gives_the_exit_status() -> None:
    usage = run_assay_process("standard", "risks", "--no-such-option")
    assert usage.returncode == 2
    assert "No such option" in usage.stderr


def test_each_command_reads_assay_lang_when_it_runs() -> None:
    """Regression (issue 13): the default of every --lang was $ASSAY_LANG read when the command
    modules were imported, so the second command run in one process (a test, a notebook) kept
    the language of the first."""
    zh = run_assay("standard", "risks", lang="zh")
    en = run_assay("standard", "risks", lang="en")
    assert "宣扬恐怖主义、极端主义" in zh.stdout
    assert "Promoting terrorism or extremism" in en.stdout
    assert "宣扬恐怖主义、极端主义" in run_assay("standard", "risks", lang="zh").stdout


def test_in_process_runs_leave_the_directory_and_streams_as_they_were(tmp_path: Path) -> None:
    before, stdout, stderr = os.getcwd(), sys.stdout, sys.stderr
    result = run_assay("standard", "export", "--out", "profile.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "profile.yaml").is_file()  # relative to cwd, as in a child process
    assert (os.getcwd(), sys.stdout, sys.stderr) == (before, stdout, stderr)
    failed = run_assay("standard", "thresholds", "--profile", "no-such-profile", cwd=tmp_path)
    assert failed.returncode == 2
    assert failed.stderr.startswith("assay: error:")
    assert failed.stdout == ""
    assert os.getcwd() == before
