"""``assay standard``: the risks, aspects, clauses and numbers of a profile."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from assay.cli.common import (
    DEFAULT_LANG,
    ConfigOpt,
    JsonOpt,
    Lang,
    LangOpt,
    ProfileOpt,
    check_lang,
    out_console,
    print_json,
    profile_for,
    project,
    table,
)
from assay.errors import ConfigError
from assay.messages import t as message
from assay.outputs import check_output
from assay.standard.loader import builtin_profiles, dump_profile, load_profile

app = typer.Typer(help="The standard as data: risks, aspects, clauses and thresholds of a profile.")


@app.command("profiles")
def profiles(as_json: JsonOpt = False, lang: LangOpt = DEFAULT_LANG) -> None:
    """List the built-in profiles."""
    code = check_lang(lang)
    rows = []
    for name in builtin_profiles():
        p = load_profile(name)
        rows.append(
            {
                "id": p.id,
                "code": p.code,
                "title": p.title_zh if code == "zh" else p.title_en,
                "status": p.status,
                "issued": p.issued,
                "effective": p.effective,
            }
        )
    if as_json:
        print_json(rows)
        return
    tab = table(
        None,
        [
            "id",
            message("cli.standard.code", code),
            message("cli.standard.status", code),
            message("cli.standard.issued", code),
            message("cli.standard.effective", code),
        ],
    )
    for r in rows:
        tab.add_row(
            str(r["id"]),
            str(r["code"]),
            str(r["status"]),
            str(r["issued"] or ""),
            str(r["effective"] or ""),
        )
    out_console().print(tab)


@app.command("risks")
def risks(
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """List the categories and risks of Appendix A (A.1.a ... A.5.b)."""
    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    if as_json:
        print_json(
            {
                "profile": prof.id,
                "status": prof.status,
                "categories": [
                    {
                        "id": c.id,
                        "name_zh": c.name_zh,
                        "name_en": c.name_en,
                        "prov": list(c.prov.tags),
                        "risks": [
                            {
                                "id": r.id,
                                "name_zh": r.name_zh,
                                "name_en": r.name_en,
                                "prov": list(r.prov.tags),
                                "prov_level": r.prov.level.value,
                            }
                            for r in c.risks
                        ],
                    }
                    for c in prof.categories
                ],
            }
        )
        return
    tab = table(
        f"{prof.code} {message('cli.standard.appendix_risks', code)} ({len(prof.risks)})",
        ["id", message("cli.standard.name", code), message("cli.standard.prov", code)],
    )
    for c in prof.categories:
        tab.add_row(Text(c.id, style="bold"), Text(c.name(code), style="bold"), str(c.prov))
        for r in c.risks:
            tab.add_row(r.id, r.name(code), str(r.prov))
    out_console().print(tab)


@app.command("aspects")
def aspects(
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """List the aspects the must-answer (非拒答) bank covers (8.3 b)."""
    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    if as_json:
        print_json([a.model_dump(mode="json") | {"prov": list(a.prov.tags)} for a in prof.aspects])
        return
    tab = table(
        message("cli.standard.must_answer_aspects", code),
        ["id", message("cli.standard.name", code), message("cli.standard.prov", code)],
    )
    for a in prof.aspects:
        tab.add_row(a.id, a.name(code), str(a.prov))
    out_console().print(tab)


@app.command("clauses")
def clauses(
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    section: Annotated[
        str | None, typer.Option("--section", "-s", help="Only this section, e.g. 5.1 or 7.")
    ] = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """List every clause of chapters 5 to 8 with its force and how it is checked."""
    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    chosen = [
        c
        for c in prof.clauses
        if section is None or c.id == section or c.id.startswith(section + ".")
    ]
    if section is not None and not chosen:
        raise ConfigError(
            f"no clause in section {section!r}",
            fix="clauses are those of chapters 5 to 8, e.g. --section 5.1 or 7",
        )
    if as_json:
        print_json(
            {
                "profile": prof.id,
                "status": prof.status,
                "numbering_confirmed": prof.numbering_confirmed,
                "clauses": [
                    c.model_dump(mode="json") | {"prov": list(c.prov.tags), "section": c.section}
                    for c in chosen
                ],
            }
        )
        return
    force_label = {
        "shall": message("cli.standard.shall", code),
        "should": message("cli.standard.should", code),
    }
    tab = table(
        f"{prof.code} {message('cli.standard.clauses', code)} ({len(chosen)})",
        [
            message("banks.col_id", code),
            message("cli.standard.force", code),
            message("cli.standard.checked_by", code),
            message("cli.standard.requirement", code),
            message("cli.standard.prov", code),
        ],
    )
    for c in chosen:
        tab.add_row(
            c.id,
            force_label[c.force.value],
            message("sep.list", code).join(message(f"check.{m.value}", code) for m in c.checks),
            c.title(code),
            str(c.prov),
        )
    out_console().print(tab)


@app.command("thresholds")
def thresholds(
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    as_json: JsonOpt = False,
) -> None:
    """List every minimum and threshold (bank sizes, sample sizes, rates, intervals)."""
    code = check_lang(lang)
    prof = profile_for(profile, project(config), code)
    rows = [
        {
            "name": f"{group}.{name}",
            "value": p.model_dump(mode="json")["value"],
            "force": p.force.value,
            "basis": p.basis.value,  # standard, or practice/example/reference: never decides
            "clause": p.clause,
            "prov": list(p.prov.tags),
            "note": p.note,
        }
        for group, name, p in prof.parameter_rows()
    ]
    if as_json:
        print_json({"profile": prof.id, "status": prof.status, "parameters": rows})
        return
    tab = table(
        f"{prof.code} {message('cli.standard.thresholds', code)}",
        [
            message("cli.standard.parameter", code),
            message("cli.standard.value", code),
            message("cli.standard.force", code),
            message("cli.standard.clause", code),
            message("cli.standard.prov", code),
        ],
    )
    for r in rows:
        tab.add_row(
            str(r["name"]),
            _value_text(r["value"]),
            _force_text(str(r["force"]), str(r["basis"]), code),
            str(r["clause"]),
            ",".join(r["prov"]),
        )
    out_console().print(tab)


def _force_text(force: str, basis: str, lang: Lang) -> str:
    """The force, and what the number is when it is not the standard's own."""
    return force if basis == "standard" else f"{force} ({message(f'basis_{basis}', lang)})"


@app.command("export")
def export(
    profile: ProfileOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Write a profile as a complete YAML file to copy and edit (then pass --profile FILE)."""
    text = dump_profile(load_profile(profile) if profile else load_profile())
    if out is None:
        typer.echo(text, nl=False)
    else:
        given = [Path(profile)] if profile and Path(profile).is_file() else []
        check_output(out, given)  # a profile file is never overwritten by its own export
        out.write_text(text, encoding="utf-8")
        typer.echo(str(out))


def _value_text(value: object) -> str:
    if isinstance(value, dict) and set(value) == {"count", "unit"}:
        return f"{value['count']} {value['unit']}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
