"""Train the classifier shipped with Assay (``src/assay/judges/data/classifier``).

Reads the licensed public sets in ``../shared/data`` (or ``--data``; see each set's README and
``assay.judges.starter`` for how their rows map to risk ids), the example banks in
``examples/banks`` and the texts we wrote (``scripts/data/classifier_authored.jsonl``, made by
``scripts/make_classifier_data.py``); holds out what ``assay.judges.starter`` holds out (the
text-hash rule, COLD's upstream dev split, answers by question, our held-out templates: training
never sees them); trains the model (risk heads, a "harmful or not" head, the question an answer
responds to read in its own hash space, answers weighted ``ANSWER_WEIGHT`` times) and, on the
same training texts, the baseline of :mod:`assay.judges.baseline`; and writes:

* ``weights.npz`` and ``model.json``: hashed-feature weights only, no text; model.json records
  each risk's held-out positives and recall (8.4 coverage counts only risks caught there);
* ``MODEL_CARD.md``: per-risk training counts, coverage and held-out precision/recall/F1, and
  per held-out set accuracy, macro-F1, sensitivity and specificity beside the baseline's;
* ``NOTICE``: each source and its licence (CC-BY-4.0 sets are attributed).

Deterministic: running it twice writes byte-identical weights.

    .venv/bin/python scripts/train_classifier.py [--data ../shared/data] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assay.judges.labelled import Example
    from assay.judges.linear import ModelInfo
    from assay.judges.starter import Split
    from assay.standard.models import Profile

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path("/work/shared/data")
DEFAULT_OUT = ROOT / "src" / "assay" / "judges" / "data" / "classifier"
AUTHORED = ROOT / "scripts" / "data" / "classifier_authored.jsonl"
ANSWER_WEIGHT = 6.0  # answers are few beside comments and questions: each counts this many times
MAX_POSITIVE_WEIGHT = (
    2.0  # a rare risk's positives count at most twice (higher: group names alone flag)
)

CC_BY = (
    "Creative Commons Attribution 4.0 International (CC BY 4.0), "
    "https://creativecommons.org/licenses/by/4.0/"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args(argv)
    if not (args.data / "cold_trainval_zh").is_dir():
        print(
            f"train_classifier: the licensed starter data is not at {args.data} "
            "(expected cold_trainval_zh/, swsr_zh/, ...); pass --data DIR. Nothing written.",
            file=sys.stderr,
        )
        return 2

    from assay.judges.starter import load_starter
    from assay.standard import load_profile

    profile = load_profile()
    split = load_starter(args.data, ROOT / "examples", profile, AUTHORED)
    tests = ", ".join(f"{k} {len(v)}" for k, v in split.tests.items())
    print(f"examples: {len(split.train)} for training, {len(split.holdout)} held out; {tests}")
    info = _train(split, profile, args.epochs, args.out)
    _describe(split, profile, info, args.data, args.out)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {args.out} ({size / 1e6:.2f} MB)")
    return 0


def weighted(examples: list[Example]) -> list[Example]:
    """Answers (texts with a question) count ``ANSWER_WEIGHT`` times in training."""
    return [replace(e, weight=ANSWER_WEIGHT) if e.context else e for e in examples]


def _train(split: Split, profile: Profile, epochs: int, out: Path) -> ModelInfo:
    from assay.judges.features import FeatureConfig
    from assay.judges.linear import save_model
    from assay.judges.training import TrainConfig, train

    started = time.perf_counter()
    model, info = train(
        weighted(split.train),
        [r.id for r in profile.risks],
        TrainConfig(epochs=epochs, max_positive_weight=MAX_POSITIVE_WEIGHT),
        FeatureConfig(context=True),
        progress=lambda epoch, loss: print(f"  epoch {epoch}: loss {loss:.4f}"),
        harmful_head=True,
    )
    print(f"trained in {time.perf_counter() - started:.1f} s: {', '.join(model.labels)}")
    return save_model(model, info, out)


def _describe(split: Split, profile: Profile, info: ModelInfo, data: Path, out: Path) -> None:
    """Held-out figures into model.json, the model card and the notice."""
    from assay.judges.baseline import Baseline
    from assay.judges.card import model_card
    from assay.judges.classifier import ClassifierJudge
    from assay.judges.evaluate import metrics
    from assay.judges.heldout import held_out_sets
    from assay.judges.linear import save_info
    from assay.judges.starter import HOLDOUT_RULE, SOURCES, TEST_RULES
    from assay.judges.training import merge

    stats = _stats(data)
    held = ", ".join(f"{k}: {TEST_RULES[k]} ({len(v)} rows)" for k, v in split.tests.items())
    info = info.model_copy(
        update={
            "sources": tuple(_source_line(s.name, stats, split.by_source) for s in SOURCES)
            + (
                f"examples/banks (Assay's example banks): {split.by_source['examples/banks']} rows",
                f"authored (texts we wrote, scripts/make_classifier_data.py): "
                f"{split.by_source['authored']} rows",
            ),
            "holdout": f"{HOLDOUT_RULE} ({len(split.holdout)} rows); {held}; "
            "never used for training",
        }
    )
    judge = ClassifierJudge.load(out)
    everything = merge(split.everything_held_out)
    verdicts = judge.judge_many(
        [e.text for e in everything], contexts=[e.context for e in everything]
    )
    rows = metrics(everything, verdicts, [r.id for r in profile.risks], set(judge.covered_risks))
    # the held-out check goes into model.json: coverage (8.4) counts only risks it caught there
    measured = {row.risk: row for row in rows}
    risks = {
        risk: count.model_copy(
            update={
                "heldout_positives": measured[risk].positives if risk in measured else 0,
                "heldout_recall": measured[risk].sensitivity.value if risk in measured else None,
            }
        )
        for risk, count in info.risks.items()
    }
    info = info.model_copy(update={"risks": risks})
    save_info(info, out)
    started = time.perf_counter()
    baseline = Baseline().fit(split.train)
    print(f"baseline trained in {time.perf_counter() - started:.1f} s")
    sets = held_out_sets(split, judge, baseline)
    card = model_card(
        info,
        profile,
        title="Assay built-in classifier (default)",
        held_out=rows,
        notes=_notes(),
        held_out_sets=sets,
    )
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    (out / "NOTICE").write_text(_notice(stats), encoding="utf-8")


def _stats(data: Path) -> dict[str, dict[str, object]]:
    path = data / "STATS.json"
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {k.split("/", 1)[-1]: v for k, v in raw.items() if isinstance(v, dict)}


def _source_line(name: str, stats: dict[str, dict[str, object]], used: dict[str, int]) -> str:
    from assay.judges.starter import SOURCES

    source = next(s for s in SOURCES if s.name == name)
    upstream = stats.get(name, {}).get("source", source.upstream)
    if not source.used:
        return f"{name} ({source.licence}; {upstream}): not used: {source.why_not}"
    return f"{name} ({source.licence}; {upstream}): {used.get(name, 0)} rows"


def _notes() -> list[str]:
    return [
        "Answers are judged with their question when one is given (its n-grams in their own "
        "hash space, and the answer's n-grams also in an answer-only space); a text without a "
        "question is judged alone.",
        "The harmful head flags a text as harmful whatever its risk; when it flags a text that "
        "no risk head flags, the verdict names the risk that scored highest.",
        "CValues answers are labelled irresponsible for many reasons, wrong legal or medical "
        "facts among them, which an n-gram model cannot check: figures there are lower.",
        "The held-out rows come from the same sets as the training rows (same sources, "
        "styles and templates): figures on other data will be lower. Measure the judge on "
        "your own labelled answers with `assay judges eval` before relying on it.",
        "Political risks A.1.a-c have no training data by design (the sets drop them): the "
        "keyword library and human review must cover them.",
        "Thresholds are 0.5 for every risk (no tuning on the held-out rows).",
    ]


def _notice(stats: dict[str, dict[str, object]]) -> str:
    from assay.judges.starter import SOURCES

    lines = [
        "The weights in this folder (weights.npz) were learned from the data sets below. They",
        "hold hashed n-gram buckets only: no text of any data set is stored or distributed.",
        "",
    ]
    for s in SOURCES:
        upstream = stats.get(s.name, {}).get("source", s.upstream)
        state = "used for training" if s.used else f"not used ({s.why_not})"
        lines.append(f"* {s.name}: {s.upstream}. Licence: {s.licence}. Source: {upstream}.")
        lines.append(f"  {state}.")
        if s.licence.startswith("CC-BY") and s.used:
            lines.append(
                "  Attribution: contains information derived from the MLCommons prompt set "
                f"named above, (c) MLCommons, licensed under {CC_BY}. Changes: converted to "
                "JSONL, hazard categories mapped to TC260-003 Appendix-A risk ids, reduced to "
                "hashed features."
            )
    lines += [
        "* examples/banks: Assay's own example banks (Apache-2.0, this repository).",
        "",
        "Apache-2.0 sets: COLD (thu-coai), CValues (X-PLUG), Do-Not-Answer (LibrAI). MIT sets:",
        "SWSR (aggiejiang), JADE-DB (whitzard-ai), HarmBench (centerforaisafety). Their licence",
        "texts ship with the data sets in ../shared/data.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
