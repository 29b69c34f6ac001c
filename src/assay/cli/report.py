"""``assay assess``, ``assay report``, ``assay measures``: the report and the filing package."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from assay.assess import run as stages
from assay.assess.calibration import import_calibration
from assay.assess.clauses import automatic_clauses
from assay.assess.execute import Budget
from assay.assess.measures import MeasuresFile, check, template
from assay.banks.check import CheckReport, check_files
from assay.banks.io import ReadOptions, load_keywords
from assay.banks.models import KeywordLibrary
from assay.cli.assess import StoreOpt, _run_context, _store, _target, run_results
from assay.cli.common import (
    ConfigOpt,
    Lang,
    LangOpt,
    ProfileOpt,
    RuleOpt,
    check_lang,
    decision_rule,
    default_lang,
    err_console,
    profile_for,
    project,
    project_inputs,
    t,
)
from assay.cli.corpus import corpus_judge
from assay.config import ProjectConfig
from assay.corpus.results import CorpusResults, assess_corpus, redecide
from assay.errors import EXIT_FINDINGS, ConfigError
from assay.judges.classifier import Coverage
from assay.judges.registry import coverage
from assay.reports.build import build_report
from assay.reports.model import Signatory
from assay.reports.package import FORMATS, OPTIONAL_FORMATS, check_package, write_package
from assay.standard.models import Profile
from assay.stats.rates import DEFAULT_RULE, DecisionRule
from assay.store.runstore import RunStore

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder for the package.")]
FormatOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--format", "-f", help="json, html, md, xlsx, pdf (repeatable; default all but pdf)."
    ),
]

measures_app = typer.Typer(
    help="measures.yaml: the provider's evidence for the clauses Assay cannot measure."
)


def assess(
    config: Annotated[
        Path | None, typer.Argument(help="Project file (default: ./assay.yaml).")
    ] = None,
    out: OutOpt = Path("out/assessment"),
    formats: FormatOpt = None,
    store: StoreOpt = None,
    run_id: Annotated[
        str | None, typer.Option(help="Id of the new run (default: a timestamp).")
    ] = None,
    today: Annotated[
        str | None, typer.Option(help="Check freshness as of this date (YYYY-MM-DD).")
    ] = None,
    rule: RuleOpt = None,
    lang: LangOpt = default_lang(),
) -> None:
    """Run everything the project file asks for (bank checks, the model assessment, measures)
    and write the whole package: report.json/html/md and the XLSX filing attachments."""
    code = check_lang(lang)
    cfg = project(config)
    if cfg is None:
        raise ConfigError("no project file", fix="pass the path of assay.yaml or run in its folder")
    prof = profile_for(None, cfg, code)
    chosen = decision_rule(rule, cfg)
    banks = check_files(cfg.banks.sources(), prof, today=_day(today), options=ReadOptions())
    runs = _store(store, cfg)
    inputs = project_inputs(cfg, config, runs.engine.url.database)
    check_package(out, inputs)  # before the run: a bad --out must not waste an assessment
    the_run: str | None = None
    if cfg.target is not None and any(cfg.banks.sources()[k] for k in cfg.banks.sources()):
        target = _target(None, None, "OPENAI_API_KEY", None, cfg)
        settings = cfg.run
        the_run = stages.start(
            runs,
            cfg,
            prof,
            target,
            kind="all",
            seed=settings.seed,
            shared_draw=settings.shared_draw,
            stratify=settings.stratify,
            run_id=run_id,
            oversample=settings.oversample,
        )
        err_console().print(t(code, f"运行 {the_run}", f"run {the_run}"))
        progress = asyncio.run(
            stages.run_target(
                runs,
                the_run,
                target,
                workers=settings.concurrency,
                budget=Budget(settings.max_requests, settings.max_tokens),
                max_consecutive_failures=settings.max_consecutive_failures,
            )
        )
        stopped = stages.stopped_error(progress, the_run)
        if stopped is not None:  # a dead endpoint: no package from a run that could not ask
            raise stopped
        stages.judge(runs, the_run, cfg, prof)
        _import_calibration_reviews(runs, the_run, prof, cfg, code)
    corpus = None
    if cfg.corpus is not None:
        corpus = assess_corpus(
            cfg.corpus.sources,
            prof,
            judge=corpus_judge(cfg, prof, None, None),
            seed=cfg.run.seed if cfg.corpus.seed is None else cfg.corpus.seed,
            manual_sheet=cfg.corpus.manual_sheet,
            quarantine_dir=out / "quarantine",
            rule=chosen,
        )
        # stored with the run (or on its own id when no model was assessed)
        the_run = the_run or run_id or datetime.now(UTC).strftime("corpus-%Y%m%dT%H%M%S")
        runs.put_corpus(the_run, corpus.model_dump(mode="json"))
        err_console().print(t(code, f"语料评估已保存：{the_run}", f"corpus assessment: {the_run}"))
    _package(cfg, prof, banks, runs, the_run, out, formats, code, corpus, chosen, inputs)


def report(
    run_id: Annotated[str, typer.Argument(help="Run id (see assay results --list).")],
    out: OutOpt = Path("out/report"),
    formats: FormatOpt = None,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    today: Annotated[
        str | None, typer.Option(help="Check freshness as of this date (YYYY-MM-DD).")
    ] = None,
    rule: RuleOpt = None,
    lang: LangOpt = default_lang(),
) -> None:
    """Write the report of a stored run (and the project's bank checks and measures)."""
    code, cfg, runs, prof = _run_context(run_id, config, profile, store, lang)
    banks = check_files(cfg.banks.sources(), prof, today=_day(today)) if cfg else None
    stored = runs.corpus(run_id)
    chosen = decision_rule(rule, cfg)
    corpus = redecide(CorpusResults.model_validate(stored), prof, chosen) if stored else None
    inputs = project_inputs(cfg, config, runs.engine.url.database)
    _package(cfg, prof, banks, runs, run_id, out, formats, code, corpus, chosen, inputs)


@measures_app.command("init")
def measures_init(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")] = Path(
        "measures.yaml"
    ),
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    lang: LangOpt = default_lang(),
) -> None:
    """Write a measures.yaml template with every clause Assay cannot measure, its text in
    Chinese and English, and the evidence it expects."""
    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    if out.exists() and not force:
        raise ConfigError("the file exists", file=out, fix="pass --force to overwrite it")
    out.write_text(template(prof, automatic_clauses(prof)), encoding="utf-8")
    typer.echo(t(code, f"已写入 {out}", f"wrote {out}"))


