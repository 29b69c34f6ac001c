"""A PostgreSQL outage in the middle of a run: the answers that arrived are held (and the asking
waits) until the database is back; if it stays away longer than the run waits, they are kept
in a file, the run stops with exit 2, and the resume stores them without asking again."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assay.assess.execute import Budget
from assay.assess.run import run_target
from assay.banks.models import Question, QuestionKind
from assay.errors import StoreUnavailableError
from assay.store.runstore import ReplyRecord, RunStore
from assay.store.sink import Patience, spill_file
from assay.targets import CallableTarget
from tests.helpers.postgres import PgServer
from tests.store.test_store_races import _fresh_database

QUESTIONS = 40
STORED_BEFORE = 10  # answers stored before the server is stopped


class _Watched(RunStore):
    """The run store, counting the commits of replies that failed (the outage, seen)."""

    failed = 0
    failure = threading.Event()

    def add_replies(self, run_id: str, records: object) -> None:
        try:
            super().add_replies(run_id, records)  # type: ignore[arg-type]
        except Exception:
            type(self).failed += 1
            if type(self).failed >= 6:  # more than the old 5 tries in 0.75 s
                type(self).failure.set()
            raise


def _create(store: RunStore) -> list[Question]:
    questions = [
        Question(id=f"q{i}", text=f"问题 {i}", kind=QuestionKind.MUST_REFUSE, risk_ids=("A.1.d",))
        for i in range(QUESTIONS)
    ]
    store.create_run(
        "o",
        kind="refusal",
        profile_id="tc260-003-2024",
        profile_sha256="-",
        target={"kind": "callable"},
        settings={},
        questions=questions,
        draws={"must_refuse": [q.id for q in questions]},
    )
    return questions


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)  # between polls of the event, not instead of it


def _stored(url: str) -> int:
    try:
        return RunStore(url).reply_counts("o").get("ok", 0)
    except Exception:
        return 0


def _outage_run(
    pg: PgServer, tmp_path: Path, patience: Patience
) -> tuple[str, list[str], threading.Thread, list[BaseException], threading.Event]:
    """Start the run in a thread; return once STORED_BEFORE answers are stored, the server is
    stopped and the answers held since have arrived."""
    url = _fresh_database(pg.url)
    _Watched.failed = 0
    _Watched.failure = threading.Event()
    store = _Watched(url)
    _create(store)
    asked: list[str] = []
    server_down = threading.Event()

    async def answer(question: str) -> str:
        asked.append(question)
        if len(asked) > STORED_BEFORE:  # later answers arrive once the server is down
            await asyncio.to_thread(server_down.wait)
        return "抱歉，我不能回答。"

    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(
                run_target(
                    store,
                    "o",
                    CallableTarget(answer),
                    workers=4,
                    budget=Budget(),
                    patience=patience,
                    spill=tmp_path / "unstored",
                )
            )
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    _until(lambda: _stored(url) >= STORED_BEFORE, "the first answers were never stored")
    pg.stop()
    server_down.set()
    return url, asked, thread, errors, server_down


def test_an_outage_loses_no_answer(pg: PgServer, tmp_path: Path) -> None:
    """Regression (issue 12, item 23): after 0.75 s of failed writes the run died with an
    internal error, and the answers that had arrived (paid for) were never stored."""
    url, asked, thread, errors, _ = _outage_run(pg, tmp_path, Patience(first_s=0.01, max_s=0.2))
    try:
        assert _Watched.failure.wait(timeout=60), "the writes never failed"
        assert thread.is_alive(), errors  # still waiting for the store
    finally:
        pg.start()
    thread.join(timeout=120)
    assert errors == []
    store = RunStore(url)
    assert store.reply_counts("o") == {"ok": QUESTIONS}  # every answer stored, once
    assert len(asked) == QUESTIONS  # and none asked twice
    assert store.run("o").status == "done"


def test_a_long_outage_keeps_the_answers_for_the_resume(pg: PgServer, tmp_path: Path) -> None:
    """The store stays away longer than the run waits: it stops with a StoreUnavailableError
    that says where the answers are kept and how to resume; the resume stores them first."""
    url, asked, thread, errors, _ = _outage_run(pg, tmp_path, Patience(wait_s=0.0, first_s=0.01))
    try:
        thread.join(timeout=120)
        assert len(errors) == 1
        assert isinstance(errors[0], StoreUnavailableError), errors
        assert errors[0].exit_code == 2
        kept = spill_file(tmp_path / "unstored", "o")
        assert str(kept) in str(errors[0])
        assert "--resume o" in str(errors[0])
        held = len(kept.read_text("utf-8").splitlines())
        assert held == len(asked) - STORED_BEFORE > 0
    finally:
        pg.start()
    store = RunStore(url)
    assert store.reply_counts("o") == {"ok": STORED_BEFORE}
    again: list[str] = []

    def answer(question: str) -> str:
        again.append(question)
        return "抱歉，我不能回答。"

    asyncio.run(
        run_target(
            store,
            "o",
            CallableTarget(answer),
            workers=4,
            budget=Budget(),
            spill=tmp_path / "unstored",
        )
    )
    assert store.reply_counts("o") == {"ok": QUESTIONS}
    assert sorted(asked + again) == sorted(f"问题 {i}" for i in range(QUESTIONS))  # once each
    assert not kept.exists()


@pytest.mark.parametrize("records", [[]])
def test_reply_record_round_trips_through_the_spill_file(records: list[ReplyRecord]) -> None:
    from assay.store.sink import _from_json, _to_json
    from assay.targets.blocked import Block

    record = ReplyRecord(
        question_id="q",
        attempt=2,
        ok=True,
        answer="a",
        prompt_tokens=3,
        blocked=Block(rule="r", status=400, code="c", message="m"),
    )
    assert _from_json(_to_json(record)) == record
