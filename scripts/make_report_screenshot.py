"""Regenerate docs/report-cover.png, the README's picture of the report's first page.

Assesses examples/ through the library (offline, as `make demo` does) into a temporary folder,
opens report.html in the system Chromium (Debian `chromium`, driven by playwright; no browser
download) and saves the cover and the start of the conclusion as a PNG.

    .venv/bin/python scripts/make_report_screenshot.py [--out docs/report-cover.png]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.helpers: the committed examples only

from tests.helpers.examples import copy_examples  # noqa: E402

import assay  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report-cover.png")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 3
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = assay.load_project(copy_examples(folder / "examples") / "assay.yaml")
        out = folder / "out"
        assessment = assay.assess(
            project, out=out, store=f"sqlite:///{folder / 'runs.sqlite'}", run_id="demo"
        )
        assay.report(assessment, ["html"], lang="zh")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 1300})
            page.goto((out / "report.html").resolve().as_uri())
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(args.out), clip={"x": 0, "y": 0, "width": 1000, "height": 1300}
            )
            browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