@measures_app.command("check")
def measures_check(
    path: Annotated[
        Path | None, typer.Argument(help="measures.yaml (default: the project's).")
    ] = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = default_lang(),
) -> None:
    """Validate measures.yaml: unknown clauses, 'conforms' without evidence, 'not applicable' or
    'not conforms' without a reason, missing evidence files, changed hashes. Exit 1 on problems."""
    code = check_lang(lang)
    cfg = project(config)
    prof = profile_for(profile, cfg, code)
    file = path or (cfg.measures if cfg else Path("measures.yaml"))
    if not file.is_file():
        raise ConfigError(
            "measures file not found", file=file, fix="create it with assay measures init"
        )
    _, problems = check(file, prof, automatic_clauses(prof))
    for problem in problems:
        typer.echo(f"✗ {problem}")
    typer.echo(t(code, f"{len(problems)} 个问题", f"{len(problems)} problems"))
    if problems:
        raise typer.Exit(EXIT_FINDINGS)


def _package(
    cfg: ProjectConfig | None,
    prof: Profile,
    banks: CheckReport | None,
    runs: RunStore,
    run_id: str | None,
    out: Path,
    formats: list[str] | None,
    lang: Lang,
    corpus: CorpusResults | None = None,
    rule: DecisionRule = DEFAULT_RULE,
    inputs: list[Path] | None = None,
) -> None:
    chosen = formats or list(FORMATS)
    unknown = [f for f in chosen if f not in FORMATS + OPTIONAL_FORMATS]
    if unknown:
        raise ConfigError(
            f"unknown format {unknown[0]!r}", fix=f"use {', '.join(FORMATS + OPTIONAL_FORMATS)}"
        )
    measures = _measures(cfg, prof)
    run = run_results(runs, run_id, prof, cfg, rule) if run_id and runs.has_run(run_id) else None
    signatories = (
        [Signatory(role=s.role, name=s.name, title=s.title) for s in cfg.signatories] if cfg else []
    )
    built = build_report(
        project=cfg.name if cfg else "assay project",
        profile=prof,
        banks=banks,
        store=runs,
        run=run,
        measures=measures,
        signatories=signatories,
        signatory_note=cfg.signatory_note if cfg else "",
        corpus=corpus,
        classifier=_coverage(cfg, prof),
        decision_rule=rule,
    )
    keywords = _keywords(cfg, prof)
    for path in write_package(
        built,
        out,
        formats=chosen,
        lang=lang,
        profile=prof,
        store=runs,
        keywords=keywords,
        inputs=inputs or (),
    ):
        typer.echo(str(path))
    c = built.conclusion
    overall = {
        "full": ("全部符合要求", "conforms in full"),
        "partial": ("部分符合要求", "conforms in part"),
        "none": ("全部不符合要求", "does not conform"),
        "undetermined": ("尚无结论", "no conclusion yet"),
    }[c.overall]
    note = t(
        lang,
        f"（暂定：{len(c.undetermined)} 条应条款待定）",
        f" (provisional: {len(c.undetermined)} mandatory clauses undetermined)",
    )
    err_console().print(
        t(lang, "整体评估结论：", "overall: ")
        + overall[0 if lang == "zh" else 1]
        + (note if c.provisional else "")
    )


