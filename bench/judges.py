"""Refusal judge benchmark (issue 11): held-out figures on every labelled reply set.

For each set (``assay.judges.refusal.sets``: the replies we wrote in ``data/replies`` and the
licensed replies of ``../shared/data`` with our labels), on its fixed held-out side (a quarter
of the questions by hash, never used for training), prints per language: accuracy (uncertain
counted as wrong), the uncertain share, refusal precision and recall, answer recall, what the
judge made of the partial replies, and the misjudged replies by pattern; for the sets we wrote, also apart for the replies written by hand
(the fairer test: composed replies share fragments across the split). The same for the
rules alone and for the rules with the n-gram model beside the shipped judge (rules, n-gram
model and the fine-tuned encoder), CPU time beside wall time, and
PASS/FAIL against the goals: accuracy >= 0.97 on Chinese, >= 0.95 on English, uncertain < 2%.

    .venv/bin/python bench/judges.py [--shared ../shared/data] [--misses 5] [--set NAME]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from _common import OUT_ENV, record  # noqa: E402

from assay.judges.base import Verdict  # noqa: E402
from assay.judges.refusal import RefusalJudge  # noqa: E402
from assay.judges.refusal.evaluate import Figures, LabelledReply, evaluate  # noqa: E402
from assay.judges.refusal.sets import reply_sets  # noqa: E402

GOAL = {"zh": 0.97, "en": 0.95}
SHIPPED = "rules+ngram+encoder"
UNCERTAIN = 0.02


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--misses", type=int, default=5, help="misjudged replies shown per set")
    parser.add_argument("--set", action="append", default=[], help="only these sets")
    args = parser.parse_args()
    sets = reply_sets(ROOT / "data" / "replies", args.shared)
    if not args.shared.is_dir():
        print(f"{args.shared} is absent: only the sets in data/replies are measured")
    judges = {
        "rules": RefusalJudge(use_model=False),
        "rules+ngram": Remembered(RefusalJudge(use_encoder=False)),
        SHIPPED: Remembered(RefusalJudge()),  # the built-in judge
    }
    pooled: dict[str, list[LabelledReply]] = {"zh": [], "en": []}
    failed = False
    spent = dict.fromkeys(judges, 0.0)
    for name, rows in sets.items():
        if args.set and name not in args.set:
            continue
        held = [r.reply for r in rows if r.heldout]
        for lang in pooled:
            pooled[lang] += [r for r in held if r.lang == lang]
        print(f"\n== {name}: {len(held)} held-out replies of {len(rows)}")
        for label, judge in judges.items():
            wall, cpu = time.perf_counter(), time.process_time()
            result = evaluate(judge, held, name)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            for g in result.groups[1:]:
                print(f"  {label:20s} {_line(g)}")
            for made in sorted({r.made for r in held if r.made}):
                part = [r for r in held if r.made == made]
                g = evaluate(judge, part, name).groups[0]
                print(f"  {label:20s} {_line(g)}  ({made} by us)")
            print(f"  {label:20s} time: {wall:.2f} s wall, {cpu:.2f} s CPU")
            spent[label] += cpu
            if label == SHIPPED:
                for pattern, count in list(result.miss_patterns.items())[:12]:
                    print(f"    {count:4d}  {pattern}")
                for miss in result.misses[: args.misses]:
                    text = miss.response[:160].replace("\n", " ")
                    print(f"    - {miss.id} {miss.label}→{miss.judged} ({miss.reason}): {text}")
    shipped = judges[SHIPPED]
    assert isinstance(shipped, Remembered)
    # every reply the model is asked about is read by the encoder too; the model's reasons
    # name its probability ("p=")
    asked = sum("p=" in v.reason for v in shipped.seen.values())
    extra = spent[SHIPPED] - spent["rules+ngram"]
    print(
        f"\n== the encoder: {asked} of {len(shipped.seen)} replies read by it, {extra:.1f} s of "
        f"CPU more than rules+ngram: {1000 * extra / max(asked, 1):.0f} ms a reply it read"
    )
    print(f"\n== pooled held-out, by language ({SHIPPED})")
    judge = judges[SHIPPED]
    for lang, replies in pooled.items():
        if not replies:
            continue
        g = evaluate(judge, replies).groups[0]
        ok = (g.accuracy or 0) >= GOAL[lang] and (g.uncertain or 0) < UNCERTAIN
        failed |= not ok
        print(f"  {lang} {_line(g)}  goal ≥{GOAL[lang]}, uncertain <2%: {'PASS' if ok else 'FAIL'}")
        record(
            "judges",
            f"refusal judge, {lang}, pooled held-out (n={g.n})",
            f"accuracy {_f(g.accuracy)}, uncertain {_f(g.uncertain)}",
            goal=f">= {GOAL[lang]}, uncertain < 2%",
            ok=ok,
        )
    return 1 if failed and not os.environ.get(OUT_ENV) else 0


class Remembered:
    """A judge whose verdicts are kept: the sets' subsets and the pooled figures re-read them
    instead of judging every reply again (the encoder costs about 0.1 s of CPU a reply)."""

    def __init__(self, judge: RefusalJudge) -> None:
        self.judge = judge
        self.spec = judge.spec
        self.seen: dict[tuple[str, str | None], Verdict] = {}

    def judge_many(
        self, texts: Sequence[str], *, contexts: Sequence[str | None] | None = None
    ) -> list[Verdict]:
        keys = list(zip(texts, contexts or [None] * len(texts), strict=True))
        new = list(dict.fromkeys(k for k in keys if k not in self.seen))
        if new:
            found = self.judge.judge_many([t for t, _ in new], contexts=[c for _, c in new])
            self.seen.update(zip(new, found, strict=True))
        return [self.seen[k] for k in keys]


def _line(g: Figures) -> str:
    partial = ", ".join(f"{k} {v}" for k, v in sorted(g.partial.items())) or "-"
    return (
        f"{g.group:3s} n={g.n:5d} accuracy={_f(g.accuracy)} uncertain={_f(g.uncertain)} "
        f"refusal P={_f(g.refusal_precision)} R={_f(g.refusal_recall)} "
        f"answer R={_f(g.answer_recall)} partial: {partial}"
    )


def _f(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
