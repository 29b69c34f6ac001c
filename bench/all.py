"""Run every benchmark and write one table, bench/RESULTS.md (``make bench``).

Each benchmark runs in its own process with ``ASSAY_BENCH_OUT`` naming a file; the figures it
states through ``_common.record`` (value, goal, PASS/FAIL, the peer measured in the same run
and the ratio) are gathered into one Markdown table with the machine's CPU model, core count,
load and the date. A benchmark that fails or is skipped is listed with its reason; its own
output is kept under the output folder (default bench/out/, not committed).

    .venv/bin/python bench/all.py                 # every benchmark, full size
    .venv/bin/python bench/all.py --quick         # smaller inputs (a first look, not figures)
    .venv/bin/python bench/all.py --only keywords --only report
    .venv/bin/python bench/all.py --only corpus --update   # re-run one, keep the other rows
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from _common import OUT_ENV, read_figures

HERE = Path(__file__).resolve().parent
# name -> (arguments at full size, arguments with --quick)
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "startup": ([], ["--repeat", "3"]),
    "keywords": ([], ["--mb", "10"]),
    "banks": ([], ["--keywords", "20000", "--questions", "10000"]),
    "report": ([], []),
    "runner": ([], []),
    "classifier": ([], []),
    "judges": ([], []),
    "corpus": ([], []),
    "guard": ([], ["--requests", "1000"]),
    "review": ([], ["--items", "10000", "--reviewers", "5", "--verdicts", "10"]),
}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text("utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(figures: list[dict[str, object]], failures: dict[str, str], started: datetime) -> str:
    load = os.getloadavg()
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/all.py); every figure below was printed by its benchmark",
        "in this run, the peer measured in the same process run. CPU time is the figure to trust",
        "on a shared machine.",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}",
        f"- load average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
        "",
        "| bench | figure | value | peer | ratio | goal | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        ok = f.get("ok")
        verdict = "–" if ok is None else ("PASS" if ok else "**FAIL**")
        lines.append(
            "| "
            + " | ".join(
                _cell(f.get(key, "")) for key in ("bench", "name", "value", "peer", "ratio", "goal")
            )
            + f" | {verdict} |"
        )
    if failures:
        lines += ["", "## Not measured", ""]
        lines += [f"- {name}: {why}" for name, why in failures.items()]
    passed = sum(1 for f in figures if f.get("ok") is True)
    failed = sum(1 for f in figures if f.get("ok") is False)
    lines += ["", f"{passed} goals met, {failed} not met, {len(failures)} benchmarks not run."]
    return "\n".join(lines) + "\n"


_ROW = "|"


def update(old: str, new: str, names: list[str], started: datetime) -> str:
    """``old`` (a RESULTS.md) with the rows of the benchmarks ``names`` replaced by those of
    ``new`` (a table of this run), in place; its other rows, its header and any sections after
    the table are kept, the header says what was re-run and when, and the count is redone."""
    fresh = [line for line in new.splitlines() if line.startswith(_ROW)][2:]  # no head rows
    lines = old.splitlines()
    table = [i for i, line in enumerate(lines) if line.startswith(_ROW)]
    if len(table) < 2:
        raise SystemExit("--update: no results table in the old file; run without --update")
    start, end = table[0], table[-1] + 1
    if any(not lines[i].startswith(_ROW) for i in range(start, end)):
        end = next(i for i in range(start, end) if not lines[i].startswith(_ROW))
    rows, placed = [], False
    for line in lines[start + 2 : end]:
        if line.split("|")[1].strip() in names:
            if not placed:
                rows += fresh
                placed = True
            continue
        rows.append(line)
    if not placed:
        rows += fresh
    load = os.getloadavg()
    note = (
        f"- re-run at {started:%Y-%m-%d %H:%M} UTC: {', '.join(names)} (those rows; load at the "
        f"end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f})"
    )
    head = lines[:start]
    blank = max(i for i, line in enumerate(head) if not line.strip())
    head = [*head[:blank], note, *head[blank:]]
    tail = lines[end:]
    count = next((i for i, line in enumerate(tail) if "goals met" in line), None)
    if count is not None:
        passed = sum(1 for r in rows if r.rstrip().endswith("| PASS |"))
        failed = sum(1 for r in rows if r.rstrip().endswith("| **FAIL** |"))
        missing = re.search(r"(\d+) benchmarks not run", tail[count])  # the old run's, kept
        not_run = missing.group(1) if missing else "0"
        tail[count] = f"{passed} goals met, {failed} not met, {not_run} benchmarks not run."
    return "\n".join([*head, *lines[start : start + 2], *rows, *tail]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs (not for RESULTS.md)")
    parser.add_argument("--only", action="append", choices=sorted(BENCHES), default=[])
    parser.add_argument("--out", type=Path, default=HERE / "out", help="logs and raw figures")
    parser.add_argument(
        "--results", type=Path, default=None, help="the table (default bench/RESULTS.md)"
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="with --only: replace only those benchmarks' rows in the existing table",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    raw = args.out / "figures.jsonl"
    raw.unlink(missing_ok=True)
    started = datetime.now(UTC)
    failures: dict[str, str] = {}
    for name in args.only or list(BENCHES):
        full, quick = BENCHES[name]
        argv = [sys.executable, str(HERE / f"{name}.py"), *(quick if args.quick else full)]
        log = args.out / f"{name}.log"
        print(f"== {name}: {' '.join(argv[1:])}  (log: {log})", flush=True)
        began = time.perf_counter()
        with log.open("w", encoding="utf-8") as fh:
            code = subprocess.run(
                argv, stdout=fh, stderr=subprocess.STDOUT, env={**os.environ, OUT_ENV: str(raw)}
            ).returncode
        print(f"   exit {code} after {time.perf_counter() - began:.0f} s", flush=True)
        if code != 0:
            tail = log.read_text("utf-8", errors="replace").strip().splitlines()[-1:]
            failures[name] = f"exit {code}: {tail[0] if tail else 'no output'}"
    results = args.results or (args.out / "RESULTS.md" if args.quick else HERE / "RESULTS.md")
    text = table(read_figures(raw), failures, started)
    if args.update:
        if not args.only or failures or not results.is_file():
            raise SystemExit("--update needs --only, an existing table and every run to succeed")
        text = update(results.read_text("utf-8"), text, args.only, started)
    results.write_text(text, "utf-8")
    print(f"wrote {results}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
