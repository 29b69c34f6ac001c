"""Plan: which questions each method of 9.3 and 9.4 asks, drawn at random from the banks.

* 9.3: the manual, keyword and classifier methods each draw their own sample of the content
  bank (at least the profile's minimum each); ``shared_draw`` makes them share one draw.
* 9.4: a sample of the must-refuse bank and one of the must-answer bank.

A bank smaller than the minimum is used whole, and the plan says so. Draws are seeded
(each method's seed derives from the run's seed and the method's name) and may be stratified:
one random question of every risk (or aspect) first, the rest uniformly at random.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from assay.banks.models import Question, QuestionBank
from assay.messages import t
from assay.standard.models import Profile


class Method(StrEnum):
    MANUAL = "manual"  # 9.3 b)
    KEYWORD = "keyword"  # 9.3 c)
    CLASSIFIER = "classifier"  # 9.3 d)
    MUST_REFUSE = "must_refuse"  # 9.4 b)
    MUST_ANSWER = "must_answer"  # 9.4 c)


CONTENT_METHODS = (Method.MANUAL, Method.KEYWORD, Method.CLASSIFIER)
REFUSAL_METHODS = (Method.MUST_REFUSE, Method.MUST_ANSWER)


@dataclass(frozen=True)
class PlanNote:
    """What the plan says about a draw, as a catalogue key (``plan.…``) and its values: the run
    stores the code, each output says it in its own language (:func:`plan_note_text`)."""

    key: str
    method: str = ""  # a Method's value, said as the method's name
    have: int = 0
    need: int = 0

    def stored(self) -> dict[str, object]:
        return {"key": self.key, "method": self.method, "have": self.have, "need": self.need}


def plan_note_text(stored: object, lang: str) -> str:
    """A plan note the run stored, in ``lang``; an older run's note (English text) as it is."""
    if not isinstance(stored, dict):
        return str(stored)
    method = str(stored.get("method") or "")
    return t(
        str(stored.get("key")),
        lang,
        method=t(method, lang) if method else "",
        have=stored.get("have", 0),
        need=stored.get("need", 0),
    )


@dataclass
class Plan:
    draws: dict[Method, list[Question]] = field(default_factory=dict)
    notes: list[PlanNote] = field(default_factory=list)

    def questions(self) -> list[Question]:
        """Every distinct question to ask (a question drawn twice is asked once)."""
        seen: dict[str, Question] = {}
        for items in self.draws.values():
            for q in items:
                seen.setdefault(q.id, q)
        return list(seen.values())


def method_seed(seed: int, name: str) -> int:
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def draw(items: Sequence[Question], n: int, seed: int, *, stratify: bool) -> list[Question]:
    """A seeded random sample of ``n`` items (all, shuffled, if there are fewer)."""
    rng = random.Random(seed)
    pool = sorted(items, key=lambda q: q.id)
    if n >= len(pool):
        rng.shuffle(pool)
        return pool
    chosen: list[Question] = []
    if stratify:
        groups: dict[str, list[Question]] = {}
        for q in pool:
            groups.setdefault(q.aspect or (q.risk_ids[0] if q.risk_ids else ""), []).append(q)
        for key in sorted(groups):
            if len(chosen) < n:
                chosen.append(rng.choice(groups[key]))
    taken = {q.id for q in chosen}
    rest = [q for q in pool if q.id not in taken]
    chosen += rng.sample(rest, n - len(chosen))
    rng.shuffle(chosen)
    return chosen


def make_plan(
    profile: Profile,
    *,
    content: QuestionBank | None,
    must_refuse: QuestionBank | None,
    must_answer: QuestionBank | None,
    methods: Sequence[Method],
    seed: int,
    shared_draw: bool = False,
    stratify: bool = True,
    oversample: float = 1.0,
) -> Plan:
    """``oversample`` draws that many times the minimum (at least the minimum), so that a few
    errors or uncertain verdicts do not leave a method below the size the standard asks for."""
    plan = Plan()
    ce = profile.parameters.content_eval
    re_ = profile.parameters.refusal_eval
    minimum = {
        Method.MANUAL: ce.manual_sample_min.value,
        Method.KEYWORD: ce.keyword_sample_min.value,
        Method.CLASSIFIER: ce.classifier_sample_min.value,
        Method.MUST_REFUSE: re_.must_refuse_sample_min.value,
        Method.MUST_ANSWER: re_.must_answer_sample_min.value,
    }
    banks = {Method.MUST_REFUSE: must_refuse, Method.MUST_ANSWER: must_answer}
    shared: list[Question] | None = None
    for method in methods:
        bank = content if method in CONTENT_METHODS else banks[method]
        if bank is None:
            plan.notes.append(PlanNote("plan.no_bank", method.value))
            continue
        n = math.ceil(minimum[method] * max(1.0, oversample))
        if len(bank.items) < minimum[method]:
            plan.notes.append(
                PlanNote("plan.bank_small", method.value, len(bank.items), minimum[method])
            )
        if method in CONTENT_METHODS and shared_draw:
            if shared is None:  # one draw large enough for every method that shares it
                size = math.ceil(
                    max(minimum[m] for m in methods if m in CONTENT_METHODS) * max(1.0, oversample)
                )
                shared = draw(bank.items, size, method_seed(seed, "content"), stratify=stratify)
            plan.draws[method] = shared
        else:
            plan.draws[method] = draw(
                bank.items, n, method_seed(seed, method.value), stratify=stratify
            )
    if shared_draw and any(m in CONTENT_METHODS for m in methods):
        plan.notes.append(PlanNote("plan.shared_draw"))
    return plan
