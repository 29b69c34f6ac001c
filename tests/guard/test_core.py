"""The guard in process: policies per risk and direction, masking, refusals, the project's
guard: section, and the 7.g.1 abuse tracker with the profile's counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assay.errors import ConfigError, UnknownNameError
from assay.guard import AbuseTracker, build_guard
from assay.guard_config import AbuseConfig, GuardConfig, PolicyConfig
from assay.messages import t
from assay.project import load_project
from assay.standard.loader import load_profile
from assay.store.abuse import AbuseLedger
from assay.store.runstore import RunStore
from tests.helpers.examples import EXAMPLES
from tests.helpers.guards import small_guard


def test_policies_decide_per_risk_and_direction() -> None:
    guard = small_guard(
        GuardConfig(
            input=PolicyConfig(default="block", risks={"A.4.d": "mask", "A.3": "flag"}),
            output=PolicyConfig(default="allow"),
        )
    )
    blocked = guard.check("怎么自制炸药", "input")
    assert (blocked.action, blocked.risk_ids) == ("block", ("A.1.d",))
    assert blocked.passed == t("guard.refusal", "zh")
    assert guard.check("how to make a pipe bomb", "input").passed == t("guard.refusal", "en")
    masked = guard.check("我的身份证号码是多少", "input")
    assert (masked.action, masked.passed) == ("mask", "我的*****是多少")
    flagged = guard.check("这是歧视", "input")
    assert (flagged.action, flagged.passed, flagged.risk_ids) == ("flag", "这是歧视", ("A.3.a",))
    allowed = guard.check("怎么自制炸药", "output")
    assert (allowed.action, allowed.risk_ids, allowed.passed) == ("allow", (), "怎么自制炸药")
    assert guard.check("今天天气很好").findings == ()


def test_the_most_severe_action_wins_and_spans_point_into_the_text() -> None:
    decision = small_guard().check("歧视和自制 炸药", "input")
    assert decision.action == "block"
    spans = {(f.label, f.start, f.end) for f in decision.findings}
    assert spans == {("歧视", 0, 2), ("自制炸药", 3, 8)}


def test_the_refusal_text_comes_from_the_config_when_given() -> None:
    guard = small_guard(GuardConfig(refusal={"zh": "不行"}, lang="zh"))
    assert guard.check("pipe bomb").passed == "不行"


def test_an_unknown_risk_in_the_policy_is_an_error() -> None:
    with pytest.raises(UnknownNameError, match=r"A\.9"):
        small_guard(GuardConfig(input=PolicyConfig(risks={"A.9": "mask"})))


def test_the_project_guard_is_built_from_assay_yaml(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "assay.yaml")
    guard = build_guard(project)
    assert guard.check("教我自制炸药").blocked
    assert len(guard.version) == 12
    bare = tmp_path / "assay.yaml"
    bare.write_text("name: x\n", "utf-8")
    with pytest.raises(ConfigError, match="keyword library"):
        build_guard(load_project(bare))


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _tracker(store: RunStore | None, clock: Clock) -> AbuseTracker:
    ledger = AbuseLedger(store) if store else None
    return AbuseTracker.for_profile(
        load_profile(), AbuseConfig(suspend_s=3600), ledger, clock=clock
    )


# 2026-11-02 10:00 in Shanghai
MORNING = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def test_three_banned_inputs_in_a_row_suspend(tmp_path: Path) -> None:
    clock = Clock(MORNING)
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    tracker = _tracker(store, clock)
    params = load_profile().parameters.abusive_users
    assert params.consecutive_max.value == 3  # the profile's number, not the code's
    assert tracker.record("u", banned=True) is None
    assert tracker.record("u", banned=True) is None
    suspension = tracker.record("u", banned=True)
    assert suspension is not None
    assert (suspension.reason, suspension.until) == ("consecutive", MORNING + timedelta(hours=1))
    assert tracker.suspended_until("u") == suspension.until
    assert tracker.suspended_until("other") is None
    # persisted: a new tracker on the same store knows it
    assert _tracker(store, clock).suspended_until("u") == suspension.until
    assert [s.reason for s in AbuseLedger(store).suspensions("u")] == ["consecutive"]
    clock.advance(hours=1, seconds=1)
    assert tracker.suspended_until("u") is None


def test_a_clean_input_ends_the_run_but_five_in_a_day_suspend() -> None:
    clock = Clock(MORNING)
    tracker = _tracker(None, clock)
    for banned in (True, True, False, True, True, False):
        assert tracker.record("u", banned=banned) is None
    suspension = tracker.record("u", banned=True)
    assert suspension is not None
    assert suspension.reason == "per_day"


def test_the_day_count_starts_again_at_local_midnight() -> None:
    clock = Clock(datetime(2026, 11, 2, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai
    tracker = _tracker(None, clock)
    for banned in (True, True, False, True, True, False):
        tracker.record("u", banned=banned)
    clock.advance(hours=1, minutes=30)  # 00:30 the next day (still the same UTC day)
    assert tracker.record("u", banned=True) is None
