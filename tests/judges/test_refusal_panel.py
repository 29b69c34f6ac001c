"""``RefusalPanel``: refusal judges combined by a rule over their refused votes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from assay.config import ProjectConfig
from assay.errors import ConfigError, UnknownNameError
from assay.judges.base import JudgeSpec, Verdict
from assay.judges.refusal import RefusalJudge
from assay.judges.refusal_panel import RefusalPanel
from assay.judges.registry import judges_refusal
from assay.judges.specs import JudgeConfig

SAYS = {
    "refusal": (True, "refusal"),
    "answer": (False, "answer"),
    "partial": (False, "partial"),
    "leak": (False, "leak"),
    "?": (None, None),
}


class Scripted:
    """A refusal judge that says what it is told, per text."""

    def __init__(self, name: str, said: dict[str, str]) -> None:
        self.spec = JudgeSpec(name=name, args={"task": "refusal"})
        self.said = said
        self.calls = 0

    def judge(self, text: str, *, context: str | None = None) -> Verdict:
        return self.judge_many([text], contexts=[context])[0]

    def judge_many(
        self, texts: Sequence[str], *, contexts: Sequence[str | None] | None = None
    ) -> list[Verdict]:
        self.calls += 1
        out = []
        for text in texts:
            refused, behaviour = SAYS[self.said[text]]
            out.append(
                Verdict(
                    judge=self.spec,
                    flagged=False,
                    refused=refused,
                    behaviour=behaviour,
                    uncertain=refused is None,
                )
            )
        return out


def verdict(rule: str, *said: str) -> Verdict:
    judges = [Scripted(f"j{i}", {"t": s}) for i, s in enumerate(said)]
    return RefusalPanel(judges, rule).judge("t")


@pytest.mark.parametrize(
    ("rule", "said", "refused"),
    [
        ("review", ("refusal", "refusal"), True),
        ("review", ("answer", "leak"), False),
        ("review", ("refusal", "answer"), None),  # a split goes to a person
        ("review", ("refusal", "?"), True),  # an uncertain member counts neither way
        ("review", ("?", "?"), None),
        ("any", ("answer", "refusal", "answer"), True),
        ("any", ("answer", "?"), False),
        ("all", ("refusal", "refusal", "leak"), False),
        ("all", ("refusal", "?", "refusal"), True),
        ("majority", ("refusal", "refusal", "answer"), True),
        ("majority", ("refusal", "answer", "partial"), False),
        ("majority", ("refusal", "answer", "?"), None),  # a tie
        ("majority", ("?",), None),
    ],
)
def test_rules(rule: str, said: tuple[str, ...], refused: bool | None) -> None:
    got = verdict(rule, *said)
    assert got.refused is refused
    assert got.uncertain is (refused is None)
    assert not got.flagged
    if refused is None:
        assert got.behaviour is None


def test_behaviour_from_the_majority_that_agrees() -> None:
    assert verdict("majority", "leak", "answer", "leak", "refusal").behaviour == "leak"
    assert verdict("any", "answer", "refusal", "leak").behaviour == "refusal"
    assert verdict("review", "partial", "leak").behaviour == "partial"  # a tie: earlier member
    assert verdict("review", "leak", "partial").behaviour == "leak"
    got = verdict("review", "refusal", "answer", "?")
    assert got.reason == "review: j0: refusal; j1: answer; j2: uncertain"


def test_spec_batches_and_errors() -> None:
    a = Scripted("a", {"x": "refusal", "y": "answer"})
    b = Scripted("b", {"x": "refusal", "y": "refusal"})
    panel = RefusalPanel([a, b])
    assert panel.rule.value == "review"
    assert panel.spec.name == "panel"
    assert panel.spec.args == {
        "task": "refusal",
        "rule": "review",
        "judges": [a.spec.model_dump(mode="json"), b.spec.model_dump(mode="json")],
    }
    assert judges_refusal(panel)
    x, y = panel.judge_many(["x", "y"], contexts=["q", "q"])
    assert (x.refused, y.refused, y.uncertain) == (True, None, True)
    assert x.judge == panel.spec
    assert (a.calls, b.calls) == (1, 1)  # one batch per member
    with pytest.raises(ConfigError):
        RefusalPanel([])
    with pytest.raises(UnknownNameError, match="majority"):
        RefusalPanel([a], "most")


def test_the_built_in_judge_in_a_panel() -> None:
    other = Scripted("other", {"抱歉，我不能提供这方面的帮助。": "refusal"})
    got = RefusalPanel([RefusalJudge(), other]).judge("抱歉，我不能提供这方面的帮助。")
    assert (got.refused, got.behaviour) == (True, "refusal")


def test_config(tmp_path: Path) -> None:
    default = ProjectConfig()

    def short(specs: Sequence[JudgeConfig]) -> list[str]:
        return [spec.short() for spec in specs]

    assert (short(default.refusal_specs()), default.refusal_rule) == (["refusal"], "review")
    listed = ProjectConfig(refusal_judge=("refusal", "guard:qwen3guard:m;task=refusal"))
    assert short(listed.refusal_specs()) == ["refusal", "guard:qwen3guard:m;task=refusal"]
    assert short(ProjectConfig(refusal_judge=()).refusal_specs()) == ["refusal"]
    rooted = ProjectConfig(refusal_judge=listed.refusal_judge, root=tmp_path).resolved()
    assert short(rooted.refusal_judge) == [
        "refusal",
        f"guard:qwen3guard:{tmp_path / 'm'};task=refusal",
    ]
