"""``assay judges``: train the built-in classifier on labelled data, measure a judge's error on
labelled data (its calibration record), and show what the classifier covers (8.4)."""

from __future__ import annotations

import hashlib
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
    t,
    table,
)
from assay.errors import EXIT_FINDINGS
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
        "(the refusal judge; refusal:rules for its rules alone), "
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
            t(
                code,
                f"已训练 {len(covered)}/{len(prof.risks)} 个风险（{info.examples} 条文本），写入 {out}",
                f"trained {len(covered)} of {len(prof.risks)} risks on {info.examples} texts; "
                f"wrote {out}",
            )
        ),
        soft_wrap=True,
    )
    if missing:
        console.print(
            escape(t(code, "未覆盖：", "not covered: ") + ", ".join(missing)), soft_wrap=True
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
    from assay.judges.evaluate import calibration, metrics
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
    digest = hashlib.sha256(the_judge.spec.model_dump_json().encode()).hexdigest()[:8]
    target = out or Path(f"calibration-{the_judge.spec.name}-{digest}.json")
    target.write_text(record.model_dump_json(indent=1) + "\n", encoding="utf-8")
    if as_json:
        print_json(record.model_dump(mode="json"))
        return
    weak = frozenset(found.weak) if found is not None else frozenset()
    _print_metrics(rows, code, f"{the_judge.spec.name} · {labelled.name} ({len(examples)})", weak)
    err_console().print(
        escape(t(code, f"校准记录已写入 {target}", f"calibration record written to {target}")),
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
        columns = [t(code, "风险", "risk"), t(code, "名称", "name"), t(code, "覆盖", "covered")]
        if positives:
            columns.append(t(code, "训练正例", "training positives"))
        tab = table(
            t(code, f"{the_judge.spec.name} 覆盖情况", f"{the_judge.spec.name} coverage"), columns
        )
        for risk in prof.risks:
            shown = (
                t(code, "是", "yes")
                if risk.id in covered
                else t(code, "留出验证未过", "failed held-out")
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
                t(
                    code,
                    f"覆盖 {len(prof.risks) - len(missing)}/{len(prof.risks)} 个风险",
                    f"covers {len(prof.risks) - len(missing)} of {len(prof.risks)} risks",
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
            t(lang, "语言", "language"),
            t(lang, "条数", "replies"),
            t(lang, "准确率", "accuracy"),
            t(lang, "待定", "uncertain"),
            t(lang, "拒答精确率", "refusal precision"),
            t(lang, "拒答召回率", "refusal recall"),
            t(lang, "回答召回率", "answer recall"),
            t(lang, "部分拒答（另计）", "partial (apart)"),
        ],
    )
    for g in result.groups:
        partial = ", ".join(f"{k} {v}" for k, v in sorted(g.partial.items())) or "-"
        tab.add_row(
            t(lang, "全部", "all") if g.group == "all" else g.group,
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
        console.print(escape(t(lang, "误判（标注→判定）：", "misjudged (label→judged):")))
        for pattern, count in result.miss_patterns.items():
            console.print(escape(f"  {count:4d}  {pattern}"), soft_wrap=True)
    if errors is not None:
        err_console().print(
            escape(
                t(
                    lang,
                    f"{len(result.misses)} 条误判写入 {errors}",
                    f"{len(result.misses)} misjudged replies written to {errors}",
                )
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
            t(lang, "风险", "risk"),
            t(lang, "覆盖", "covered"),
            t(lang, "正例", "positives"),
            "TP/FP/FN/TN",
            t(lang, "精确率", "precision"),
            t(lang, "召回率(灵敏度)", "recall (sensitivity)"),
            t(lang, "特异度", "specificity"),
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
        return t(lang, "是", "yes")
    if m.risk in weak:
        return t(lang, "留出验证未过", "failed held-out")
    return t(lang, "否", "no")


def _rate(r: Rate) -> str:
    if r.value is None or r.low is None or r.high is None:
        return "-"
    return f"{r.value:.3f} [{r.low:.3f}, {r.high:.3f}]"
