"""The top-level command group, which imports a command's module only when it runs.

``assay --help`` and ``assay keywords scan`` must start fast: scripts call them thousands of
times. Importing every command module would load the whole toolkit (numpy, SQLAlchemy, the
assessment) for every call, so the group knows each command by name and one-line summary and
imports ``module:attribute`` on first use. ``tests/cli/test_lazy.py`` checks that every summary
here is the command's own and that ``--help`` loads none of the heavy modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import typer
import typer.main
from typer import _click as click
from typer.core import TyperGroup


@dataclass(frozen=True)
class Entry:
    """One command of the top-level group: where it lives and what ``--help`` says of it."""

    module: str
    attribute: str
    summary: str


COMMANDS: dict[str, Entry] = {
    "run": Entry(
        "assay.cli.assess",
        "run",
        "Run the model assessment: draw the questions, ask the target, judge, decide 9.3 and 9.4.",
    ),
    "judge": Entry(
        "assay.cli.assess",
        "judge",
        "(Re)judge the stored answers of a run (with the judges it was judged with, or the "
        "project's); never asks the target.",
    ),
    "results": Entry(
        "assay.cli.assess",
        "show_results",
        "Print a run's decision table for 9.3 and 9.4 (or --list the runs).",
    ),
    "plan": Entry(
        "assay.cli.assess",
        "plan",
        "How many of N must succeed to pass a threshold, under the decision rule in force and "
        "under the other (standard: the sample's rate; confidence: the whole Wilson interval).",
    ),
    "assess": Entry(
        "assay.cli.report",
        "assess",
        "Run everything the project file asks for (bank checks, the model assessment, measures) "
        "and write the whole package: report.json/html/md and the XLSX filing attachments.",
    ),
    "report": Entry(
        "assay.cli.report",
        "report",
        "Write the report of a stored run (and the project's bank checks and measures).",
    ),
    "standard": Entry(
        "assay.cli.standard",
        "app",
        "The standard as data: risks, aspects, clauses and thresholds of a profile.",
    ),
    "banks": Entry(
        "assay.cli.banks",
        "app",
        "Keyword library and test banks: check coverage and freshness, convert.",
    ),
    "keywords": Entry(
        "assay.cli.keywords",
        "app",
        "Scan texts with the keyword library; show what normalization does.",
    ),
    "review": Entry(
        "assay.cli.review",
        "app",
        "Manual review: export / import sheets, or serve the review web app (9.3 b), 9.4, "
        "calibration).",
    ),
    "measures": Entry(
        "assay.cli.report",
        "measures_app",
        "measures.yaml: the provider's evidence for the clauses Assay cannot measure.",
    ),
    "corpus": Entry("assay.cli.corpus", "app", "Corpus sources and their assessment (5.1, 5.2)."),
    "guard": Entry(
        "assay.cli.guard",
        "app",
        "The runtime guard: the project's detectors in front of a live service.",
    ),
    "judges": Entry(
        "assay.cli.judges",
        "app",
        "Judges: train the classifier, measure a judge's error, show coverage.",
    ),
}


def load(name: str) -> click.Command:
    """The click command ``name``, built from its module (imported now)."""
    entry = COMMANDS[name]
    found: Any = getattr(importlib.import_module(entry.module), entry.attribute)
    if isinstance(found, typer.Typer):
        found.rich_markup_mode = None
        command = typer.main.get_command(found)
    else:
        single = typer.Typer(rich_markup_mode=None, add_completion=False)
        single.command(name)(_as_callable(found))
        command = typer.main.get_command(single)
    command.name = name
    return command


def _as_callable(found: Any) -> Callable[..., Any]:
    if not callable(found):
        raise TypeError(f"{found!r} is not a command")
    return found  # type: ignore[no-any-return]


class LazyGroup(TyperGroup):
    """The ``assay`` group: its commands are :data:`COMMANDS`, each loaded when first used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the summaries, so that ``--help`` imports no command."""
        rows = [(n, COMMANDS[n].summary) for n in self.list_commands(ctx) if n in COMMANDS]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
