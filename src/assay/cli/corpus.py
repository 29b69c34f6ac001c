"""``assay corpus``: the source registry (5.1), the per-source assessment (5.1 a), 5.2 c)), the
9.2 b) technical sample and the filter (5.2 a))."""

from __future__ import annotations

import contextlib
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from assay.assess.run import corpus_judge
from assay.cli.assess import StoreOpt
from assay.cli.common import (
    DEFAULT_LANG,
    ConfigOpt,
    JsonOpt,
    Lang,
    LangOpt,
    ProfileOpt,
    ProgressLines,
    RuleOpt,
    check_lang,
    decision_rule,
    err_console,
    open_project,
    out_console,
    print_json,
    profile_for,
    project,
    table,
)
from assay.corpus.assess import assess_sources
from assay.corpus.filter import FilterStats
from assay.corpus.manual import export_manual, import_manual
from assay.corpus.review_queue import manual_from_queue
from assay.corpus.sources import check_sources
from assay.corpus.technical import TechnicalResult, technical_sample
from assay.errors import EXIT_FINDINGS, ConfigError
from assay.judges.base import Judge
from assay.messages import decision_word
from assay.messages import t as message
from assay.stats.rates import Decision, Rate, rule_name


class PiiChoice(StrEnum):
    """--pii of corpus filter."""

    KEEP = "keep"
    MASK = "mask"
    DROP = "drop"


class EngineChoice(StrEnum):
    """--engine of corpus filter."""

    LOCAL = "local"
    RAY = "ray"


app = typer.Typer(help="Corpus sources and their assessment (5.1, 5.2).")
SourcesArg = Annotated[
    Path | None,
    typer.Argument(
        help="The source registry (default: corpus.sources of assay.yaml, else sources.yaml)."
    ),
]
SeedOpt = Annotated[
    int | None,
    typer.Option(help="Seed of the draw (default: corpus.seed, else run.seed of assay.yaml; 0)."),
]
KeywordsOpt = Annotated[
    Path | None,
    typer.Option("--keywords", "-k", help="Keyword library (default: the project's)."),
]


