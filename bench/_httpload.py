"""A lean HTTP/1.1 load generator for the guard benchmark: keep-alive connections on raw
asyncio streams (uvloop when installed), requests encoded once before the clock starts.

A general-purpose client (aiohttp) spends more CPU per request than the guard it measures,
so on a two-core machine it, not the server, set the pace. This one parses only what it
needs of a response (the status line and Content-Length) and times each request from the
first byte written to the last byte read.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def post(path: str, body: dict[str, Any], host: str = "127.0.0.1") -> bytes:
    """One POST request with a JSON body, encoded."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode("ascii") + data


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    at = lower.find(b"content-length:")
    if at < 0:
        raise RuntimeError("a response without Content-Length")
    length = int(lower[at + 15 : lower.find(b"\r\n", at)])
    await reader.readexactly(length)
    return status


async def load(
    host: str, port: int, requests: list[bytes], concurrency: int
) -> tuple[list[float], float]:
    """Send every request over ``concurrency`` keep-alive connections, each waiting for its
    response before the next (a closed loop). Latencies in ms, and the wall time in s."""
    latencies: list[float] = []
    queue: Iterator[bytes] = iter(requests)
    connections = [await asyncio.open_connection(host, port) for _ in range(concurrency)]

    async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        clock = time.perf_counter
        for request in queue:
            started = clock()
            writer.write(request)
            status = await _read_response(reader)
            latencies.append((clock() - started) * 1e3)
            if status != 200:
                raise RuntimeError(f"HTTP {status}")

    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker(r, w) for r, w in connections))
    finally:
        wall = time.perf_counter() - started
        for _, writer in connections:
            writer.close()
    return latencies, wall


def run(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on uvloop when it is installed (the client's own overhead matters)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(factory())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(factory())
