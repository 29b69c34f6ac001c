"""Start-up benchmark (issue 13): what one CLI call costs before it does any work.

Scripts call ``assay`` thousands of times, so the start matters. For each command this runs it
``--repeat`` times in a fresh process and prints the CPU time of the child (user + system, from
``resource.getrusage(RUSAGE_CHILDREN)``, which a busy machine does not inflate the way it does
wall time) beside the wall time, best and median; then the heavy modules ``assay --help``
imports. Goals: ``assay --help`` <= 0.25 s CPU, ``assay keywords scan FILE`` <= 0.35 s CPU.

    .venv/bin/python bench/startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import OUT_ENV, record

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "sqlalchemy", "openpyxl", "aiohttp", "jinja2", "weasyprint", "httpx", "yaml")
GOALS = {"assay --help": 0.25, "assay keywords scan": 0.35}


def _assay() -> list[str]:
    found = Path(sys.executable).with_name("assay")
    return [str(found)] if found.exists() else [sys.executable, "-m", "assay"]


def measure(argv: list[str], repeat: int, cwd: Path) -> tuple[list[float], list[float]]:
    """CPU and wall seconds of each of ``repeat`` runs of ``argv``."""
    cpu, wall = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return cpu, wall


def imported_by_help() -> list[str]:
    """The heavy top-level modules loaded by ``assay --help`` in a fresh interpreter."""
    code = (
        "import sys\n"
        "from assay.cli.main import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    ).stdout
    found = [line for line in out.splitlines() if line.startswith("HEAVY:")]
    return [m for m in (found[-1].removeprefix("HEAVY:") if found else "").split(",") if m]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    assay = _assay()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "x.txt").write_text("今天天气很好。\n", "utf-8")
        keywords = ROOT / "examples" / "banks" / "keywords.csv"
        commands = {
            "python -c 'import assay'": [sys.executable, "-c", "import assay"],
            "assay --help": [*assay, "--help"],
            "assay keywords scan": [
                *assay, "keywords", "scan", "--keywords", str(keywords), "--file", "x.txt"
            ],
        }  # fmt: skip
        print(f"{'command':28s} {'CPU best':>9s} {'CPU median':>11s} {'wall best':>10s}  goal")
        for name, argv in commands.items():
            cpu, wall = measure(argv, args.repeat, folder)
            goal = GOALS.get(name)
            verdict = ""
            if goal is not None:
                ok = statistics.median(cpu) <= goal
                failed |= not ok
                verdict = f"<= {goal:.2f} s CPU: {'PASS' if ok else 'FAIL'}"
            print(
                f"{name:28s} {min(cpu):8.3f}s {statistics.median(cpu):10.3f}s "
                f"{min(wall):9.3f}s  {verdict}"
            )
            record(
                "startup",
                name,
                f"{statistics.median(cpu):.3f} s CPU median ({min(cpu):.3f} best; "
                f"wall {min(wall):.3f} s best, {args.repeat} runs)",
                goal="" if goal is None else f"<= {goal:.2f} s CPU",
                ok=None if goal is None else statistics.median(cpu) <= goal,
            )
    heavy = imported_by_help()
    print(f"\nheavy modules imported by `assay --help`: {', '.join(heavy) or 'none'}")
    return 1 if failed and not os.environ.get(OUT_ENV) else 0  # under make bench: the table says


if __name__ == "__main__":
    sys.exit(main())
