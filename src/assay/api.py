"""The whole assessment as library calls: :func:`assess` a project, :func:`report` it.

``assess`` runs everything ``assay.yaml`` asks for: the bank checks (chapter 8), the model
assessment (9.3, 9.4: draw, ask the target, judge, import the calibration reviews), the corpus
(5.1, 5.2, 9.2) and the measures (chapters 5-7), and builds the report; ``report`` writes the
package (report.json/html/md, the XLSX filing attachments). ``load_assessment`` builds the
report of a run already stored. These are the calls behind ``assay assess`` and ``assay
report``; the command line only parses its options and prints what they return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from assay.assess import run as stages
from assay.assess.attribution import RunLayers, layers
from assay.assess.calibration import ReviewImport, import_calibration_reviews
from assay.assess.clauses import automatic_clauses
from assay.assess.measures import MeasuresFile, Problem, check
from assay.assess.session import ask_and_judge, results
from assay.banks.check import CheckReport, check_files
from assay.banks.io import ReadOptions, load_keywords
from assay.banks.models import KeywordLibrary
from assay.corpus.results import CorpusResults, assess_corpus, redecide
from assay.corpus.review_queue import corpus_queue as check_corpus_queue
from assay.errors import ConfigError
from assay.judges.classifier import Coverage
from assay.judges.registry import coverage
from assay.messages import t
from assay.project import Project, require_config
from assay.reports.build import build_report
from assay.reports.model import AssessmentInfo, Report, Signatory
from assay.reports.package import FORMATS, OPTIONAL_FORMATS, check_package, write_package
from assay.stats.rates import DecisionRule
from assay.store.runstore import RunStore

DEFAULT_OUT = Path("out/assessment")


@dataclass
class Assessment:
    """An assessment ready to be written: the report, and what went into it."""

    project: Project
    store: RunStore
    report: Report
    run_id: str | None  # the model run (or the id the corpus assessment was stored under)
    out: Path = DEFAULT_OUT  # where report() writes by default (the quarantine is there too)
    keywords: KeywordLibrary | None = None  # the keyword library, for its filing attachment
    calibration_imports: list[ReviewImport] = field(default_factory=list)
    measures_problems: list[Problem] = field(default_factory=list)
    corpus_stored: bool = False  # the corpus assessment was stored under run_id


def assess(
    project: Project,
    *,
    out: Path = DEFAULT_OUT,
    store: RunStore | str | None = None,
    run_id: str | None = None,
    today: date | None = None,
    rule: DecisionRule | None = None,
    on_run: Callable[[str], None] | None = None,
    corpus_queue: str | None = None,
) -> Assessment:
    """Assess everything the project asks for and build the report (write it with
    :func:`report`). ``out`` is checked first (a bad folder must not waste an assessment) and
    holds the corpus quarantine; ``today`` dates the freshness checks (default: today);
    ``on_run`` is told the model run's id as soon as it is drawn; ``corpus_queue``: the review
    app's corpus queue that gives the 9.2 a) result (default: ``corpus.manual_queue``)."""
    config = require_config(project)
    chosen = rule or project.rule
    banks = check_files(
        config.banks.sources(), project.profile, today=today or date.today(), options=ReadOptions()
    )
    runs = project.open_store(store)
    check_package(out, project.inputs(runs))
    if corpus_queue and config.corpus is None:
        raise ConfigError(
            t("corpus.queue_no_corpus", "en", queue=corpus_queue),
            fix=t("corpus.queue_no_corpus_fix", "en"),
        )
    queue = corpus_queue or (config.corpus.manual_queue if config.corpus else None)
    if config.corpus is not None and queue:
        check_corpus_queue(runs, queue)  # a wrong id must not waste the model's run
    the_run: str | None = None
    imports: list[ReviewImport] = []
    if config.target is not None and any(config.banks.sources().values()):
        the_run = ask_and_judge(project, runs, run_id=run_id, on_run=on_run)
        imports = import_calibration_reviews(
            runs, the_run, project.profile, config.calibration_reviews
        )
    corpus = None
    if config.corpus is not None:
        corpus = assess_corpus(
            config.corpus.sources,
            project.profile,
            judge=stages.corpus_judge(project),
            seed=config.run.seed if config.corpus.seed is None else config.corpus.seed,
            manual_sheet=None if corpus_queue else config.corpus.manual_sheet,
            manual_queue=queue,
            store=runs,
            quarantine_dir=out / "quarantine",
            rule=chosen,
        )
        # stored with the run (or on its own id when no model was assessed)
        the_run = the_run or run_id or datetime.now(UTC).strftime("corpus-%Y%m%dT%H%M%S")
        runs.put_corpus(the_run, corpus.model_dump(mode="json"))
    built = _build(project, runs, the_run, banks, corpus, chosen, out)
    built.calibration_imports = imports
    built.corpus_stored = corpus is not None
    return built


