"""``assay run``, ``assay judge``, ``assay results``, ``assay plan``: the model assessment."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from assay.assess.calibration import METHODS, export_calibration, import_calibration, judge_of
from assay.assess.execute import Budget
from assay.assess.execute import Progress as RunProgress
from assay.assess.plan import plan_note_text
from assay.assess.results import Corrected, RunResults
from assay.assess.review import (
    export_refusal_review,
    export_review,
    import_refusal_review,
    import_review,
)
from assay.cli.common import (
    DEFAULT_LANG,
    ConfigOpt,
    JsonOpt,
    Lang,
    LangOpt,
    ProfileOpt,
    RuleOpt,
    check_lang,
    decision_rule,
    err_console,
    open_project,
    out_console,
    print_json,
    profile_for,
    project,
    run_context,
    table,
    warn_profile_change,
)
from assay.errors import ConfigError
from assay.messages import decision_word
from assay.messages import t as message
from assay.outputs import check_output
from assay.project import Project, open_store
from assay.reports.render import blocked_line
from assay.standard.models import Profile
from assay.stats.rates import (
    CONFIDENCE,
    RULES,
    DecisionRule,
    Direction,
    margin_words,
    min_successes,
    rule_name,
    sample_size,
)
from assay.store.runstore import RunStore

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store", help="Run store URL (default: the project's, else sqlite:///out/runs.sqlite)."
    ),
]
RunArg = Annotated[str, typer.Argument(help="Run id (see assay results --list).")]


def run(
    kind: Annotated[str, typer.Argument(help="content (9.3), refusal (9.4) or all.")] = "all",
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    target_spec: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="The service: an OpenAI-compatible base URL (with --model) or an answer sheet file.",
        ),
    ] = None,
    target_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name for --target-url.")] = None,
    api_key_env: Annotated[
        str, typer.Option(help="Environment variable holding the API key.")
    ] = "OPENAI_API_KEY",
    answers: Annotated[
        Path | None, typer.Option(help="Replay an answer sheet (CSV/JSONL/XLSX with 模型回答).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the random draws.")] = None,
    shared_draw: Annotated[
        bool | None,
        typer.Option("--shared-draw/--separate-draws", help="One draw for all three 9.3 methods."),
    ] = None,
    stratify: Annotated[
        bool | None,
        typer.Option("--stratify/--no-stratify", help="Every risk represented in each draw."),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1, help="Requests in flight to the target (default: run.concurrency, else 16)."
        ),
    ] = None,
    oversample: Annotated[
        float | None,
        typer.Option(
            min=1.0,
            max=3.0,
            help="Draw this many times each minimum (margin for errors and uncertain verdicts).",
        ),
    ] = None,
    max_requests: Annotated[
        int | None,
        typer.Option(min=1, help="Send at most this many HTTP requests (retries included)."),
    ] = None,
    max_tokens: Annotated[
        int | None,
        typer.Option(
            min=1, help="Send nothing more once this many tokens were billed (errors included)."
        ),
    ] = None,
    max_consecutive_failures: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Stop when this many requests in a row failed (0: never; default: "
            "run.max_consecutive_failures, else 20). HTTP 401/403/404 stop at once.",
        ),
    ] = None,
    store: StoreOpt = None,
    run_id: Annotated[
        str | None, typer.Option(help="Id for a new run (default: a timestamp).")
    ] = None,
    resume: Annotated[
        str | None, typer.Option(help="Resume this run: ask only what is unanswered.")
    ] = None,
    retry_errors: Annotated[
        bool, typer.Option(help="With --resume: ask failed questions again.")
    ] = False,
    rule: RuleOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Run the model assessment: draw the questions, ask the target, judge, decide 9.3 and 9.4.
    Every reply is stored as it arrives; a killed run continues with --resume RUN."""
    from assay.assess.options import RunOptions
    from assay.assess.session import run as run_model
    from assay.assess.targets import TargetChoice

    code = check_lang(lang)
    the_project = open_project(config, profile, code)
    if target_spec is not None:
        if target_spec.startswith(("http://", "https://")):
            target_url = target_spec
        else:
            answers = Path(target_spec)
    options = RunOptions(
        seed=seed,
        shared_draw=shared_draw,
        stratify=stratify,
        oversample=oversample,
        concurrency=concurrency,
        max_requests=max_requests,
        max_tokens=max_tokens,
        max_consecutive_failures=max_consecutive_failures,
    )
    with _bar(code) as (on_start, on_progress):
        outcome = run_model(
            the_project,
            kind,
            target=TargetChoice(
                answers=answers, url=target_url, model=model, api_key_env=api_key_env
            ),
            options=options,
            store=store,
            run_id=run_id,
            resume=resume,
            retry_errors=retry_errors,
            rule=decision_rule(rule, the_project.config),
            on_run=lambda the_run: err_console().print(
                message("cli.assess.run", code, run_id=the_run)
            ),
            on_start=on_start,
            on_progress=on_progress,
            raise_on_stop=False,
        )
    if outcome.profile_changed:
        warn_profile_change(the_project.profile, code)
    _report_execution(outcome.progress, outcome.budget, outcome.run_id, code)
    if outcome.stopped is not None:
        raise outcome.stopped
    assert outcome.results is not None  # decided whenever the run did not stop
    _show(outcome.results, the_project.profile, code, as_json)
    if outcome.results.shortfalls():
        raise typer.Exit(1)


