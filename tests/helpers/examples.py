"""Copy the example project into a test's folder: its committed inputs only.

A user who ran the README (``cd examples && assay run``) leaves ``examples/out/runs.sqlite``,
``examples/clean/`` and the like behind; a test that copied the whole folder read them. The
files copied are the ones git tracks under ``examples/`` (``git ls-files examples``); outside a
git checkout (an unpacked source archive), the folder without what the tools write there.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# outside git: what the commands write inside a project folder (see .gitignore and the README)
_WRITTEN = ("out", "clean", "quarantine", "__pycache__", "*.sqlite", "*.quarantine.jsonl")


def copy_examples(dest: Path, root: Path = ROOT) -> Path:
    """Copy ``root/examples``'s committed files to ``dest`` (created); returns ``dest``."""
    source = root / "examples"
    files = _tracked(root)
    if files is None:
        shutil.copytree(source, dest, ignore=shutil.ignore_patterns(*_WRITTEN))
        return dest
    dest.mkdir(parents=True)
    for name in files:
        path = source / name
        if path.is_file():  # tracked but deleted in the working tree: not there to copy
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest / name)
    return dest


@lru_cache(maxsize=4)
def _tracked(root: Path) -> tuple[str, ...] | None:
    """The files git tracks under ``root/examples``, relative to it; None outside git."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", "."],
            cwd=root / "examples",
            capture_output=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    names = tuple(n for n in listed.stdout.decode("utf-8").split("\0") if n)
    return names or None