@app.command("sources")
def sources(
    path: SourcesArg = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Check the source registry against 5.1: licences, contracts, consent, collection records,
    robots, several sources per language and modality, the foreign share. Exit 1 on findings."""
    code = check_lang(lang)
    the_project = open_project(config, profile, code)
    prof = the_project.profile
    path = the_project.corpus_sources(path)
    findings = check_sources(path, prof)
    if as_json:
        print_json([f.model_dump() for f in findings])
    else:
        for f in findings:
            where = f"{path}:{f.line}" if f.line else str(path)
            typer.echo(f"✗ {where}: " + " ".join(x for x in (f.clause, f.source, f.message) if x))
        typer.echo(message("cli.corpus.findings", code, n=len(findings)))
    if findings:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("assess")
def assess(
    path: SourcesArg = None,
    sample: Annotated[
        int | None, typer.Option(min=1, help="Sample size per source (default: the profile's).")
    ] = None,
    seed: SeedOpt = None,
    keywords: KeywordsOpt = None,
    quarantine_dir: Annotated[Path, typer.Option(help="Where bad records are written.")] = Path(
        "out/quarantine"
    ),
    classifier: ClassifierOpt = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    rule: RuleOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Sample every source, judge the sample (keywords and the classifier), and decide it
    against the 5% limit of 5.1 a); count personal information in every record. Bad records are
    quarantined, not fatal."""
    code = check_lang(lang)
    the_project = open_project(config, profile, code)
    judge = corpus_judge(the_project, keywords, _classifiers(classifier))
    results = assess_sources(
        the_project.corpus_sources(path),
        the_project.profile,
        judge=judge,
        sample_size=sample,
        seed=the_project.corpus_seed(seed),
        quarantine_dir=quarantine_dir,
        rule=decision_rule(rule, the_project.config),
    )
    if as_json:
        print_json([r.model_dump(mode="json") for r in results])
        if any(r.unusable for r in results):
            raise typer.Exit(EXIT_FINDINGS)
        return
    tab = table(
        message("cli.corpus.sources_title", code),
        [
            message("cli.corpus.col_source", code),
            message("cli.corpus.col_records", code),
            message("cli.corpus.col_quarantined", code),
            message("cli.corpus.col_sampled", code),
            message("cli.corpus.col_harmful", code),
            message("cli.corpus.col_rate", code),
            message("cli.corpus.col_decision", code),
            message("cli.corpus.col_pii", code),
        ],
    )
    for r in results:
        shown = (
            "-"
            if r.rate.value is None
            else f"{r.rate.value:.1%} [{r.rate.low:.1%}, {r.rate.high:.1%}]"
        )
        tab.add_row(
            r.source,
            str(r.records),
            str(r.quarantined),
            str(r.sampled),
            str(r.harmful),
            shown,
            message(r.decision, code),
            message("sep.list", code).join(
                f"{message(f'report.pii_{k}', code)} {v}" for k, v in sorted(r.pii.items())
            )
            or "-",
        )
    out_console().print(tab)
    if results:
        typer.echo(
            message("cli.corpus.decision_rule_indented", code) + rule_name(results[0].rule, code)
        )
    for r in results:
        for note in (r.notes_zh or r.notes) if code == "zh" else r.notes:  # older: English
            typer.echo(f"  {r.source}{message('sep.colon', code)}{note}")
        if r.quarantine_file:
            typer.echo(
                f"  {r.source}{message('sep.colon', code)}"
                f"{message('cli.corpus.quarantine_file', code)} {r.quarantine_file}"
            )
    if any(r.unusable for r in results):  # a source that read nothing: fix sources.yaml
        raise typer.Exit(EXIT_FINDINGS)


@app.command("technical")
def technical(
    path: SourcesArg = None,
    seed: SeedOpt = None,
    keywords: KeywordsOpt = None,
    classifier: ClassifierOpt = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    rule: RuleOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """The technical sample of 9.2 b): at least 10% of all records, judged by keywords and the
    classifier, against 98%. Exits 1 when the qualified rate is surely below 98%."""
    code = check_lang(lang)
    the_project = open_project(config, profile, code)
    judge = _needed(corpus_judge(the_project, keywords, _classifiers(classifier)))
    result = technical_sample(
        the_project.corpus_sources(path),
        the_project.profile,
        judge=judge,
        seed=the_project.corpus_seed(seed),
        rule=decision_rule(rule, the_project.config),
    )
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        _show_technical(result, code)
    if result.decision is Decision.FAIL:
        raise typer.Exit(EXIT_FINDINGS)


def _show_technical(result: TechnicalResult, code: Lang) -> None:
    shown = _shown(result.rate)
    typer.echo(
        message(
            "cli.corpus.technical_counts",
            code,
            records=result.records,
            required=result.required,
            sampled=result.sampled,
            qualified=result.qualified,
        )
    )
    typer.echo(
        message(
            "cli.corpus.qualified_decision",
            code,
            rate=shown,
            threshold=result.threshold,
            decision=decision_word(result.decision.value, code),
            rule=rule_name(result.rule, code),
        )
    )
    for note in (result.notes_zh or result.notes) if code == "zh" else result.notes:
        typer.echo(f"  {note}")


@app.command("filter")
def filter_(
    path: SourcesArg = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for the cleaned corpus and removal_log.jsonl."),
    ] = Path("out/clean"),
    pii: Annotated[
        PiiChoice,
        typer.Option(
            help="Personal information: keep, mask (in kept records) or drop (the record)."
        ),
    ] = PiiChoice.KEEP,
    keywords: KeywordsOpt = None,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            help="Worker processes (or Ray actors), one piece of the corpus at a time each "
            "(default, 0: every core).",
        ),
    ] = 0,
    engine: Annotated[
        EngineChoice,
        typer.Option(
            help="local (a process pool) or ray (pip install 'assay\\[ray]'; a local Ray unless "
            "--address names a cluster). Both give the same bytes."
        ),
    ] = EngineChoice.LOCAL,
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster address (with --engine ray), e.g. ray://head:10001."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Keep the pieces an interrupted run finished.")
    ] = False,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Write the cleaned corpus (flagged records removed), removal_log.jsonl and
    quarantine.jsonl; the same input and options give byte-identical output, whatever the
    number of workers or the engine. Big JSONL/CSV/TSV files are cut into 64 MB pieces and
    Parquet files into runs of row groups, so one file uses every worker."""
    from assay.corpus.filter import filter_project

    code = check_lang(lang)
    the_project = open_project(config, profile, code)
    started = time.perf_counter()
    console = err_console()
    lines = None if console.is_terminal else ProgressLines(console)  # a log: lines, not a bar
    with (
        contextlib.nullcontext()
        if lines is not None
        else Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[records]} · {task.fields[rate]}/s"),
            TimeRemainingColumn(),
            console=console,
        )
    ) as bar:
        task = (
            bar.add_task(message("cli.corpus.pieces", code), total=None, records=0, rate="0")
            if bar
            else None
        )

        def update(stats: FilterStats, done: int, total: int) -> None:
            rate = stats.records / max(1e-6, time.perf_counter() - started)
            if bar is not None and task is not None:
                bar.update(
                    task, completed=done, total=total, records=stats.records, rate=f"{rate:.0f}"
                )
            elif lines is not None:
                lines.log(
                    message(
                        "cli.corpus.progress",
                        code,
                        done=done,
                        total=total,
                        records=stats.records,
                        rate=rate,
                    ),
                    final=done == total,
                )

        kept: list[int] = []  # pieces a resumed run kept, told at the first progress call

        def first(stats: FilterStats, done: int, total: int) -> None:
            if not kept:
                kept.append(done)
            update(stats, done, total)

        try:
            stats = filter_project(
                the_project,
                out,
                sources=path,
                keywords=keywords,
                pii=pii.value,
                workers=workers,
                resume=resume,
                progress=first,
                engine=engine.value,
                address=address,
            )
        except KeyboardInterrupt:
            err_console().print(message("cli.corpus.interrupted", code))
            raise typer.Exit(130) from None
    if resume:
        typer.echo(message("cli.corpus.resumed", code, kept=kept[0] if kept else 0))
    typer.echo(
        message(
            "cli.corpus.filter_counts",
            code,
            records=stats.records,
            kept=stats.kept,
            removed=stats.removed,
            masked=stats.masked,
            quarantined=stats.quarantined,
        )
    )
    typer.echo(str(out / "removal_log.jsonl"))
    if stats.records == 0:
        err_console().print(
            message("cli.corpus.nothing_read", code, quarantined=stats.quarantined),
            soft_wrap=True,
            markup=False,
        )
        raise typer.Exit(EXIT_FINDINGS)


J = TypeVar("J", bound=Judge)
ClassifierOpt = Annotated[
    str | None,
    typer.Option(
        "--classifier",
        help="The classifier judging beside the keywords: classifier (built in), "
        "classifier:FOLDER (assay judges train), llm:MODEL@BASE_URL (an LLM judge), guard:FORMAT:FOLDER (a local guard model) or none. Default: the project's, else built in.",
    ),
]


def _classifiers(option: str | None) -> list[str] | None:
    """--classifier: None is the project's, "none" is no classifier, else one judge spec."""
    if option is None:
        return None
    return [] if option == "none" else [option]


