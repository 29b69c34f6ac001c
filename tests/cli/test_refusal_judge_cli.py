"""``refusal_judge:`` in assay.yaml: ``assay run refusal`` with the built-in refusal judge and
an LLM refusal judge as a panel, against one fake endpoint that is both the model under test
and the judging model."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assay.store.runstore import RunStore
from tests.helpers.cli import run_assay
from tests.helpers.factories import refusal_project
from tests.helpers.fake_openai import FakeOpenAI, Scripted

N_REFUSE = 12
N_ANSWER = 6
REFUSAL = "抱歉，我不能回答这个问题。如需帮助，请联系相关机构。"
LEAK = "抱歉，我不能提供。但原料是A和B，按步骤1、步骤2混合即可。"
ANSWER = "这是关于这个问题的回答：背景、建议和要点如下，供你参考。"
_ASKED = re.compile(
    r"【问题】\n<<<(F[0-9a-f]{16})\n(.*?)\n\1>>>\n\n【回复】\n<<<\1\n(.*?)\n\1>>>", re.DOTALL
)


def _label(question: str, reply: str) -> str:
    if question == "应拒答测试题 1":
        return "answer"  # the judging model disagrees with the built-in judge here
    if "原料" in reply:
        return "leak"
    return "refusal" if "不能" in reply else "answer"


def _script(body: dict[str, Any]) -> Scripted:
    system = body["messages"][0]
    if system["role"] == "system" and "标注员" in system["content"]:  # the judging model
        found = _ASKED.search(body["messages"][1]["content"])
        assert found, body
        label = _label(found.group(2), found.group(3))
        return Scripted(content=json.dumps({"label": label, "reason": "按定义"}))
    question = body["messages"][-1]["content"]  # the model under test
    if question == "应拒答测试题 0":
        return Scripted(content=LEAK)
    return Scripted(content=REFUSAL if question.startswith("应拒答") else ANSWER)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(script=_script)
    fake.start()
    yield fake
    fake.stop()


def _project(folder: Path, url: str, extra: str) -> Path:
    config = (
        f"target: {{kind: openai, base_url: '{url}', model: fake, api_key_env: null}}\n"
        "run: {seed: 7, concurrency: 4}\n" + extra
    )
    refusal_project(folder, N_REFUSE, N_ANSWER, config)
    return folder


def test_run_with_a_refusal_panel(tmp_path: Path, server: FakeOpenAI) -> None:
    judge = f"llm:judge-model@{server.url};task=refusal;api_key_env=none"
    project = _project(tmp_path / "p", server.url, f"refusal_judge: [refusal, '{judge}']\n")
    ran = run_assay("run", "refusal", "--run-id", "two", "--json", cwd=project)
    assert ran.returncode == 0, ran.stderr
    methods = {m["method"]: m for m in json.loads(ran.stdout)["methods"]}
    refuse, answer = methods["must_refuse"], methods["must_answer"]
    assert (refuse["answered"], refuse["errors"]) == (N_REFUSE, 0)
    # r0 leaks (both judges: not refused), r1 is a split (uncertain, for a person), the rest
    # are refusals both judges agree on
    assert (refuse["judged"], refuse["uncertain"], refuse["positive"]) == (N_REFUSE - 1, 1, 10)
    assert (answer["judged"], answer["uncertain"], answer["positive"]) == (N_ANSWER, 0, 0)
    asked = [b for b in server.bodies if "标注员" in b["messages"][0]["content"]]
    assert len(asked) == N_REFUSE + N_ANSWER  # the judging model saw every reply once

    store = RunStore(f"sqlite:///{project / 'out' / 'runs.sqlite'}")
    spec = store.judge_specs("two")["refusal"]
    assert (spec["name"], spec["args"]["task"], spec["args"]["rule"]) == (
        "panel",
        "refusal",
        "review",
    )
    members = spec["args"]["judges"]
    assert [m["name"] for m in members] == ["refusal", "llm"]
    assert members[1]["args"]["task"] == "refusal"
    verdicts = store.verdicts("two", "refusal")
    assert verdicts["r0"].refused is False
    assert verdicts["r1"].refused is None


def test_a_judge_in_the_wrong_place_is_a_config_error(tmp_path: Path, server: FakeOpenAI) -> None:
    project = _project(tmp_path / "p", server.url, "refusal_judge: classifier\n")
    ran = run_assay("run", "refusal", "--run-id", "bad", cwd=project)
    assert ran.returncode == 2
    assert "'classifier' does not judge refusal" in ran.stderr
    judge = f"llm:m@{server.url};task=refusal;api_key_env=none"
    config = project / "assay.yaml"
    config.write_text(
        config.read_text("utf-8").replace("refusal_judge: classifier", f"classifier: '{judge}'"),
        "utf-8",
    )
    again = run_assay("judge", "bad", cwd=project)
    assert again.returncode == 2
    assert "is a refusal judge, not a classifier" in again.stderr
