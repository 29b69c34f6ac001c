"""Tests that use the example project copy its committed inputs, never what a user left there.

Regression (issue 13): after the README's ``cd examples && assay run``, tests copied
``examples/out/runs.sqlite`` into their project and found a run they did not start.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.examples import copy_examples

LEFT_BEHIND = ("out/runs.sqlite", "clean/corpus.jsonl", "notes.txt")


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _project_with_leftovers(root: Path) -> Path:
    examples = root / "examples"
    (examples / "banks").mkdir(parents=True)
    (examples / "assay.yaml").write_text("banks: {keywords: banks/keywords.csv}\n", "utf-8")
    (examples / "banks" / "keywords.csv").write_text("keyword,risk_ids\n炸药,A.1.d\n", "utf-8")
    return examples


def _leave(examples: Path) -> None:
    for name in LEFT_BEHIND:
        (examples / name).parent.mkdir(parents=True, exist_ok=True)
        (examples / name).write_text("a user's run", "utf-8")


def test_a_git_checkout_copies_only_the_tracked_files(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    examples = _project_with_leftovers(root)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "examples"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "examples"], cwd=root, check=True)
    _leave(examples)
    copied = copy_examples(tmp_path / "copy", root=root)
    assert _files(copied) == {"assay.yaml", "banks/keywords.csv"}


def test_outside_git_what_the_commands_write_is_left_out(tmp_path: Path) -> None:
    root = tmp_path / "unpacked"
    examples = _project_with_leftovers(root)
    _leave(examples)
    copied = copy_examples(tmp_path / "copy", root=root)
    assert _files(copied) == {"assay.yaml", "banks/keywords.csv", "notes.txt"}


def test_the_copy_of_the_real_examples_holds_every_file_its_project_names(tmp_path: Path) -> None:
    from assay.config import load_config

    copied = copy_examples(tmp_path / "examples")
    config = load_config(copied / "assay.yaml")
    files = list(config.input_files())
    assert files
    for path in files:
        assert Path(path).is_file(), path
        assert Path(path).resolve().is_relative_to(copied.resolve()), path
