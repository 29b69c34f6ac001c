"""Killing only the main ``corpus filter`` process takes its pool workers with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

_SCRIPT = """
import sys
from pathlib import Path
from assay.corpus.filter import filter_corpus
from tests.helpers.hanging_judge import HangingJudge

sources, out, pids = sys.argv[1:4]
filter_corpus(Path(sources), Path(out), judge=HangingJudge(pids), workers=2)
"""


def _gone(pid: int) -> bool:
    """No such process, or only its zombie (a container's init may never reap it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return fields[0] in ("Z", "X")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    """Regression (issue 12, item 14): SIGKILL of the main process left its workers alive
    forever (holding memory, possibly racing a resumed run)."""
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.jsonl").write_text(
            "".join(json.dumps({"text": f"文本 {i}"}) + "\n" for i in range(10)), "utf-8"
        )
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - {id: web, kind: self_collected, paths: ['*.jsonl'], crawled: false}\n",
        "utf-8",
    )
    pids = tmp_path / "pids"
    pids.mkdir()
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, *sys.path])}
    parent = subprocess.Popen(
        [sys.executable, "-c", _SCRIPT, str(sources), str(tmp_path / "out"), str(pids)],
        env=env,
        stderr=subprocess.PIPE,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2:  # both workers are busy judging: the event, polled
        assert parent.poll() is None, parent.stderr.read() if parent.stderr else ""
        assert time.monotonic() < deadline, "the workers never started"
        workers = [int(p.name) for p in pids.iterdir() if p.name.isdigit()]
        time.sleep(0.01)  # between polls of the event, not instead of it
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 60  # a generous bound: they go within a second or two
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in workers if not _gone(pid)]
        time.sleep(0.01)
    for pid in alive:  # leave nothing behind, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert alive == [], "workers outlived their parent"
