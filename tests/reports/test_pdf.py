"""Issue 14: the PDF of the demo report prints as a document: several pages, 「第 N 页 共 M 页」
on every one, the report number in the running header, no clause id broken across lines
("5.2.b.\\n5"). Skipped when WeasyPrint (or pango under it) is missing."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.reports.test_document import ROOT, demo  # noqa: F401  (the fixture)

# the tail of a line that holds a clause id cut at a dot ("5.2.b."), and the head of one that
# holds the rest (".5" or a lone "5" run on from the line before is caught by the whole-id check)
_CUT_TAIL = re.compile(r"(?<![\w.])[5-8](?:\.[0-9a-z]+)*\.$")
_CUT_HEAD = re.compile(r"^\.[0-9a-z]")


@pytest.fixture(scope="module")
def pdf_pages(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:  # noqa: F811
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: pango is missing
        pytest.skip(f"WeasyPrint unavailable: {exc}")
    pypdf = pytest.importorskip("pypdf")
    from assay.reports.pdf import write_pdf

    target = tmp_path_factory.mktemp("pdf") / "report.pdf"
    write_pdf((demo / "report.html").read_text("utf-8"), target)
    return [page.extract_text() for page in pypdf.PdfReader(target).pages]


def test_every_page_is_numbered_of_the_total(pdf_pages: list[str]) -> None:
    total = len(pdf_pages)
    assert total > 1
    for n, text in enumerate(pdf_pages, 1):
        assert f"第 {n} 页 共 {total} 页" in text, n


def test_the_running_header_carries_the_report_number(pdf_pages: list[str]) -> None:
    config = yaml.safe_load((ROOT / "examples" / "assay.yaml").read_text("utf-8"))
    number = config["assessment"]["report_no"]
    assert all(f"报告编号：{number}" in text for text in pdf_pages[1:])


def test_no_clause_id_is_split_across_lines(demo: Path, pdf_pages: list[str]) -> None:  # noqa: F811
    lines = [line.strip() for text in pdf_pages for line in text.splitlines()]
    cut = [
        (a, b) for a, b in itertools.pairwise(lines) if _CUT_TAIL.search(a) or _CUT_HEAD.match(b)
    ]
    assert cut == []
    ids = [c["clause"] for c in json.loads((demo / "report.json").read_text("utf-8"))["clauses"]]
    tokens = {t for line in lines for t in re.split(r"[\s，。；：、（）()]+", line)}
    missing = [i for i in ids if i not in tokens]
    assert missing == []
