"""``assay run`` against a fault-injecting OpenAI-compatible server (issue 12: items 3, 4, 5, 9,
19, 26 and the must-show): every planned item ends answered, recorded as an error, or not asked
(left for a resume) — exactly one of them; spend caps hold; a dead endpoint stops the run."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assay.store.runstore import RunStore
from tests.helpers.cli import run_assay
from tests.helpers.fake_openai import REFUSED_MESSAGE, FakeOpenAI, Scripted

N = 20  # questions per refusal bank


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(slow_s=2.0)
    fake.start()
    yield fake
    fake.stop()


def _project(
    folder: Path,
    url: str,
    texts: list[str] | None = None,
    *,
    target: str = "",
    run: str = "",
    content: bool = False,
    timeout_s: float = 0.5,
) -> Path:
    """A project with two refusal banks of N questions (``texts`` for the must-refuse ones)."""
    folder.mkdir(parents=True)
    refuse = texts or [f"应拒答测试题 {i}" for i in range(N)]
    rows = {
        "refuse.jsonl": [
            {"id": f"r{i}", "text": text, "risk_ids": ["A.1.d"]} for i, text in enumerate(refuse)
        ],
        "answer.jsonl": [
            {"id": f"a{i}", "text": f"非拒答测试题 {i}", "aspect": "NR.history"} for i in range(N)
        ],
    }
    for name, items in rows.items():
        (folder / name).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in items), "utf-8"
        )
    banks = "banks:\n  must_refuse: refuse.jsonl\n  must_answer: answer.jsonl\n"
    if content:
        (folder / "content.jsonl").write_text(
            "".join(
                json.dumps({"id": f"c{i}", "text": f"生成内容测试题 {i}", "risk_ids": ["A.1.d"]})
                + "\n"
                for i in range(N)
            ),
            "utf-8",
        )
        banks += "  content: content.jsonl\n"
    (folder / "assay.yaml").write_text(
        banks + f"target: {{kind: openai, base_url: '{url}', model: fake, api_key_env: null, "
        f"timeout_s: {timeout_s}, retries: 1, backoff_s: 0.001{target}}}\n"
        f"run: {{seed: 7{run}}}\n",
        "utf-8",
    )
    return folder


def _replies(project: Path, run_id: str = "f") -> list[dict[str, Any]]:
    with sqlite3.connect(project / "out" / "runs.sqlite") as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("select * from replies where run_id = ?", (run_id,))]


def _planned(project: Path, run_id: str = "f") -> set[str]:
    return set(RunStore(f"sqlite:///{project / 'out' / 'runs.sqlite'}").questions(run_id))


def _each_once(project: Path) -> tuple[set[str], set[str], set[str]]:
    """Answered, errors, not asked: every planned question in exactly one of them."""
    replies = _replies(project)
    answered = {r["question_id"] for r in replies if r["ok"]}
    errors = {r["question_id"] for r in replies if not r["ok"]}
    assert len(replies) == len(answered) + len(errors)  # one record per question: never both
    assert not answered & errors
    planned = _planned(project)
    assert answered | errors <= planned
    return answered, errors, planned - answered - errors


FAULTS = {  # marker -> answered in the end (retries: 1)
    "plain": True,
    "[fail:1] once": True,
    "[429:1] limited": True,
    "[fail:9] always": False,
    "[slow] times out": False,
    "[malformed] body": False,
    "[drop] reset": False,
    "[empty] nothing": False,
    "[billed-empty:300] paid for nothing": False,
    "[badusage:string] usage": True,
    "[badusage:list] usage": True,
}


def test_every_item_ends_answered_or_an_error_under_every_fault(
    tmp_path: Path, server: FakeOpenAI
) -> None:
    texts = [f"{marker} #{i}" for i in range(2) for marker in FAULTS][:N]
    texts += [f"plain extra {i}" for i in range(N - len(texts))]
    project = _project(tmp_path / "p", server.url, texts, run=", max_consecutive_failures: 0")
    result = run_assay("run", "refusal", "--run-id", "f", "--json", cwd=project)
    assert result.returncode in (0, 1), result.stderr  # never 70: no fault kills the run
    answered, errors, not_asked = _each_once(project)
    assert not not_asked  # no cap, no stop: every item was asked
    by_text = {
        q.id: q.text
        for q in RunStore(f"sqlite:///{project / 'out/runs.sqlite'}").questions("f").values()
    }
    for qid, text in by_text.items():
        marker = text.split(" #")[0]
        expected = FAULTS.get(marker, True)
        assert (qid in answered) is expected, (text, qid in errors)
    rows = {r["question_id"]: r for r in _replies(project)}
    billed = [r for q, r in rows.items() if by_text[q].startswith("[billed-empty")]
    assert billed
    assert all(r["completion_tokens"] == 300 for r in billed)


def test_max_requests_counts_every_attempt_retries_included(
    tmp_path: Path, server: FakeOpenAI
) -> None:
    first: set[str] = set()

    def once(n: int, body: dict[str, Any]) -> str | None:  # every question's first try: 500
        question = body["messages"][-1]["content"]
        if question in first:
            return None
        first.add(question)
        return "500"

    server.fault = once
    project = _project(tmp_path / "p", server.url, run=", concurrency: 8")
    result = run_assay("run", "refusal", "--run-id", "f", "--max-requests", "10", cwd=project)
    assert server.requests == 10  # each question costs two requests: five questions at most
    answered, errors, not_asked = _each_once(project)
    assert len(answered) + len(errors) <= 10
    assert len(not_asked) >= 2 * N - 10
    assert "--resume f" in result.stderr


def test_max_tokens_counts_the_tokens_of_failed_replies(tmp_path: Path, server: FakeOpenAI) -> None:
    server.fault = lambda n, body: "billed-empty:4000"  # a reasoning model out of tokens
    project = _project(tmp_path / "p", server.url)
    result = run_assay(
        "run",
        "refusal",
        "--run-id",
        "f",
        "--max-tokens",
        "5000",
        "--concurrency",
        "8",
        cwd=project,
    )
    # the first goes alone (4000 billed), one more fits under the cap, then nothing is sent
    assert server.requests == 2, result.stderr
    assert server.billed == 8000
    answered, errors, not_asked = _each_once(project)
    assert (len(answered), len(errors), len(not_asked)) == (0, 2, 2 * N - 2)
    assert "8000 tokens billed" in result.stderr


def test_the_token_cap_does_not_overshoot_by_the_concurrency(
    tmp_path: Path, server: FakeOpenAI
) -> None:
    server.usage_tokens = 1000
    project = _project(tmp_path / "p", server.url)
    run_assay(
        "run",
        "refusal",
        "--run-id",
        "f",
        "--max-tokens",
        "5000",
        "--concurrency",
        "16",
        cwd=project,
    )
    # each reply bills 1000 + its question's length: no request starts once the billed tokens
    # and those reserved for requests in flight would pass the cap
    per_reply = 1000 + len("应拒答测试题 10")
    assert server.billed <= 5000 + per_reply
    assert server.requests <= 5


def test_malformed_usage_keeps_the_answers_and_records_the_problem(
    tmp_path: Path, server: FakeOpenAI
) -> None:
    texts = [f"[badusage:string] 问题 {i}" for i in range(N // 2)]
    texts += [f"[badusage:list] 问题 {i}" for i in range(N - N // 2)]
    project = _project(tmp_path / "p", server.url, texts)
    result = run_assay("run", "refusal", "--run-id", "f", "--max-tokens", "100000", cwd=project)
    assert result.returncode in (0, 1), result.stderr
    answered, errors, _ = _each_once(project)
    refuse = {f"r{i}" for i in range(N)}
    assert refuse <= answered
    assert not errors
    problems = RunStore(f"sqlite:///{project / 'out/runs.sqlite'}").usage_problems("f")
    assert {q for q, _ in problems} == refuse
    assert any("string" in p for p in problems.values())
    assert any("list" in p for p in problems.values())
    assert "malformed usage" in result.stderr


def test_401_stops_the_run_at_once_and_says_why(tmp_path: Path, server: FakeOpenAI) -> None:
    server.fault = lambda n, body: "401"
    project = _project(tmp_path / "p", server.url, run=", concurrency: 4")
    result = run_assay("run", "refusal", "--run-id", "f", cwd=project)
    assert result.returncode == 2
    assert server.requests <= 4  # those already in flight; nothing after the first 401
    assert "HTTP 401" in result.stderr
    assert REFUSED_MESSAGE in result.stderr
    assert "--resume f" in result.stderr
    _, errors, not_asked = _each_once(project)
    assert len(errors) == server.requests
    assert len(not_asked) == 2 * N - server.requests


def test_consecutive_failures_stop_the_run(tmp_path: Path, server: FakeOpenAI) -> None:
    server.fault = lambda n, body: "500"
    project = _project(
        tmp_path / "p", server.url, run=", concurrency: 1, max_consecutive_failures: 5"
    )
    result = run_assay("run", "refusal", "--run-id", "f", cwd=project)
    assert result.returncode == 2
    assert server.requests == 5 * 2  # five questions in a row failed (each retried once)
    assert "5 requests in a row failed" in result.stderr
    assert "HTTP 500" in result.stderr


def test_no_answer_at_all_says_so_and_exits_non_zero(tmp_path: Path, server: FakeOpenAI) -> None:
    server.fault = lambda n, body: "500"
    project = _project(
        tmp_path / "p", server.url, run=", max_consecutive_failures: 0", content=True
    )
    result = run_assay("run", "--run-id", "f", "--json", cwd=project)
    assert result.returncode == 1, result.stderr
    methods = {m["method"]: m for m in json.loads(result.stdout)["methods"]}
    classifier = methods["classifier"]
    assert classifier["answered"] == 0
    assert classifier["errors"] == classifier["drawn"]
    assert any("no answer arrived" in n for n in classifier["notes"])
    assert not any("no classifier verdicts" in n for n in classifier["notes"])


def test_a_failing_method_exits_1(tmp_path: Path, server: FakeOpenAI) -> None:
    server.script = lambda body: Scripted(content="抱歉，我不能回答这个问题。")  # refuses all
    project = _project(tmp_path / "p", server.url)
    result = run_assay("run", "refusal", "--run-id", "f", "--json", cwd=project)
    methods = {m["method"]: m for m in json.loads(result.stdout)["methods"]}
    assert methods["must_answer"]["decision"] == "fail"  # 20 over-refusals: ≤15 of 300 is lost
    assert result.returncode == 1


def test_the_concurrency_option_sets_the_requests_in_flight(
    tmp_path: Path, server: FakeOpenAI
) -> None:
    server.hold = 32  # every request waits until 32 are in flight together
    project = _project(tmp_path / "p", server.url, run=", concurrency: 4", timeout_s=60)
    run_assay("run", "refusal", "--run-id", "f", "--concurrency", "32", cwd=project)
    assert server.max_in_flight == 32


def test_target_concurrency_is_refused_in_the_project_file(
    tmp_path: Path, server: FakeOpenAI
) -> None:
    project = _project(tmp_path / "p", server.url, target=", concurrency: 4")
    result = run_assay("run", "refusal", "--run-id", "f", cwd=project)
    assert result.returncode == 2
    assert "run: {concurrency: N}" in result.stderr
    assert server.requests == 0


def test_max_completion_tokens_is_sent_instead_of_max_tokens(
    tmp_path: Path, server: FakeOpenAI
) -> None:
    project = _project(tmp_path / "p", server.url, target=", max_completion_tokens: 256")
    run_assay("run", "refusal", "--run-id", "f", "--max-requests", "1", cwd=project)
    (body,) = server.bodies
    assert body["max_completion_tokens"] == 256
    assert "max_tokens" not in body


def test_credentials_in_the_base_url_are_never_stored_or_reported(
    tmp_path: Path, server: FakeOpenAI
) -> None:
    secrets = ("sk-userinfo0123456789", "sk-query0123456789abcdef")
    url = server.url.replace("http://", f"http://alice:{secrets[0]}@") + f"?api-key={secrets[1]}"
    project = _project(tmp_path / "p", url)
    ran = run_assay("run", "refusal", "--run-id", "f", cwd=project)
    assert ran.returncode in (0, 1), ran.stderr
    assert server.requests == 2 * N  # the real URL was used for the requests
    report = run_assay("report", "f", "--out", "out/report", "--format", "json", cwd=project)
    assert report.returncode in (0, 1), report.stderr
    stored = RunStore(f"sqlite:///{project / 'out/runs.sqlite'}").run("f").target
    assert stored["base_url"].startswith("http://***@127.0.0.1:")
    assert "api-key=***" in stored["base_url"]
    written = [p for p in (project / "out").rglob("*") if p.is_file()]
    assert any(p.name == "report.json" for p in written)
    for path in written:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, path
    for text in (ran.stdout, ran.stderr, report.stdout, report.stderr):
        assert not any(secret in text for secret in secrets)
    # a resume asks at the real URL, taken from the project file
    again = run_assay("run", "--resume", "f", "--retry-errors", cwd=project)
    assert "credentials" not in again.stderr
