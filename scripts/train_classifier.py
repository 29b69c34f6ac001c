"""Train the classifier shipped with Assay (``src/assay/judges/data/classifier``).

Reads the licensed public sets in ``../shared/data`` (or ``--data``; see each set's README and
``assay.judges.starter`` for how their rows map to risk ids) and the example banks in
``examples/banks``, holds out ``sha256(fold(text)) % 10 == 0`` (training never sees it), trains,
and writes:

* ``weights.npz`` and ``model.json``: hashed-feature weights only, no text;
* ``MODEL_CARD.md``: per-risk training counts, coverage and held-out precision/recall/F1;
* ``NOTICE``: each source and its licence (CC-BY-4.0 sets are attributed).

Deterministic: running it twice writes byte-identical weights.

    .venv/bin/python scripts/train_classifier.py [--data ../shared/data] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path("/work/shared/data")
DEFAULT_OUT = ROOT / "src" / "assay" / "judges" / "data" / "classifier"

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

    from assay.judges.card import model_card
    from assay.judges.classifier import ClassifierJudge
    from assay.judges.evaluate import metrics
    from assay.judges.linear import save_info, save_model
    from assay.judges.starter import HOLDOUT_RULE, SOURCES, load_starter
    from assay.judges.training import TrainConfig, merge, train
    from assay.standard import load_profile

    profile = load_profile()
    split = load_starter(args.data, ROOT / "examples", profile)
    print(f"examples: {len(split.train)} for training, {len(split.holdout)} held out")
    started = time.perf_counter()
    model, info = train(
        split.train,
        [r.id for r in profile.risks],
        TrainConfig(epochs=args.epochs),
        progress=lambda epoch, loss: print(f"  epoch {epoch}: loss {loss:.4f}"),
    )
    print(f"trained in {time.perf_counter() - started:.1f} s: {', '.join(model.labels)}")
    stats = _stats(args.data)
    info = info.model_copy(
        update={
            "sources": tuple(_source_line(s.name, stats, split.by_source) for s in SOURCES)
            + (
                f"examples/banks (Assay's example banks): {split.by_source['examples/banks']} rows",
            ),
            "holdout": f"{HOLDOUT_RULE} ({len(split.holdout)} rows; never used for training)",
        }
    )
    info = save_model(model, info, args.out)
    judge = ClassifierJudge.load(args.out)
    holdout = merge(split.holdout)
    verdicts = judge.judge_many([e.text for e in holdout])
    rows = metrics(holdout, verdicts, [r.id for r in profile.risks], set(judge.covered_risks))
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
    save_info(info, args.out)
    card = model_card(
        info,
        profile,
        title="Assay built-in classifier (default)",
        held_out=rows,
        notes=_notes(),
    )
    (args.out / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    (args.out / "NOTICE").write_text(_notice(stats), encoding="utf-8")
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {args.out} ({size / 1e6:.2f} MB)")
    return 0


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
        "Most harmful examples are questions or comments, not model answers: scores on long "
        "generated answers are less certain than these held-out figures suggest.",
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
