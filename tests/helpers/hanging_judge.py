"""A judge that never finishes, for tests of what happens to busy corpus-filter workers: each
worker process that takes a batch writes its pid to a folder (the event a test waits on)."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

from assay.judges.base import JudgeSpec, Verdict


class HangingJudge:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.spec = JudgeSpec(name="hanging", args={})

    def judge(self, text: str, *, context: str | None = None) -> Verdict:
        return self.judge_many([text])[0]

    def judge_many(
        self, texts: Sequence[str], *, contexts: Sequence[str | None] | None = None
    ) -> list[Verdict]:
        mine = Path(self.folder) / str(os.getpid())
        mine.with_suffix(".tmp").write_text("busy", "utf-8")
        os.replace(mine.with_suffix(".tmp"), mine)
        threading.Event().wait()  # busy for good: only its own death ends it
        raise AssertionError("unreachable")
