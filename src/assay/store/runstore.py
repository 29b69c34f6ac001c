"""``RunStore``: the spine of an assessment run, on SQLite by default or PostgreSQL by URL.

Every write is its own committed transaction (replies may be written a few at a time, as they
arrive together), so a run killed at any moment loses nothing that was written and resumes
from the store. SQLite runs in WAL mode, whose commits survive the process being killed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, create_engine, event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from assay.banks.models import Question, QuestionKind
from assay.errors import ConfigError
from assay.judges.base import Verdict
from assay.store import schema
from assay.store import url as store_url
from assay.store.locks import Lease, serial, watch
from assay.store.reviewaccess import AccessTables
from assay.store.reviewing import ReviewTables, counts_as_refused
from assay.store.unit import reading, unit, writing
from assay.targets.blocked import Block


@dataclass(frozen=True)
class ReplyRecord:
    question_id: str
    attempt: int
    ok: bool
    answer: str | None = None
    reasoning: str | None = None
    error: str | None = None
    status_code: int | None = None
    latency_ms: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    blocked: Block | None = None  # the service's own filter gave this reply (ok is True)
    usage_problem: str | None = None  # the reply's usage could not be read (the answer stands)


@dataclass(frozen=True)
class VerdictRecord:
    question_id: str
    judge: str
    flagged: bool
    refused: bool | None
    uncertain: bool
    risk_ids: tuple[str, ...]
    reason: str
    evidence: list[dict[str, Any]]


HUMAN_REFUSAL = "refusal_review"  # the judge name of people's refused / answered decisions


@dataclass(frozen=True)
class HumanRefusal:
    """A person's refused / answered decision and the answer it was made on."""

    verdict: VerdictRecord
    answer_sha256: str | None
    reviewer: str = ""  # who decided


@dataclass(frozen=True)
class RunInfo:
    id: str
    created_at: datetime
    kind: str
    profile_id: str
    profile_sha256: str
    target: dict[str, Any]
    settings: dict[str, Any]
    status: str


_BLOCK_FIELDS = ("rule", "status", "code", "message")  # what Block.from_json reads
BUSY_TIMEOUT_S = 30.0  # how long a SQLite writer waits for another process's write lock
SQLITE_POOL = 20  # pooled SQLite connections: one per request a server works on at once


_R, _B = schema.replies, schema.blocks
_REPLIES = (  # each reply with the block of the service's own filter, if it gave one
    select(_R, *(c.label(f"block_{c.name}") for c in _B.c if c.name in _BLOCK_FIELDS))
    .select_from(
        _R.outerjoin(
            _B,
            (_B.c.run_id == _R.c.run_id)
            & (_B.c.question_id == _R.c.question_id)
            & (_B.c.attempt == _R.c.attempt),
        )
    )
    .order_by(_R.c.attempt)
)
_REPLIES_OF = _REPLIES.where(
    (_R.c.run_id == bindparam("run")) & (_R.c.question_id == bindparam("question"))
)
_QUESTION = select(schema.questions).where(
    (schema.questions.c.run_id == bindparam("run"))
    & (schema.questions.c.question_id == bindparam("question"))
)
_VERDICTS_OF = select(schema.verdicts).where(
    (schema.verdicts.c.run_id == bindparam("run"))
    & (schema.verdicts.c.question_id == bindparam("question"))
)


def default_url(folder: Path) -> str:
    return f"sqlite:///{(folder / 'runs.sqlite').resolve()}"


