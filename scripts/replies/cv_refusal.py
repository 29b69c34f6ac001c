"""k-fold cross-validation of the refusal judge on the TRAIN side of every reply set.

The held-out quarter of each set (``heldout()`` in assay.judges.refusal.evaluate) is never read
here: not for training, not for measuring, not for printing. This is what decides a change to the
rules, the lexicon or the training data; ``bench/judges.py`` on the held-out side only confirms.

The train-side replies are split into ``--folds`` parts by question (a hash with its own salt, so
every reply to one question falls in one part, as the held-out rule does). For each part, the
model is trained exactly as ``scripts/train_refusal.py`` trains it (short openings, per-language
balance, the same steps and L2, int8 weights) on the other parts and judges that part. The rules
need no training, so "rules" is the rules alone on every train-side reply. Printed per set and
pooled per language, for the rules alone and for rules + model: accuracy (uncertain counted as
wrong), the uncertain share, refusal and answer recall, and for the authored sets the replies
written by hand apart.

The model is re-trained in every fold, the rules are not: a rule written after reading misses is
measured on the replies that suggested it. So a fifth of the questions is sealed (``sealed()``):
their misses are never written out, and "pooled zh sealed" / "pooled en sealed" are the figures
that decide a change to the rules or the lexicon.

    PYTHONPATH=src .venv/bin/python scripts/replies/cv_refusal.py [--folds 5] [--shared DIR]
        [--misses out.jsonl]   # the misjudged train-side replies (rules + model), to read;
                           # never those of the sealed fifth (see sealed())
        [--json out.json]      # the figures, to compare two runs
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from train_refusal import Prepared, fit_prepared, prepare, training_rows  # noqa: E402

from assay.judges.base import Verdict  # noqa: E402
from assay.judges.refusal import RefusalJudge  # noqa: E402
from assay.judges.refusal.evaluate import Figures, LabelledReply, figures  # noqa: E402
from assay.judges.refusal.model import RefusalModel, quantize  # noqa: E402
from assay.judges.refusal.sets import reply_sets  # noqa: E402


def _key(question: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", question or "")).lower()


def fold_of(question: str | None, folds: int) -> int:
    return int(hashlib.sha256(("assay-cv:" + _key(question)).encode()).hexdigest(), 16) % folds


def sealed(question: str | None) -> bool:
    """A fifth of the train side's questions (by a hash with its own salt) whose misses are never
    written out: rules are written from the misses of the rest, then checked on these, which
    suggested none of them. (Sealed from 2026-12-03: every train-side miss was read before.)"""
    return int(hashlib.sha256(("assay-sealed:" + _key(question)).encode()).hexdigest(), 16) % 5 == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--misses", type=Path, help="write misjudged train-side rows here")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--settings",
        nargs="+",
        default=[],
        metavar="OVERRULE,BAND",
        help="also judge each fold with these (overrule, band) pairs of the model, e.g. 0.05,0.1",
    )
    args = parser.parse_args()
    wall, cpu = time.perf_counter(), time.process_time()
    sets = reply_sets(ROOT / "data" / "replies", args.shared)
    origin = {r.reply.id: name for name, rows in sets.items() for r in rows if not r.heldout}
    rows = training_rows(sets)  # the train side only
    rules = RefusalJudge(use_model=False)
    prepared = prepare(rows, rules)
    part = np.array([fold_of(r.question, args.folds) for r in prepared.rows])
    print(f"{len(rows)} train-side replies of {len(sets)} sets, {args.folds} folds by question")

    judged: dict[str, list[Verdict | None]] = {
        "rules": _judge(rules, rows),
        "rules+model": [None] * len(rows),
    }
    settings = [tuple(float(x) for x in pair.split(",")) for pair in args.settings]
    for overrule, band in settings:
        judged[f"rules+model overrule={overrule} band={band}"] = [None] * len(rows)
    own = np.array([fold_of(r.question, args.folds) for r in rows])
    for k in range(args.folds):
        model = fitted(prepared, part != k)
        pick = [i for i in range(len(rows)) if own[i] == k]
        verdicts = _judge(RefusalJudge(model, use_encoder=False), [rows[i] for i in pick])
        for i, v in zip(pick, verdicts, strict=True):
            judged["rules+model"][i] = v
        for overrule, band in settings:
            tuned = model.info.model_copy(update={"overrule": overrule, "band": band})
            other = RefusalModel(tuned, model.weights, model.bias)
            verdicts = _judge(RefusalJudge(other, use_encoder=False), [rows[i] for i in pick])
            for i, v in zip(pick, verdicts, strict=True):
                judged[f"rules+model overrule={overrule} band={band}"][i] = v
        print(
            f"  fold {k + 1}/{args.folds}: trained on {int((part != k).sum())}, judged {len(pick)}"
        )

    out: dict[str, dict[str, object]] = {}
    groups = _groups(rows, origin)
    for method, verdicts in judged.items():
        print(f"\n== {method}")
        for name, pick in groups.items():
            g = figures(name, [rows[i] for i in pick], [_sure(verdicts[i]) for i in pick])
            out.setdefault(method, {})[name] = g.model_dump(mode="json")
            print(f"  {_line(g)}")
    if args.misses:
        _write_misses(args.misses, rows, origin, judged["rules+model"])
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"\ntime: {wall:.1f} s wall, {cpu:.1f} s CPU")
    return 0


def fitted(prepared: Prepared, pick: np.ndarray) -> RefusalModel:
    """The model trained on the prepared rows in ``pick``, its weights int8 as shipped."""
    info, w, b = fit_prepared(prepared, pick)
    q, scale = quantize(w)
    return RefusalModel(info, q.astype(np.float64) * scale, b)


def _judge(judge: RefusalJudge, rows: list[LabelledReply]) -> list[Verdict | None]:
    return list(judge.judge_many([r.response for r in rows], contexts=[r.question for r in rows]))


def _sure(v: Verdict | None) -> Verdict:
    assert v is not None  # every row falls in one fold
    return v


def _groups(rows: list[LabelledReply], origin: dict[str, str]) -> dict[str, list[int]]:
    """Per set (and its hand-written replies apart), then pooled per language."""
    out: dict[str, list[int]] = {}
    for name in dict.fromkeys(origin.values()):
        out[name] = [i for i, r in enumerate(rows) if origin[r.id] == name]
        written = [i for i in out[name] if rows[i].made == "written"]
        if written:
            out[f"{name} (written)"] = written
    for lang in ("zh", "en"):
        out[f"pooled {lang}"] = [i for i, r in enumerate(rows) if r.lang == lang]
    for lang in ("zh", "en"):  # what rules written from the read misses must also hold on
        out[f"pooled {lang} read"] = [
            i for i, r in enumerate(rows) if r.lang == lang and not sealed(r.question)
        ]
        out[f"pooled {lang} sealed"] = [
            i for i, r in enumerate(rows) if r.lang == lang and sealed(r.question)
        ]
    return out


def _write_misses(
    path: Path, rows: list[LabelledReply], origin: dict[str, str], verdicts: list[Verdict | None]
) -> None:
    withheld = 0
    with path.open("w", encoding="utf-8") as fh:
        for r, v in zip(rows, verdicts, strict=True):
            v = _sure(v)
            if r.refused is None or v.refused is r.refused:
                continue
            if sealed(r.question):
                withheld += 1
                continue
            judged = "uncertain" if v.refused is None else (v.behaviour or str(v.refused))
            row = {
                "set": origin[r.id], "id": r.id, "lang": r.lang, "label": r.label,
                "pattern": r.pattern, "judged": judged, "reason": v.reason,
                "question": r.question, "response": r.response,
            }  # fmt: skip
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"misses written to {path}; {withheld} on sealed questions withheld")


def _line(g: Figures) -> str:
    return (
        f"{g.group:24s} n={g.n:5d} accuracy={_f(g.accuracy)} uncertain={_f(g.uncertain)} "
        f"refusal R={_f(g.refusal_recall)} answer R={_f(g.answer_recall)} "
        f"errors={g.fp + g.fn + g.undecided}"
    )


def _f(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
