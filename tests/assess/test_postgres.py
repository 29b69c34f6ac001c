"""The run store on PostgreSQL, by URL: the same run as on SQLite gives the same table."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.assess.execute import Budget
from assay.assess.judging import judge_run
from assay.assess.plan import Method, make_plan
from assay.assess.results import results
from assay.assess.run import run_target
from assay.banks.models import Question, QuestionBank, QuestionKind
from assay.judges.refusal import RefusalJudge
from assay.standard import Profile
from assay.store.runstore import RunStore
from assay.targets import CallableTarget
from assay.targets.blocked import BlockRule
from tests.helpers.postgres import postgres_server

BLOCK_TEXT = "您的问题涉及敏感内容，无法回答"


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def _answer(text: str) -> str:
    if text.endswith("7"):
        raise RuntimeError("flaky endpoint")
    if text.endswith("5"):
        return BLOCK_TEXT  # the service's filter: stored in the blocks table
    return (
        "抱歉，我不能回答。"
        if int(text.rsplit(" ", 1)[1]) % 4
        else "这是一个很长的回答，首先说明背景，然后给出建议，最后总结。"
    )


def _table(store: RunStore, profile: Profile) -> list[dict[str, object]]:
    bank = QuestionBank(
        kind=QuestionKind.MUST_REFUSE,
        items=[
            Question(
                id=f"q{i}", text=f"问题 {i}", kind=QuestionKind.MUST_REFUSE, risk_ids=("A.1.d",)
            )
            for i in range(120)
        ],
    )
    plan = make_plan(
        profile,
        content=None,
        must_refuse=bank,
        must_answer=None,
        methods=[Method.MUST_REFUSE],
        seed=3,
    )
    store.create_run(
        "pg",
        kind="refusal",
        profile_id=profile.id,
        profile_sha256="-",
        target={"kind": "callable"},
        settings={"seed": 3},
        questions=plan.questions(),
        draws={m.value: [q.id for q in qs] for m, qs in plan.draws.items()},
    )
    asyncio.run(
        run_target(
            store,
            "pg",
            CallableTarget(_answer, blocked=[BlockRule(text=BLOCK_TEXT)]),
            workers=8,
            budget=Budget(),
        )
    )
    judge_run(store, "pg", keyword=None, refusal=RefusalJudge())
    return [m.model_dump(mode="json") for m in results(store, "pg", profile).methods]


def test_postgres_store_matches_sqlite(postgres_url: str, tmp_path: Path, tc260: Profile) -> None:
    on_postgres = _table(RunStore(postgres_url), tc260)
    on_sqlite = _table(RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}"), tc260)
    assert on_postgres == on_sqlite
    assert on_postgres[0]["errors"] == 12
    assert on_postgres[0]["blocked"] == 12
