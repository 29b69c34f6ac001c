"""The top-level group loads a command's module only when it runs (issue 13: a fast start).

``assay --help`` must not import the toolkit, and ``assay keywords scan`` only what scanning
needs. What a fresh interpreter has imported is read from ``sys.modules`` after the command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.cli.lazy import COMMANDS, load

ROOT = Path(__file__).resolve().parents[2]
SRC = Path(assay.__file__).resolve().parents[1]

# Modules scanning texts with a keyword library does not need: the store, the assessment, the
# report and HTTP stacks.
NEVER_IN_SCAN = (
    "sqlalchemy",
    "rich",
    "openpyxl",
    "httpx",
    "aiohttp",
    "jinja2",
    "assay.store",
    "assay.assess.",  # the package itself is empty (``assay.assess`` is callable)
    "assay.config",
    "assay.reports",
    "assay.judges.specs",
    "assay.cli.assess",
)
# A bare start needs not even the numerics, the models or the YAML reader.
NEVER_AT_START = (*NEVER_IN_SCAN, "numpy", "pydantic", "yaml", "assay.cli.report")


def _imported_after(args: list[str], cwd: Path) -> tuple[set[str], str]:
    code = (
        "import json, sys\n"
        "from assay.cli.main import run\n"
        "try:\n"
        f"    run({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write('\\n' + json.dumps(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}  # this checkout's code, from any cwd
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    *_, last = done.stderr.rstrip().splitlines()
    return set(json.loads(last)), done.stdout


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The ``names`` found: a module and its submodules, or (a name ending in ".") only the
    submodules."""

    def found(name: str) -> bool:
        if name.endswith("."):
            return any(m.startswith(name) for m in modules)
        return any(m == name or m.startswith(name + ".") for m in modules)

    return sorted(n for n in names if found(n))


def test_help_lists_every_command_without_importing_any(tmp_path: Path) -> None:
    modules, out = _imported_after(["--help"], tmp_path)
    assert _loaded(modules, NEVER_AT_START) == []
    for name in COMMANDS:
        assert f"  {name} " in out


def test_keyword_scan_imports_only_what_scanning_needs(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("今天天气很好。\n", "utf-8")
    keywords = ROOT / "examples" / "banks" / "keywords.csv"
    args = ["keywords", "scan", "--keywords", str(keywords), "--file", "x.txt", "--json"]
    modules, out = _imported_after(args, tmp_path)
    assert json.loads(out)["documents"] == 1  # it did scan
    assert _loaded(modules, NEVER_IN_SCAN) == []


@pytest.mark.parametrize("name", list(COMMANDS))
def test_summary_is_the_commands_own(name: str) -> None:
    """``--help`` prints the summaries of the table; each must be what the command says."""
    command = load(name)
    assert command.name == name
    assert command.get_short_help_str(limit=300) == COMMANDS[name].summary
