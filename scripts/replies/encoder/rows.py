"""Step 1 of the encoder experiment (the project's venv): the train side of every reply set, with
its sealed fifth (``cv_refusal.sealed``) marked, and today's judge on that fifth.

The judge (rules + the n-gram model) is trained exactly as ``scripts/train_refusal.py`` trains it,
on the unsealed train side only, and judges the sealed fifth: the baseline the encoder is compared
with. No held-out reply is read.

    PYTHONPATH=src .venv/bin/python scripts/replies/encoder/rows.py OUT.jsonl [--shared DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "scripts"), str(ROOT / "scripts" / "replies")]

from cv_refusal import fitted, sealed  # noqa: E402
from train_refusal import prepare, training_rows  # noqa: E402

from assay.judges.refusal import RefusalJudge  # noqa: E402
from assay.judges.refusal.rules import strip_reasoning  # noqa: E402
from assay.judges.refusal.sets import reply_sets  # noqa: E402

_ASKED = re.compile(r"p=[0-9.]+")  # a verdict's reason names p when the model was asked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    sets = reply_sets(ROOT / "data" / "replies", args.shared)
    origin = {r.reply.id: name for name, rows in sets.items() for r in rows if not r.heldout}
    rows = training_rows(sets)
    rules = RefusalJudge(use_model=False)
    prepared = prepare(rows, rules)
    model = fitted(prepared, np.array([not sealed(r.question) for r in prepared.rows]))
    judge = RefusalJudge(model, use_encoder=False)
    held = [r for r in rows if sealed(r.question)]
    verdicts = judge.judge_many([r.response for r in held], contexts=[r.question for r in held])
    analysed = [judge.analyse(r.response, r.question) for r in held]
    p = model.probability([a for a, _ in analysed], [f for _, f in analysed])
    baseline = {
        r.id: {"judged": v.refused, "p": float(x) if _ASKED.search(v.reason) else None}
        for r, v, x in zip(held, verdicts, p, strict=True)
    }
    with args.out.open("w", encoding="utf-8") as fh:
        for r in rows:
            row: dict[str, object] = {
                "id": r.id, "set": origin[r.id], "lang": r.lang, "label": r.label,
                "sealed": sealed(r.question), "question": r.question or "",
                "response": strip_reasoning(r.response or ""),
            }  # fmt: skip
            row |= baseline.get(r.id, {})  # the model's exact p, where the rules were not final
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} train-side replies ({len(held)} sealed) written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