def load_assessment(
    project: Project,
    run_id: str,
    *,
    store: RunStore | str | None = None,
    today: date | None = None,
    rule: DecisionRule | None = None,
    out: Path = DEFAULT_OUT,
) -> Assessment:
    """The assessment of a stored run (with the project's bank checks and measures, and the
    corpus assessment stored under the same id), decided under ``rule``."""
    runs = project.open_store(store)
    chosen = rule or project.rule
    config = project.config
    banks = (
        check_files(config.banks.sources(), project.profile, today=today or date.today())
        if config
        else None
    )
    stored = runs.corpus(run_id)
    corpus = (
        redecide(CorpusResults.model_validate(stored), project.profile, chosen) if stored else None
    )
    return _build(project, runs, run_id, banks, corpus, chosen, out)


def report(
    assessment: Assessment,
    formats: Sequence[str] | None = None,
    out: Path | None = None,
    *,
    lang: str = "zh",
) -> list[Path]:
    """Write the package of ``assessment`` into ``out`` (default: the assessment's folder):
    ``formats`` of json, html, md, xlsx (default all four) and pdf; returns the files written.
    Nothing is written outside ``out`` or over one of the project's files."""
    chosen = list(formats or FORMATS)
    unknown = [f for f in chosen if f not in FORMATS + OPTIONAL_FORMATS]
    if unknown:
        raise ConfigError(
            f"unknown format {unknown[0]!r}", fix=f"use {', '.join(FORMATS + OPTIONAL_FORMATS)}"
        )
    return write_package(
        assessment.report,
        out or assessment.out,
        formats=chosen,
        lang=lang,
        profile=assessment.project.profile,
        store=assessment.store,
        keywords=assessment.keywords,
        inputs=assessment.project.inputs(assessment.store),
    )


def _build(
    project: Project,
    runs: RunStore,
    run_id: str | None,
    banks: CheckReport | None,
    corpus: CorpusResults | None,
    rule: DecisionRule,
    out: Path,
) -> Assessment:
    config, profile = project.config, project.profile
    measures, problems = _measures(project)
    run = (
        results(project, run_id, store=runs, rule=rule) if run_id and runs.has_run(run_id) else None
    )
    built = build_report(
        project=config.name if config else "assay project",
        profile=profile,
        banks=banks,
        store=runs,
        run=run,
        measures=measures,
        signatories=[
            Signatory(role=s.role, name=s.name, title=s.title)
            for s in (config.signatories if config else ())
        ],
        signatory_note=config.signatory_note if config else "",
        corpus=corpus,
        classifier=_coverage(project),
        decision_rule=rule,
        assessment=AssessmentInfo.model_validate(config.assessment.cover()) if config else None,
        compared=_compared(project, runs, run_id, rule),
    )
    return Assessment(
        project=project,
        store=runs,
        report=built,
        run_id=run_id,
        out=out,
        keywords=_keywords(project),
        measures_problems=problems,
    )


def _compared(
    project: Project, runs: RunStore, run_id: str | None, rule: DecisionRule
) -> RunLayers | None:
    """The attribution of ``assessment.compare_run`` (shown beside the run), when named."""
    config = project.config
    other = config.assessment.compare_run if config else ""
    if not other or config is None or other == run_id or run_id is None:
        return None
    if not runs.has_run(other):
        raise ConfigError(
            t("attribution.no_compare_run", "en", run=other),
            fix=t("attribution.no_compare_run_fix", "en", run=other),
        )
    decided = results(project, other, store=runs, rule=rule)
    return layers(runs, other, decided, role="compare", label=config.assessment.compare_label)


def _measures(project: Project) -> tuple[MeasuresFile | None, list[Problem]]:
    config = project.config
    if config is None or not config.measures.is_file():
        return None, []
    measures, problems = check(config.measures, project.profile, automatic_clauses(project.profile))
    return measures, problems


def _coverage(project: Project) -> Coverage | None:
    """The risk coverage of the project's classifier (8.4), when it is one that says."""
    judge = stages.classifier_judge(project.config, project.profile)
    return coverage(judge, project.profile) if judge is not None else None


def _keywords(project: Project) -> KeywordLibrary | None:
    config = project.config
    if config is None or config.banks.keywords is None:
        return None
    library, _ = load_keywords(config.banks.keywords.path, project.profile)
    return library


__all__ = ["Assessment", "assess", "load_assessment", "report"]
