"""What every benchmark shares: CPU time beside wall time, best and median of several runs,
and one way to state a figure with its goal (and its peer, measured in the same run).

A figure goes to standard output as ``PASS``/``FAIL``/``INFO`` lines and, when ``make bench``
(bench/all.py) runs the benchmark, also as one JSON line to the file named by
``ASSAY_BENCH_OUT``; bench/all.py gathers those lines into bench/RESULTS.md.

CPU time (user + system of this process and of the children it waited for) is the figure to
trust on a shared machine: other processes inflate wall time, not CPU time.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

OUT_ENV = "ASSAY_BENCH_OUT"


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> float:
    """The peak resident memory of this process, in MB.

    Linux's ``ru_maxrss`` keeps the parent's peak across fork and exec, so a fresh child of a
    large benchmark reported at least its parent's memory; ``VmHWM`` (the high-water mark of
    this process's own memory, reset by exec) is read instead where there is one."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass(frozen=True)
class Timing:
    """Seconds of ``runs`` repeats: best and median, of wall and of CPU time."""

    wall_best: float
    wall_median: float
    cpu_best: float
    cpu_median: float
    runs: int

    def __str__(self) -> str:
        return (
            f"CPU {self.cpu_best:.3f} s best / {self.cpu_median:.3f} s median, "
            f"wall {self.wall_best:.3f} s best / {self.wall_median:.3f} s median "
            f"({self.runs} runs)"
        )


def measure(fn: Callable[[], object], repeat: int = 3) -> Timing:
    """Run ``fn`` ``repeat`` times; noise only adds time, so the best is the figure."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, wall = cpu_seconds(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return Timing(
        wall_best=min(walls),
        wall_median=statistics.median(walls),
        cpu_best=min(cpus),
        cpu_median=statistics.median(cpus),
        runs=repeat,
    )


def interleaved(fns: dict[str, Callable[[], object]], repeat: int = 3) -> dict[str, Timing]:
    """Time several contenders turn by turn (A, B, A, B, …), so a burst of load on a shared
    machine falls on all of them rather than on whichever ran during it."""
    walls: dict[str, list[float]] = {name: [] for name in fns}
    cpus: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            cpu, wall = cpu_seconds(), time.perf_counter()
            fn()
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(cpu_seconds() - cpu)
    return {
        name: Timing(
            wall_best=min(walls[name]),
            wall_median=statistics.median(walls[name]),
            cpu_best=min(cpus[name]),
            cpu_median=statistics.median(cpus[name]),
            runs=repeat,
        )
        for name in fns
    }


@dataclass(frozen=True)
class Figure:
    """One measured figure, as bench/RESULTS.md shows it."""

    bench: str
    name: str
    value: str
    goal: str = ""
    ok: bool | None = None  # None: information only, no goal
    peer: str = ""
    ratio: str = ""


def record(
    bench: str,
    name: str,
    value: str,
    *,
    goal: str = "",
    ok: bool | None = None,
    peer: str = "",
    ratio: str = "",
) -> Figure:
    """Print a figure with its verdict and, under ``make bench``, keep it for RESULTS.md."""
    figure = Figure(bench, name, value, goal, ok, peer, ratio)
    verdict = "INFO" if ok is None else ("PASS" if ok else "FAIL")
    extra = "".join(
        f"  {label} {text}"
        for label, text in (("goal", goal), ("peer", peer), ("ratio", ratio))
        if text
    )
    print(f"{verdict}  {name}: {value}{extra}", flush=True)
    target = os.environ.get(OUT_ENV)
    if target:
        with Path(target).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(figure), ensure_ascii=False) + "\n")
    return figure


def read_figures(path: Path) -> list[dict[str, Any]]:
    """The figures a run of benchmarks kept (bench/all.py)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
