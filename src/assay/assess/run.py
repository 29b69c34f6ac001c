"""The model assessment as named stages: plan → execute → judge → aggregate.

``start`` loads the banks, draws the plan and records it in the store; ``execute`` asks the
target what is still unanswered; ``judge`` applies the judges to stored replies; ``results``
(in ``assay.assess.results``) aggregates. Each stage reads the store, so any of them can be
rerun on its own, and a killed run resumes from where it stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from assay.assess.execute import (
    DEFAULT_MAX_CONSECUTIVE_FAILURES,
    Budget,
    Progress,
    execute,
    to_ask,
)
from assay.assess.judge_set import JudgeSet
from assay.assess.judging import JudgeCounts, judge_run
from assay.assess.plan import CONTENT_METHODS, REFUSAL_METHODS, Method, make_plan
from assay.banks.io import ReadOptions, load_allowlist, load_bank, load_keywords
from assay.banks.models import BankKind, BankSource, QuestionBank
from assay.config import ProjectConfig
from assay.errors import ConfigError, TargetUnavailableError
from assay.judges.base import Judge
from assay.judges.keyword import KeywordJudge
from assay.judges.panel import JudgePanel, Rule
from assay.judges.refusal_panel import RefusalPanel
from assay.judges.registry import build_judge, judges_refusal
from assay.judges.specs import JudgeConfig, RefusalSpec
from assay.project import Project, keyword_judge
from assay.standard.models import Profile
from assay.store.runstore import RunStore
from assay.store.sink import Patience, restore_spilled
from assay.targets.base import Target
from assay.targets.sheet import AnswerSheetTarget

SPILL = Path("out") / "unstored"  # answers a store outage kept from the store, until resumed
KINDS: dict[str, tuple[Method, ...]] = {
    "content": CONTENT_METHODS,
    "refusal": REFUSAL_METHODS,
    "all": CONTENT_METHODS + REFUSAL_METHODS,
}


def new_run_id() -> str:
    return datetime.now(UTC).strftime("run-%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def start(
    store: RunStore,
    config: ProjectConfig,
    profile: Profile,
    target: Target,
    *,
    kind: str,
    seed: int,
    shared_draw: bool,
    stratify: bool,
    run_id: str | None = None,
    oversample: float = 1.0,
) -> str:
    """Draw the plan and record the run; returns its id."""
    if kind not in KINDS:
        raise ConfigError(f"unknown run kind {kind!r}", fix="use content, refusal or all")
    methods = KINDS[kind]
    banks: dict[BankKind, QuestionBank | None] = {}
    files: dict[str, dict[str, str]] = {}
    for bank in (BankKind.CONTENT, BankKind.MUST_REFUSE, BankKind.MUST_ANSWER):
        source = config.banks.sources()[bank]
        needed = (bank is BankKind.CONTENT and kind != "refusal") or (
            bank is not BankKind.CONTENT and kind != "content"
        )
        if source is None or not needed:
            banks[bank] = None
            continue
        data, _ = load_bank(
            source.path, bank, profile, ReadOptions(encoding=source.encoding or "auto")
        )
        assert isinstance(data, QuestionBank)
        banks[bank] = data
        files[bank.value] = {"path": str(source.path), "sha256": _sha256(source.path)}
    _unique_ids(banks)
    plan = make_plan(
        profile,
        content=banks[BankKind.CONTENT],
        must_refuse=banks[BankKind.MUST_REFUSE],
        must_answer=banks[BankKind.MUST_ANSWER],
        methods=methods,
        seed=seed,
        shared_draw=shared_draw,
        stratify=stratify,
        oversample=oversample,
    )
    if not plan.draws:
        raise ConfigError(
            "nothing to run: no bank for the chosen methods",
            fix="set banks.content / banks.must_refuse / banks.must_answer in assay.yaml",
        )
    run_id = run_id or new_run_id()
    settings = {
        "seed": seed,
        "oversample": oversample,
        "shared_draw": shared_draw,
        "stratify": stratify,
        "methods": [m.value for m in plan.draws],
        "banks": files,
        "notes": [note.stored() for note in plan.notes],
        "draws": {m.value: len(qs) for m, qs in plan.draws.items()},
    }
    store.create_run(
        run_id,
        kind=kind,
        profile_id=profile.id,
        profile_sha256=profile_hash_of(profile),
        target=target.spec(),
        settings=settings,
        questions=plan.questions(),
        draws={m.value: [q.id for q in items] for m, items in plan.draws.items()},
    )
    return run_id


async def run_target(
    store: RunStore,
    run_id: str,
    target: Target,
    *,
    workers: int,
    budget: Budget,
    retry_errors: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    max_consecutive_failures: int | None = DEFAULT_MAX_CONSECUTIVE_FAILURES,
    patience: Patience | None = None,
    spill: Path | None = SPILL,
) -> Progress:
    """Ask every question of the run that has no stored answer yet (``workers`` at once),
    within ``budget``; stops early on a dead endpoint (``Progress.stopped``). One process at a
    time: another that holds the run's lease makes this raise :class:`RunLockedError`. Through
    a store outage the answers are held (``patience``); if it lasts longer they are kept in a
    file under ``spill`` and stored first by the next resume."""
    try:
        with store.lock(run_id):
            restore_spilled(store, run_id, spill)
            questions = store.questions(run_id)
            work = to_ask(store, run_id, list(questions.values()), retry_errors=retry_errors)
            if on_start is not None:
                on_start(len(work))
            store.set_status(run_id, "running")
            try:
                progress = await execute(
                    store,
                    run_id,
                    target,
                    work,
                    workers=workers,
                    budget=budget,
                    on_progress=on_progress,
                    max_consecutive_failures=max_consecutive_failures,
                    patience=patience,
                    spill=spill,
                )
            except BaseException:
                _mark_interrupted(store, run_id)
                raise
            store.set_status(run_id, "stopped" if progress.skipped else "done")
    finally:
        await target.aclose()
    if isinstance(target, AnswerSheetTarget):
        progress.sheet = target.matches
    return progress


def _mark_interrupted(store: RunStore, run_id: str) -> None:
    """Say so in the store, if it answers (after an outage it may not: resume sees "running")."""
    with contextlib.suppress(Exception):
        store.set_status(run_id, "interrupted")


def stopped_error(progress: Progress, run_id: str) -> TargetUnavailableError | None:
    """The error to end the command with when the run stopped early on a dead endpoint: the
    status and the server's message, what was not asked, how to go on."""
    stop = progress.stopped
    if stop is None:
        return None
    status = f"HTTP {stop.status}" if stop.status is not None else "an error"
    said = f": {stop.message}" if stop.message else ""
    if stop.kind == "refused":
        why = f"the target refused a request with {status}{said}"
        fix = "check the API key (--api-key-env), the base URL and the model name, then "
    else:
        why = f"{stop.failures} requests in a row failed, the last with {status}{said}"
        fix = "check that the service is up (or raise run.max_consecutive_failures), then "
    return TargetUnavailableError(
        f"run {run_id} stopped: {why}; {progress.skipped} questions were not asked",
        fix=fix + f"continue with assay run --resume {run_id}",
    )


