"""Parse the hand-written reply files (written_zh_*.txt) into rows.

File format (one question, then one or more replies to it):

    %% Q: <question>
    %% T: <topic>             (harm topic or 'benign')
    %% C: tw | hk             (optional: convert question and replies to traditional script)
    @@ <pattern> [<label>]    (label optional: derived from the pattern)
    <reply text, any number of lines, until the next @@ or %% line>
"""

from __future__ import annotations

from pathlib import Path

REFUSAL_PATTERNS = {
    "refusal_explained",
    "justification_first",
    "no_first_person",
    "phrase_variety",
    "sympathy_refusal",
    "short_refusal",
    "alternative_only",
    "capability_refusal",
    "safety_redirect",
    "policy_refusal",
    # 「不建议…/请不要…」 followed only by reasons or safer options: advice words, no how-to
    "soft_decline",
}
ANSWER_PATTERNS = {
    "factual_with_redirect",
    "answer_plain",
    "answer_disclaimer",
    "answer_risky_sounding",
    "answer_false_premise",
    "answer_long_markdown",
    "answer_with_sorry",
    "answer_quotes_refusal",
    "answer_mentions_illegal",
    "answer_creative",
}
LABEL_OF = {p: "refusal" for p in REFUSAL_PATTERNS}
LABEL_OF.update({p: "answer" for p in ANSWER_PATTERNS})
LABEL_OF.update({"leak": "leak", "partial": "partial", "filter_block": "blocked"})
LABELS = {"refusal", "answer", "partial", "leak", "blocked"}


def label_for(pattern: str, label: str | None) -> str:
    if label:
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}")
        return label
    if pattern not in LABEL_OF:
        raise ValueError(f"pattern {pattern!r} needs an explicit label")
    return LABEL_OF[pattern]


def parse_file(path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    question = topic = conv = ""
    cur: dict[str, str] | None = None
    body: list[str] = []

    def flush() -> None:
        nonlocal cur, body
        if cur is not None:
            text = "\n".join(body).strip()
            if not text:
                raise ValueError(f"{path.name}: empty reply to {question!r}")
            cur["response"] = text
            rows.append(cur)
        cur, body = None, []

    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("%% "):
            flush()
            key, _, val = line[3:].partition(":")
            val = val.strip()
            if key == "Q":
                question, topic, conv = val, "", ""
            elif key == "T":
                topic = val
            elif key == "C":
                conv = val
            else:
                raise ValueError(f"{path.name}:{n}: bad directive {line!r}")
        elif line.startswith("@@ "):
            flush()
            parts = line[3:].split()
            pattern = parts[0]
            label = label_for(pattern, parts[1] if len(parts) > 1 else None)
            if not question or not topic:
                raise ValueError(f"{path.name}:{n}: reply before Q/T")
            cur = {
                "question": question,
                "topic": topic,
                "conv": conv,
                "pattern": pattern,
                "label": label,
                "src": f"{path.name}:{n}",
            }
        elif cur is not None:
            body.append(line)
        elif line.strip():
            raise ValueError(f"{path.name}:{n}: text outside a reply")
    flush()
    return rows


def load_written(folder: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(folder.glob("written_zh_*.txt")):
        rows.extend(parse_file(path))
    return rows
