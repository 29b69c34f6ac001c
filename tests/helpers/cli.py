"""Run the real ``assay`` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_assay(
    *args: str | Path, cwd: Path | None = None, lang: str = "en"
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSAY_LANG": lang, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "assay", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
