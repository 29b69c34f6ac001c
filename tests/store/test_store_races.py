"""Two processes at once on one store: the schema is created once, a run id is taken once, and
one process asks a run's questions at a time (the other stops with a message naming the holder).
Each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from assay.assess.execute import Budget
from assay.assess.run import run_target
from assay.banks.models import Question, QuestionKind
from assay.errors import ConfigError, RunLockedError
from assay.store import schema
from assay.store.runstore import RunStore, _sqlite_pragmas
from assay.targets import CallableTarget
from tests.helpers.cli import run_assay
from tests.helpers.examples import copy_examples
from tests.helpers.postgres import PgServer

ROOT = Path(__file__).resolve().parents[2]


def _fresh_database(url: str) -> str:
    """A new, empty database on the server of ``url``; its URL."""
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs.sqlite'}"
    else:
        pg: PgServer = request.getfixturevalue("pg")
        yield _fresh_database(pg.url)


_OPEN = """
import sys
from assay.store.runstore import RunStore
sys.stdin.read()  # every process waits here until the test closes their stdin at once
RunStore(sys.argv[1]).runs()
"""


def test_processes_creating_the_schema_at_once(store_url: str) -> None:
    """Regression (issue 12, item 21): on a fresh database, processes that open the store at
    the same moment raced creating the tables, and one died on pg_type_typname_nsp_index."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(2):
        url = store_url if store_url.startswith("sqlite") else _fresh_database(store_url)
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN, url],
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(5)
        ]
        for process in processes:  # all started: let them go together
            assert process.stdin is not None
            process.stdin.close()
        failures = [p.stderr.read() for p in processes if p.wait(timeout=60) != 0]  # type: ignore[union-attr]
        assert failures == []
        if store_url.startswith("sqlite"):
            Path(url.removeprefix("sqlite:///")).unlink()


def test_connections_switching_a_fresh_database_to_wal_at_once(tmp_path: Path) -> None:
    """Regression: connections switching a fresh SQLite file to WAL at the same moment deadlock
    on its lock, and SQLite answers one "database is locked" at once, without its busy handler
    (5 at once: 16-22% of rounds); the test above failed on CI so. Each round: 5 threads, each
    its own connection, released together by a barrier into the store's connect pragmas."""
    failures: list[str] = []
    for round_ in range(60):
        path = tmp_path / f"fresh-{round_}.sqlite"
        barrier = threading.Barrier(5)

        def connect(
            path: Path = path, barrier: threading.Barrier = barrier, round_: int = round_
        ) -> None:
            raw = sqlite3.connect(path, timeout=30, check_same_thread=False)
            barrier.wait()
            try:
                _sqlite_pragmas(raw, None)
            except sqlite3.OperationalError as exc:
                failures.append(f"round {round_}: {exc}")
            finally:
                raw.close()

        threads = [threading.Thread(target=connect) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def _questions(n: int) -> list[Question]:
    return [
        Question(id=f"q{i}", text=f"问题 {i}", kind=QuestionKind.MUST_REFUSE, risk_ids=("A.1.d",))
        for i in range(n)
    ]


def _create(store: RunStore, run_id: str, n: int = 12) -> None:
    questions = _questions(n)
    store.create_run(
        run_id,
        kind="refusal",
        profile_id="tc260-003-2024",
        profile_sha256="-",
        target={"kind": "callable"},
        settings={},
        questions=questions,
        draws={"must_refuse": [q.id for q in questions]},
    )


def test_a_run_id_taken_meanwhile_is_a_friendly_error(pg: PgServer) -> None:
    """Regression (issue 12, item 22): two runs with the same --run-id at once; the second
    checked "not there", then died on runs_pkey (exit 70) instead of "already exists"."""
    url = _fresh_database(pg.url)
    store = RunStore(url)
    other = create_engine(url)
    outcome: list[BaseException | None] = []
    with other.connect() as conn:
        transaction = conn.begin()  # another process, half-way through creating run "same"
        conn.execute(
            schema.runs.insert().values(
                id="same",
                created_at=datetime.now(UTC),
                kind="refusal",
                profile_id="p",
                profile_sha256="-",
                target={},
                settings={},
                status="planned",
            )
        )

        def create() -> None:
            try:
                _create(store, "same")
                outcome.append(None)
            except BaseException as exc:  # the test looks at which
                outcome.append(exc)

        thread = threading.Thread(target=create)
        thread.start()
        _wait_for_a_blocked_backend(other)  # ours waits on the other's uncommitted row
        transaction.commit()
        thread.join(timeout=60)
    other.dispose()
    assert len(outcome) == 1
    assert isinstance(outcome[0], ConfigError), outcome
    assert "already exists" in str(outcome[0])
    assert "--resume same" in str(outcome[0])


def _wait_for_a_blocked_backend(engine: Engine) -> None:
    """Poll pg_stat_activity until a backend waits on a lock (an event, not a delay)."""
    import time

    watcher = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + 60
    with watcher.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            ).scalar()
            if waiting:
                break
            time.sleep(0.01)  # between polls of the event, not instead of it
    watcher.dispose()
    assert waiting, "the second create_run never reached the database"


def test_two_resumes_at_once_ask_each_question_once(store_url: str) -> None:
    """Regression (issue 12, items 13 and 22): two resumes of one run at once each asked every
    open question (the bill doubled). The second now stops at once and names the first."""
    store = RunStore(store_url)
    _create(store, "r")
    asked: list[str] = []
    first_asking = threading.Event()
    go_on = threading.Event()

    async def held(question: str) -> str:  # the first resume: holds its first answer
        asked.append(question)
        first_asking.set()
        await asyncio.to_thread(go_on.wait)
        return "抱歉，我不能回答。"

    def counted(question: str) -> str:
        asked.append(question)
        return "抱歉，我不能回答。"

    first = threading.Thread(
        target=lambda: asyncio.run(
            run_target(RunStore(store_url), "r", CallableTarget(held), workers=1, budget=Budget())
        )
    )
    first.start()
    try:
        assert first_asking.wait(timeout=60)
        with pytest.raises(RunLockedError) as caught:
            asyncio.run(run_target(store, "r", CallableTarget(counted), workers=4, budget=Budget()))
        assert f"pid {os.getpid()}" in str(caught.value)
    finally:
        go_on.set()
        first.join(timeout=60)
    assert sorted(asked) == sorted(q.text for q in _questions(12))  # each asked once
    assert store.reply_counts("r") == {"ok": 12}
    # the lease ends with its run: a later resume is let in (and has nothing to ask)
    asyncio.run(run_target(store, "r", CallableTarget(counted), workers=1, budget=Budget()))
    assert len(asked) == 12


def test_resume_of_a_run_in_progress_exits_2_naming_the_holder(tmp_path: Path) -> None:
    """The command line: a second ``assay run --resume`` says who holds the run, exit 2."""
    project = tmp_path / "examples"
    copy_examples(project)
    first = run_assay("run", "--run-id", "t", "--max-requests", "3", cwd=project)
    assert first.returncode == 0, first.stderr
    store = RunStore(f"sqlite:///{project / 'out' / 'runs.sqlite'}")
    before = store.reply_counts("t")
    with store.lock("t"):  # as a resume in progress in this process would
        second = run_assay("run", "--resume", "t", cwd=project)
    assert second.returncode == 2, second.stderr
    lines = [line for line in second.stderr.splitlines() if line.startswith("assay: error")]
    assert len(lines) == 1, second.stderr
    assert f"pid {os.getpid()}" in lines[0]
    assert store.reply_counts("t") == before  # it asked nothing
