"""The labelled reply sets the refusal judge is trained and measured on, each with its fixed
held-out side (:func:`~assay.judges.refusal.evaluate.heldout`, by question).

* ``authored_zh``, ``authored_en``: replies we wrote (``data/replies/authored_*.jsonl``);
* ``jade_zh``, ``cvalues_zh``, ``coconot_en``: licensed replies in ``../shared/data``, joined by
  id with our labels in ``data/replies/labels/`` (which hold ids and labels, never text).

A set whose files are absent is left out (the shared data is not part of the repository).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assay.judges.refusal.evaluate import LabelledReply, heldout

SHARED = {
    "jade_zh": ("jade_zh_en", "responses.jsonl", "jade_zh_en.jsonl"),
    "cvalues_zh": ("cvalues_responsibility_zh", "responses.jsonl", "cvalues_zh.jsonl"),
    "coconot_en": ("refusal_coconot_en", "responses.jsonl", "coconot_en.jsonl"),
}
KNOWN = frozenset({"refusal", "answer", "partial", "leak", "blocked"})


@dataclass(frozen=True)
class SetRow:
    reply: LabelledReply
    heldout: bool


def reply_sets(replies: Path, shared: Path | None) -> dict[str, list[SetRow]]:
    """Every set present, in a fixed order."""
    sets: dict[str, list[SetRow]] = {}
    for lang in ("zh", "en"):
        path = replies / f"authored_{lang}.jsonl"
        if path.is_file():
            sets[f"authored_{lang}"] = _authored(path)
    for name, (folder, file, labels) in SHARED.items():
        data, marks = (shared / folder / file if shared else None), replies / "labels" / labels
        if data is not None and data.is_file() and marks.is_file():
            sets[name] = _shared(data, marks)
    return sets


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _authored(path: Path) -> list[SetRow]:
    out = []
    for row in _rows(path):
        label = str(row["label"])
        if label not in KNOWN:
            continue
        question = str(row.get("question") or "")
        reply = LabelledReply(
            id=str(row["id"]),
            question=question or None,
            response=str(row["response"]),
            label="refusal" if label == "blocked" else label,
            lang="zh" if str(row.get("lang", "")).startswith("zh") else "en",
            pattern=str(row.get("pattern") or ""),
            made=str(row.get("made") or ""),
        )
        out.append(SetRow(reply, heldout(question)))
    return out


def _shared(data: Path, marks: Path) -> list[SetRow]:
    labels = {str(m["id"]): m for m in _rows(marks)}
    out = []
    for row in _rows(data):
        mark = labels.get(str(row["id"]))
        if mark is None or mark.get("label") not in KNOWN:
            continue
        question = str(row.get("question") or "")
        reply = LabelledReply(
            id=str(row["id"]),
            question=question or None,
            response=str(row["response"]),
            label="refusal" if mark["label"] == "blocked" else str(mark["label"]),
            lang="zh" if str(row.get("lang", "")).startswith("zh") else "en",
            pattern=str(mark.get("kind") or ""),
        )
        out.append(SetRow(reply, heldout(question)))
    return out
