"""The report's attribution tables (9.3, 9.4): the rates of this run and of the run compared
with it side by side, and which layer of the service stopped the items of each (the guard
before the model, another filter, the model, the guard after it), with the harmful answers
that reached the user (leaks). From :attr:`Report.attribution`; none without it."""

from __future__ import annotations

from functools import partial

from assay.assess.attribution import STOPS, MethodLayers, RunLayers
from assay.assess.plan import Method
from assay.messages import t
from assay.reports.model import Report
from assay.reports.tables import Cell, Row, Table

LAYERS = STOPS  # the columns, in the order a request meets them


def run_name(run: RunLayers, lang: str) -> str:
    """How the report names a run: this run / the compared one, its label or id, and whether
    the guard answered in it."""
    key = "report.attribution_this_run" if run.role == "run" else "report.attribution_compare"
    name = t(key, lang, run=run.label or run.run_id)
    return name + (t("report.attribution_guarded", lang) if run.guarded else "")


def _share(n: int | None, total: int) -> str:
    if n is None:
        return "—"
    return f"{n} ({n / total:.0%})" if total else str(n)


def _rates(runs: list[RunLayers], lang: str) -> Table:
    methods: list[Method] = []
    for run in runs:
        methods += [m.method for m in run.methods if m.method not in methods]
    rows = []
    for method in methods:
        cells = [Cell(t(method.value, lang), "nowrap")]
        for run in runs:
            found = next((m for m in run.methods if m.method is method), None)
            shown = "—" if found is None or found.rate is None else f"{found.rate:.1%}"
            cells.append(Cell(shown))
        rows.append(Row(cells))
    headers = [t("method", lang), *(run_name(r, lang) for r in runs)]
    return Table(t("report.attribution_rates", lang), headers, rows)


def _layer_row(run: RunLayers, m: MethodLayers, lang: str) -> Row:
    cells = [Cell(run_name(run, lang)), Cell(f"{t(m.method.value, lang)} {m.clause}", "nowrap")]
    cells.append(Cell(str(m.answered)))
    cells += [Cell(_share(m.count(layer), m.answered)) for layer in LAYERS]
    cells.append(Cell(_share(m.leaks, m.passed)))
    return Row(cells, "fail" if m.leaks else "")


def attribution_tables(report: Report, lang: str) -> list[Table]:
    """The two tables, or none when the report has no attribution."""
    runs = report.attribution
    if not runs:
        return []
    lb = partial(t, lang=lang)
    headers = [
        lb("report.attribution_run"),
        lb("method"),
        lb("report.attribution_answered"),
        *(lb("layer." + layer) for layer in LAYERS),
        lb("layer.leaks"),
    ]
    rows = [_layer_row(run, m, lang) for run in runs for m in run.methods]
    return [_rates(runs, lang), Table(lb("report.attribution_layers"), headers, rows)]


__all__ = ["LAYERS", "attribution_tables", "run_name"]
