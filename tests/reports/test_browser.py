"""The HTML report in headless Chromium: it opens without console errors, Chinese glyphs
render (not boxes), and a screenshot is taken. Needs Debian's chromium and the playwright
package (no browser download: the system Chromium is used); skipped when either is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reports.test_document import _config, demo  # noqa: F401  (the fixture)
from tests.reports.test_report import package  # noqa: F401  (the fixture)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# draw two different characters on a canvas: a font that lacks them draws the same box twice
_GLYPHS_DIFFER = """() => {
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const g = c.getContext('2d'); g.font = '32px sans-serif'; g.fillText(ch, 2, 32);
    return Array.from(g.getImageData(0, 0, 40, 40).data).join(',');
  };
  return draw('生') !== draw('成') && draw('生') !== draw('\\uFFFF');
}"""


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")
def test_html_report_in_headless_chromium(package: Path, tmp_path: Path) -> None:  # noqa: F811
    playwright = pytest.importorskip("playwright.sync_api")
    problems: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on(
            "console",
            lambda m: (
                problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
            ),
        )
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        page.on(
            "dialog", lambda d: problems.append(f"dialog: {d.message}")
        )  # an alert() would mean XSS
        page.goto((package / "report.html").resolve().as_uri())
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        title = page.title()
        glyphs = page.evaluate(_GLYPHS_DIFFER)
        scripts = page.evaluate("() => document.scripts.length")
        browser.close()
    assert problems == []
    assert title == "生成式人工智能服务安全评估报告"
    assert shot.stat().st_size > 10_000
    assert scripts == 0
    assert glyphs, "Chinese characters render as boxes: install a CJK font (fonts-noto-cjk)"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")
def test_demo_report_screenshots_of_cover_conclusion_and_clauses(
    demo: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The demo report (issue 14) in Chromium: the cover, the conclusion and the first clause
    chapter each render to a non-trivial PNG, and the cover shows the assessment's fields."""
    playwright = pytest.importorskip("playwright.sync_api")
    shots: dict[str, Path] = {}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto((demo / "report.html").resolve().as_uri())
        cover_text = page.locator(".cover").inner_text()
        for name, selector in (
            ("cover", ".cover"),
            ("conclusion", "#s2"),
            ("clauses", "#s3 table"),
        ):
            shots[name] = tmp_path / f"{name}.png"
            page.locator(selector).first.screenshot(path=str(shots[name]))
        browser.close()
    given = _config()["assessment"]
    assert given["organisation"] in cover_text
    assert given["report_no"] in cover_text
    for name, shot in shots.items():
        assert shot.stat().st_size > 10_000, name