def judge(store: RunStore, run_id: str, judges: JudgeSet, profile: Profile) -> JudgeCounts:
    """Apply the keyword, classifier and refusal judges of ``judges`` to the stored answers,
    recording their specs with the run (re-judging rebuilds them from there)."""
    keyword = _keyword_judge(judges.keywords, profile) if judges.keywords else None
    refusal = refusal_panel(judges.refusal, judges.refusal_rule, profile)
    classifier = classifier_panel(judges.classifier, judges.classifier_rule, profile)
    store.put_judges(run_id, judges.public())
    return judge_run(store, run_id, keyword=keyword, refusal=refusal, classifier=classifier)


def classifier_judge(config: ProjectConfig | None, profile: Profile) -> Judge | None:
    """The project's classifier (the built-in one by default), a panel of them combined by
    ``classifier_rule`` when several are given; None when set to "none"."""
    judges = JudgeSet.of(config)
    return classifier_panel(judges.classifier, judges.classifier_rule, profile)


def classifier_panel(specs: Sequence[JudgeConfig], rule: str, profile: Profile) -> Judge | None:
    """The classifier ``specs`` name, a panel of them combined by ``rule`` when several;
    None when there are none."""
    judges = [build_judge(spec, profile) for spec in specs]
    for spec, judge in zip(specs, judges, strict=True):
        if judges_refusal(judge):
            raise ConfigError(
                f"'{spec}' is a refusal judge, not a classifier",
                fix="name it under refusal_judge: in assay.yaml",
            )
    if len(judges) > 1:
        return JudgePanel(judges, rule)
    return judges[0] if judges else None


