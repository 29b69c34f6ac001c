"""The review tables and flow on PostgreSQL (a throw-away server, as the store tests use)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.review.desk import Desk
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store.runstore import RunStore
from tests.helpers.postgres import PgServer, postgres_instance
from tests.review import test_desk, test_findings, test_report_audit
from tests.review.runs import RUN, make_run

pytest.importorskip("psycopg")
pytest.importorskip("argon2")


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    with postgres_instance() as server:
        yield server


@pytest.fixture
def store(pg: PgServer) -> RunStore:
    import psycopg

    name = f"review_{uuid.uuid4().hex[:12]}"
    dsn = pg.url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    s = RunStore(pg.url.rsplit("/", 1)[0] + f"/{name}")
    make_run(s)
    return s


def test_blind_second_review_dispute_and_adjudication_on_postgres(
    store: RunStore, tc260: Profile
) -> None:
    test_desk.test_blind_second_review_dispute_and_adjudication(store, tc260)


def test_changed_verdicts_and_lock_out_on_postgres(store: RunStore, tc260: Profile) -> None:
    test_desk.test_a_changed_verdict_is_a_new_row_and_audited(store, tc260)


def test_the_results_flow_back_on_postgres(store: RunStore, tc260: Profile) -> None:
    users = test_desk._users(store)
    queue = create_queue(store, RUN, "manual", by="adm", second_share=0.0)
    store.review.assign(queue.id, users["ann"].id, by="adm")
    truth = {f"c{i}": "unqualified" if i == 2 else "qualified" for i in range(24)}
    test_desk._label_all(Desk(store, tc260), users["ann"], queue.id, truth)
    from assay.assess.results import results

    manual = test_desk._manual(results(store, RUN, tc260).methods)
    assert (manual.judged, manual.positive, manual.status) == (24, 23, "measured")


def test_concurrent_reviewers_claim_distinct_items_on_postgres(
    pg: PgServer, tc260: Profile
) -> None:
    pytest.importorskip("fastapi")
    import psycopg

    from tests.review import test_claims

    name = f"review_{uuid.uuid4().hex[:12]}"
    dsn = pg.url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    s = RunStore(pg.url.rsplit("/", 1)[0] + f"/{name}")
    make_run(s, manual=test_claims.ITEMS)
    test_claims.concurrent_reviewers(s, tc260)


def test_compared_verdicts_are_closed_on_postgres(store: RunStore, tc260: Profile) -> None:
    people = test_findings.make_people(store)
    test_findings.test_the_first_labeller_cannot_change_a_disputed_or_adjudicated_verdict(
        store, tc260, people
    )


def test_re_adjudication_is_audited_on_postgres(store: RunStore, tc260: Profile) -> None:
    people = test_findings.make_people(store)
    test_findings.test_re_adjudication_needs_the_right_and_the_trail_keeps_both(
        store, tc260, people
    )


def test_claims_are_audited_on_postgres(store: RunStore, tc260: Profile) -> None:
    people = test_findings.make_people(store)
    test_findings.test_claims_are_in_the_audit_trail(store, tc260, people)


def test_the_report_audit_on_postgres(store: RunStore, tc260: Profile, tmp_path: Path) -> None:
    test_report_audit.test_the_report_carries_the_review_audit_and_its_trail(store, tc260, tmp_path)
