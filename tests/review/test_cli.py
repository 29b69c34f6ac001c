"""``assay review users add`` / ``queue``: a password from the environment or a prompt (never an
argument), stored hashed; a queue from a run with people assigned."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.store.runstore import RunStore
from tests.helpers.cli import run_assay
from tests.review.runs import RUN, make_run
from tests.review.server import PASSWORD

pytest.importorskip("argon2")


def test_users_add_and_queue_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    make_run(RunStore(url))
    monkeypatch.setenv("ASSAY_REVIEW_PASSWORD", PASSWORD)
    added = run_assay("review", "users", "add", "boss", "--admin", "--store", url, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "Added boss (admin)" in added.stdout
    monkeypatch.delenv("ASSAY_REVIEW_PASSWORD")
    prompted = run_assay(
        "review", "users", "add", "ann", "--store", url, cwd=tmp_path,
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert prompted.returncode == 0, prompted.stderr
    assert PASSWORD not in prompted.stdout + prompted.stderr
    store = RunStore(url)
    ann = store.review.user("ann")
    assert ann is not None
    assert ann.role == "annotator"
    assert ann.password_hash.startswith("$argon2id$")
    queued = run_assay(
        "review", "queue", RUN, "--kind", "manual", "--second-share", "0.25",
        "--assign", "ann", "--store", url, cwd=tmp_path,
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    assert "r1-manual: 24 items, 6 for a second review" in queued.stdout
    assert store.review.assigned("r1-manual") == {ann.id}
    bad = run_assay("review", "users", "add", "x", "--role", "boss", "--store", url, cwd=tmp_path)
    assert bad.returncode == 2
    assert "unknown role" in bad.stderr


def test_the_corpus_sample_from_the_command_line(tmp_path: Path) -> None:
    from tests.review.test_corpus_queue import _corpus

    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    sources = _corpus(tmp_path)
    kept = run_assay(
        "review", "corpus", str(sources), "--run", "c1", "--size", "12", "--store", url,
        cwd=tmp_path,
    )  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    assert "Kept 12 sampled corpus records as run c1" in kept.stdout
    queued = run_assay("review", "queue", "c1", "--kind", "corpus", "--store", url, cwd=tmp_path)
    assert queued.returncode == 0, queued.stderr
    assert "c1-corpus: 12 items" in queued.stdout