class RunStore:
    """Typed reads and writes of the run tables."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.shown = store_url.mask(url)  # the URL as it may be shown: no password
        location = store_url.normalise(url)
        try:
            sqlite = location.startswith("sqlite")
            connect_args: dict[str, Any] = (
                {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S} if sqlite else {}
            )
            self.engine: Engine = create_engine(
                location,
                connect_args=connect_args,
                pool_pre_ping=not sqlite,
                **({"pool_size": SQLITE_POOL} if sqlite and _on_disk(location) else {}),
            )
        except (SQLAlchemyError, ValueError) as exc:
            raise store_url.parse_error(url, exc) from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            watch(self.engine)  # this process's writers queue on a lock, not a busy loop
            database = self.engine.url.database
            if database:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._create_schema()
        except ValueError as exc:  # libpq's own parse of a URL SQLAlchemy read differently
            raise store_url.parse_error(url, exc) from None
        except OperationalError as exc:
            raise store_url.connection_error(url, exc) from None

    def _create_schema(self) -> None:
        """Create the missing tables, one process at a time (two racing on a fresh database
        would both try to create the same types and tables)."""
        with writing(self.engine) as conn:
            serial(conn, "schema")
            schema.metadata.create_all(conn)
            for table in schema.metadata.sorted_tables:  # indexes added to older tables
                for index in table.indexes:
                    index.create(conn, checkfirst=True)

    @cached_property
    def review(self) -> ReviewTables:
        """The review app's tables (people, queues, verdicts, audit) in this store."""
        return ReviewTables(self.engine)

    @property
    def review_access(self) -> AccessTables:
        """The review app's sessions, cookie secret, passwords and roles in this store."""
        return AccessTables(self.engine)

    def unit(self, *, serial: str | None = None) -> AbstractContextManager[Connection]:
        """One connection and transaction for everything the block reads and writes in this
        store (``serial``: a writer's, serialised on that key): :func:`assay.store.unit.unit`."""
        return unit(self.engine, serial=serial)

    def lock(self, run_id: str) -> Lease:
        """The lease on asking ``run_id``'s questions: ``with store.lock(run_id): ...``.
        Raises :class:`~assay.errors.RunLockedError` naming the holder if another has it."""
        return Lease(self.engine, run_id)

    # -- runs --------------------------------------------------------------------------------

    def create_run(
        self,
        run_id: str,
        *,
        kind: str,
        profile_id: str,
        profile_sha256: str,
        target: dict[str, Any],
        settings: dict[str, Any],
        questions: Iterable[Question] = (),
        draws: dict[str, Sequence[str]] | None = None,
    ) -> None:
        """Record a run with its questions and draws, all in one transaction."""
        question_rows = [
            {
                "run_id": run_id,
                "question_id": q.id,
                "bank": q.kind.value,
                "text": q.text,
                "risk_ids": list(q.risk_ids),
                "aspect": q.aspect,
                "lang": q.lang,
            }
            for q in questions
        ]
        plan_rows = [
            {"run_id": run_id, "method": method, "question_id": q, "position": i}
            for method, ids in (draws or {}).items()
            for i, q in enumerate(ids)
        ]
        try:
            with writing(self.engine) as conn:
                serial(conn, f"run:{run_id}")  # the check and the insert, alone
                taken = conn.execute(
                    select(schema.runs.c.id).where(schema.runs.c.id == run_id)
                ).first()
                if taken is not None:
                    raise _run_exists(run_id)
                conn.execute(
                    schema.runs.insert().values(
                        id=run_id,
                        created_at=datetime.now(UTC),
                        kind=kind,
                        profile_id=profile_id,
                        profile_sha256=profile_sha256,
                        target=target,
                        settings=settings,
                        status="planned",
                    )
                )
                if question_rows:
                    conn.execute(schema.questions.insert(), question_rows)
                if plan_rows:
                    conn.execute(schema.plan.insert(), plan_rows)
        except IntegrityError:
            if self.has_run(run_id):  # inserted meanwhile by a process that did not serialise
                raise _run_exists(run_id) from None
            raise

    def set_status(self, run_id: str, status: str) -> None:
        with writing(self.engine) as conn:
            conn.execute(
                schema.runs.update().where(schema.runs.c.id == run_id).values(status=status)
            )

    def put_judges(self, run_id: str, judges: dict[str, Any]) -> None:
        """Record the specs of the judges ``run_id`` is judged with (no secrets), replacing
        the ones recorded before: re-judging rebuilds them (:meth:`run_judges`)."""
        runs = schema.runs
        with writing(self.engine) as conn:
            settings = conn.execute(select(runs.c.settings).where(runs.c.id == run_id)).scalar()
            if settings is None:
                self.run(run_id)  # raises: no such run
            conn.execute(
                runs.update()
                .where(runs.c.id == run_id)
                .values(settings={**(settings or {}), "judges": judges})
            )

    def run_judges(self, run_id: str) -> dict[str, Any] | None:
        """The specs of the judges ``run_id`` was last judged with; None before it was judged
        (or when it was judged by an Assay that did not record them)."""
        judges = self.run(run_id).settings.get("judges")
        return dict(judges) if isinstance(judges, dict) else None

    def has_run(self, run_id: str) -> bool:
        with reading(self.engine) as conn:
            row = conn.execute(select(schema.runs.c.id).where(schema.runs.c.id == run_id)).first()
        return row is not None

    def run(self, run_id: str) -> RunInfo:
        with reading(self.engine) as conn:
            row = conn.execute(select(schema.runs).where(schema.runs.c.id == run_id)).first()
        if row is None:
            known = [r.id for r in self.runs()]
            hint = (
                f"known runs: {', '.join(known[-5:])}"
                if known
                else "no runs yet: start one with assay run"
            )
            raise ConfigError(f"no run {run_id!r} in the store", fix=hint)
        return RunInfo(**row._mapping)

    def runs(self) -> list[RunInfo]:
        with reading(self.engine) as conn:
            rows = conn.execute(select(schema.runs).order_by(schema.runs.c.created_at)).all()
        return [RunInfo(**r._mapping) for r in rows]

    # -- plan ------------------------------------------------------------------------------

    def questions(self, run_id: str, question_id: str | None = None) -> dict[str, Question]:
        """The run's questions (only ``question_id`` when given)."""
        q = schema.questions
        with reading(self.engine) as conn:
            if question_id is not None:  # a page's: the statement built once
                rows = conn.execute(_QUESTION, {"run": run_id, "question": question_id}).all()
            else:
                rows = conn.execute(select(q).where(q.c.run_id == run_id)).all()
        return {
            r.question_id: Question(
                id=r.question_id,
                text=r.text,
                kind=QuestionKind(r.bank),
                risk_ids=tuple(r.risk_ids),
                aspect=r.aspect,
                lang=r.lang,
            )
            for r in rows
        }

    def plan(self, run_id: str) -> dict[str, list[str]]:
        """Question ids per method, in draw order."""
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(schema.plan.c.method, schema.plan.c.question_id)
                .where(schema.plan.c.run_id == run_id)
                .order_by(schema.plan.c.method, schema.plan.c.position)
            ).all()
        out: dict[str, list[str]] = {}
        for method, question_id in rows:
            out.setdefault(method, []).append(question_id)
        return out

    # -- replies ---------------------------------------------------------------------------

    def add_replies(self, run_id: str, records: Sequence[ReplyRecord]) -> None:
        """Write replies in one committed transaction."""
        if not records:
            return
        now = datetime.now(UTC)
        rows = [
            {"run_id": run_id, "created_at": now, **_columns(r.__dict__, exclude=_APART)}
            for r in records
        ]
        problems = [
            {
                "run_id": run_id,
                "question_id": r.question_id,
                "attempt": r.attempt,
                "problem": r.usage_problem,
                "created_at": now,
            }
            for r in records
            if r.usage_problem is not None
        ]
        blocks = [
            {
                "run_id": run_id,
                "question_id": r.question_id,
                "attempt": r.attempt,
                "created_at": now,
                **r.blocked.to_json(),
            }
            for r in records
            if r.blocked is not None
        ]
        with writing(self.engine) as conn:
            # the same attempt written twice (two processes resuming one run) is kept once
            conn.execute(self._insert_ignoring_duplicates(schema.replies), rows)
            if blocks:
                conn.execute(self._insert_ignoring_duplicates(schema.blocks), blocks)
            if problems:
                conn.execute(self._insert_ignoring_duplicates(schema.usage_problems), problems)

    def usage_problems(self, run_id: str) -> dict[tuple[str, int], str]:
        """(question id, attempt) -> what was wrong with the usage of that reply."""
        u = schema.usage_problems
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(u.c.question_id, u.c.attempt, u.c.problem).where(u.c.run_id == run_id)
            ).all()
        return {(q, a): p for q, a, p in rows}

    def _insert_ignoring_duplicates(self, table: Any) -> Any:
        return _insert_ignoring(self.engine, table)

    def attempts(self, run_id: str) -> dict[str, tuple[int, bool]]:
        """For each question asked: the number of attempts and whether the latest succeeded."""
        replies = self.latest_replies(run_id)
        return {q: (r.attempt, r.ok) for q, r in replies.items()}

    def latest_replies(self, run_id: str, question_id: str | None = None) -> dict[str, ReplyRecord]:
        """The latest attempt of every question asked (a success wins over a later error); of
        one question when ``question_id`` is given."""
        with reading(self.engine) as conn:
            if question_id is not None:  # a page's: the statement built once
                rows = conn.execute(_REPLIES_OF, {"run": run_id, "question": question_id}).all()
            else:
                rows = conn.execute(_REPLIES.where(schema.replies.c.run_id == run_id)).all()
        out: dict[str, ReplyRecord] = {}
        for row in rows:
            block = None if row.block_rule is None else _block(row)
            record = _reply(row, block)
            previous = out.get(record.question_id)
            if previous is None or not previous.ok:
                out[record.question_id] = record
        return out

    def reply_counts(self, run_id: str) -> dict[str, int]:
        r = schema.replies
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(r.c.ok, func.count()).where(r.c.run_id == run_id).group_by(r.c.ok)
            ).all()
        return {("ok" if ok else "error"): n for ok, n in rows}

    # -- verdicts --------------------------------------------------------------------------

    def put_verdicts(
        self,
        run_id: str,
        judge: str,
        items: Sequence[tuple[str, Verdict]],
        *,
        replace_all: bool = True,
    ) -> None:
        """Store one judge's verdicts: replacing all of its earlier ones (a re-judge), or only
        those of the given questions (``replace_all=False``, human decisions added bit by bit)."""
        v = schema.verdicts
        now = datetime.now(UTC)
        rows = [
            {
                "run_id": run_id,
                "question_id": qid,
                "judge": judge,
                "spec": verdict.judge.model_dump(mode="json"),
                "flagged": verdict.flagged,
                "refused": verdict.refused,
                "uncertain": verdict.uncertain,
                "risk_ids": list(verdict.risk_ids),
                "score": verdict.score,
                "evidence": [e.model_dump(mode="json") for e in verdict.evidence],
                "reason": verdict.reason,
                "created_at": now,
            }
            for qid, verdict in items
        ]
        with writing(self.engine) as conn:
            scope = (v.c.run_id == run_id) & (v.c.judge == judge)
            if not replace_all:
                scope = scope & v.c.question_id.in_([qid for qid, _ in items])
            conn.execute(v.delete().where(scope))
            if rows:
                conn.execute(v.insert(), rows)

    def verdicts(
        self, run_id: str, judge: str, question_id: str | None = None
    ) -> dict[str, VerdictRecord]:
        """One judge's verdicts on the run's answers (only ``question_id``'s when given)."""
        v = schema.verdicts
        where = (v.c.run_id == run_id) & (v.c.judge == judge)
        if question_id is not None:
            where = where & (v.c.question_id == question_id)
        with reading(self.engine) as conn:
            rows = conn.execute(select(v).where(where)).all()
        return {r.question_id: _verdict_record(r) for r in rows}

    def verdicts_of(self, run_id: str, question_id: str) -> dict[str, VerdictRecord]:
        """Every judge's verdict on one answer (judge name -> verdict), in one read."""
        with reading(self.engine) as conn:
            rows = conn.execute(_VERDICTS_OF, {"run": run_id, "question": question_id}).all()
        return {r.judge: _verdict_record(r) for r in rows}

    # -- reviews ---------------------------------------------------------------------------

    def put_reviews(self, run_id: str, records: Sequence[ReviewRecord]) -> None:
        """Store human reviews; a reviewer's new verdict on a question replaces the old one."""
        r = schema.reviews
        now = datetime.now(UTC)
        with writing(self.engine) as conn:
            for record in records:
                conn.execute(
                    r.delete().where(
                        (r.c.run_id == run_id)
                        & (r.c.question_id == record.question_id)
                        & (r.c.reviewer == record.reviewer)
                    )
                )
            if records:
                conn.execute(
                    r.insert(),
                    [
                        {
                            "run_id": run_id,
                            "question_id": x.question_id,
                            "reviewer": x.reviewer,
                            "qualified": x.qualified,
                            "risk_ids": list(x.risk_ids),
                            "note": x.note,
                            "answer_sha256": x.answer_sha256,
                            "created_at": now,
                        }
                        for x in records
                    ],
                )

    def reviews(self, run_id: str) -> dict[str, list[ReviewRecord]]:
        """People's 合格 / 不合格 verdicts on the run's answers: those imported from review
        sheets, then the counted ones of the review app's queues (each tied to the answer it
        was made on), so that every reader counts both routes alike."""
        r = schema.reviews
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(r).where(r.c.run_id == run_id).order_by(r.c.created_at)
            ).all()
        out: dict[str, list[ReviewRecord]] = {}
        for row in rows:
            out.setdefault(row.question_id, []).append(
                ReviewRecord(
                    question_id=row.question_id,
                    reviewer=row.reviewer,
                    qualified=row.qualified,
                    risk_ids=tuple(row.risk_ids),
                    note=row.note,
                    answer_sha256=row.answer_sha256,
                )
            )
        for qid, counted in self.review.counted(run_id, "content").items():
            out.setdefault(qid, []).extend(
                ReviewRecord(
                    question_id=qid,
                    reviewer=who,
                    qualified=verdict.label == "qualified",
                    risk_ids=verdict.risk_ids,
                    note=verdict.note,
                    answer_sha256=verdict.answer_sha256,
                )
                for who, verdict in counted
            )
        return out

    def human_refusals(self, run_id: str) -> dict[str, HumanRefusal]:
        """People's refused / answered decisions: imported from sheets, then the counted ones
        of the review app's queues (the latest wins where both decided)."""
        specs = self.verdict_specs(run_id, HUMAN_REFUSAL)
        out = {}
        for qid, decided in self.verdicts(run_id, HUMAN_REFUSAL).items():
            args = specs.get(qid, {}).get("args", {})
            out[qid] = HumanRefusal(
                decided, args.get("answer_sha256"), str(args.get("reviewer") or "")
            )
        for qid, counted in self.review.counted(run_id, "refusal").items():
            who, verdict = max(counted, key=lambda pair: pair[1].id)
            record = VerdictRecord(
                question_id=qid,
                judge=HUMAN_REFUSAL,
                flagged=False,
                refused=counts_as_refused(verdict.label),  # 部分拒答: the one rule
                uncertain=False,
                risk_ids=(),
                reason=f"decided by {who}: {verdict.note}".strip(),
                evidence=[],
            )
            out[qid] = HumanRefusal(record, verdict.answer_sha256, who)
        return out

    def verdict_specs(self, run_id: str, judge: str) -> dict[str, dict[str, Any]]:
        """Each question's verdict spec for one judge (human decisions carry who and on what)."""
        v = schema.verdicts
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(v.c.question_id, v.c.spec).where(
                    (v.c.run_id == run_id) & (v.c.judge == judge)
                )
            ).all()
        return {qid: spec for qid, spec in rows}

    def judge_specs(self, run_id: str) -> dict[str, dict[str, Any]]:
        v = schema.verdicts
        with reading(self.engine) as conn:
            rows = conn.execute(select(v.c.judge, v.c.spec).where(v.c.run_id == run_id)).all()
        return {judge: spec for judge, spec in rows}

    # -- the corpus assessment ---------------------------------------------------------------

    def put_corpus(self, run_id: str, result: dict[str, Any]) -> None:
        """Store (or replace) the corpus assessment of ``run_id`` as one JSON document."""
        c = schema.corpus
        with writing(self.engine) as conn:
            conn.execute(c.delete().where(c.c.run_id == run_id))
            conn.execute(
                c.insert().values(run_id=run_id, result=result, created_at=datetime.now(UTC))
            )

    def corpus(self, run_id: str) -> dict[str, Any] | None:
        c = schema.corpus
        with reading(self.engine) as conn:
            row = conn.execute(select(c.c.result).where(c.c.run_id == run_id)).first()
        return dict(row[0]) if row else None


