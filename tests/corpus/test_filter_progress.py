"""``corpus filter`` writing to a log (stderr not a terminal) tells its progress as it goes."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers.cli import run_assay
from tests.helpers.examples import copy_examples

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^pieces (\d+)/(\d+) · (\d+) records · \d+ records/s$")


def test_filter_logs_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    """Regression (issue 12, item 20): with stderr a pipe (CI, nohup, a log file) the filter
    printed nothing until it ended; it now logs pieces done and records/s as lines."""
    project = tmp_path / "examples"
    copy_examples(project)
    result = run_assay(
        "corpus", "filter", "--out", tmp_path / "clean", "--workers", "1", cwd=project
    )
    assert result.returncode == 0, result.stderr
    found = [LINE.match(line) for line in result.stderr.splitlines()]
    progress = [(int(m[1]), int(m[2]), int(m[3])) for m in found if m]
    assert len(progress) >= 2, result.stderr  # the start, as a line of its own, and the end
    first, last = progress[0], progress[-1]
    assert first[0] == 0
    assert last[0] == last[1] > 0  # every piece done
    records = int(re.search(r"records (\d+),", result.stdout)[1])  # type: ignore[index]
    assert last[2] == records
    assert "━" not in result.stderr  # no bar drawn into a log
