"""Write ``scripts/data/classifier_authored.jsonl``: training and test text for the built-in
classifier that we wrote ourselves (Apache-2.0, this repository).

Two kinds, both short and clinical (harmful substance is placeholders: 原料A, 工具B, 步骤……):

* **discrimination** against a group of every A.2 risk (ethnicity, belief, nationality, region,
  gender, age, occupation, health, other), from templates: templated hate (a derogatory
  predicate in a wrapper: harmful, the group's A.2 risk), the matching **counter-speech** (a
  comment that argues against the discrimination, often quoting it: benign) and **neutral
  mentions** of the group (benign). Split by predicate (hate and quoting counter-speech) or
  template (the rest): held out when ``sha256(predicate or template) % 4 == 0``; every sentence
  of a held-out one is ``split: test``, so held-out hate uses insults training never saw.
* **answers** to questions, in the styles models use: harmful help (step lists, materials,
  quantities as placeholders; also "I advise against it, but…" leaks: harmful), refusals (benign)
  to the same harmful questions, and safe answers to a safe question on the same topic (step
  lists too, so a list is not taken for harm). Split by question in
  :mod:`assay.judges.starter` (``sha256(fold(question)) % 5 == 0``).

Deterministic: running it twice writes the same bytes.

    .venv/bin/python scripts/make_classifier_data.py [--out scripts/data/classifier_authored.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from classifier_text import (  # scripts/ is on sys.path when this runs as a script
    ANSWER_TOPICS,
    COUNTER,
    COUNTER_WRAPPERS,
    GROUPS,
    HARMFUL_FRAMES,
    HATE_WRAPPERS,
    NEUTRAL,
    PREDICATES,
    REFUSAL_FRAMES,
    SAFE_FRAMES,
    Topic,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "scripts" / "data" / "classifier_authored.jsonl"

TEMPLATE_TEST_MODULUS = 4


def _h(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def template_held_out(template: str) -> bool:
    return _h(template) % TEMPLATE_TEST_MODULUS == 0


def discrimination() -> Iterator[dict[str, object]]:
    """Hate and quoting counter-speech: every predicate in every wrapper, each time against
    a group of five A.2 risks (hate) or of four (counter-speech), risks and groups rotating.
    Plain counter-speech and neutral mentions: every template against every group."""
    risks = list(GROUPS)
    for p_index, predicate in enumerate(PREDICATES):
        split = "test" if template_held_out(predicate) else "train"
        for w_index, wrapper in enumerate(HATE_WRAPPERS):
            if predicate.startswith("的") and "{g}{p}" not in wrapper:
                continue  # "X的存在……" reads only when the group comes right before it
            for k in range(5):
                risk = risks[(p_index + w_index + 2 * k) % len(risks)]
                group = _pick(GROUPS[risk], p_index + w_index + k)
                text = wrapper.format(g=group, p=predicate)
                key = f"hate-{risk}-{p_index:02d}-{w_index}-{k}"
                yield _discrimination(key, text, risk, split)
        for w_index, wrapper in enumerate(COUNTER_WRAPPERS):
            for k in range(4):
                risk = risks[(p_index + w_index + 2 * k) % len(risks)]
                group = _pick(GROUPS[risk], p_index + w_index + k)
                text = wrapper.format(g=group, p=predicate)
                key = f"counter-{risk}-q{p_index:02d}-{w_index}-{k}"
                yield _discrimination(key, text, None, split)
    for kind, templates in (("counter", COUNTER), ("neutral", NEUTRAL)):
        for t_index, template in enumerate(templates):
            split = "test" if template_held_out(template) else "train"
            for risk, groups in GROUPS.items():
                for g_index, group in enumerate(groups):
                    text = template.format(g=group)
                    key = f"{kind}-{risk}-{t_index:02d}-{g_index}"
                    yield _discrimination(key, text, None, split)


def _pick(groups: tuple[str, ...], n: int) -> str:
    return groups[n % len(groups)]


def _discrimination(key: str, text: str, risk: str | None, split: str) -> dict[str, object]:
    return {
        "id": f"authored-{key}",
        "text": text,
        "tc260": risk,
        "harmful": risk is not None,
        "kind": key.split("-", 1)[0],
        "split": split,
    }


def _steps(steps: tuple[str, ...], style: int) -> str:
    if style == 0:
        return "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
    if style == 1:
        return "\n".join(f"- {s}" for s in steps)
    if style == 2:
        return "\n".join(f"第{'一二三四五六'[i]}步：{s}" for i, s in enumerate(steps))
    words = ("首先", "然后", "接着", "最后")
    return "；".join(f"{words[min(i, 3)]}，{s}" for i, s in enumerate(steps)) + "。"


def _answer_rows(topic: Topic, t_index: int) -> Iterator[dict[str, object]]:
    fields = {"goal": topic.goal, "why": topic.why, "help": topic.help}
    questions = (*topic.questions, f"小明打算{topic.goal}，他需要做哪些准备？")
    for q_index, question in enumerate(questions):
        base = _h(question)
        for k in range(4):  # four harmful answers, four frames, rotating step styles
            frame = HARMFUL_FRAMES[(base + k) % len(HARMFUL_FRAMES)]
            text = frame.format(steps=_steps(topic.steps, (base + k) % 4), **fields)
            yield _row(f"h{t_index:02d}-{q_index}-{k}", question, text, topic.risk, "harmful")
        for k in range(4):
            frame = REFUSAL_FRAMES[(base + k) % len(REFUSAL_FRAMES)]
            yield _row(
                f"r{t_index:02d}-{q_index}-{k}", question, frame.format(**fields), None, "refusal"
            )
    base = _h(topic.safe_question)
    for k in range(3):
        frame = SAFE_FRAMES[(base + k) % len(SAFE_FRAMES)]
        text = frame.format(steps=_steps(topic.safe_steps, (base + k) % 4), topic=topic.safe_topic)
        yield _row(f"s{t_index:02d}-{k}", topic.safe_question, text, None, "safe_answer")


def _row(key: str, question: str, text: str, risk: str | None, kind: str) -> dict[str, object]:
    return {
        "id": f"authored-answer-{key}",
        "question": question,
        "text": text,
        "tc260": risk,
        "harmful": risk is not None,
        "kind": kind,
    }


def answers() -> Iterator[dict[str, object]]:
    for t_index, topic in enumerate(ANSWER_TOPICS):
        yield from _answer_rows(topic, t_index)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = [*discrimination(), *answers()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    tests = sum(r.get("split") == "test" for r in rows)
    print(f"wrote {len(rows)} rows to {args.out} ({tests} discrimination rows held out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
