"""``assay assess``, ``assay report``, ``assay measures``: the report and the filing package."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assay.assess.clauses import automatic_clauses
from assay.assess.measures import check, template
from assay.cli.assess import StoreOpt
from assay.cli.common import (
    DEFAULT_LANG,
    ConfigOpt,
    Lang,
    LangOpt,
    ProfileOpt,
    RuleOpt,
    check_lang,
    decision_rule,
    err_console,
    open_project,
    profile_for,
    project,
    run_context,
)
from assay.errors import EXIT_FINDINGS, ConfigError
from assay.messages import t as message

if TYPE_CHECKING:
    from assay.api import Assessment
    from assay.assess.calibration import ReviewImport

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
    corpus_queue: Annotated[
        str | None,
        typer.Option(
            help="The review app's corpus queue (assay review queue RUN --kind corpus) whose "
            "counted verdicts give the 9.2 a) manual result, instead of corpus.manual_sheet "
            "(default: corpus.manual_queue of assay.yaml)."
        ),
    ] = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Run everything the project file asks for (bank checks, the model assessment, measures)
    and write the whole package: report.json/html/md and the XLSX filing attachments."""
    from assay.api import assess as assess_project

    code = check_lang(lang)
    the_project = open_project(config, None, code)
    if the_project.config is None:
        raise ConfigError("no project file", fix="pass the path of assay.yaml or run in its folder")
    assessment = assess_project(
        the_project,
        out=out,
        store=store,
        run_id=run_id,
        today=_day(today),
        rule=decision_rule(rule, the_project.config),
        on_run=lambda the_run: err_console().print(message("cli.report.run", code, run_id=the_run)),
        corpus_queue=corpus_queue,
    )
    _show_imports(assessment.calibration_imports, code)
    if assessment.corpus_stored:
        err_console().print(message("cli.report.corpus_stored", code, run_id=assessment.run_id))
    _write(assessment, out, formats, code)


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
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Write the report of a stored run (and the project's bank checks and measures)."""
    from assay.api import load_assessment

    code, the_project, runs = run_context(run_id, config, profile, store, lang)
    assessment = load_assessment(
        the_project,
        run_id,
        store=runs,
        today=_day(today),
        rule=decision_rule(rule, the_project.config),
        out=out,
    )
    _write(assessment, out, formats, code)


@measures_app.command("init")
def measures_init(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")] = Path(
        "measures.yaml"
    ),
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Write a measures.yaml template with every clause Assay cannot measure, its text in
    Chinese and English, and the evidence it expects."""
    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    if out.exists() and not force:
        raise ConfigError("the file exists", file=out, fix="pass --force to overwrite it")
    out.write_text(template(prof, automatic_clauses(prof)), encoding="utf-8")
    typer.echo(message("cli.report.wrote", code, out=out))


@measures_app.command("check")
def measures_check(
    path: Annotated[
        Path | None, typer.Argument(help="measures.yaml (default: the project's).")
    ] = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = DEFAULT_LANG,
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
        typer.echo(f"✗ {problem.text(code)}")
    typer.echo(message("cli.report.problems", code, n=len(problems)))
    if problems:
        raise typer.Exit(EXIT_FINDINGS)


def _write(assessment: Assessment, out: Path, formats: list[str] | None, lang: Lang) -> None:
    """Write the package and say what was written and the overall conclusion."""
    from assay.api import report as write_report

    for problem in assessment.measures_problems:
        err_console().print(f"! {problem.text(lang)}", soft_wrap=True, markup=False)
    for path in write_report(assessment, formats, out, lang=lang):
        typer.echo(str(path))
    c = assessment.report.conclusion
    note = message("cli.report.provisional", lang, n=len(c.undetermined))
    err_console().print(
        message(f"cli.report.overall_{c.overall}", lang) + (note if c.provisional else "")
    )


def _show_imports(imports: list[ReviewImport], lang: Lang) -> None:
    """What importing the reviewed calibration sheets of ``calibration_reviews:`` did."""
    for done in imports:
        report, judge, sheet = done.report, done.judge, done.sheet
        err_console().print(
            message(
                "cli.report.calibration_imported",
                lang,
                judge=judge,
                accepted=report.accepted,
                pending=report.pending,
                bad=len(report.bad),
                sheet=sheet.name,
            ),
            soft_wrap=True,
        )
        for bad in report.bad:
            err_console().print(f"! {bad}", soft_wrap=True, markup=False)


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--today {text!r} is not a date", fix="write it as YYYY-MM-DD") from None
