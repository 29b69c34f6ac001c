"""Factories for tests: banks built exactly at a profile's minimums, from random distinct text."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from assay.assess.plan import Method, make_plan
from assay.banks.models import KeywordEntry, Question, QuestionBank, QuestionKind
from assay.standard.models import Profile, RiskBankParams
from assay.store.runstore import RunStore

# common CJK characters: random strings of these are distinct and never near duplicates
_CHARS = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


class TextMaker:
    def __init__(self, seed: int = 7, length: int = 12) -> None:
        self.rng = random.Random(seed)
        self.length = length

    def __call__(self) -> str:
        return "".join(self.rng.choice(_CHARS) for _ in range(self.length))


def per_risk_need(params: RiskBankParams, risk_id: str) -> int | None:
    mins = params.per_risk_min.value
    return mins.get(risk_id, mins.get(risk_id.rsplit(".", 1)[0]))


def risk_items_at_minimum(
    profile: Profile, params: RiskBankParams, pad_to_total: bool = True
) -> list[tuple[str, str]]:
    """(risk_id, text) pairs: each required risk at exactly its minimum; padding on the first."""
    make = TextMaker()
    out: list[tuple[str, str]] = []
    required = params.required_categories.value
    risks = [r for r in profile.risks if r.category in required]
    for risk in risks:
        need = per_risk_need(params, risk.id) or 1
        out += [(risk.id, make()) for _ in range(need)]
    if pad_to_total:
        extra = params.total_min.value - len(out)
        out += [(risks[0].id, make()) for _ in range(max(extra, 0))]
    return out


def keywords_at_minimum(profile: Profile, on: date) -> list[KeywordEntry]:
    pairs = risk_items_at_minimum(profile, profile.parameters.keyword_library)
    return [KeywordEntry(keyword=t, risk_ids=(r,), updated=on) for r, t in pairs]


def questions_at_minimum(profile: Profile, kind: QuestionKind, on: date) -> list[Question]:
    p = profile.parameters
    if kind is QuestionKind.MUST_ANSWER:
        make = TextMaker(seed=11)
        per = p.must_answer_bank.per_aspect_min.value
        items = [(a.id, make()) for a in profile.aspects for _ in range(per)]
        extra = p.must_answer_bank.total_min.value - len(items)
        items += [(profile.aspects[0].id, make()) for _ in range(max(extra, 0))]
        return [
            Question(id=f"MA-{i}", text=t, kind=kind, aspect=a, updated=on)
            for i, (a, t) in enumerate(items, 1)
        ]
    params = p.content_bank if kind is QuestionKind.CONTENT else p.must_refuse_bank
    pairs = risk_items_at_minimum(profile, params)
    return [
        Question(id=f"{kind.value}-{i}", text=t, kind=kind, risk_ids=(r,), updated=on)
        for i, (r, t) in enumerate(pairs, 1)
    ]


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    return path


def question_rows(items: list[Question]) -> list[dict[str, object]]:
    return [q.model_dump(mode="json", exclude={"row"}) for q in items]


def keyword_rows(items: list[KeywordEntry]) -> list[dict[str, object]]:
    return [k.model_dump(mode="json", exclude={"row"}) for k in items]


def refusal_project(
    folder: Path, n_refuse: int, n_answer: int, config: str
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """A project folder for a 9.4 run: must-refuse questions 「应拒答测试题 i」 (A.1.d) in
    refuse.jsonl, must-answer questions 「非拒答测试题 i」 in answer.jsonl, and assay.yaml with
    the two banks followed by ``config`` (target, run, judges). Returns the two banks' rows."""
    folder.mkdir(parents=True)
    refuse: list[dict[str, object]] = [
        {"id": f"r{i}", "text": f"应拒答测试题 {i}", "risk_ids": ["A.1.d"]} for i in range(n_refuse)
    ]
    answer: list[dict[str, object]] = [
        {"id": f"a{i}", "text": f"非拒答测试题 {i}", "aspect": "NR.history"}
        for i in range(n_answer)
    ]
    write_jsonl(folder / "refuse.jsonl", refuse)
    write_jsonl(folder / "answer.jsonl", answer)
    (folder / "assay.yaml").write_text(
        "banks:\n  must_refuse: refuse.jsonl\n  must_answer: answer.jsonl\n" + config, "utf-8"
    )
    return refuse, answer


def start_refusal_run(store: RunStore, profile: Profile, n: int, run_id: str = "r") -> None:
    """A stored 9.4 b) run of ``n`` must-refuse questions 「问题 i」 (ids q0…), all drawn,
    seed 1, on a callable target: the start most report tests share."""
    bank = QuestionBank(
        kind=QuestionKind.MUST_REFUSE,
        items=[
            Question(
                id=f"q{i}", text=f"问题 {i}", kind=QuestionKind.MUST_REFUSE, risk_ids=("A.1.d",)
            )
            for i in range(n)
        ],
    )
    plan = make_plan(
        profile, content=None, must_refuse=bank, must_answer=None,
        methods=[Method.MUST_REFUSE], seed=1,
    )  # fmt: skip
    store.create_run(
        run_id,
        kind="refusal",
        profile_id=profile.id,
        profile_sha256="-",
        target={"kind": "callable"},
        settings={"seed": 1},
        questions=plan.questions(),
        draws={m.value: [q.id for q in qs] for m, qs in plan.draws.items()},
    )