def _needed(judge: J | None) -> J:
    if judge is None:
        raise ConfigError(
            "no keyword library", fix="pass --keywords or set banks.keywords in assay.yaml"
        )
    return judge


manual_app = typer.Typer(help="The manual sample of 9.2 a): export for reviewers, import verdicts.")
app.add_typer(manual_app, name="manual")


@manual_app.command("export")
def manual_export(
    path: SourcesArg = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The review sheet (.xlsx or .csv).")
    ] = Path("out/corpus-manual.xlsx"),
    size: Annotated[
        int | None, typer.Option(min=1, help="Records to draw (default: the profile's minimum).")
    ] = None,
    seed: SeedOpt = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Draw records uniformly from the whole corpus and write the sheet reviewers fill in
    (研判结果 合格/不合格, 风险, 审核人)."""
    code = check_lang(lang)
    the_project = open_project(config, profile, code)
    seed = the_project.corpus_seed(seed)
    rows, records = export_manual(
        the_project.corpus_sources(path), the_project.profile, out, size=size, seed=seed
    )
    typer.echo(
        message("cli.corpus.sample_drawn", code, records=records, rows=rows, seed=seed, out=out)
    )


@manual_app.command("import")
def manual_import(
    sheet: Annotated[
        Path | None, typer.Argument(help="The reviewed sheet (or --queue instead).")
    ] = None,
    queue: Annotated[
        str | None,
        typer.Option(
            help="Count the verdicts of this review app corpus queue (assay review queue RUN "
            "--kind corpus) instead of a sheet: agreed, single or adjudicated verdicts count."
        ),
    ] = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    rule: RuleOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Count the verdicts of the sheet or of the review app's queue and decide the qualified
    rate against 96%. Exits 1 when it is surely below or any row is bad."""
    code = check_lang(lang)
    if sheet is not None and queue is not None:
        raise ConfigError(
            message("corpus.manual_both", "en"), fix=message("cli.corpus.sheet_or_queue", "en")
        )
    if queue is not None:
        the_project = open_project(config, profile, code)
        result = manual_from_queue(
            the_project.open_store(store),
            queue,
            the_project.profile,
            decision_rule(rule, the_project.config),
        )
    elif sheet is None:
        raise ConfigError(
            message("cli.corpus.no_sheet", "en"), fix=message("cli.corpus.sheet_or_queue", "en")
        )
    else:
        cfg = project(config)
        if not sheet.is_file():
            raise ConfigError("sheet not found", file=sheet, fix="pass the sheet you exported")
        result = import_manual(sheet, profile_for(profile, cfg, code), decision_rule(rule, cfg))
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        typer.echo(
            message(
                "cli.corpus.review_imported",
                code,
                rows=result.rows,
                reviewed=result.reviewed,
                required=result.required,
                pending=result.pending,
                qualified=result.qualified,
                bad=len(result.bad),
            )
        )
        typer.echo(
            message(
                "cli.corpus.qualified_decision",
                code,
                rate=_shown(result.rate),
                threshold=result.threshold,
                decision=decision_word(result.decision.value, code),
                rule=rule_name(result.rule, code),
            )
        )
        for bad in result.bad:
            typer.echo(f"  ✗ {bad.file}:{bad.row}: {bad.reason} ({bad.fix})")
        for note in (result.notes_zh or result.notes) if code == "zh" else result.notes:
            typer.echo(f"  {note}")
    if result.decision is Decision.FAIL or result.bad:
        raise typer.Exit(EXIT_FINDINGS)


def _shown(measured: Rate) -> str:
    if measured.value is None:
        return "-"
    return f"{measured.value:.2%} [{measured.low:.2%}, {measured.high:.2%}]"