@dataclass(frozen=True)
class ReviewRecord:
    question_id: str
    reviewer: str
    qualified: bool
    risk_ids: tuple[str, ...] = ()
    note: str = ""
    answer_sha256: str | None = None


def answer_digest(answer: str | None) -> str:
    import hashlib

    return hashlib.sha256((answer or "").encode("utf-8")).hexdigest()


def answer_digests(replies: dict[str, ReplyRecord]) -> dict[str, str]:
    """The digest of each answer stored now (answered questions only): what a person's
    verdict must have been made on to count."""
    return {q: answer_digest(r.answer) for q, r in replies.items() if r.ok}


def _run_exists(run_id: str) -> ConfigError:
    return ConfigError(
        f"a run {run_id!r} already exists in the store",
        fix=f"choose another --run-id, or continue it with --resume {run_id}",
    )


def _insert_ignoring(engine: Engine, table: Any) -> Any:
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    return table.insert()


def _verdict_record(r: Any) -> VerdictRecord:
    return VerdictRecord(
        question_id=r.question_id,
        judge=r.judge,
        flagged=r.flagged,
        refused=r.refused,
        uncertain=r.uncertain,
        risk_ids=tuple(r.risk_ids),
        reason=r.reason,
        evidence=list(r.evidence),
    )


def _block(row: Any) -> Block:
    return Block.from_json({name: getattr(row, f"block_{name}") for name in _BLOCK_FIELDS})


def _reply(row: Any, blocked: Block | None = None) -> ReplyRecord:
    m = row._mapping
    fields = {k: m[k] for k in ReplyRecord.__dataclass_fields__ if k not in _APART}
    return ReplyRecord(**fields, blocked=blocked)


_APART = ("blocked", "usage_problem")  # reply fields kept in tables of their own


def _columns(values: dict[str, Any], *, exclude: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in exclude}


def _on_disk(location: str) -> bool:
    """Whether a SQLite URL names a file (a pool of connections), not memory (one)."""
    from sqlalchemy.engine import make_url

    database = make_url(location).database
    return bool(database) and database != ":memory:" and "mode=memory" not in location


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    _wal(cursor)  # readers never wait for the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: a commit survives a crash
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _wal(cursor: Any) -> None:
    """``PRAGMA journal_mode=WAL``, tried again while the database is locked: connections that
    switch a fresh database to WAL at the same moment deadlock on its lock, and SQLite answers
    one of them "database is locked" at once instead of asking its busy handler (5 connections
    at once on a fresh file: 16-22% of rounds; a process then failed to open the store)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.001
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
