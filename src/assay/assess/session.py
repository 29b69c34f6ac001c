"""The model assessment (9.3, 9.4) as library calls: :func:`run` (draw, ask, judge, decide),
:func:`judge` (re-judge a stored run), :func:`results` (its decision table).

These are ``assay.run``, ``assay.judge`` and ``assay.results``; the command line is argument
parsing over them and rendering of what they return. Nothing here prints: progress goes to the
callbacks, what the caller may want to say comes back in the returned objects.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from assay.assess import run as stages
from assay.assess.execute import Budget, Progress
from assay.assess.judge_set import JudgeSet, Which, judges_for
from assay.assess.judging import JudgeCounts
from assay.assess.options import RunOptions, Settled
from assay.assess.results import Calibrated, RunResults
from assay.assess.results import results as decision_table
from assay.assess.targets import TargetChoice, resumed_target, target_for
from assay.errors import TargetUnavailableError
from assay.judges.evaluate import ANY, load_calibration, same_judge
from assay.project import Project, require_config
from assay.standard.loader import builtin_profiles
from assay.standard.models import Profile
from assay.stats.corrected import Counts
from assay.stats.rates import DecisionRule
from assay.store.runstore import RunStore
from assay.targets.base import Target


@dataclass
class RunOutcome:
    """What :func:`run` did: the run, how the asking went (``progress``, within ``budget``),
    the error it stopped on (a dead endpoint) and, when it did not, the decision table."""

    run_id: str
    progress: Progress
    budget: Budget
    settings: Settled
    stopped: TargetUnavailableError | None = None
    results: RunResults | None = None
    profile_changed: bool = False  # a resumed run's profile is not the one it recorded


@dataclass
class Judged:
    """What :func:`judge` did: the answers each judge decided, and the decision table."""

    counts: JudgeCounts
    results: RunResults


def run(
    project: Project,
    methods: str = "all",
    *,
    target: Target | TargetChoice | None = None,
    options: RunOptions | None = None,
    store: RunStore | str | None = None,
    run_id: str | None = None,
    resume: str | None = None,
    retry_errors: bool = False,
    rule: DecisionRule | None = None,
    on_run: Callable[[str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    raise_on_stop: bool = True,
) -> RunOutcome:
    """Run the model assessment: draw the questions of ``methods`` (content, refusal or all),
    ask the target (the project's unless given), judge, decide 9.3 and 9.4. Every reply is
    stored as it arrives; a killed run goes on with ``resume=RUN_ID`` (its target rebuilt from
    the store). A run that stopped on a dead endpoint raises :class:`TargetUnavailableError`
    (with ``raise_on_stop=False`` it comes back in ``RunOutcome.stopped``, undecided)."""
    runs = project.open_store(store)
    outcome = _ask(
        project,
        methods,
        target=target,
        options=options or RunOptions(),
        store=runs,
        run_id=run_id,
        resume=resume,
        retry_errors=retry_errors,
        on_run=on_run,
        on_start=on_start,
        on_progress=on_progress,
    )
    if outcome.stopped is not None:
        if raise_on_stop:
            raise outcome.stopped
        return outcome
    stages.judge(runs, outcome.run_id, JudgeSet.of(project.config), project.profile)
    outcome.results = results(project, outcome.run_id, store=runs, rule=rule)
    return outcome


def ask_and_judge(
    project: Project,
    store: RunStore,
    *,
    run_id: str | None = None,
    on_run: Callable[[str], None] | None = None,
) -> str:
    """The model stages of ``assay.assess``: a new run of every method with the project's target
    and settings, asked and judged; returns its id (raises if the target stopped answering)."""
    outcome = _ask(project, "all", options=RunOptions(), store=store, run_id=run_id, on_run=on_run)
    if outcome.stopped is not None:  # a dead endpoint: no package from a run that could not ask
        raise outcome.stopped
    stages.judge(store, outcome.run_id, JudgeSet.of(project.config), project.profile)
    return outcome.run_id


def _ask(
    project: Project,
    methods: str,
    *,
    options: RunOptions,
    store: RunStore,
    target: Target | TargetChoice | None = None,
    run_id: str | None = None,
    resume: str | None = None,
    retry_errors: bool = False,
    on_run: Callable[[str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> RunOutcome:
    config = project.config
    settled = options.settle(config.run if config else None)
    changed = False
    if resume:
        the_run = resume
        asked = (
            resumed_target(store, resume, config)
            if target is None or isinstance(target, TargetChoice)
            else target
        )
        changed = profile_changed(project.profile, store, resume)
    else:
        config = require_config(project)
        asked = (
            target_for(config, target)
            if target is None or isinstance(target, TargetChoice)
            else target
        )
        the_run = stages.start(
            store,
            config,
            project.profile,
            asked,
            kind=methods,
            seed=settled.seed,
            shared_draw=settled.shared_draw,
            stratify=settled.stratify,
            run_id=run_id,
            oversample=settled.oversample,
        )
        if on_run is not None:
            on_run(the_run)
    budget = settled.budget()
    progress = asyncio.run(
        stages.run_target(
            store,
            the_run,
            asked,
            workers=settled.concurrency,
            budget=budget,
            retry_errors=retry_errors,
            on_progress=on_progress,
            on_start=on_start,
            max_consecutive_failures=settled.max_consecutive_failures,
            patience=settled.patience(),
        )
    )
    return RunOutcome(
        run_id=the_run,
        progress=progress,
        budget=budget,
        settings=settled,
        stopped=stages.stopped_error(progress, the_run),
        profile_changed=changed,
    )


def judge(
    project: Project,
    run_id: str,
    *,
    store: RunStore | str | None = None,
    rule: DecisionRule | None = None,
    judges: Which = "stored",
) -> Judged:
    """(Re)judge the stored answers of a run; never asks the target. ``judges``: ``stored``
    rebuilds the judges the run was judged with from the specs it stored (a run never judged
    yet: the project's), raising :class:`ConfigError` when one needs what is not here (its
    model folder, its API key); ``project``: the project's judges now (a better judge)."""
    runs = project.open_store(store)
    chosen = judges_for(runs, run_id, project.config, judges)
    counts = stages.judge(runs, run_id, chosen, project.profile)
    return Judged(counts=counts, results=results(project, run_id, store=runs, rule=rule))


def results(
    project: Project,
    run_id: str,
    *,
    store: RunStore | str | None = None,
    rule: DecisionRule | None = None,
) -> RunResults:
    """The decision table of a run, with the rates of calibrated judges corrected
    (``calibrations:``), decided under ``rule`` (default: the project's decision_rule)."""
    config, profile = project.config, project.profile
    calibrations = {}
    wanted = config.calibrations if config else {}
    # the judge is built only to check the record was made with it (a guard loads a model)
    now = stages.classifier_judge(config, profile) if "classifier" in wanted else None
    for name, path in wanted.items():
        record = load_calibration(path)
        row = record.for_risk(ANY)
        counts = Counts(tp=row.tp, fn=row.fn, tn=row.tn, fp=row.fp)
        same = name != "classifier" or now is None or same_judge(now.spec, record.judge)
        calibrations[name] = Calibrated(counts=counts, source=str(path), same_judge=same)
    return decision_table(
        project.open_store(store),
        run_id,
        profile,
        calibrations=calibrations,
        decide_on=config.decide_on if config else "raw",
        rule=rule or project.rule,
    )


def run_profile(store: RunStore, run_id: str, option: str | None) -> str | None:
    """The profile to read a stored run with: ``option`` if given, else the one the run used
    when it is a built-in one, else None (the project's)."""
    if option or (not store.has_run(run_id) and store.corpus(run_id) is not None):
        return option  # (a corpus assessment alone has no run record)
    used = store.run(run_id).profile_id
    return used if used in builtin_profiles() else None


def profile_changed(profile: Profile, store: RunStore, run_id: str) -> bool:
    """Whether ``profile`` differs from the one the run recorded (thresholds then come from
    ``profile``)."""
    if not store.has_run(run_id):
        return False
    recorded = store.run(run_id).profile_sha256
    return recorded not in ("", "-") and stages.profile_hash_of(profile) != recorded


__all__ = ["Judged", "RunOutcome", "ask_and_judge", "judge", "results", "run"]
