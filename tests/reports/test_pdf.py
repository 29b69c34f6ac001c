"""Issue 14: the PDF of the demo report prints as a document: several pages, 「第 N 页 共 M 页」
on every one, the report number in the running header, no clause id broken across lines
("5.2.b.\\n5"); and, rendered page by page with pdftoppm (poppler-utils), no page is blank and
every page shows ink where the footer's page number and the running header are printed.
Skipped when WeasyPrint (or pango under it), or pdftoppm for the page images, is missing."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.reports.test_document import ROOT, demo  # noqa: F401  (the fixture)

# the tail of a line that holds a clause id cut at a dot ("5.2.b."), and the head of one that
# holds the rest (".5" or a lone "5" run on from the line before is caught by the whole-id check)
_CUT_TAIL = re.compile(r"(?<![\w.])[5-8](?:\.[0-9a-z]+)*\.$")
_CUT_HEAD = re.compile(r"^\.[0-9a-z]")


@pytest.fixture(scope="module")
def pdf_file(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: pango is missing
        pytest.skip(f"WeasyPrint unavailable: {exc}")
    from assay.reports.pdf import write_pdf

    target = tmp_path_factory.mktemp("pdf") / "report.pdf"
    write_pdf((demo / "report.html").read_text("utf-8"), target)
    return target


@pytest.fixture(scope="module")
def pdf_pages(pdf_file: Path) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [page.extract_text() for page in pypdf.PdfReader(pdf_file).pages]


def _pgm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the grey bytes of a binary PGM ("P5") image, as pdftoppm writes it."""
    data = path.read_bytes()
    fields = data.split(maxsplit=4)
    assert (fields[0], fields[3]) == (b"P5", b"255"), path
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[len(data) - width * height :]


def _ink(width: int, pixels: bytes, top: int, bottom: int) -> int:
    """Inked pixels (anything clearly darker than paper: small grey print is anti-aliased) in the
    rows top..bottom."""
    return sum(1 for value in pixels[top * width : bottom * width] if value < 200)


@pytest.fixture(scope="module")
def page_images(pdf_file: Path) -> list[tuple[int, int, bytes]]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    out = pdf_file.parent / "page"
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf_file), str(out)], check=True)
    return [_pgm(path) for path in sorted(pdf_file.parent.glob("page-*.pgm"))]


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


def test_pdftoppm_renders_every_page_with_a_body_a_footer_and_a_header(
    pdf_pages: list[str], page_images: list[tuple[int, int, bytes]]
) -> None:
    """The page images, not only the PDF's text: a page number that is in the text layer but drawn
    off the page, or a blank page between sections, would pass the text tests."""
    assert len(page_images) == len(pdf_pages) > 1
    for n, (width, height, pixels) in enumerate(page_images, 1):
        strip = height // 14  # the margin boxes of @page: header above, footer below the body
        assert _ink(width, pixels, strip, height - strip) > 0, f"page {n} is blank"
        assert _ink(width, pixels, height - strip, height) > 0, f"page {n} has no footer"
        if n > 1:  # the cover carries no running header
            assert _ink(width, pixels, 0, strip) > 0, f"page {n} has no running header"
