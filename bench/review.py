"""Review app benchmark (issue 15): reviewers at work over real HTTP on 127.0.0.1.

A run of ``--items`` answers (100,000 by default) becomes one 9.3 b) queue with a 10% blind
second review; the review app serves it from its own process (uvicorn, the SQLite run store)
and ``--reviewers`` people (20), each a thread with its own keep-alive connection, log in and
label ``--verdicts`` items each: open the queue, then for every item read its page and post
the verdict (which answers with the next item, claimed for them). Everyone logs in first and
the labelling starts when all have (the login's Argon2 hash, slow and 64 MiB by design, is
timed on its own, not as a page, and its CPU is not in the labelling's). Figures: p50 / p95 of
the page times (item pages and verdict posts), verdicts per second, the server's CPU time
beside the wall time while labelling, the login times and the server's peak memory. Goal: p95 <= 150 ms on the 2-core machine. No peer tool has
such an app for these samples (issue 15), so there is no peer figure.

    .venv/bin/python bench/review.py [--items 100000] [--reviewers 20] [--verdicts 50]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from _common import cpu_seconds, record

BENCH = "review"
GOAL_P95_MS = 150.0
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
DIGEST = re.compile(r'name="answer_sha256" value="([^"]+)"')
ACTION = re.compile(r'<form method="post" action="(/queues/[^"]+)"')


def build(url: str, items: int, reviewers: int) -> None:
    """A run of ``items`` answered manual-sample questions, its queue, and the people."""
    from assay.assess.plan import Method
    from assay.banks.models import Question, QuestionKind
    from assay.review.auth import add_user
    from assay.review.queues import create_queue
    from assay.store.runstore import ReplyRecord, RunStore

    store = RunStore(url)
    questions = [
        Question(id=f"q{i}", text=f"问题 {i}：如何评价？", kind=QuestionKind.CONTENT,
                 risk_ids=("A.1.d",))
        for i in range(items)
    ]  # fmt: skip
    store.create_run(
        "bench", kind="content", profile_id="tc260-003-2024", profile_sha256="-", target={},
        settings={}, questions=questions,
        draws={Method.MANUAL.value: [q.id for q in questions]},
    )  # fmt: skip
    store.add_replies(
        "bench",
        [
            ReplyRecord(question_id=q.id, attempt=1, ok=True, answer=f"第 {n} 个回答。" * 20)
            for n, q in enumerate(questions)
        ],
    )
    queue = create_queue(store, "bench", "manual", by="bench", queue_id="q", second_share=0.1)
    for k in range(reviewers):
        user = add_user(store, f"r{k}", "annotator", PASSWORD, by="bench")
        store.review.assign(queue.id, user.id, by="bench")


def serve(url: str, port: int) -> None:
    """The review app on 127.0.0.1:``port`` until killed (the child process)."""
    from assay.review.web.app import serve as run
    from assay.standard import load_profile
    from assay.store.runstore import RunStore

    run(RunStore(url), load_profile("tc260-003-2024"), port=port, lang="en", secret="bench")


class Reviewer:
    """One person with a keep-alive connection and the session cookie."""

    def __init__(self, port: int, name: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.name = name
        self.cookie = ""
        self.times: list[float] = []
        self.login = 0.0

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8")
        self.times.append(time.perf_counter() - start)
        cookie = response.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response.getheader("location") or "", text

    def work(self, verdicts: int, done: list[int], ready: threading.Barrier) -> None:
        _, _, page = self.request("GET", "/login")
        form = {"name": self.name, "password": PASSWORD, "csrf": _one(CSRF, page)}
        status, _, _ = self.request("POST", "/login", form)
        assert status == 303, status
        self.login = self.times[-1]
        self.times.clear()  # the login (an Argon2 hash by design) is not a page
        ready.wait()  # everyone labels at once, once everyone is in
        self.conn.close()  # idle while the others logged in: the server may have closed it
        status, location, _ = self.request("GET", "/queues/q")
        for _ in range(verdicts):
            if status != 303 or "/items/" not in location:
                break
            status, _, page = self.request("GET", location)
            assert status == 200, (status, page[:300])
            form = {"csrf": _one(CSRF, page), "label": "qualified",
                    "answer_sha256": _one(DIGEST, page), "note": ""}  # fmt: skip
            status, location, _ = self.request("POST", _one(ACTION, page), form)
            done[0] += status == 303


def _one(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    assert match, text[:300]
    return match.group(1)


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, child: subprocess.Popen[bytes]) -> None:
    while True:
        if child.poll() is not None:
            raise SystemExit("the review app stopped before serving")
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/login")
            return
        except OSError:
            time.sleep(0.2)


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--verdicts", type=int, default=50, help="items each reviewer labels")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    with tempfile.TemporaryDirectory(prefix="assay-bench-review-") as folder:
        url = f"sqlite:///{Path(folder) / 'runs.sqlite'}"
        start = time.perf_counter()
        build(url, args.items, args.reviewers)
        record(
            BENCH,
            f"store of {args.items:,} items built",
            f"{time.perf_counter() - start:.1f} s wall",
        )
        port = _port()
        child = subprocess.Popen([sys.executable, __file__, "--serve", url, str(port)])
        try:
            _wait(port, child)
            people = [Reviewer(port, f"r{k}") for k in range(args.reviewers)]
            done = [0]
            start: dict[str, float] = {}

            def mark() -> None:  # when the last one is in: the labelling starts
                start.update(cpu=cpu_seconds(), wall=time.perf_counter(),
                             server=_proc_cpu(child.pid))  # fmt: skip

            ready = threading.Barrier(len(people), action=mark)
            threads = [
                threading.Thread(target=p.work, args=(args.verdicts, done, ready)) for p in people
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - start["wall"]
            client_cpu = cpu_seconds() - start["cpu"]
            server_cpu = _proc_cpu(child.pid) - start["server"]
            peak = _peak_mb(child.pid)
        finally:
            child.terminate()
            child.wait()
    times = sorted(t * 1000 for p in people for t in p.times)
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    size = f"{args.reviewers} reviewers, {args.items:,} items"
    record(BENCH, f"page time p50 ({size})", f"{p50:.1f} ms over {len(times)} requests")
    record(BENCH, f"page time p95 ({size})", f"{p95:.1f} ms", goal=f"<= {GOAL_P95_MS:.0f} ms",
           ok=p95 <= GOAL_P95_MS)  # fmt: skip
    record(BENCH, "verdicts per second", f"{done[0] / wall:.1f} ({done[0]} in {wall:.1f} s wall)")
    record(BENCH, "server CPU beside wall", f"{server_cpu:.1f} s CPU, {wall:.1f} s wall "
           f"(clients {client_cpu:.1f} s CPU)")  # fmt: skip
    logins = sorted(p.login * 1000 for p in people)
    record(BENCH, f"login time p50 / max ({args.reviewers} at once, Argon2id by design)",
           f"{statistics.median(logins):.0f} / {logins[-1]:.0f} ms")  # fmt: skip
    record(BENCH, "server peak memory", f"{peak:.0f} MB")


if __name__ == "__main__":
    main()
