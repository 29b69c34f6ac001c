"""``assay keywords``: try the keyword library on texts, and see what normalization does."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from assay.banks.io import ReadOptions, load_allowlist, load_keywords
from assay.banks.models import BankSource
from assay.cli.common import (
    DEFAULT_LANG,
    ConfigOpt,
    JsonOpt,
    Lang,
    LangOpt,
    ProfileOpt,
    check_lang,
    print_json,
    profile_for,
    project,
)
from assay.errors import ConfigError, InputFormatError
from assay.judges.base import Verdict
from assay.judges.keyword import KeywordJudge
from assay.messages import t as message
from assay.text.normalize import Normalizer

app = typer.Typer(help="Scan texts with the keyword library; show what normalization does.")

_BATCH = 1000


@app.command("scan")
def scan(
    texts: Annotated[list[str] | None, typer.Argument(help="Texts to scan.")] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", help="A UTF-8 text file: each line is one document ('-' reads stdin)."
        ),
    ] = None,
    keywords: Annotated[
        Path | None,
        typer.Option("--keywords", "-k", help="Keyword library (default: the project's)."),
    ] = None,
    allow: Annotated[
        Path | None, typer.Option(help="Allowlist: one benign phrase per line.")
    ] = None,
    flagged_only: Annotated[bool, typer.Option(help="Print only documents with hits.")] = False,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """Scan texts (arguments, or the lines of --file) and print every keyword hit with its span
    in the original text and its risks. Exit code 0 whether or not anything was found."""
    code = check_lang(lang)
    cfg = project(config)
    prof = profile_for(profile, cfg, code)
    source = _source(keywords, cfg.banks.keywords if cfg else None, allow)
    library, load = load_keywords(
        source.path, prof, ReadOptions(encoding=source.encoding or "auto")
    )
    if load.quarantined:
        typer.echo(
            message(
                "cli.keywords.library_loaded",
                code,
                file=load.file,
                read=load.read,
                accepted=load.accepted,
                quarantined=len(load.quarantined),
                quarantine_file=load.quarantine_file,
            ),
            err=True,
        )
    phrases = load_allowlist(source.allow) if source.allow else []
    judge = KeywordJudge(library, allow=phrases, options=source.normalize)
    if not texts and file is None:
        raise ConfigError("nothing to scan", fix="pass texts as arguments or --file FILE")
    documents = list(texts or []) + (_read_lines(file) if file else [])
    verdicts: list[Verdict] = []
    for start in range(0, len(documents), _BATCH):
        verdicts += judge.judge_many(documents[start : start + _BATCH])
    rows = [
        {
            "line": i,
            "flagged": v.flagged,
            "risk_ids": list(v.risk_ids),
            "hits": [e.model_dump() for e in v.evidence],
        }
        for i, v in enumerate(verdicts, 1)
        if v.flagged or not flagged_only
    ]
    if as_json:
        print_json(
            {
                "documents": len(documents),
                "flagged": sum(v.flagged for v in verdicts),
                "engine": judge.engine.stats.backend,
                "results": rows,
            }
        )
        return
    _render(rows, verdicts, code)


@app.command("normalize")
def normalize(
    text: Annotated[str, typer.Argument(help="The text to normalize.")],
    as_json: JsonOpt = False,
) -> None:
    """Show the normalized form of a text and where each character came from."""
    result = Normalizer().normalize(text)
    if as_json:
        print_json({"text": result.text, "offsets": result.offsets})
        return
    typer.echo(result.text)


def _source(given: Path | None, configured: BankSource | None, allow: Path | None) -> BankSource:
    if given is not None:
        return BankSource(path=given, allow=allow)
    if configured is None:
        raise ConfigError(
            "no keyword library", fix="pass --keywords FILE or set banks.keywords in assay.yaml"
        )
    return configured.model_copy(update={"allow": allow}) if allow else configured


def _read_lines(path: Path) -> list[str]:
    if str(path) == "-":
        return sys.stdin.read().removeprefix("\ufeff").splitlines()
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise InputFormatError("file not found", file=path, fix="check the path") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputFormatError(
            f"not UTF-8 ({exc.reason})", file=path, line=line, fix="save the file as UTF-8"
        ) from None


def _render(rows: list[dict[str, object]], verdicts: list[Verdict], lang: Lang) -> None:
    for row in rows:
        hits = row["hits"]
        assert isinstance(hits, list)
        if not hits:
            typer.echo(f"{row['line']}: -")
            continue
        shown = "; ".join(
            f"{h['label']} [{h['start']}:{h['end']}] {h['text']!r} {','.join(h['risk_ids'])}"
            for h in hits
        )
        typer.echo(f"{row['line']}: {shown}")
    by_risk = Counter(r for v in verdicts for r in v.risk_ids)
    flagged = sum(v.flagged for v in verdicts)
    summary = ", ".join(f"{r} {n}" for r, n in sorted(by_risk.items())) or "-"
    typer.echo(
        message(
            "cli.keywords.scan_summary", lang, texts=len(verdicts), flagged=flagged, summary=summary
        ),
        err=True,
    )
