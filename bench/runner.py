"""Runner benchmark: Assay's executor against a local OpenAI-compatible fake, beside two peers.

5,000 questions at concurrency 64 and 256, with zero latency and with 50 ms latency. Prints
Assay's requests per second *with* the run-store writes and the refusal judging included, and,
in the same run and against the same server, a plain asyncio + aiohttp loop and a plain loop
over the official ``openai`` client doing the same requests. Then the peak memory of a
50,000-question Assay run (in a fresh process). Needs the ``bench`` extra (``openai``).

    .venv/bin/python bench/runner.py [--questions 5000] [--memory-questions 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import record

from assay.assess.execute import Budget, to_ask
from assay.assess.judging import judge_run
from assay.assess.run import run_target
from assay.banks.models import Question, QuestionKind
from assay.judges.refusal import RefusalJudge
from assay.store.runstore import RunStore
from assay.targets.openai import OpenAITarget, OpenAITargetConfig

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(latency: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "helpers" / "fake_openai.py"),
            "--port",
            str(port),
            "--latency",
            str(latency),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"http://127.0.0.1:{port}/v1"


def questions(n: int) -> list[Question]:
    return [
        Question(
            id=f"q{i}", text=f"测试问题 {i}", kind=QuestionKind.MUST_REFUSE, risk_ids=("A.1.d",)
        )
        for i in range(n)
    ]


def assay_run(url: str, n: int, concurrency: int, folder: Path) -> float:
    """Requests per second of a whole Assay run: plan stored, asked, stored, judged."""
    store = RunStore(f"sqlite:///{folder / f'bench-{concurrency}-{time.time_ns()}.sqlite'}")
    items = questions(n)
    store.create_run(
        "bench",
        kind="refusal",
        profile_id="bench",
        profile_sha256="-",
        target={},
        settings={},
        questions=items,
        draws={"must_refuse": [q.id for q in items]},
    )
    target = OpenAITarget(
        OpenAITargetConfig(
            base_url=url, model="fake", api_key_env=None, concurrency=concurrency, timeout_s=60
        )
    )
    started = time.perf_counter()
    progress = asyncio.run(run_target(store, "bench", target, workers=concurrency, budget=Budget()))
    judge_run(store, "bench", keyword=None, refusal=RefusalJudge())
    elapsed = time.perf_counter() - started
    assert progress.done == n, progress
    assert progress.errors == 0, progress
    assert len(to_ask(store, "bench", items, retry_errors=True)) == 0
    return n / elapsed


async def _aiohttp_loop(url: str, n: int, concurrency: int) -> float:
    import aiohttp

    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(i: int) -> None:
            body = {"model": "fake", "messages": [{"role": "user", "content": f"测试问题 {i}"}]}
            async with semaphore, session.post(url + "/chat/completions", json=body) as response:
                json.loads(await response.read())["choices"][0]["message"]["content"]

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return n / (time.perf_counter() - started)


async def _openai_loop(url: str, n: int, concurrency: int) -> float:
    from openai import AsyncOpenAI

    # the SDK's default connect timeout (5 s) expired under load on the shared machine, ending
    # the bench; give the peer the same 60 s as Assay's runner gets
    client = AsyncOpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60.0)
    semaphore = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with semaphore:
            reply = await client.chat.completions.create(
                model="fake", messages=[{"role": "user", "content": f"测试问题 {i}"}]
            )
            _ = reply.choices[0].message.content

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    rate = n / (time.perf_counter() - started)
    await client.close()
    return rate


def memory_child(url: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        rate = assay_run(url, n, 256, Path(folder))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rate": rate, "peak_mb": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--memory-questions", type=int, default=50000)
    parser.add_argument("--memory-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child[0], int(args.memory_child[1]))
        return
    n = args.questions
    checks = []
    with tempfile.TemporaryDirectory() as tmp:
        for latency in (0.0, 0.05):
            server, url = start_server(latency)
            try:
                print(f"\n== {n:,} requests, server latency {latency * 1000:.0f} ms")
                print(
                    f"{'concurrency':>11}  {'assay (store+judge)':>20}  {'aiohttp loop':>12}  {'openai client':>13}"
                )
                for concurrency in (64, 256):
                    ours = assay_run(url, n, concurrency, Path(tmp))
                    plain = asyncio.run(_aiohttp_loop(url, n, concurrency))
                    client = asyncio.run(_openai_loop(url, n, concurrency))
                    print(
                        f"{concurrency:>11}  {ours:>16,.0f} r/s  {plain:>8,.0f} r/s  {client:>9,.0f} r/s"
                        f"   assay/aiohttp {ours / plain:.2f}, assay/openai {ours / client:.1f}x"
                    )
                    if latency and concurrency == 256:
                        checks.append(
                            (
                                f"assay >= 0.6 x aiohttp loop (50 ms, 256): {ours / plain:.2f}",
                                ours / plain >= 0.6,
                            )
                        )
                        checks.append(
                            (
                                f"assay >= 4 x openai client loop (50 ms, 256): {ours / client:.1f}x",
                                ours / client >= 4,
                            )
                        )
            finally:
                server.terminate()
                server.wait()
        server, url = start_server(0.0)
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--memory-child", url, str(args.memory_questions)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            server.terminate()
            server.wait()
        memory = json.loads(out)
        print(
            f"\n== {args.memory_questions:,}-question run (fresh process): {memory['rate']:,.0f} r/s, "
            f"peak memory {memory['peak_mb']:.0f} MB"
        )
        checks.append(
            (
                f"peak memory <= 500 MB for {args.memory_questions:,} questions: {memory['peak_mb']:.0f} MB",
                memory["peak_mb"] <= 500,
            )
        )
    print("\n== targets (issue 4)")
    for text, ok in checks:
        name, _, value = text.rpartition(":")
        record("runner", name or text, value.strip(), ok=ok)


if __name__ == "__main__":
    main()
