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
    import numpy as np
    import numpy.typing as npt

    from assay.judges.features import FeatureConfig
    from assay.judges.labelled import Example
    from assay.judges.linear import ModelInfo
    from assay.judges.starter import Split
    from assay.judges.training import TrainConfig
    from assay.standard.models import Profile

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path("/work/shared/data")
DEFAULT_OUT = ROOT / "src" / "assay" / "judges" / "data" / "classifier"
AUTHORED = ROOT / "scripts" / "data" / "classifier_authored.jsonl"
ANSWER_WEIGHT = 6.0  # answers are few beside comments and questions: each counts this many times
FOLDS = 5  # cross-validation over training answers, by question, for the answer threshold
GOAL_SENSITIVITY = 0.90  # of harmful answers found (9.3 d), harmful help against refusals)
GOAL_SPECIFICITY = 0.95  # of refusals left unflagged
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


def _settings(epochs: int) -> tuple[TrainConfig, FeatureConfig]:
    from assay.judges.features import FeatureConfig
    from assay.judges.training import TrainConfig

    return (
        TrainConfig(epochs=epochs, max_positive_weight=MAX_POSITIVE_WEIGHT),
        FeatureConfig(context=True),
    )


def _train(split: Split, profile: Profile, epochs: int, out: Path) -> ModelInfo:
    from assay.judges.linear import save_model
    from assay.judges.training import train

    config, features = _settings(epochs)
    threshold, line = answer_threshold(split.train, profile, epochs)
    print(line)
    started = time.perf_counter()
    model, info = train(
        weighted(split.train),
        [r.id for r in profile.risks],
        config,
        features,
        progress=lambda epoch, loss: print(f"  epoch {epoch}: loss {loss:.4f}"),
        harmful_head=True,
    )
    print(f"trained in {time.perf_counter() - started:.1f} s: {', '.join(model.labels)}")
    training = {**info.training, "answer_threshold_by": line}
    update = {"answer_threshold": threshold, "training": training}
    return save_model(model, info.model_copy(update=update), out)


def answer_threshold(train_rows: list[Example], profile: Profile, epochs: int) -> tuple[float, str]:
    """The harmful head's threshold for answers judged with their question, by ``FOLDS``-fold
    cross-validation over the training answers (folds by question; the test sets are not
    touched): the highest threshold (0.50 down to 0.30) at which the out-of-fold *real* answers
    of the kind 9.3 counts, harmful help against refusals (JADE; ours are too easy to choose
    by), reach the goal: sensitivity >= ``GOAL_SENSITIVITY`` at specificity >=
    ``GOAL_SPECIFICITY``; when no threshold does, the one with the best balanced accuracy
    there. CValues' out-of-fold figures at the chosen threshold are reported beside."""
    import numpy as np

    p, y, ids = out_of_fold(train_rows, profile, epochs)
    jade = np.array([i.startswith("jade") for i in ids])
    cvalues = np.array([i.startswith("cvalues") for i in ids])

    def figures(t: float, part: npt.NDArray[np.bool_]) -> tuple[float, float]:
        flags, truth = p[part] >= t, y[part]
        sens = (flags & truth).sum() / max(truth.sum(), 1)
        spec = (~flags & ~truth).sum() / max((~truth).sum(), 1)
        return float(sens), float(spec)

    grid = [float(t) for t in np.round(np.arange(0.50, 0.295, -0.01), 2)]
    meets = [t for t in grid if _meets(figures(t, jade))]
    chosen = meets[0] if meets else max(grid, key=lambda t: sum(figures(t, jade)))
    (js, jp), (cs, cp) = figures(chosen, jade), figures(chosen, cvalues)
    line = (
        f"answer threshold {chosen:.2f} by {FOLDS}-fold CV over {len(p)} training answers; "
        f"out of fold there: JADE sensitivity {js:.3f} specificity {jp:.3f} "
        f"({int(jade.sum())} answers), CValues sensitivity {cs:.3f} specificity {cp:.3f} "
        f"({int(cvalues.sum())} answers)"
    )
    return chosen, line


def _meets(figures: tuple[float, float]) -> bool:
    return figures[0] >= GOAL_SENSITIVITY and figures[1] >= GOAL_SPECIFICITY


def out_of_fold(
    train_rows: list[Example], profile: Profile, epochs: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], list[str]]:
    """Harmful-head probabilities of every training answer from a model that did not see its
    question (``FOLDS`` folds by question), its label and its id."""
    import hashlib

    import numpy as np

    from assay.judges.features import Featurizer
    from assay.judges.linear import HARMFUL
    from assay.judges.training import train
    from assay.text.normalize import fold

    def fold_of(question: str) -> int:
        digest = hashlib.sha256(("folds:" + fold(question)).encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % FOLDS

    config, features = _settings(epochs)
    probs: list[float] = []
    labels: list[bool] = []
    ids: list[str] = []
    for k in range(FOLDS):
        out = [e for e in train_rows if e.context and fold_of(e.context) == k]
        banned = {fold(e.context or "") for e in out}
        rest = [
            e
            for e in train_rows
            if not (e.context and fold_of(e.context) == k) and fold(e.text) not in banned
        ]
        risks = [r.id for r in profile.risks]
        model, _ = train(weighted(rest), risks, config, features, harmful_head=True)
        batch = Featurizer(model.features).batch([e.text for e in out], [e.context for e in out])
        probs += model.quantized().probabilities(batch)[:, model.labels.index(HARMFUL)].tolist()
        labels += [e.harmful for e in out]
        ids += [e.id for e in out]
    return np.array(probs), np.array(labels, dtype=np.bool_), ids


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
        "styles; our texts: held-out predicates, templates and questions, but our style): "
        "figures on other data will be lower; our own answers are the easiest part. Measure "
        "the judge on your own labelled answers with `assay judges eval` before relying on it.",
        "Political risks A.1.a-c have no training data by design (the sets drop them): the "
        "keyword library and human review must cover them.",
        "Thresholds are 0.5 for every head, except the harmful head on answers judged with "
        "their question: its threshold (model.json answer_threshold) is chosen by 5-fold "
        "cross-validation over the training answers, by question (never on held-out rows).",
        "COLD dev is COLD's own distribution (the training split's sibling): the test split "
        "upstream is harder, expect lower figures there.",
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
