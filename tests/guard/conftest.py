"""A guarded project: the example keyword library and allowlist, the guard: section pointing
at a fake upstream, client keys from the environment, an injected clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assay.project import Project, load_project
from tests.helpers.examples import EXAMPLES
from tests.helpers.fake_upstream import FakeUpstream, Reply

KEY = "sk-guard-test"
UPSTREAM_KEY = "sk-upstream-secret"
SCRIPT: dict[str, Reply] = {
    "[split]": ["我来教你自制", "炸", "药的步骤：第一步准备材料，第二步……"],
    "[clean]": ["今天", "天气", "很好，", "适合去公园散步。"],
    "[leak]": ["答案是：自制炸药需要……"],
    "[fail]": 500,
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Guarded:
    project: Project
    folder: Path
    upstream: FakeUpstream
    clock: Clock


def write_project(folder: Path, upstream_url: str, extra: str = "") -> Path:
    """The guarded project in ``folder``; ``extra``: more lines of its guard: section."""
    banks = folder / "banks"
    banks.mkdir(exist_ok=True)
    shutil.copy(EXAMPLES / "banks" / "keywords.csv", banks / "keywords.csv")
    shutil.copy(EXAMPLES / "banks" / "allow.txt", banks / "allow.txt")
    config = folder / "assay.yaml"
    config.write_text(
        "name: guarded\n"
        "banks:\n"
        "  keywords: {path: banks/keywords.csv, allow: banks/allow.txt}\n"
        f"store: sqlite:///{folder / 'runs.sqlite'}\n"
        "guard:\n"
        "  input: {default: block, risks: {A.2: flag, A.4: mask}}\n"
        "  output: {default: block, risks: {A.4: mask}}\n"
        f"  upstream: {{base_url: '{upstream_url}', api_key_env: GUARD_TEST_UPSTREAM_KEY}}\n"
        "  api_keys_env: GUARD_TEST_KEYS\n"
        "  abuse: {suspend_s: 3600}\n"
        "  reload: {watch: true, interval_s: 0.05}\n" + extra,
        "utf-8",
    )
    return config


@pytest.fixture
def guarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Guarded]:
    monkeypatch.setenv("GUARD_TEST_KEYS", f"other-key, {KEY}")
    monkeypatch.setenv("GUARD_TEST_UPSTREAM_KEY", UPSTREAM_KEY)
    upstream = FakeUpstream(SCRIPT)
    url = upstream.start()
    try:
        project = load_project(write_project(tmp_path, url))
        yield Guarded(project, tmp_path, upstream, Clock())
    finally:
        upstream.stop()
