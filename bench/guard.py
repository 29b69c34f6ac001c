"""Runtime guard benchmark (issue 16): in-process check latency, the moderation endpoint over
real HTTP, and the proxy's overhead on a streamed reply, with the keyword library at 20,000
keywords and the built-in classifier, on 1 KB Chinese inputs. Prints p50/p99 latency, req/s,
and CPU time beside wall time. The guard runs in its own process pinned to one core (core 0);
the load generator (``_httpload``: raw keep-alive connections, requests encoded beforehand) and
the upstream fake run on the other core. LLM Guard's BanSubstrings is measured in the same run
as the peer when it is importable, and skipped otherwise: llm-guard imports torch and
transformers with every scanner, so install it into a venv of its own (``python3 -m venv V;
V/bin/pip install torch==2.13.0 llm-guard -e '.[guard]'``: the CPU wheel of torch) and run this
script with ``V/bin/python``.

HTTP latency is measured at a few connections (``--latency-connections``, default 2: the
service time plus a little queueing) and throughput at many (``--concurrency``, default 16:
the core saturated); each run prints both its p50 and its req/s, and the server's CPU time per
request, the figure to trust on a shared machine. The proxy overhead is the time to the end of
a streamed reply (about 1 KB of Chinese in 24 chunks, sent as fast as the fake can) through the
guard minus the same request sent to the upstream directly, requests interleaved.

    .venv/bin/python bench/guard.py               # 20,000 keywords, 4,000 HTTP requests
    .venv/bin/python bench/guard.py --requests 1000 --no-classifier

Targets (issue 16): in-process keyword check p50 <= 20 us; HTTP moderation p50 <= 2 ms and
>= 1,500 req/s on one core for keywords + classifier; proxy overhead on a streamed reply
<= 5 ms p50.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _httpload
from _common import record
from keywords import corpus, library

from assay.guard import build_guard
from assay.project import load_project

SEED = 20261116
BENCH = "guard"
SERVER = """
import sys
from assay.guard.serve import serve
from assay.project import load_project
serve(load_project(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]))
"""
# the model behind the guard: streams the chunks it is given, as fast as it can
UPSTREAM = """
import json, sys
from aiohttp import web
CHUNKS = json.loads(sys.argv[2])
BASE = {"id": "chatcmpl-up", "object": "chat.completion.chunk", "created": 1, "model": "up"}
def event(delta, finish=None):
    chunk = {**BASE, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\\n\\n"
async def chat(request):
    await request.read()
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(event({"role": "assistant", "content": ""}))
    for piece in CHUNKS:
        await response.write(event({"content": piece}))
    await response.write(event({}, "stop"))
    await response.write(b"data: [DONE]\\n\\n")
    return response
app = web.Application()
app.router.add_post("/v1/chat/completions", chat)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""
CHUNKS = 24
PARTS = ["check", "http", "proxy", "peer"]


def write_project(folder: Path, n: int, classifier: bool, rng: random.Random) -> list[str]:
    entries = library(n, rng)
    with (folder / "keywords.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["keyword", "risk_ids"])
        writer.writerows([e.keyword, ";".join(e.risk_ids)] for e in entries)
    write_config(folder, "assay.yaml", classifier)
    return [e.keyword for e in entries]


def write_config(folder: Path, name: str, classifier: bool, upstream: str = "") -> Path:
    up = f", upstream: {{base_url: '{upstream}'}}" if upstream else ""
    path = folder / name
    path.write_text(
        "name: bench\nbanks: {keywords: keywords.csv}\n"
        f"store: sqlite:///{folder / 'runs.sqlite'}\n"
        f"guard: {{classifier: {str(classifier).lower()}, reload: {{watch: false}}{up}}}\n",
        "utf-8",
    )
    return path


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.99) - 1, 0)]


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def pin(core: int) -> Callable[[], None]:
    """A preexec_fn pinning a child to one core (when the machine has it)."""
    cores = os.sched_getaffinity(0)
    return lambda: os.sched_setaffinity(0, {core} if core in cores else cores)


async def wait_up(url: str, method: str = "GET") -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            try:
                async with session.request(method, url) as response:
                    await response.read()
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


class Child:
    """A child process (the guard, the upstream fake) on one core, ended on exit."""

    def __init__(self, args: list[str], core: int) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", *args], env=env, stderr=subprocess.DEVNULL, preexec_fn=pin(core)
        )

    def __enter__(self) -> subprocess.Popen[bytes]:
        return self.process

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(30)


