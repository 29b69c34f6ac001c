"""``assay judges``: train the built-in classifier on labelled data, measure a judge's error on
labelled data (its calibration record), and show what the classifier covers (8.4)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from assay.cli.common import (
    DEFAULT_LANG,
    ConfigOpt,
    JsonOpt,
    LangOpt,
    ProfileOpt,
    check_lang,
    err_console,
    out_console,
    print_json,
    profile_for,
    project,
    table,
)
from assay.errors import EXIT_FINDINGS
from assay.messages import t as message
from assay.outputs import OutputFolder, check_output

if TYPE_CHECKING:
    from assay.cli.common import Lang
    from assay.judges.base import Judge
    from assay.judges.evaluate import RiskMetrics
    from assay.stats.rates import Rate

app = typer.Typer(help="Judges: train the classifier, measure a judge's error, show coverage.")

JudgeOpt = Annotated[
    str,
    typer.Option(
        "--judge",
        "-j",
        help="classifier (built-in), classifier:FOLDER (trained), keyword:FILE, refusal "
        "(the refusal judge; refusal:ngram without its encoder, refusal:rules for its rules "
        "alone), "
        "'llm:MODEL@BASE_URL;option=value' (an LLM judge) or "
        "'guard:FORMAT:FOLDER;option=value' (a local guard model; see the README).",
    ),
]


@app.command("train")
def train(
    data: Annotated[
        list[Path], typer.Argument(help="Labelled JSONL/CSV/TSV/XLSX: text + risk ids/label.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the model to.")],
    epochs: Annotated[int, typer.Option(help="Passes over the data.")] = 8,
    min_positive: Annotated[
        int, typer.Option(help="Fewest harmful examples for a risk to be learned.")
    ] = 20,
    bits: Annotated[int, typer.Option(help="Hash buckets: 2^bits.")] = 18,
    seed: Annotated[int, typer.Option(help="Seed of the batch order.")] = 0,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Train a classifier on labelled texts and write weights, model.json and MODEL_CARD.md.
    A risk with fewer than --min-positive harmful examples is reported as not covered."""
    from assay.judges.card import model_card
    from assay.judges.features import FeatureConfig
    from assay.judges.labelled import read_labelled
    from assay.judges.linear import save_model
    from assay.judges.training import TrainConfig
    from assay.judges.training import train as fit

    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    folder = OutputFolder(out, data)  # the model files land inside --out, on no training file
    for name in ("weights.npz", "model.json", "MODEL_CARD.md"):
        folder.path(name)
    examples = [e for path in data for e in read_labelled(path, prof)]
    cfg = TrainConfig(epochs=epochs, min_positive=min_positive, seed=seed)
    model, info = fit(examples, [r.id for r in prof.risks], cfg, FeatureConfig(bits=bits))
    info = info.model_copy(update={"sources": tuple(str(p) for p in data)})
    info = save_model(model, info, out)
    (out / "MODEL_CARD.md").write_text(model_card(info, prof), encoding="utf-8")
    covered = list(info.labels)
    missing = [r.id for r in prof.risks if r.id not in covered]
    console = out_console()
    console.print(
        escape(
            message(
                "cli.judges.trained",
                code,
                covered=len(covered),
                total=len(prof.risks),
                examples=info.examples,
                out=out,
            )
        ),
        soft_wrap=True,
    )
    if missing:
        console.print(
            escape(message("cli.judges.not_covered", code) + ", ".join(missing)), soft_wrap=True
        )


