"""One error tree: every exception class Assay defines descends from AssayError."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from assay.errors import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    AssayError,
    BadRowError,
    RowError,
    TargetError,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "assay"

# exceptions that stay outside the tree on purpose, each with why
OUTSIDE = {
    # raised by limits.loads_json in place of RecursionError; callers catch it as the
    # ValueError json.loads raises for any other bad JSON, and turn it into a row or file error
    ("assay.limits", "TooDeepError"),
    # private to yamlfile: raised inside the YAML composer, caught a few lines up, re-raised
    # as the caller's own AssayError with file and line
    ("assay.yamlfile", "_RefusedError"),
    # the lean sheet-XML reader's signal that a sheet holds something it does not parse: caught
    # by banks/xlsx.py, which reads on with openpyxl from that row; never reaches a caller
    ("assay.banks.sheetxml", "Unsupported"),
}


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exception_classes() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(b) for b in node.bases]
                if any(b.endswith(("Error", "Exception")) for b in bases):
                    found.append((_module(path), node.name))
    return found


def test_the_scan_finds_the_target_and_row_errors() -> None:
    names = {name for _, name in _exception_classes()}
    assert {"TargetError", "RowError", "AssayError"} <= names


@pytest.mark.parametrize("where", _exception_classes(), ids=lambda w: f"{w[0]}.{w[1]}")
def test_every_exception_is_in_the_one_tree(where: tuple[str, str]) -> None:
    module, name = where
    cls = getattr(importlib.import_module(module), name)
    if where in OUTSIDE:
        assert not issubclass(cls, AssayError), "now in the tree: drop it from OUTSIDE"
        return
    assert issubclass(cls, AssayError), f"{module}.{name} is outside assay.errors' tree"


def test_a_failed_target_call_is_an_internal_error_when_it_escapes() -> None:
    error = TargetError("HTTP 500", status_code=500, server_message="upstream down")
    assert isinstance(error, AssayError)
    assert error.exit_code == EXIT_INTERNAL  # as before: an escaped one is a bug
    assert str(error) == "HTTP 500"
    assert error.server_message == "upstream down"


def test_a_bad_row_is_a_user_error_with_its_fix() -> None:
    error = RowError("kind (类型) is empty", "write content, must_refuse or must_answer")
    assert isinstance(error, BadRowError)
    assert error.exit_code == EXIT_USAGE
    assert (error.reason, error.fix) == ("kind (类型) is empty", error.fix)
    assert "fix: write content" in str(error)
    assert RowError("no fix").fix == ""


def test_the_old_import_paths_still_work() -> None:
    from assay.targets import TargetError as Public

    assert Public is TargetError