def http_run(port: int, pid: int, requests: list[bytes], connections: int) -> dict[str, float]:
    """One closed-loop run: p50/p99 (ms), req/s, server CPU ms per request."""
    cpu0 = cpu_seconds(pid)
    latencies, wall = _httpload.run(
        lambda: _httpload.load("127.0.0.1", port, requests, connections)
    )
    cpu = cpu_seconds(pid) - cpu0
    p50, p99 = percentiles(latencies)
    return {
        "p50": p50,
        "p99": p99,
        "rate": len(requests) / wall,
        "wall": wall,
        "cpu": cpu,
        "cpu_ms": cpu / len(requests) * 1e3,
    }


def http(folder: Path, docs: list[str], concurrency: int, latency_connections: int) -> None:
    port = free_port()
    requests = [_httpload.post("/v1/moderations", {"input": doc}) for doc in docs]
    with Child([SERVER, str(folder / "assay.yaml"), str(port)], core=0) as server:
        asyncio.run(wait_up(f"http://127.0.0.1:{port}/healthz"))
        http_run(port, server.pid, requests[:500], concurrency)  # warm up
        quiet = http_run(port, server.pid, requests, latency_connections)
        busy = http_run(port, server.pid, requests, concurrency)
    for name, run, connections in (
        ("latency", quiet, latency_connections),
        ("load", busy, concurrency),
    ):
        record(
            BENCH,
            f"HTTP /v1/moderations p50 at {connections} connections (server on one core)",
            f"{run['p50']:.2f} ms wall, p99 {run['p99']:.2f} ms at {run['rate']:,.0f} req/s; "
            f"server CPU {run['cpu_ms']:.3f} ms per request",
            goal="p50 <= 2 ms" if name == "latency" else "",
            ok=run["p50"] <= 2 if name == "latency" else None,
        )
    record(
        BENCH,
        f"HTTP /v1/moderations throughput on one core ({concurrency} connections)",
        f"{busy['rate']:,.0f} req/s ({busy['cpu']:.2f} s server CPU in {busy['wall']:.2f} s "
        f"wall; CPU-bound ceiling {1e3 / busy['cpu_ms']:,.0f} req/s)",
        goal=">= 1,500 req/s",
        ok=busy["rate"] >= 1500,
    )


async def stream_once(session: aiohttp.ClientSession, url: str, body: bytes) -> tuple[float, str]:
    """Seconds to the end of one streamed reply, and its text."""
    started = time.perf_counter()
    text = []
    async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
        if r.status != 200:
            raise RuntimeError(f"HTTP {r.status}")
        async for line in r.content:
            if line.startswith(b"data: {"):
                for choice in json.loads(line[6:])["choices"]:
                    text.append(choice.get("delta", {}).get("content") or "")
    return time.perf_counter() - started, "".join(text)


async def stream_pairs(guard: str, upstream: str, n: int) -> tuple[list[float], list[float], str]:
    body = json.dumps(
        {"model": "m", "stream": True, "messages": [{"role": "user", "content": "你好，讲个故事"}]}
    ).encode()
    direct: list[float] = []
    through: list[float] = []
    text = ""
    async with aiohttp.ClientSession() as session:
        for i in range(n + 20):  # the first 20 of each warm up
            d, _ = await stream_once(session, upstream, body)
            g, text = await stream_once(session, guard, body)
            if i >= 20:
                direct.append(d * 1e3)
                through.append(g * 1e3)
    return direct, through, text


