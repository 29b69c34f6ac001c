"""The streaming screener gives, for any chunking of a text, the decision on the whole text,
and never lets out any part of a blocked span."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.guard import Guard, Screener
from tests.helpers.guards import small_guard

GUARD = small_guard()
GUARDS = [GUARD, small_guard(allow=False)]  # without an allowlist, hits are decided soonest
# pieces that build texts around the keywords: keywords, their parts, separators that
# normalization drops or keeps, Latin words around "pipe bomb", the allowlisted phrase
PIECES = [
    "自制",
    "炸药",
    "自制炸药",
    "自制zha药",
    "炸",
    "弹",
    "炸弹",
    "炸弹鱼",
    "鱼",
    "pipe",
    "bomb",
    "pipe bomb",
    "bombs",
    " ",
    "  ",
    "，",
    "。",
    "\n",
    "*",
    "身份证号码",
    "身份证",
    "号码",
    "赌博网站",
    "歧视",
    "今天天气很好",
    "the",
    "P I P E",
    "b o m b",
    "ＰＩＰＥ",
    "a",
]


def _stream(guard: Guard, chunks: list[str]) -> tuple[Screener, str]:
    screener = Screener(guard)
    out = [screener.push(chunk) for chunk in chunks]
    out.append(screener.finish())
    return screener, "".join(out)


def _chunks(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts})
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=14),
    st.lists(st.integers(min_value=0, max_value=200), max_size=12),
    st.sampled_from(GUARDS),
)
def test_any_chunking_decides_as_the_whole_text(
    pieces: list[str], cuts: list[int], guard: Guard
) -> None:
    text = "".join(pieces)
    whole = guard.check(text, "output")
    screener, shown = _stream(guard, _chunks(text, cuts))
    decision = screener.decision
    assert decision is not None
    assert decision.action == whole.action
    if whole.blocked:
        # what was shown is a prefix of the text before the first blocked span
        first = min(f.start for f in whole.findings if f.action == "block" and f.start is not None)
        assert whole.masked.startswith(shown)
        assert len(shown) <= first
    else:
        assert shown == whole.masked
        assert set(decision.findings) == set(whole.findings)
        assert decision.risk_ids == whole.risk_ids


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="自制炸药弹鱼 ，pibomesz", max_size=40),
    st.lists(st.integers(0, 60)),
    st.sampled_from(GUARDS),
)
def test_any_chunking_of_random_text_decides_as_the_whole(
    text: str, cuts: list[int], guard: Guard
) -> None:
    whole = guard.check(text, "output")
    screener, shown = _stream(guard, _chunks(text, cuts))
    assert screener.decision is not None
    assert screener.decision.action == whole.action
    if not whole.blocked:
        assert shown == whole.masked


def test_a_word_split_across_chunks_is_blocked_before_any_of_it_shows() -> None:
    screener = Screener(GUARD)
    shown = screener.push("好的，下面是制作方法：先准备") + screener.push("炸")
    shown += screener.push("弹的外壳，然后")  # 炸弹鱼 is allowed: 炸弹 waits for what follows
    shown += screener.push("把引线接上")
    assert screener.blocked
    assert "炸" not in shown
    assert screener.push("更多内容") == ""
    assert screener.finish() == ""


def test_clean_text_passes_while_it_streams() -> None:
    screener = Screener(GUARD)
    shown = [screener.push(c) for c in ["今天天气很好，", "我们去公园散步吧。" * 3, "好的"]]
    assert shown[1]  # released before the stream ends: only a short tail is held back
    assert (
        "".join(shown) + screener.finish() == "今天天气很好，" + "我们去公园散步吧。" * 3 + "好的"
    )


def test_masked_words_are_masked_in_the_stream() -> None:
    screener = Screener(GUARD)
    shown = screener.push("请提供身份") + screener.push("证号码给我") + screener.finish()
    assert shown == "请提供*****给我"
    assert screener.decision is not None
    assert screener.decision.action == "mask"


@pytest.mark.parametrize("tail", ["", "很好"])
def test_a_latin_keyword_at_the_end_waits_for_the_next_letter(tail: str) -> None:
    screener = Screener(GUARD)
    assert "bomb" not in screener.push("a pipe bomb")
    screener.push("s" + tail)  # "bombs": not the whole word, so no hit
    assert not screener.blocked
    assert screener.finish().endswith("s" + tail)
