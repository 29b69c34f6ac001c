"""Where one review request spends its time (issue 15): the statements it runs and its profile.

The review app is called in this process, straight through ASGI (no socket, no client), for a
queue of ``--items`` answers: ``--rounds`` item pages and verdict posts by one annotator, with
every SQL statement counted (an SQLAlchemy ``before_cursor_execute`` listener) and the whole
profiled with cProfile (the first half of the rounds timed without the profiler, the second
half profiled). Work the app hands to its thread pool is run inline here, so that the
profile sees it. Prints statements per request kind, the wall and CPU time per request, and
the top functions by cumulative and by own time. A diagnostic, not a goal: bench/review.py
measures the app under load.

    .venv/bin/python bench/review_profile.py [--items 20000] [--rounds 200] [--top 30]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _common import cpu_seconds, record

BENCH = "review_profile"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
DIGEST = re.compile(r'name="answer_sha256" value="([^"]+)"')
ACTION = re.compile(r'<form method="post" action="(/queues/[^"]+)"')


class Asgi:
    """One browser calling the app in-process: cookies kept, no redirects followed."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookie = ""

    def __call__(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        return asyncio.run(self._call(method, path, form))

    async def _call(
        self, method: str, path: str, form: dict[str, str] | None
    ) -> tuple[int, str, str]:
        body = urlencode(form).encode() if form is not None else b""
        headers = [(b"host", b"127.0.0.1")]
        if self.cookie:
            headers.append((b"cookie", self.cookie.encode()))
        if form is not None:
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
            headers.append((b"content-length", str(len(body)).encode()))
        path, _, query = path.partition("?")
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query.encode(), "root_path": "", "headers": headers,
            "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
        }  # fmt: skip
        sent = False
        out: dict[str, Any] = {"body": b""}

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
                out["headers"] = message["headers"]
            elif message["type"] == "http.response.body":
                out["body"] += message.get("body", b"")

        await self.app(scope, receive, send)
        location = ""
        for name, value in out["headers"]:
            if name == b"set-cookie":
                self.cookie = value.decode().split(";", 1)[0]
            if name == b"location":
                location = value.decode()
        return out["status"], location, out["body"].decode()


def _inline_threadpool() -> None:
    """Run what FastAPI/Starlette hand to the thread pool on the calling thread (cProfile
    profiles one thread)."""
    import fastapi.routing
    import starlette.concurrency

    async def inline(func: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    fastapi.routing.run_in_threadpool = inline  # type: ignore[assignment]
    starlette.concurrency.run_in_threadpool = inline  # type: ignore[assignment]
    for name in ("assay.review.web.app", "assay.review.web.pages", "assay.review.web.admin"):
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = inline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from sqlalchemy import event

    from assay.review.web.app import create_app
    from assay.standard import load_profile
    from assay.store.runstore import RunStore
    from review import PASSWORD, build

    with tempfile.TemporaryDirectory(prefix="assay-bench-review-profile-") as folder:
        url = f"sqlite:///{Path(folder) / 'runs.sqlite'}"
        build(url, args.items, 1)
        store = RunStore(url)
        app = create_app(store, load_profile("tc260-003-2024"), lang="en", secret="bench")
        _inline_threadpool()
        statements: list[str] = []
        event.listen(
            store.engine, "before_cursor_execute", lambda *a: statements.append(a[2].split()[0])
        )
        browser = Asgi(app)
        _, _, page = browser("GET", "/login")
        browser("POST", "/login", {"name": "r0", "password": PASSWORD, "csrf": _one(CSRF, page)})
        status, location, _ = browser("GET", "/queues/q")
        counts: dict[str, list[Counter[str]]] = {"item page": [], "verdict post": []}
        times: dict[str, list[tuple[float, float]]] = {"item page": [], "verdict post": []}
        profile = cProfile.Profile()
        for n in range(args.rounds):
            for kind in ("item page", "verdict post"):
                if kind == "verdict post":
                    method, path = "POST", _one(ACTION, page)
                    form: dict[str, str] | None = {
                        "csrf": _one(CSRF, page), "label": "qualified",
                        "answer_sha256": _one(DIGEST, page), "note": "",
                    }  # fmt: skip
                else:
                    method, path, form = "GET", location, None
                statements.clear()
                wall, cpu = time.perf_counter(), cpu_seconds()
                profiled = n >= args.rounds // 2  # timed without the profiler, then profiled
                if profiled:
                    profile.enable()
                status, found, page_or_none = browser(method, path, form)
                if profiled:
                    profile.disable()
                else:
                    times[kind].append((time.perf_counter() - wall, cpu_seconds() - cpu))
                counts[kind].append(Counter(statements))
                if kind == "item page":
                    assert status == 200, (status, page_or_none[:300])
                    page = page_or_none
                else:
                    assert status == 303, (status, page_or_none[:300])
                    location = found
    for kind in counts:
        total = [sum(c.values()) for c in counts[kind]]
        mix: Counter[str] = Counter()
        for c in counts[kind]:
            mix.update(c)
        per = ", ".join(f"{k} {v / len(total):.1f}" for k, v in mix.most_common())
        record(BENCH, f"statements per {kind}", f"{sum(total) / len(total):.1f} ({per})")
        wall = sum(w for w, _ in times[kind]) / len(times[kind]) * 1000
        cpu = sum(c for _, c in times[kind]) / len(times[kind]) * 1000
        record(BENCH, f"time per {kind}", f"{wall:.2f} ms wall, {cpu:.2f} ms CPU (one at a time)")
    for order in ("cumulative", "tottime"):
        buffer = io.StringIO()
        pstats.Stats(profile, stream=buffer).sort_stats(order).print_stats(args.top)
        print(buffer.getvalue())


def _one(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    assert match, text[:300]
    return match.group(1)


if __name__ == "__main__":
    main()