def proxy(folder: Path, classifier: bool, reply: str, n: int) -> None:
    """The guard's overhead on a streamed reply: through it minus directly, interleaved."""
    up_port, guard_port = free_port(), free_port()
    size = -(-len(reply) // CHUNKS)
    chunks = [reply[i : i + size] for i in range(0, len(reply), size)]
    upstream = f"http://127.0.0.1:{up_port}/v1"
    config = write_config(folder, "proxy.yaml", classifier, upstream)
    with (
        Child([UPSTREAM, str(up_port), json.dumps(chunks, ensure_ascii=False)], core=1),
        Child([SERVER, str(config), str(guard_port)], core=0) as server,
    ):
        asyncio.run(wait_up(f"http://127.0.0.1:{guard_port}/healthz"))
        asyncio.run(wait_up(f"{upstream}/chat/completions", "POST"))
        cpu0 = cpu_seconds(server.pid)
        direct, through, text = asyncio.run(
            stream_pairs(
                f"http://127.0.0.1:{guard_port}/v1/chat/completions",
                f"{upstream}/chat/completions",
                n,
            )
        )
        cpu = (cpu_seconds(server.pid) - cpu0) / (n + 20) * 1e3
    if text != reply:
        raise RuntimeError("the guard changed the clean reply: the overhead would mean nothing")
    overhead = [g - d for g, d in zip(through, direct, strict=True)]
    p50, p99 = percentiles(overhead)
    record(
        BENCH,
        f"proxy overhead on a streamed reply ({len(reply)} characters in {len(chunks)} chunks)",
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms (direct p50 {statistics.median(direct):.2f} ms, "
        f"through the guard {statistics.median(through):.2f} ms; guard CPU {cpu:.2f} ms "
        "per request)",
        goal="p50 <= 5 ms",
        ok=p50 <= 5,
    )


def peer(keywords: list[str], docs: list[str]) -> None:
    try:
        from llm_guard.input_scanners import BanSubstrings  # type: ignore[import-not-found]
    except ImportError:
        print("peer: LLM Guard is not installed (pip install llm-guard): skipped")
        return
    scanner = BanSubstrings(substrings=keywords, match_type="str", redact=False)
    p50, p99, cpu = per_call(lambda d: scanner.scan(d), docs[:300])
    record(
        BENCH,
        "peer LLM Guard BanSubstrings per 1 KB",
        f"p50 {p50:,.0f} us wall, p99 {p99:,.0f} us; CPU {cpu:,.0f} us",
    )


def in_process(folder: Path, docs: list[str], classifier: bool) -> None:
    started = time.perf_counter()
    guard = build_guard(load_project(folder / "assay.yaml"))
    print(
        f"guard: {len(guard.engine.entries):,} keywords, classifier "
        f"{'on' if guard.classifier else 'off'}, built in {time.perf_counter() - started:.1f} s; "
        f"{len(docs):,} documents of ~1 KB"
    )
    sample = docs[:2000]
    p50, p99, cpu = per_call(guard.engine.scan, sample)
    record(
        BENCH,
        "in-process keyword check per 1 KB",
        f"p50 {p50:.1f} us wall, p99 {p99:.1f} us; CPU {cpu:.1f} us",
        goal="p50 <= 20 us",
        ok=p50 <= 20,
    )
    if classifier:
        keywords_only = build_guard(load_project(folder / "assay.yaml"))
        keywords_only.classifier = None
        p50, p99, cpu = per_call(keywords_only.check, sample)
        record(
            BENCH,
            "in-process Guard.check per 1 KB, keywords only",
            f"p50 {p50:.1f} us wall, p99 {p99:.1f} us; CPU {cpu:.1f} us",
        )
    p50, p99, cpu = per_call(guard.check, sample)
    with_classifier = "with" if guard.classifier else "without"
    record(
        BENCH,
        f"in-process Guard.check per 1 KB, {with_classifier} the classifier",
        f"p50 {p50:.1f} us wall, p99 {p99:.1f} us; CPU {cpu:.1f} us",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keywords", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency-connections", type=int, default=2)
    parser.add_argument("--streams", type=int, default=200, help="streamed replies timed")
    parser.add_argument("--no-classifier", action="store_true")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=PARTS,
        default=PARTS,
        help="the parts to run (default: all)",
    )
    args = parser.parse_args()
    rng = random.Random(SEED)
    print(f"machine: {os.cpu_count()} cores, shared: CPU time is the figure to trust")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        keywords = write_project(folder, args.keywords, not args.no_classifier, rng)
        docs = corpus(max(1, args.requests // 1000 + 1), keywords, rng)[: args.requests]
        if "check" in args.only:
            in_process(folder, docs, not args.no_classifier)
        if "http" in args.only:
            http(folder, docs, args.concurrency, args.latency_connections)
        if "proxy" in args.only:
            reply = corpus(1, keywords, random.Random(SEED + 1), hits_per_kb=0.0)[0]
            proxy(folder, not args.no_classifier, reply, args.streams)
        if "peer" in args.only:
            peer(keywords, docs[:2000])


if __name__ == "__main__":
    main()