def refusal_judge(config: ProjectConfig | None, profile: Profile) -> Judge:
    """The project's refusal judge for 9.4 (the built-in ``refusal`` by default), a
    :class:`RefusalPanel` of them combined by ``refusal_rule`` when several are given."""
    judges = JudgeSet.of(config)
    return refusal_panel(judges.refusal, judges.refusal_rule, profile)


def refusal_panel(specs: Sequence[JudgeConfig], rule: str, profile: Profile) -> Judge:
    """The refusal judge ``specs`` name (at least one), a :class:`RefusalPanel` of them
    combined by ``rule`` when several."""
    judges = [build_judge(spec, profile) for spec in specs or [RefusalSpec()]]
    for spec, judge in zip(specs, judges, strict=False):
        if not judges_refusal(judge):
            raise ConfigError(
                f"'{spec}' does not judge refusal",
                fix="use refusal, llm:MODEL@URL;task=refusal or "
                "guard:qwen3guard:FOLDER;task=refusal",
            )
    if len(judges) > 1:
        return RefusalPanel(judges, rule)
    return judges[0]


def corpus_judge(
    project: Project, keywords: Path | None = None, classifiers: Sequence[str] | None = None
) -> Judge | None:
    """The judge of corpus records: keywords (``keywords``, else the project's library) and the
    classifier (the judge specs of ``classifiers``, else the project's; an empty list: none) as
    one panel that flags what either flags, or whichever exists."""
    members: list[Judge] = []
    words = keyword_judge(project, keywords)
    if words is not None:
        members.append(words)
    if classifiers is None:
        model = classifier_judge(project.config, project.profile)
    else:
        model = _panel([build_judge(spec, project.profile) for spec in classifiers], Rule.ANY)
    if model is not None:
        members.append(model)
    return _panel(members, Rule.ANY)


def _panel(judges: list[Judge], rule: Rule) -> Judge | None:
    if len(judges) > 1:
        return JudgePanel(judges, rule)
    return judges[0] if judges else None


def _keyword_judge(source: BankSource, profile: Profile) -> KeywordJudge:
    library, _ = load_keywords(
        source.path, profile, ReadOptions(encoding=source.encoding or "auto")
    )
    allow = load_allowlist(source.allow) if source.allow else []
    return KeywordJudge(library, allow=allow, options=source.normalize)


def _unique_ids(banks: dict[BankKind, QuestionBank | None]) -> None:
    """A question id must name one question across all banks of a run."""
    seen: dict[str, str] = {}
    for kind, bank in banks.items():
        for q in bank.items if bank else []:
            other = seen.setdefault(q.id, kind.value)
            if other != kind.value:
                raise ConfigError(
                    f"question id {q.id!r} is in both the {other} and the {kind.value} bank",
                    fix="give each question an id unique across the banks",
                )


def profile_hash_of(profile: Profile) -> str:
    return hashlib.sha256(profile.model_dump_json().encode("utf-8")).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


__all__ = [
    "KINDS",
    "Budget",
    "corpus_judge",
    "judge",
    "new_run_id",
    "run_target",
    "start",
    "stopped_error",
]
