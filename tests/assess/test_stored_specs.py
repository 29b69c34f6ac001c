"""The spec a run stored is what ``--resume`` and re-judging rebuild from: every field of the
target (an answer sheet's encoding and blocked-reply rules included), and the judges the run
was judged with, secrets re-supplied from the project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import assay
from assay.errors import ConfigError
from assay.standard.models import Profile
from assay.store.runstore import RunStore
from tests.helpers.factories import refusal_project
from tests.helpers.fake_openai import FakeOpenAI, Scripted


def _gb18030_reading_as_utf8(text: str) -> str:
    """A text whose GB18030 bytes are also valid UTF-8 (they are ``text``'s UTF-8 bytes): a
    sheet of such texts is read as something else when its encoding is guessed."""
    return text.encode("utf-8").decode("gb18030")


REFUSED = _gb18030_reading_as_utf8("我不能回答这个问题呀")
ANSWERED = _gb18030_reading_as_utf8("历史上的今天发生了这些事")
CANNED = _gb18030_reading_as_utf8("该问题暂不支持回答啊")


def _sheet_project(folder: Path) -> Path:
    refuse, answer = refusal_project(
        folder,
        6,
        4,
        "target:\n  kind: answer_sheet\n  path: answers.csv\n  encoding: gb18030\n"
        f"  blocked:\n    - {{text: '{CANNED}'}}\n"
        "run: {seed: 1, concurrency: 1}\n",
    )
    rows = ["id,answer"]
    rows += [f"{r['id']},{CANNED if i % 2 else REFUSED}" for i, r in enumerate(refuse)]
    rows += [f"{a['id']},{ANSWERED}" for a in answer]
    data = ("\n".join(rows) + "\n").encode("gb18030")
    assert data.decode("utf-8") != data.decode("gb18030")  # a guess reads other texts
    (folder / "answers.csv").write_bytes(data)
    return folder


def test_a_resumed_answer_sheet_run_keeps_the_sheets_encoding_and_blocked_rules(
    tmp_path: Path,
) -> None:
    folder = _sheet_project(tmp_path / "p")
    project = assay.load_project(folder / "assay.yaml")
    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    first = assay.run(
        project, "refusal", options=assay.RunOptions(max_requests=3), store=store, run_id="s"
    )
    assert (first.progress.done, first.progress.errors) == (3, 0)

    assay.run(project, resume="s", store=store)
    replies = RunStore(store).latest_replies("s")
    assert len(replies) == 10
    for qid, reply in replies.items():
        assert reply.ok, (qid, reply.error)
        if qid.startswith("a"):
            assert (reply.answer, reply.blocked) == (ANSWERED, None)
        elif int(qid[1:]) % 2:
            assert reply.blocked is not None, qid  # the canned text of the sheet's rule
        else:
            assert (reply.answer, reply.blocked) == (REFUSED, None)


def test_a_stored_target_needs_its_secrets_from_the_project() -> None:
    """Header values and credentials in the URL were never stored: the project's own target
    gives them back, and a resume without them says what is missing."""
    from assay.targets.config import stored_config
    from assay.targets.openai import OpenAITargetConfig

    own = OpenAITargetConfig(
        base_url="http://alice:sk-0123456789abcdef@127.0.0.1:9/v1",
        model="m",
        headers={"X-Tenant": "t-secret"},
        max_completion_tokens=64,
    )
    stored = own.public()
    assert "t-secret" not in str(stored)
    assert "sk-0123" not in str(stored)
    assert stored_config(stored, own) == own
    with pytest.raises(ConfigError, match=r"header\(s\) X-Tenant"):
        stored_config(stored, None, run="run r")
    unheaded = {**stored, "headers": []}
    with pytest.raises(ConfigError, match="credentials"):
        stored_config(unheaded, None, run="run r")


def _judged_project(tmp_path: Path, refusal_judge: str) -> tuple[assay.Project, str]:
    """A sheet project whose run ``j`` is asked and judged with ``refusal_judge``."""
    folder = _sheet_project(tmp_path / "p")
    config = folder / "assay.yaml"
    config.write_text(config.read_text("utf-8") + f"refusal_judge: {refusal_judge}\n", "utf-8")
    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    assay.run(assay.load_project(config), "refusal", store=store, run_id="j")
    return assay.load_project(config), store


def _retarget(project: assay.Project, refusal_judge: str) -> assay.Project:
    """The project with another refusal judge in its assay.yaml."""
    assert project.path is not None
    text = project.path.read_text("utf-8")
    head = text[: text.index("refusal_judge:")]
    project.path.write_text(head + f"refusal_judge: {refusal_judge}\n", "utf-8")
    return assay.load_project(project.path)


def test_rejudging_rebuilds_the_judges_the_run_was_judged_with(tmp_path: Path) -> None:
    project, store = _judged_project(tmp_path, "refusal")
    runs = RunStore(store)
    judged_with = runs.judge_specs("j")["refusal"]
    assert judged_with["args"]["method"] == "rules+model+encoder"

    changed = _retarget(project, "refusal:rules")
    assay.judge(changed, "j", store=store)  # the run's own judges, not assay.yaml's now
    assert runs.judge_specs("j")["refusal"] == judged_with
    assert runs.run_judges("j") == {
        "keywords": None,
        "classifier": [{"kind": "classifier", "folder": None}],
        "classifier_rule": "any",
        "refusal": [{"kind": "refusal", "model": True, "encoder": True}],
        "refusal_rule": "review",
    }

    assay.judge(changed, "j", store=store, judges="project")  # a better judge, on purpose
    assert runs.judge_specs("j")["refusal"]["args"]["method"] == "rules"
    assert runs.run_judges("j")["refusal"] == [  # type: ignore[index]
        {"kind": "refusal", "model": False, "encoder": True}
    ]


def _verdicts(body: dict[str, object]) -> Scripted:
    return Scripted(content=json.dumps({"refused": True, "behaviour": "refusal"}))


def test_a_stored_llm_judge_gets_its_secrets_from_the_project_or_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = FakeOpenAI(script=_verdicts)
    server.start()
    try:
        monkeypatch.setenv("ASSAY_TEST_JUDGE_KEY", "sk-judge-0123456789")
        judge = (
            f"{{kind: llm, model: j, base_url: '{server.url}', task: refusal, retries: 0, "
            "api_key_env: ASSAY_TEST_JUDGE_KEY, headers: {X-Tenant: t-secret}}"
        )
        project, store = _judged_project(tmp_path, judge)
        stored = RunStore(store).run_judges("j")
        assert stored is not None
        assert "t-secret" not in json.dumps(stored)
        assert stored["refusal"][0]["headers"] == ["X-Tenant"]

        asked = server.requests
        changed = _retarget(project, "refusal")  # the run's judge is gone from assay.yaml
        with pytest.raises(ConfigError, match=r"header\(s\) X-Tenant"):
            assay.judge(changed, "j", store=store)
        assert server.requests == asked

        again = _retarget(changed, judge)
        assay.judge(again, "j", store=store)  # the header's value comes from the project
        assert server.requests > asked
        assert {h.get("X-Tenant") for h in server.request_headers[asked:]} == {"t-secret"}

        monkeypatch.delenv("ASSAY_TEST_JUDGE_KEY")
        with pytest.raises(ConfigError, match=r"API key \$ASSAY_TEST_JUDGE_KEY is not set"):
            assay.judge(again, "j", store=store)
    finally:
        server.stop()


def test_a_stored_judge_whose_model_folder_is_gone_is_named(tmp_path: Path) -> None:
    project, store = _judged_project(tmp_path, "refusal")
    runs = RunStore(store)
    judges = runs.run_judges("j")
    assert judges is not None
    gone = tmp_path / "models" / "clf"
    runs.put_judges("j", {**judges, "classifier": [{"kind": "classifier", "folder": str(gone)}]})
    with pytest.raises(ConfigError, match=f"classifier:{gone}: its model folder .* is not there"):
        assay.judge(project, "j", store=store)


def test_assay_judge_takes_the_stored_judges_unless_told_the_projects(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assay.cli.main import app

    project, store = _judged_project(tmp_path, "refusal")
    assert project.path is not None
    changed = _retarget(project, "refusal:rules")
    assert changed.path is not None
    runs = RunStore(store)
    args = ["judge", "j", "--config", str(changed.path), "--store", store, "--lang", "en"]

    def method() -> str:
        return str(runs.judge_specs("j")["refusal"]["args"]["method"])

    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert method() == "rules+model+encoder"
    done = CliRunner().invoke(app, [*args, "--judges", "project"])
    assert done.exit_code == 0, done.output
    assert method() == "rules"


def test_a_judge_shows_no_secret_in_messages() -> None:
    from assay.judges.specs import LLMSpec

    spec = LLMSpec(
        model="m",
        base_url="https://bob:sk-0123456789abcdef@host/v1",
        headers={"X-Key": "hdr-0123456789"},
        api_key_env="ASSAY_TEST_UNSET_KEY_VARIABLE",
    )
    shown = str(spec)
    assert shown.startswith("llm:m@https://***@host/v1")
    assert "sk-0123" not in shown
    assert "hdr-0123" not in shown


def test_a_run_judged_before_judges_were_stored_needs_to_be_told_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tc260: Profile
) -> None:
    from assay.assess.judging import judge_run
    from assay.judges.refusal import RefusalJudge
    from assay.store.runstore import ReplyRecord
    from tests.helpers.factories import start_refusal_run

    monkeypatch.chdir(tmp_path)  # no assay.yaml: the built-in judges are the project's
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    start_refusal_run(store, tc260, 3, "old")
    store.add_replies(
        "old",
        [ReplyRecord(question_id=f"q{i}", attempt=1, ok=True, answer="不能。") for i in range(3)],
    )
    judge_run(store, "old", keyword=None, refusal=RefusalJudge(use_model=False))  # as before
    project = assay.load_project()
    with pytest.raises(ConfigError, match="judged before Assay stored the specs of its judges"):
        assay.judge(project, "old", store=store)
    assay.judge(project, "old", store=store, judges="project")
    assert store.run_judges("old") is not None
    assay.judge(project, "old", store=store)  # from now on, the stored ones
