"""The commands over hostile files, in process: exit 0, 1 or 2, never 70 (internal error)."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

from hypothesis import given, settings

from assay.cli.main import run
from tests.fuzz.strategies import csv_text, jsonl_text


def _exit_code(*args: str, cwd: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            run(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        return code, err.getvalue()
    finally:
        os.chdir(here)
    return 0, err.getvalue()


@settings(max_examples=10)
@given(text=csv_text())
def test_banks_convert_any_csv(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bank.csv").write_text(text, "utf-8")
        code, err = _exit_code(
            "banks", "convert", "bank.csv", "out.xlsx", "--kind", "content", cwd=Path(tmp)
        )
        assert code in (0, 1, 2), err


@settings(max_examples=8)
@given(text=jsonl_text())
def test_corpus_filter_and_assess_any_jsonl(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "c.jsonl").write_text(text, "utf-8")
        (folder / "kw.csv").write_text("keyword,risk_ids\n炸药,A.1.d\n", "utf-8")
        (folder / "sources.yaml").write_text(
            "max_line_bytes: 200\nsources:\n"
            "  - {id: s, kind: open_source, licence: MIT, paths: [c.jsonl]}\n",
            "utf-8",
        )
        for args in (
            (
                "corpus",
                "filter",
                "--out",
                "clean",
                "-k",
                "kw.csv",
                "--workers",
                "1",
                "--pii",
                "mask",
            ),
            ("corpus", "assess", "-k", "kw.csv", "--classifier", "none", "--quarantine-dir", "q"),
        ):
            code, err = _exit_code(*args, cwd=folder)
            assert code in (0, 1, 2), err
