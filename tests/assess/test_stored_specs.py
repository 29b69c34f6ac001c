"""The spec a run stored is what ``--resume`` and re-judging rebuild from: every field of the
target (an answer sheet's encoding and blocked-reply rules included), and the judges the run
was judged with, secrets re-supplied from the project."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.store.runstore import RunStore
from tests.helpers.factories import refusal_project


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
    from assay.errors import ConfigError
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
