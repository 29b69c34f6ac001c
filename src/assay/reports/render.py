"""Render a :class:`Report` as one self-contained HTML file and as Markdown, from the Jinja2
templates in ``templates/`` (``report.html`` over ``base.html`` and its partials; ``report.md``).

Everything from the model or the user is untrusted, and every value a template prints goes
through the environment's ``finalize``: bidirectional controls (U+202E and kin) become visible
marks, so an answer cannot reorder the verdict beside it; then the HTML environment escapes it
(autoescape: an answer holding ``<script>`` shows as text) and the Markdown one escapes the
characters Markdown or HTML would act on. Only values the code marks ``Markup`` pass as they are
(the CSS strings of the page footer, built from the catalogue). jinja2 is imported when a report
is rendered, not when the CLI starts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from assay.messages import t
from assay.reports.annotation import AnnotationView
from assay.reports.model import Report
from assay.reports.view import ReportView, blocked_line, build_view
from assay.text.visible import visible

if TYPE_CHECKING:
    import jinja2

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def _md(text: object) -> str:
    """A value in Markdown: inline only (line breaks become spaces), every character Markdown
    or HTML would act on escaped. A value never starts a line in the template, so the
    line-start constructs (lists, headings, rules) cannot be triggered by it."""
    return _MD_SPECIAL.sub(r"\\\1", visible(str(text))).replace("\r", " ").replace("\n", " ")


def _environment(kind: Literal["html", "md"]) -> jinja2.Environment:
    import jinja2
    from markupsafe import Markup

    def html_value(value: object) -> object:
        if isinstance(value, Markup):
            return value
        return "" if value is None else visible(str(value))

    def md_value(value: object) -> object:
        if isinstance(value, Markup):
            return str(value)
        return "" if value is None else _md(value)

    return jinja2.Environment(
        loader=jinja2.PackageLoader("assay.reports", "templates"),
        autoescape=kind == "html",
        finalize=html_value if kind == "html" else md_value,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and ``<`` escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return '"' + escaped.replace("\n", "\\a ") + '"'


def _css_content(template: str) -> str:
    """A catalogue message with ``{page}``/``{pages}`` as a CSS ``content`` value:
    "第 {page} 页 共 {pages} 页" -> "第 " counter(page) " 页 共 " counter(pages) " 页"."""
    parts = re.split(r"\{(page|pages)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"counter({part})")
        elif part:
            out.append(_css_string(part))
    return " ".join(out)


def _context(report: Report, lang: str) -> dict[str, object]:
    from markupsafe import Markup

    view: ReportView = build_view(report, lang)
    page_of = t("report.page_of", lang)
    return {
        "v": view,
        "colon": t("sep.colon", lang),
        "css": {
            "page_of": Markup(_css_content(page_of)),
            "report_no": Markup(
                _css_string(t("report.cover_report_no", lang) + t("sep.colon", lang))
            ),
        },
    }


def html_report(report: Report, lang: str = "zh") -> str:
    """The report as one HTML file: inline CSS (screen and print), inline SVG, no scripts."""
    return _environment("html").get_template("report.html").render(_context(report, lang))


def markdown(report: Report, lang: str = "zh") -> str:
    text = _environment("md").get_template("report.md").render(_context(report, lang))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def annotation_markdown(view: AnnotationView, lang: str = "zh") -> str:
    """The corpus annotation rules (语料标注规则) skeleton as Markdown."""
    context = {"v": view, "colon": t("sep.colon", lang)}
    text = _environment("md").get_template("annotation_rules.md").render(context)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


__all__ = ["annotation_markdown", "blocked_line", "html_report", "markdown"]