def _report_execution(progress: RunProgress, budget: Budget, run_id: str, lang: Lang) -> None:
    """What the asking stage did beyond the table: spend, caps, usage, sheet matching."""
    say = err_console().print
    if budget.max_requests is not None or budget.max_tokens is not None:
        say(message("cli.assess.usage", lang, requests=progress.requests, tokens=progress.tokens))
        if progress.unmetered:
            say(message("cli.assess.usage_unmetered", lang, unmetered=progress.unmetered))
    if progress.skipped and progress.stopped is None:
        say(message("cli.assess.spend_cap", lang, skipped=progress.skipped, run_id=run_id))
    if progress.usage_problems:
        say(message("cli.assess.usage_malformed", lang, usage_problems=progress.usage_problems))
    sheet = progress.sheet
    if sheet is not None:
        say(
            message(
                "cli.assess.sheet_matches",
                lang,
                by_id=sheet.by_id,
                by_text=sheet.by_text,
                unmatched=sheet.unmatched,
                ambiguous=sheet.ambiguous,
            )
        )


class JudgesChoice(StrEnum):
    """--judges of assay judge."""

    STORED = "stored"
    PROJECT = "project"


def judge(
    run_id: RunArg,
    judges: Annotated[
        JudgesChoice,
        typer.Option(
            help="stored: the judges the run was judged with, rebuilt from its store; "
            "project: the project's judges now (assay.yaml)."
        ),
    ] = JudgesChoice.STORED,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    rule: RuleOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """(Re)judge the stored answers of a run (with the judges it was judged with, or the
    project's); never asks the target."""
    from assay.assess.session import judge as judge_stored

    code, the_project, runs = run_context(run_id, config, profile, store, lang)
    judged = judge_stored(
        the_project,
        run_id,
        store=runs,
        rule=decision_rule(rule, the_project.config),
        judges=judges.value,
    )
    counts = judged.counts
    err_console().print(
        message("cli.assess.judged", code, keyword=counts.keyword, refusal=counts.refusal)
    )
    _show(judged.results, the_project.profile, code, as_json)


def show_results(
    run_id: Annotated[str | None, typer.Argument(help="Run id; omit with --list.")] = None,
    list_runs: Annotated[bool, typer.Option("--list", help="List the runs in the store.")] = False,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    rule: RuleOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Print a run's decision table for 9.3 and 9.4 (or --list the runs)."""
    code = check_lang(lang)
    cfg = project(config)
    runs = open_store(store, cfg)
    if list_runs or run_id is None:
        rows = [
            {
                "id": r.id,
                "created_at": r.created_at.isoformat(),
                "kind": r.kind,
                "status": r.status,
                "profile": r.profile_id,
            }
            for r in runs.runs()
        ]
        if as_json:
            print_json(rows)
            return
        tab = table(
            None,
            [
                "id",
                message("cli.assess.col_created", code),
                message("cli.assess.col_kind", code),
                message("cli.assess.col_status", code),
            ],
        )
        for r in rows:
            tab.add_row(r["id"], r["created_at"][:19], r["kind"], r["status"])
        out_console().print(tab)
        return
    _, the_project, runs = run_context(run_id, config, profile, store, lang)
    _show(_results(the_project, runs, run_id, rule), the_project.profile, code, as_json)


def plan(
    n: Annotated[
        int | None, typer.Option(help="Sample size (default: the profile's must-refuse minimum).")
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0, max=1.0, help="Threshold (default: the profile's must-refuse refusal rate)."
        ),
    ] = None,
    maximum: Annotated[
        bool,
        typer.Option(
            "--max", help="The threshold is a maximum (like the must-answer refusal rate)."
        ),
    ] = False,
    expected: Annotated[
        float | None,
        typer.Option(
            help="Expected true rate: how many questions are needed to show the threshold."
        ),
    ] = None,
    confidence: Annotated[float, typer.Option(min=0.5, max=0.999)] = CONFIDENCE,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    rule: RuleOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """How many of N must succeed to pass a threshold, under the decision rule in force and
    under the other (standard: the sample's rate; confidence: the whole Wilson interval). Without
    --n/--threshold/--max: for each method of the profile at its minimum sample."""
    code = check_lang(lang)
    cfg = project(config)
    chosen = decision_rule(rule, cfg)
    prof = profile_for(profile, cfg, code)
    refusal = prof.parameters.refusal_eval
    explicit = n is not None or threshold is not None or maximum
    n = n if n is not None else refusal.must_refuse_sample_min.value
    threshold = threshold if threshold is not None else refusal.must_refuse_refusal_min.value
    direction = Direction.MAX if maximum else Direction.MIN
    by_rule = _needed_by_rule(n, threshold, direction, confidence)
    needed = (
        sample_size(threshold, expected, direction, confidence) if expected is not None else None
    )
    if expected is not None and chosen == "standard":  # the minimum sample is enough
        meets = expected >= threshold if direction is Direction.MIN else expected <= threshold
        needed = n if meets else None
    rows = [
        (name, clause, size, bound, way, _needed_by_rule(size, bound, way, confidence))
        for name, clause, size, bound, way in _plan_methods(prof)
    ]
    methods = [
        {
            "method": name,
            "clause": clause,
            "n": size,
            "threshold": bound,
            "direction": way.value,
            "successes_needed": needs[chosen],
            "by_rule": needs,
        }
        for name, clause, size, bound, way, needs in rows
    ]
    data = {
        "rule": chosen,
        "n": n,
        "threshold": threshold,
        "direction": direction.value,
        "confidence": confidence,
        "successes_needed": by_rule[chosen],
        "by_rule": by_rule,
        "expected": expected,
        "sample_size_for_expected": needed,
        "methods": methods,
    }
    if as_json:
        print_json(data)
        return
    typer.echo(message("cli.assess.decision_rule", code) + rule_name(chosen, code))
    if explicit:
        typer.echo(_plan_line(f"n={n}", n, threshold, direction, by_rule, chosen, code))
    else:
        for name, clause, size, bound, way, needs in rows:
            label = f"{clause} {message(name, code)}"
            typer.echo(_plan_line(label, size, bound, way, needs, chosen, code))
    if expected is not None:
        typer.echo(message("cli.assess.plan_expected", code, expected=expected, needed=needed))


def _needed_by_rule(
    n: int, threshold: float, direction: Direction, confidence: float
) -> dict[str, int | None]:
    """The successes of ``n`` needed to pass (a minimum) or allowed (a maximum), per rule."""
    return {
        r: min_successes(n, threshold, direction, confidence, rule=r, required=n) for r in RULES
    }


def _plan_methods(prof: Profile) -> list[tuple[str, str, int, float, Direction]]:
    ce, re_ = prof.parameters.content_eval, prof.parameters.refusal_eval
    return [
        (
            "manual",
            ce.manual_qualified_min.clause,
            ce.manual_sample_min.value,
            ce.manual_qualified_min.value,
            Direction.MIN,
        ),
        (
            "keyword",
            ce.keyword_qualified_min.clause,
            ce.keyword_sample_min.value,
            ce.keyword_qualified_min.value,
            Direction.MIN,
        ),
        (
            "classifier",
            ce.classifier_qualified_min.clause,
            ce.classifier_sample_min.value,
            ce.classifier_qualified_min.value,
            Direction.MIN,
        ),
        (
            "must_refuse",
            re_.must_refuse_refusal_min.clause,
            re_.must_refuse_sample_min.value,
            re_.must_refuse_refusal_min.value,
            Direction.MIN,
        ),
        (
            "must_answer",
            re_.must_answer_refusal_max.clause,
            re_.must_answer_sample_min.value,
            re_.must_answer_refusal_max.value,
            Direction.MAX,
        ),
    ]


def _plan_line(
    label: str,
    n: int,
    threshold: float,
    direction: Direction,
    by_rule: dict[str, int | None],
    chosen: DecisionRule,
    lang: Lang,
) -> str:
    """A line such as ``9.4.b 应拒答 ≥95%：标准规则 300 题中至少 285 题；置信规则 300 题中至少 293 题``."""
    sign = "≥" if direction is Direction.MIN else "≤"
    parts = []
    for r in (chosen, *(x for x in RULES if x != chosen)):
        k = by_rule[r]
        word = message(
            "cli.assess.rule_standard" if r == "standard" else "cli.assess.rule_confidence", lang
        )
        if k is None:
            parts.append(message("cli.assess.plan_impossible", lang, word=word, n=n))
        elif direction is Direction.MIN:
            parts.append(message("cli.assess.plan_at_least", lang, word=word, n=n, k=k))
        else:
            parts.append(message("cli.assess.plan_at_most", lang, word=word, n=n, k=k))
    current = message("cli.assess.in_force", lang)
    parts[0] += current
    return (
        f"{label} {sign}{threshold:.0%}"
        + message("sep.colon", lang)
        + message("sep.semicolon", lang).join(parts)
    )


# -- helpers ------------------------------------------------------------------------------


def _results(the_project: Project, runs: RunStore, run_id: str, rule: str | None) -> RunResults:
    from assay.assess.session import results

    return results(the_project, run_id, store=runs, rule=decision_rule(rule, the_project.config))


@contextlib.contextmanager
def _bar(
    lang: Lang,
) -> Iterator[tuple[Callable[[int], None], Callable[[RunProgress], None]]]:
    """A progress bar on stderr for the asking stage, and the two callbacks that drive it."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[errors]} err · {task.fields[rate]}/s"),
        TimeRemainingColumn(),
        console=err_console(),
        transient=False,
    ) as bar:
        task = bar.add_task(message("cli.assess.asking", lang), total=None, errors=0, rate="0")

        def started(total: int) -> None:
            bar.update(task, total=total)

        def update(p: RunProgress) -> None:
            elapsed = max(1e-6, time.perf_counter() - p.started)
            bar.update(task, completed=p.done, errors=p.errors, rate=f"{p.done / elapsed:.0f}")

        yield started, update


def _show(res: RunResults, profile: Profile, lang: Lang, as_json: bool) -> None:
    if as_json:
        print_json(res.model_dump(mode="json"))
        return
    tab = table(
        message("cli.assess.results_title", lang, run_id=res.run_id),
        [
            message("cli.assess.col_method", lang),
            message("cli.assess.col_drawn", lang),
            message("cli.assess.col_judged", lang),
            message("cli.assess.col_rate", lang),
            message("cli.assess.col_interval", lang),
            message("cli.assess.col_threshold", lang),
            message("cli.assess.col_decision", lang),
        ],
    )
    for m in res.methods:
        name = f"{message(m.method.value, lang)} {m.clause}"
        measure = message(
            "cli.assess.measure_qualified"
            if m.measure == "qualified_rate"
            else "cli.assess.measure_refused",
            lang,
        )
        interval = "-"
        if m.status != "measured":
            shown = message(
                "cli.assess.status_pending"
                if m.status == "pending"
                else "cli.assess.status_not_run",
                lang,
            )
        elif m.rate.value is None or m.rate.low is None or m.rate.high is None:
            shown = "-"
        else:
            shown = f"{measure} {m.rate.value:.1%}"
            interval = f"{m.rate.low:.1%}–{m.rate.high:.1%}"
            for c in (m.corrected, m.corrected_out_of_domain):
                if c is not None:  # the corrected rate beside the raw one, with its source
                    shown += (
                        "\n"
                        + message("cli.assess.corrected", lang)
                        + f"{c.value:.1%} {_source(c, lang)}"
                    )
                    interval += "\n" + f"{c.low:.1%}–{c.high:.1%}"
        bound = ("≥" if m.direction is Direction.MIN else "≤") + f"{m.threshold:.0%}"
        decided = decision_word(m.decision.value, lang)
        if m.margin is not None:  # the interval beside the decision: the statistical margin
            words = margin_words(m.margin, m.direction, lang)
            decided += message("margin.beside", lang, words=words)
        tab.add_row(
            name,
            f"{m.drawn}/{m.answered}/{m.errors}",
            f"{m.judged} ({m.uncertain})",
            shown,
            interval,
            bound,
            decided,
        )
    out_console().print(tab)
    typer.echo(
        message("cli.assess.decision_rule_indented", lang) + rule_name(res.decision_rule, lang),
    )
    for m in res.methods:
        if m.blocked:  # the service's filter, shown apart from the model's own refusals
            typer.echo(f"  {m.clause}: {blocked_line(m, lang)}")
        for note in (m.notes_zh or m.notes) if lang == "zh" else m.notes:  # older: English
            typer.echo(f"  {m.clause}: {note}")
    if res.reasoning_judged:
        typer.echo(
            message(
                "cli.assess.reasoning",
                lang,
                reasoning_judged=res.reasoning_judged,
                reasoning_flagged=res.reasoning_flagged,
            )
        )
    notes = res.settings.get("notes", [])
    for note in notes if isinstance(notes, list) else []:
        typer.echo(
            f"  {message('cli.assess.plan', lang)}{message('sep.colon', lang)}"
            + plan_note_text(note, lang)
        )


def _source(c: Corrected, lang: Lang) -> str:
    """ "（本次校准 n=50，据此判定）" / "(in-run n=50, decided)" / "（域外校准 c.json）"."""
    if c.source == "in_run":
        text = message("cli.assess.in_run_n", lang, pairs=c.pairs)
    else:
        text = message("cli.assess.out_domain", lang, name=Path(c.calibration).name)
    if c.decided:
        text += message("cli.assess.decided", lang)
    return message("cli.assess.calibration_source", lang, text=text)


def _check_review_method(method: str) -> None:
    if method not in ("manual", "refusal", *METHODS):
        raise ConfigError(
            f"unknown method {method!r}",
            fix="use --method manual, refusal, " + ", ".join(sorted(METHODS)),
        )


def review_export(
    run_id: RunArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Sheet to write (.xlsx or .csv).")],
    method: Annotated[
        str,
        typer.Option(
            help="manual (9.3 b)), refusal (9.4: uncertain verdicts), or calibration-keyword, "
            "calibration-classifier, calibration-refusal (a seeded random subset of the judge's "
            "answers, to calibrate it on this run)."
        ),
    ] = "manual",
    everything: Annotated[
        bool,
        typer.Option("--all", help="With --method refusal: every answer, not only uncertain ones."),
    ] = False,
    n: Annotated[
        int, typer.Option("--n", min=1, help="With --method calibration-...: answers to draw.")
    ] = 50,
    seed: Annotated[
        int | None,
        typer.Option(help="With --method calibration-...: seed of the draw (default: run.seed)."),
    ] = None,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Write a sheet for reviewers: the manual draw (研判结果 合格/不合格), the 9.4 answers the
    refusal judge could not decide (研判结果 拒答/回答), or a calibration subset of a judge's
    answers (reviewed blind; the pairs correct that judge's rate on this run)."""
    code, the_project, runs = run_context(run_id, config, profile, store, lang)
    cfg, prof = the_project.config, the_project.profile
    _check_review_method(method)
    check_output(out, the_project.inputs(runs))
    if method.startswith("calibration"):
        judge = judge_of(method)
        chosen = seed if seed is not None else (cfg.run.seed if cfg else 0)
        rows = export_calibration(runs, run_id, prof, out, judge=judge, n=n, seed=chosen)
        key = (
            "cli.assess.wrote_calibration_refusal"
            if judge == "refusal"
            else "cli.assess.wrote_calibration_content"
        )
        typer.echo(message(key, code, out=out, rows=rows, seed=chosen))
        return
    if method == "refusal":
        rows = export_refusal_review(runs, run_id, out, everything=everything)
        typer.echo(message("cli.assess.review_wrote_refusal", code, out=out, rows=rows))
        return
    rows = export_review(runs, run_id, prof, out)
    typer.echo(message("cli.assess.review_wrote_manual", code, out=out, rows=rows))


def review_import(
    run_id: RunArg,
    sheet: Annotated[Path, typer.Argument(help="The reviewed sheet.")],
    reviewer: Annotated[
        str | None, typer.Option(help="Who is importing (takes precedence over 审核人).")
    ] = None,
    method: Annotated[
        str, typer.Option(help="manual, refusal or calibration-..., as exported.")
    ] = "manual",
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    rule: RuleOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Import reviewed verdicts; bad rows are reported with their row number and not stored.
    Exit code 1 when any row was bad."""
    code, the_project, runs = run_context(run_id, config, profile, store, lang)
    prof = the_project.profile
    _check_review_method(method)
    if method.startswith("calibration"):
        report = import_calibration(
            runs, run_id, prof, sheet, judge=judge_of(method), reviewer=reviewer
        )
    elif method == "refusal":
        report = import_refusal_review(runs, run_id, sheet, reviewer=reviewer)
    else:
        report = import_review(runs, run_id, prof, sheet, reviewer=reviewer)
    if as_json:
        print_json(
            {
                "read": report.read,
                "accepted": report.accepted,
                "pending": report.pending,
                "bad": [b.model_dump() for b in report.bad],
            }
        )
    else:
        typer.echo(
            message(
                "cli.assess.review_imported",
                code,
                read=report.read,
                accepted=report.accepted,
                pending=report.pending,
                bad=len(report.bad),
            )
        )
        for bad in report.bad:
            typer.echo(f"  ✗ {bad}")
        _show(_results(the_project, runs, run_id, rule), prof, code, False)
    if report.bad:
        raise typer.Exit(1)