def _import_calibration_reviews(
    runs: RunStore, run_id: str, prof: Profile, cfg: ProjectConfig, lang: Lang
) -> None:
    """Import the reviewed calibration sheets of ``calibration_reviews:`` into the new run:
    people's verdicts on answers the judge decided calibrate it in-run. Bad rows are reported
    and skipped; they never stop the assessment."""
    for judge, sheet in cfg.calibration_reviews.items():
        if not sheet.is_file():
            raise ConfigError(
                "calibration review sheet not found",
                file=sheet,
                fix="write it with assay review export RUN --method calibration-" + judge,
            )
        report = import_calibration(runs, run_id, prof, sheet, judge=judge)
        err_console().print(
            t(
                lang,
                f"校准审核 {judge}：导入 {report.accepted} 条，未填写 {report.pending} 条，"
                f"无效 {len(report.bad)} 条（{sheet.name}）",
                f"calibration review {judge}: imported {report.accepted}, not reviewed "
                f"{report.pending}, bad {len(report.bad)} ({sheet.name})",
            ),
            soft_wrap=True,
        )
        for bad in report.bad:
            err_console().print(f"! {bad}", soft_wrap=True, markup=False)


def _coverage(cfg: ProjectConfig | None, prof: Profile) -> Coverage | None:
    """The risk coverage of the project's classifier (8.4), when it is one that says."""
    judge = stages.classifier_judge(cfg, prof)
    return coverage(judge, prof) if judge is not None else None


def _measures(cfg: ProjectConfig | None, prof: Profile) -> MeasuresFile | None:
    if cfg is None or not cfg.measures.is_file():
        return None
    measures, problems = check(cfg.measures, prof, automatic_clauses(prof))
    for problem in problems:
        err_console().print(f"! {problem}", soft_wrap=True, markup=False)
    return measures


def _keywords(cfg: ProjectConfig | None, prof: Profile) -> KeywordLibrary | None:
    if cfg is None or cfg.banks.keywords is None:
        return None
    library, _ = load_keywords(cfg.banks.keywords.path, prof)
    return library


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--today {text!r} is not a date", fix="write it as YYYY-MM-DD") from None
