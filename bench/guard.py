"""Runtime guard benchmark (issue 16): in-process check latency and the moderation endpoint
over real HTTP, with the keyword library at 20,000 keywords and the built-in classifier, on
1 KB Chinese inputs. Prints p50/p99 latency, req/s, and CPU time beside wall time; the server
runs in its own process pinned to one core. LLM Guard's BanSubstrings is measured in the same
run as the peer when it is importable (``pip install llm-guard``), and skipped otherwise.

    .venv/bin/python bench/guard.py               # 20,000 keywords, 4,000 HTTP requests
    .venv/bin/python bench/guard.py --requests 1000 --no-classifier

Targets (issue 16): in-process keyword check p50 <= 20 us; HTTP moderation p50 <= 2 ms and
>= 1,500 req/s on one core for keywords + classifier.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from keywords import corpus, library

from assay.guard import build_guard
from assay.project import load_project

SEED = 20261116
SERVER = """
import sys
from assay.guard.serve import serve
from assay.project import load_project
serve(load_project(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]))
"""


def write_project(folder: Path, n: int, classifier: bool, rng: random.Random) -> list[str]:
    entries = library(n, rng)
    with (folder / "keywords.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["keyword", "risk_ids"])
        writer.writerows([e.keyword, ";".join(e.risk_ids)] for e in entries)
    (folder / "assay.yaml").write_text(
        "name: bench\nbanks: {keywords: keywords.csv}\n"
        f"store: sqlite:///{folder / 'runs.sqlite'}\n"
        f"guard: {{classifier: {str(classifier).lower()}, reload: {{watch: false}}}}\n",
        "utf-8",
    )
    return [e.keyword for e in entries]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def per_call(fn: Callable[[str], object], docs: list[str]) -> tuple[float, float, float]:
    """p50, p99 wall (us) and mean CPU (us) per call."""
    for doc in docs[:200]:
        fn(doc)
    walls = []
    cpu0 = time.process_time()
    for doc in docs:
        started = time.perf_counter()
        fn(doc)
        walls.append((time.perf_counter() - started) * 1e6)
    cpu = (time.process_time() - cpu0) / len(docs) * 1e6
    p50, p99 = percentiles(walls)
    return p50, p99, cpu


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def wait_healthy(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            try:
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise RuntimeError("the guard did not start")


async def load(url: str, docs: list[str], concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = iter(docs)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            for doc in queue:
                started = time.perf_counter()
                async with session.post(f"{url}/v1/moderations", json={"input": doc}) as r:
                    await r.read()
                    if r.status != 200:
                        raise RuntimeError(f"HTTP {r.status}")
                latencies.append((time.perf_counter() - started) * 1e3)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - started


def http(folder: Path, docs: list[str], concurrency: int) -> None:
    port = 18000 + random.Random().randint(0, 9000)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(folder / "assay.yaml"), str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.sched_setaffinity(0, {0}),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(wait_healthy(url))
        asyncio.run(load(url, docs[:200], concurrency))  # warm up
        cpu0 = cpu_seconds(server.pid)
        latencies, wall = asyncio.run(load(url, docs, concurrency))
        cpu = cpu_seconds(server.pid) - cpu0
    finally:
        server.terminate()
        server.wait(30)
    p50, p99 = percentiles(latencies)
    print(
        f"HTTP /v1/moderations, server on one core, {concurrency} connections: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, {len(docs) / wall:,.0f} req/s; "
        f"server CPU {cpu / len(docs) * 1e6:.0f} us per request ({cpu:.2f} s CPU in {wall:.2f} s wall)"
    )
    print(f"  targets: p50 <= 2 ms: {p50 <= 2}; >= 1,500 req/s: {len(docs) / wall >= 1500}")


def peer(keywords: list[str], docs: list[str]) -> None:
    try:
        from llm_guard.input_scanners import BanSubstrings  # type: ignore[import-not-found]
    except ImportError:
        print("peer: LLM Guard is not installed (pip install llm-guard): skipped")
        return
    scanner = BanSubstrings(substrings=keywords, match_type="str", redact=False)
    p50, p99, cpu = per_call(lambda d: scanner.scan(d), docs[:300])
    print(f"peer LLM Guard BanSubstrings: p50 {p50:,.0f} us, p99 {p99:,.0f} us, CPU {cpu:,.0f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keywords", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-classifier", action="store_true")
    args = parser.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        keywords = write_project(folder, args.keywords, not args.no_classifier, rng)
        docs = corpus(max(1, args.requests // 1000 + 1), keywords, rng)[: args.requests]
        started = time.perf_counter()
        guard = build_guard(load_project(folder / "assay.yaml"))
        print(
            f"guard: {args.keywords:,} keywords, classifier "
            f"{'on' if guard.classifier else 'off'}, built in {time.perf_counter() - started:.1f} s; "
            f"{len(docs):,} documents of ~1 KB"
        )
        sample = docs[:2000]
        p50, p99, cpu = per_call(guard.engine.scan, sample)
        print(f"in process, keyword scan: p50 {p50:.1f} us, p99 {p99:.1f} us, CPU {cpu:.1f} us")
        print(f"  target: keyword check p50 <= 20 us: {p50 <= 20}")
        p50, p99, cpu = per_call(guard.check, sample)
        print(f"in process, Guard.check: p50 {p50:.1f} us, p99 {p99:.1f} us, CPU {cpu:.1f} us")
        http(folder, docs, args.concurrency)
        peer(keywords, sample)


if __name__ == "__main__":
    main()
