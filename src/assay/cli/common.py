"""Options and output helpers shared by the command groups."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from assay.errors import ConfigError
from assay.messages import t as message
from assay.names import CONFIG_NAME

if TYPE_CHECKING:  # imported where used: `assay --help` and `keywords scan` must start fast
    from rich.console import Console
    from rich.table import Table

    from assay.config import ProjectConfig
    from assay.project import Project
    from assay.standard.models import Profile
    from assay.stats.rates import DecisionRule
    from assay.store.runstore import RunStore

Lang = Literal["zh", "en"]

ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        "-p",
        help="Profile: a built-in name (tc260-003-2024, gbt45654-2025) or a YAML file. "
        "Default: the project's, else tc260-003-2024.",
    ),
]
DEFAULT_LANG = "zh"
# $ASSAY_LANG is read when the command line is parsed, not when this module is imported: a
# process that runs several commands (a test, a notebook) sees the environment of each.
LangOpt = Annotated[
    str,
    typer.Option(
        "--lang",
        envvar="ASSAY_LANG",
        show_envvar=False,
        help="Output language: zh or en (default: $ASSAY_LANG or zh).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
RuleOpt = Annotated[
    str | None,
    typer.Option(
        "--decision-rule",
        help="How a sampled rate is decided: standard (the sample's rate against the "
        "threshold, as in 9.2-9.4) or confidence (the whole 95% interval). Default: the "
        "project's, else standard.",
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help=f"Project file (default: ./{CONFIG_NAME} if present)."),
]


def check_lang(lang: str) -> Lang:
    code = lang.strip().lower().replace("_", "-").split("-")[0]  # zh_CN, EN, en-US
    if code not in ("zh", "en"):
        raise ConfigError(
            f"unknown language {lang!r}", fix="use --lang zh or --lang en (or set ASSAY_LANG)"
        )
    return code  # type: ignore[return-value]


def project(config: Path | None) -> ProjectConfig | None:
    """The project config given, or ``./assay.yaml`` if it exists, or None."""
    chosen = config if config is not None else Path(CONFIG_NAME)
    if config is None and not chosen.is_file():
        return None
    from assay.config import load_config  # only when there is a project: a fast bare start

    return load_config(chosen)


def project_inputs(
    cfg: ProjectConfig | None, config: Path | None, store_file: str | None = None
) -> list[Path]:
    """The files a command about the project reads (and so must never overwrite): the project
    file, every file it names and the SQLite run store."""
    paths = list(cfg.input_files()) if cfg else []
    chosen = config or (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)
    if chosen is not None:
        paths.append(chosen)
    if store_file:
        paths.append(Path(store_file))
    return paths


def profile_for(name: str | None, config: ProjectConfig | None, lang: Lang) -> Profile:
    """Load the profile asked for (or the project's), and warn on stderr if it is provisional."""
    from assay.standard.loader import load_profile

    chosen = name or (config.profile if config else None)
    profile = load_profile(chosen) if chosen else load_profile()
    if profile.status in ("provisional", "custom"):
        err_console().print(f"[yellow]! {profile.notice(lang)}[/yellow]", soft_wrap=True)
    return profile


def open_project(config: Path | None, profile: str | None, lang: Lang) -> Project:
    """The project of --config (else ./assay.yaml, else none) with the profile of --profile
    (else the project's), warning on stderr when the profile is provisional."""
    from assay.project import Project, find_config

    cfg = project(config)
    return Project(config=cfg, profile=profile_for(profile, cfg, lang), path=find_config(config))


def run_context(
    run_id: str, config: Path | None, profile: str | None, store: str | None, lang: str
) -> tuple[Lang, Project, RunStore]:
    """The language, project and store for a command about one run: the profile is the one the
    run used when it is a built-in one, else --profile or the project's."""
    from assay.assess.session import profile_changed, run_profile
    from assay.project import Project, find_config, open_store

    code = check_lang(lang)
    cfg = project(config)
    runs = open_store(store, cfg)
    chosen = run_profile(runs, run_id, profile)
    the_project = Project(
        config=cfg, profile=profile_for(chosen, cfg, code), path=find_config(config)
    )
    if profile_changed(the_project.profile, runs, run_id):
        warn_profile_change(the_project.profile, code)
    return code, the_project, runs


def warn_profile_change(profile: Profile, lang: Lang) -> None:
    err_console().print(
        message("cli.common.profile_changed", lang, id=profile.id),
        soft_wrap=True,
    )


def out_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str | None, columns: list[str]) -> Table:
    """A rich table whose string cells are shown as written: "[red]x[/red]" in a keyword stays
    text (styled cells are passed as ``rich.text.Text``)."""
    from rich.markup import escape
    from rich.table import Table

    class SafeTable(Table):
        def add_row(self, *renderables: Any, **kwargs: Any) -> None:
            cells = (escape(r) if isinstance(r, str) else r for r in renderables)
            super().add_row(*cells, **kwargs)

    shown = SafeTable(
        title=escape(title) if title else None,
        show_lines=False,
        header_style="bold",
        title_justify="left",
    )
    for i, column in enumerate(columns):
        shown.add_column(column, overflow="fold", no_wrap=i == 0)
    return shown


class ProgressLines:
    """Progress as plain lines on stderr, for logs and CI (where a bar prints nothing until
    the end): the first line, then at most one every ``every_s`` seconds, and the last."""

    def __init__(self, console: Console, every_s: float = 5.0) -> None:
        self.console = console
        self.every_s = every_s
        self.last: float | None = None

    def log(self, line: str, *, final: bool = False) -> None:
        now = time.monotonic()
        if final or self.last is None or now - self.last >= self.every_s:
            self.console.print(line, highlight=False, soft_wrap=True)
            self.last = now


def decision_rule(option: str | None, config: ProjectConfig | None) -> DecisionRule:
    """--decision-rule if given, else the project's ``decision_rule``, else standard."""
    from assay.stats.rates import DEFAULT_RULE, RULES

    if option is None:
        return config.decision_rule if config else DEFAULT_RULE
    chosen = option.strip().lower()
    for rule in RULES:
        if chosen == rule:
            return rule
    raise ConfigError(
        f"unknown decision rule {option!r}", fix="use --decision-rule standard or confidence"
    )
