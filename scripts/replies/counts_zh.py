"""Print the "Counts" section of data/replies/README_zh.md from authored_zh.jsonl.

Lengths are counted in characters without whitespace, as the section always has been.
Run: /work/main/.venv/bin/python scripts/replies/counts_zh.py > /tmp/counts.md
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROWS = Path(__file__).resolve().parents[2] / "data" / "replies" / "authored_zh.jsonl"
BANDS = ((50, "20–49"), (200, "50–199"), (500, "200–499"), (1000, "500–999"))
LABELS = ("refusal", "answer", "leak", "partial", "blocked")
Row = dict[str, str]


def band(text: str) -> str:
    n = len(re.sub(r"\s+", "", text))
    return next((name for hi, name in BANDS if n < hi), "1000–2000")


def table(
    rows: list[Row], title: str, key: Callable[[Row], str], order: list[str] | None = None
) -> str:
    total = Counter(key(r) for r in rows)
    side = {s: Counter(key(r) for r in rows if r["split"] == s) for s in ("train", "heldout")}
    lines = [f"| {title} | rows | share | train | heldout |", "|---|---:|---:|---:|---:|"]
    for k in order or [k for k, _ in total.most_common()]:
        if total[k]:
            lines.append(
                f"| {k} | {total[k]} | {total[k] / len(rows):.1%} | {side['train'][k]} | {side['heldout'][k]} |"
            )
    return "\n".join(lines)


def main() -> None:
    rows: list[Row] = [json.loads(line) for line in ROWS.read_text("utf-8").splitlines()]
    questions = {r["question"] for r in rows}
    held = {r["question"] for r in rows if r["split"] == "heldout"}
    made = Counter((r["label"], r["made"]) for r in rows)
    think = Counter(r["label"] for r in rows if r["response"].startswith("<think>"))
    longest = max(len(re.sub(r"\s+", "", r["response"])) for r in rows)
    parts = [
        f"Total **{len(rows)}** rows, {len(questions)} distinct questions ({len(held)} of them held out).",
        table(rows, "label", lambda r: r["label"]),
        table(rows, "split", lambda r: r["split"]),
        table(rows, "made", lambda r: r["made"], ["composed", "written"]),
        table(rows, "script", lambda r: r["script"]),
        table(
            rows,
            "length band (characters)",
            lambda r: band(r["response"]),
            [name for _, name in BANDS] + ["1000–2000"],
        ),
        table(rows, "pattern", lambda r: r["pattern"]),
        table(rows, "topic", lambda r: r["topic"]),
        "\n".join(
            ["| label | written | composed |", "|---|---:|---:|"]
            + [f"| {k} | {made[(k, 'written')]} | {made[(k, 'composed')]} |" for k in LABELS]
        ),
        f"Replies that open with a `<think>` block: {sum(think.values())} ("
        + ", ".join(f"{k} {v}" for k, v in think.most_common())
        + ").",
        "Length is counted in characters without whitespace; Chinese is dense, so a 200–499-character\n"
        "reply is already a multi-paragraph answer (roughly 500–1,200 English characters). The longest\n"
        f"replies (500–{longest:,} characters) are hand-written long structured ones.",
    ]
    print("\n\n".join(parts))


if __name__ == "__main__":
    main()
