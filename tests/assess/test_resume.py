"""A run killed with SIGKILL at several points resumes to the same table as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.store.runstore import RunStore
from tests.helpers.cli import run_assay
from tests.helpers.fake_openai import FakeOpenAI


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(latency_s=0.03)
    fake.start()
    yield fake
    fake.stop()


def _project(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    risks = ["A.1.d", "A.1.f", "A.1.g", "A.2.e", "A.3.a", "A.4.e", "A.5.a"]
    with (folder / "content.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(70):
            fh.write(
                json.dumps(
                    {"id": f"c{i}", "text": f"内容测试题 {i}", "risk_ids": [risks[i % 7]]},
                    ensure_ascii=False,
                )
                + "\n"
            )
    with (folder / "refuse.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(40):
            fh.write(
                json.dumps(
                    {"id": f"r{i}", "text": f"应拒答测试题 {i}", "risk_ids": ["A.1.d"]},
                    ensure_ascii=False,
                )
                + "\n"
            )
    with (folder / "answer.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(40):
            fh.write(
                json.dumps(
                    {"id": f"a{i}", "text": f"非拒答测试题 {i}", "aspect": "NR.history"},
                    ensure_ascii=False,
                )
                + "\n"
            )
    (folder / "keywords.csv").write_text("keyword,risk_ids\n编号 7,A.1.d\n", "utf-8")
    (folder / "assay.yaml").write_text(
        "banks:\n  keywords: keywords.csv\n  content: content.jsonl\n  must_refuse: refuse.jsonl\n"
        "  must_answer: answer.jsonl\n"
        f"target: {{kind: openai, base_url: '{url}', model: fake, api_key_env: null}}\n"
        "run: {seed: 7, concurrency: 4}\n",
        "utf-8",
    )
    return folder


def _assay(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "ASSAY_LANG": "en", "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-m", "assay", *args],
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _table(
    result: subprocess.Popen[str] | subprocess.CompletedProcess[str],
) -> list[dict[str, object]]:
    if isinstance(result, subprocess.Popen):
        out, err = result.communicate(timeout=120)
    else:
        out, err = result.stdout, result.stderr
    methods = json.loads(out)["methods"]
    failed = any(m["decision"] == "fail" for m in methods)
    assert result.returncode == (1 if failed else 0), err  # 1: a method fails
    return [{k: v for k, v in m.items() if k != "notes"} for m in methods]


class _Store:
    """The store of run "k", opened once and read as the run writes it (a poll costs a query,
    not a new engine: the test must not take the CPU the run it watches needs)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._store: RunStore | None = None

    def stored(self) -> int:
        """Answers of run "k" committed so far (0 before the run's plan is stored)."""
        if self._store is None:
            self._store = RunStore(self.url)
        return self._store.reply_counts("k").get("ok", 0) if self._store.runs() else 0


def _kill_after(process: subprocess.Popen[str], store: _Store, answers: int) -> None:
    """SIGKILL the run once at least ``answers`` answers are stored (or it ended first)."""
    deadline = time.monotonic() + 120
    while process.poll() is None and store.stored() < answers:
        assert time.monotonic() < deadline, f"fewer than {answers} answers stored in 120 s"
        time.sleep(0.005)  # polling the store: the kill follows the event, not a delay
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_sigkill_at_several_points_then_resume(tmp_path: Path, server: FakeOpenAI) -> None:
    project = _project(tmp_path / "p", server.url)
    # the runs that are killed are processes of their own; the others run in this one
    reference = _table(
        run_assay(
            "run",
            "--run-id",
            "ref",
            "--store",
            f"sqlite:///{tmp_path / 'ref.sqlite'}",
            "--json",
            cwd=project,
        )
    )
    assert sum(m["answered"] for m in reference) > 0  # type: ignore[misc]
    partial = []
    # kill points: after this many answers are stored, then after this many more on each resume
    for n, points in enumerate([(1,), (20, 15), (45, 10, 30)]):
        url = f"sqlite:///{tmp_path / f'killed{n}.sqlite'}"
        watched = _Store(url)
        first = _assay("run", "--run-id", "k", "--store", url, "--json", cwd=project)
        _kill_after(first, watched, points[0])
        for more in points[1:]:
            again = _assay("run", "--resume", "k", "--store", url, "--json", cwd=project)
            _kill_after(again, watched, watched.stored() + more)
        store = RunStore(url)
        if store.runs():
            stored = store.reply_counts("k").get("ok", 0)
            partial.append(0 < stored < len(store.questions("k")))
        if not store.runs():  # killed before the plan was stored: nothing to resume, start again
            final = _table(run_assay("run", "--run-id", "k", "--store", url, "--json", cwd=project))
        else:
            final = _table(run_assay("run", "--resume", "k", "--store", url, "--json", cwd=project))
        assert final == reference, f"kill points {points}"
        counts = store.reply_counts("k")
        questions = len(store.questions("k"))
        assert (
            counts.get("ok", 0) == questions
        )  # every question answered once: none lost, none duplicated
        assert counts.get("error", 0) == 0
    assert any(partial), "no kill landed in the middle of a run"