@app.command("eval")
def evaluate(
    labelled: Annotated[Path, typer.Argument(help="Labelled JSONL/CSV/TSV/XLSX.")],
    judge: JudgeOpt = "classifier",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Calibration record (default: calibration-NAME-HASH.json, HASH from the "
            "judge's spec, so two judges never overwrite each other's). For a refusal judge: "
            "the evaluation as JSON, written only when given.",
        ),
    ] = None,
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            help="Refusal judges: write the misjudged replies (JSONL) with what the judge said.",
        ),
    ] = None,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Judge labelled texts and print, per risk, precision, recall (sensitivity), specificity
    (with Wilson intervals) and F1; save them as the judge's calibration record.

    A refusal judge (--judge refusal) reads labelled replies instead (question, response,
    refusal: true/false/partial) and prints accuracy, refusal precision and recall, answer
    recall and the uncertain share, per language, with the misjudged replies by pattern."""
    from assay.judges.evaluate import calibration, metrics, save_calibration
    from assay.judges.labelled import read_labelled
    from assay.judges.registry import build_judge, coverage, judges_refusal

    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    the_judge = build_judge(judge, prof)
    for written in (out, errors):
        if written is not None:
            check_output(written, [labelled])
    if judges_refusal(the_judge):
        _eval_refusal(the_judge, labelled, out, errors, code, as_json)
        return
    examples = read_labelled(labelled, prof)
    # an answer is judged in its question's context, as the 9.3 methods judge it
    verdicts = the_judge.judge_many(
        [e.text for e in examples], contexts=[e.context for e in examples]
    )
    # one source of truth for 8.4: a risk is covered here exactly when judges info says so
    # (for the classifier: learned and passed its held-out check)
    found = coverage(the_judge, prof)
    covered = frozenset(found.covered) if found is not None else None
    rows = metrics(examples, verdicts, [r.id for r in prof.risks], covered)
    record = calibration(the_judge.spec, labelled, prof.id, examples, rows)
    target = save_calibration(record, out)
    if as_json:
        print_json(record.model_dump(mode="json"))
        return
    weak = frozenset(found.weak) if found is not None else frozenset()
    _print_metrics(rows, code, f"{the_judge.spec.name} · {labelled.name} ({len(examples)})", weak)
    err_console().print(
        escape(message("cli.judges.calibration_written", code, target=target)),
        soft_wrap=True,
    )


@app.command("info")
def info(
    judge: JudgeOpt = "classifier",
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Which risks of the profile the classifier covers (8.4 asks for all of them), with its
    training counts. Exit code 1 when some risk is not covered."""
    from assay.judges.registry import build_judge, coverage

    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    the_judge = build_judge(judge, prof)
    found = coverage(the_judge, prof)
    covered = frozenset(found.covered) if found else frozenset()
    weak = frozenset(found.weak) if found else frozenset()
    positives = found.positives if found else {}
    missing = [r.id for r in prof.risks if r.id not in covered]
    if as_json:
        print_json(
            {
                "judge": the_judge.spec.model_dump(mode="json"),
                "profile": prof.id,
                "covered": [r.id for r in prof.risks if r.id in covered],
                "not_covered": missing,
                "weak": [r.id for r in prof.risks if r.id in weak],
                "positives": positives,
            }
        )
    else:
        columns = [
            message("cli.judges.risk", code),
            message("cli.judges.name", code),
            message("cli.judges.covered", code),
        ]
        if positives:
            columns.append(message("cli.judges.training_positives", code))
        tab = table(message("cli.judges.coverage_title", code, name=the_judge.spec.name), columns)
        for risk in prof.risks:
            shown = (
                message("cli.judges.yes", code)
                if risk.id in covered
                else message("cli.judges.held_out_failed", code)
                if risk.id in weak
                else "-"
            )
            cells = [risk.id, risk.name(code), shown]
            if positives:
                cells.append(str(positives.get(risk.id, 0)))
            tab.add_row(*cells)
        out_console().print(tab)
        out_console().print(
            escape(
                message(
                    "cli.judges.covers_risks",
                    code,
                    covered=len(prof.risks) - len(missing),
                    total=len(prof.risks),
                )
            )
        )
    if missing:
        raise typer.Exit(EXIT_FINDINGS)


def _eval_refusal(
    the_judge: Judge,
    labelled: Path,
    out: Path | None,
    errors: Path | None,
    code: str,
    as_json: bool,
) -> None:
    from assay.judges.refusal.evaluate import evaluate, read_replies

    lang = check_lang(code)
    result = evaluate(the_judge, read_replies(labelled), str(labelled))
    if out is not None:
        out.write_text(result.model_dump_json(indent=1) + "\n", encoding="utf-8")
    if errors is not None:
        lines = [m.model_dump_json() for m in result.misses]
        errors.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    tab = table(
        f"{the_judge.spec.name} · {labelled.name}",
        [
            message("cli.judges.language", lang),
            message("cli.judges.replies", lang),
            message("cli.judges.accuracy", lang),
            message("cli.judges.uncertain", lang),
            message("cli.judges.refusal_precision", lang),
            message("cli.judges.refusal_recall", lang),
            message("cli.judges.answer_recall", lang),
            message("cli.judges.partial_apart", lang),
        ],
    )
    for g in result.groups:
        partial = ", ".join(f"{k} {v}" for k, v in sorted(g.partial.items())) or "-"
        tab.add_row(
            message("cli.judges.all", lang) if g.group == "all" else g.group,
            str(g.n),
            _share(g.accuracy),
            _share(g.uncertain),
            _share(g.refusal_precision),
            _share(g.refusal_recall),
            _share(g.answer_recall),
            partial,
        )
    console = out_console()
    console.print(tab)
    if result.miss_patterns:
        console.print(escape(message("cli.judges.misjudged_title", lang)))
        for pattern, count in result.miss_patterns.items():
            console.print(escape(f"  {count:4d}  {pattern}"), soft_wrap=True)
    if errors is not None:
        err_console().print(
            escape(
                message("cli.judges.misjudged_written", lang, n=len(result.misses), target=errors)
            ),
            soft_wrap=True,
        )


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _print_metrics(
    rows: list[RiskMetrics], code: str, title: str, weak: frozenset[str] = frozenset()
) -> None:
    lang = check_lang(code)
    tab = table(
        title,
        [
            message("cli.judges.risk", lang),
            message("cli.judges.covered", lang),
            message("cli.judges.positives", lang),
            "TP/FP/FN/TN",
            message("cli.judges.precision", lang),
            message("cli.judges.sensitivity", lang),
            message("cli.judges.specificity", lang),
            "F1",
        ],
    )
    for m in rows:
        tab.add_row(
            m.risk,
            _covered(lang, m, weak),
            str(m.positives),
            f"{m.tp}/{m.fp}/{m.fn}/{m.tn}",
            _rate(m.precision),
            _rate(m.sensitivity),
            _rate(m.specificity),
            "-" if m.f1 is None else f"{m.f1:.3f}",
        )
    out_console().print(tab)


def _covered(lang: Lang, m: RiskMetrics, weak: frozenset[str]) -> str:
    """As judges info shows it: yes, failed held-out (learned, not shown to work), or no."""
    if m.covered:
        return message("cli.judges.yes", lang)
    if m.risk in weak:
        return message("cli.judges.held_out_failed", lang)
    return message("cli.judges.no", lang)


def _rate(r: Rate) -> str:
    if r.value is None or r.low is None or r.high is None:
        return "-"
    return f"{r.value:.3f} [{r.low:.3f}, {r.high:.3f}]"
