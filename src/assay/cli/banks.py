"""``assay banks``: check, convert and list the keyword library and the question banks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from assay.assess.run import classifier_judge
from assay.banks.check import BankCheck, CheckReport, check_files
from assay.banks.io import ReadOptions, entries_of, load_bank, save_keywords, save_questions
from assay.banks.messages import describe, interval_words
from assay.banks.models import (
    BankKind,
    BankSource,
    KeywordEntry,
    KeywordLibrary,
    LoadReport,
    Question,
)
from assay.banks.resolve import NameResolver
from assay.banks.schema import Layout
from assay.cli.common import (
    DEFAULT_LANG,
    ConfigOpt,
    JsonOpt,
    Lang,
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
from assay.errors import EXIT_FINDINGS, ConfigError
from assay.judges.registry import coverage
from assay.messages import t as message
from assay.outputs import check_output
from assay.standard.models import Profile

app = typer.Typer(help="Keyword library and test banks: check coverage and freshness, convert.")

KindOpt = Annotated[
    BankKind,
    typer.Option("--kind", "-k", help="Which bank: keywords, content, must_refuse, must_answer."),
]
EncodingOpt = Annotated[
    str,
    typer.Option(
        "--encoding", help="Input encoding: auto, utf-8, utf-8-sig, gb18030, gbk, utf-16."
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", help="Input format if the suffix does not tell: csv, tsv, jsonl, xlsx."
    ),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Fail on the first bad row instead of quarantining it.")
]
QuarantineOpt = Annotated[
    Path | None,
    typer.Option(
        "--quarantine-dir",
        help="Where to write <file>.quarantine.jsonl (default: beside the input).",
    ),
]
BankFileOpt = Annotated[Path | None, typer.Option(help="Bank file (overrides the project file).")]


@app.command("check")
def check(
    config: ConfigOpt = None,
    keywords: BankFileOpt = None,
    content: BankFileOpt = None,
    must_refuse: BankFileOpt = None,
    must_answer: BankFileOpt = None,
    profile: ProfileOpt = None,
    today: Annotated[
        str | None,
        typer.Option(help="Check freshness as of this date (YYYY-MM-DD; default today)."),
    ] = None,
    near_threshold: Annotated[
        float,
        typer.Option(
            min=0.5, max=1.0, help="Similarity at which two questions are near duplicates."
        ),
    ] = 0.8,
    encoding: EncodingOpt = "auto",
    strict: StrictOpt = False,
    quarantine_dir: QuarantineOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the JSON report here.")
    ] = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Check the banks against 8.1 to 8.3: totals, per-risk and per-aspect counts, freshness,
    duplicates. Exit code 1 when anything falls short; each shortfall is named with its numbers.

    Banks come from the project file (assay.yaml) or from --keywords/--content/--must-refuse/
    --must-answer. With a project file every bank is expected; with files only, only those given
    are checked.
    """
    code = check_lang(lang)
    cfg = project(config)
    prof = profile_for(profile, cfg, code)
    given = {
        BankKind.KEYWORDS: keywords,
        BankKind.CONTENT: content,
        BankKind.MUST_REFUSE: must_refuse,
        BankKind.MUST_ANSWER: must_answer,
    }
    sources: dict[BankKind, BankSource | None] = cfg.banks.sources() if cfg else {}
    for kind, path in given.items():
        if path is not None:
            sources[kind] = BankSource(path=path)
    if not sources:
        raise ConfigError(
            "no banks to check",
            fix="run in a folder with assay.yaml, pass --config, or pass --keywords etc.",
        )
    omitted = _omitted_aspects(cfg.omitted_aspects if cfg else (), prof)
    report = check_files(
        {k: sources[k] for k in BankKind if k in sources},
        prof,
        today=_parse_date(today),
        options=ReadOptions(encoding=encoding, strict=strict, quarantine_dir=quarantine_dir),
        near_threshold=near_threshold,
        omitted_aspects=omitted,
    )
    data = _report_json(report, prof, code)
    judge = classifier_judge(cfg, prof)
    covered = coverage(judge, prof) if judge is not None else None
    if covered is not None:  # 8.4: the classifier beside the banks must cover every risk
        data["classifier_coverage"] = covered.model_dump(mode="json")
    if out is not None:
        check_output(out, [p.path for p in sources.values() if p is not None])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", "utf-8")
    if as_json:
        print_json(data)
    else:
        _render(report, prof, code)
        if covered is not None:
            missing = "、".join(covered.not_covered) if covered.not_covered else "-"
            typer.echo(
                message(
                    "cli.classifier_coverage",
                    code,
                    clause=prof.classifier_clause,
                    covered=len(covered.covered),
                    total=len(prof.risks),
                    missing=missing if code == "zh" else missing.replace("、", ", "),
                )
            )
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("convert")
def convert(
    source: Annotated[Path, typer.Argument(help="Bank file to read (.csv, .tsv, .jsonl, .xlsx).")],
    target: Annotated[Path, typer.Argument(help="File to write; its suffix gives the format.")],
    kind: KindOpt,
    layout: Annotated[
        str,
        typer.Option(
            help="Output layout: native (all fields) or filing (序号/关键词|测试题/一级分类/二级分类)."
        ),
    ] = "native",
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    encoding: EncodingOpt = "auto",
    in_format: FormatOpt = None,
    out_encoding: Annotated[
        str,
        typer.Option(
            help="Encoding of a CSV/TSV output: utf-8-sig (default, opens in Excel), utf-8, gb18030."
        ),
    ] = "utf-8-sig",
    strict: StrictOpt = False,
    quarantine_dir: QuarantineOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Import or export a bank: read any supported layout and write another (CSV, JSONL, XLSX)."""
    code = check_lang(lang)
    if layout not in ("native", "filing"):
        raise ConfigError(
            f"unknown layout {layout!r}", fix="use --layout native or --layout filing"
        )
    check_output(target, [source])  # the same path, a symlink or a hard link to the input
    prof = profile_for(profile, project(config), code)
    opts = ReadOptions(
        fmt=in_format, encoding=encoding, strict=strict, quarantine_dir=quarantine_dir
    )
    data, load = load_bank(source, kind, prof, opts)
    if load.read and not load.accepted:
        _print_load(load, code)
        raise ConfigError(
            f"no row of {source} was accepted as a {kind.value} bank",
            file=source,
            fix="check --kind and the column names; see the quarantine file",
        )
    chosen: Layout = "filing" if layout == "filing" else "native"
    if isinstance(data, KeywordLibrary):
        save_keywords(data, target, prof, layout=chosen, encoding=out_encoding)
    else:
        save_questions(data, target, prof, layout=chosen, encoding=out_encoding)
    _print_load(load, code)
    if chosen == "filing":
        err_console().print(
            message("banks.filing_note", code),
            soft_wrap=True,
        )
    typer.echo(message("banks.wrote", code, target=target, n=len(data)))


@app.command("list")
def list_entries(
    source: Annotated[Path, typer.Argument(help="Bank file to read.")],
    kind: KindOpt,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    risk: Annotated[
        str | None, typer.Option(help="Only entries of this risk (id or name).")
    ] = None,
    limit: Annotated[int, typer.Option(min=0, help="Show at most this many (0 = all).")] = 0,
    encoding: EncodingOpt = "auto",
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """List the entries of a bank file, optionally of one risk."""
    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    data, load = load_bank(source, kind, prof, ReadOptions(encoding=encoding))
    entries: list[KeywordEntry | Question] = list(entries_of(data))
    if risk is not None:
        wanted = set(NameResolver(prof).risks(risk))
        entries = [e for e in entries if wanted & set(e.risk_ids)]
    if limit:
        entries = entries[:limit]
    if as_json:
        print_json([e.model_dump(mode="json") for e in entries])
        return
    _print_load(load, code)
    is_kw = kind is BankKind.KEYWORDS
    tab = table(
        None,
        [
            "#",
            message("banks.col_keyword", code) if is_kw else "id",
            message("banks.col_risk_aspect", code),
            message("banks.col_variants" if is_kw else "banks.col_question", code),
        ],
    )
    for i, e in enumerate(entries, 1):
        label = ";".join(e.risk_ids) or str(getattr(e, "aspect", "") or "")
        first = getattr(e, "keyword", None) or getattr(e, "id", "")
        tab.add_row(
            str(i),
            str(first),
            label,
            ";".join(getattr(e, "variants", ())) if is_kw else str(getattr(e, "text", "")),
        )
    out_console().print(tab)


# -- rendering ---------------------------------------------------------------------------


def _render(report: CheckReport, profile: Profile, lang: Lang) -> None:
    console = out_console()
    console.print(
        message("banks.check_title", lang, code=profile.code, id=profile.id, on=report.checked_on)
    )
    for bank in report.banks:
        _render_bank(bank, profile, lang)
    shortfalls = report.shortfalls
    warnings = [f for f in report.findings if f.severity == "warning"]
    typer.echo("")
    if shortfalls:
        typer.echo(message("banks.shortfalls", lang, n=len(shortfalls)))
        for f in shortfalls:
            typer.echo(f"  ✗ {describe(f, profile, lang)}")
    for f in warnings:
        typer.echo(f"  ! {describe(f, profile, lang)}")
    typer.echo(
        message("banks.result_ok", lang)
        if report.ok
        else message("banks.result_short", lang, n=len(shortfalls))
    )


def _render_bank(bank: BankCheck, profile: Profile, lang: Lang) -> None:
    console = out_console()
    typer.echo("")
    console.print(
        f"[bold]{bank.bank.label(lang)}[/bold]  "
        + escape(bank.file or message("banks.not_given", lang))
    )
    if bank.load is not None:
        _print_load(bank.load, lang)
    if bank.file is None:
        return
    need = f" / {bank.total_need}" if bank.total_need is not None else ""
    typer.echo(message("banks.distinct", lang, distinct=bank.distinct, need=need))
    if bank.freshness is not None:
        fr = bank.freshness
        last = fr.last_update or message("banks.no_dates", lang)
        status = "✓" if fr.ok else "✗"
        interval = interval_words(fr.interval, lang)
        typer.echo(message("banks.freshness", lang, last=last, interval=interval, status=status))
    tab = table(
        None,
        [*(message(f"banks.col_{c}", lang) for c in ("id", "name", "have", "need")), ""],
    )
    for row in bank.counts:
        if row.need is None and row.have == 0:
            continue
        name = row.name_zh if lang == "zh" else row.name_en
        mark = "" if row.need is None else ("✓" if row.ok else "✗")
        tab.add_row(row.id, name, str(row.have), "-" if row.need is None else str(row.need), mark)
    console.print(tab)


def _print_load(load: LoadReport, lang: Lang) -> None:
    enc = f", {load.encoding}" if load.encoding else ""
    typer.echo(
        message(
            "banks.load",
            lang,
            read=load.read,
            accepted=load.accepted,
            quarantined=len(load.quarantined),
            lines=load.lines,
            blank=load.blank,
            enc=enc,
        )
    )
    if load.quarantine_file:
        err_console().print(
            escape(message("banks.quarantine_file", lang, file=load.quarantine_file)),
            soft_wrap=True,
        )


def _report_json(report: CheckReport, profile: Profile, lang: Lang) -> dict[str, Any]:
    data = report.model_dump(mode="json")
    data["ok"] = report.ok
    data["shortfalls"] = len(report.shortfalls)
    for bank_json, bank in zip(data["banks"], report.banks, strict=True):
        for f_json, f in zip(bank_json["findings"], bank.findings, strict=True):
            f_json["message"] = describe(f, profile, lang)
    return data


def _parse_date(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--today {text!r} is not a date", fix="write it as YYYY-MM-DD") from None


def _omitted_aspects(names: tuple[str, ...], profile: Profile) -> tuple[str, ...]:
    resolver = NameResolver(profile)
    return tuple(resolver.aspect(n) for n in names)
