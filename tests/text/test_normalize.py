from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import pytest

from assay.text.normalize import NormalizeOptions, Normalizer
from assay.text.tables import FoldSteps, tables

ROOT = Path(__file__).resolve().parents[2]
C_BUILT = Normalizer()._fast is not None
BACKENDS = [pytest.param(True, id="c"), pytest.param(False, id="numpy")]


@pytest.fixture(params=BACKENDS)
def norm(request: pytest.FixtureRequest) -> Normalizer:
    if request.param and not C_BUILT:
        pytest.skip("the C inner loop was not built")
    return Normalizer(use_c=request.param)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("炸 弹", "炸弹"),
        ("炸*弹", "炸弹"),
        ("炸。弹", "炸弹"),
        ("炸\u200b弹", "炸弹"),
        ("炸 \u200b ·  弹", "炸弹"),
        ("炸\u3000弹", "炸弹"),
        ("炸\ufe0f弹", "炸弹"),  # variation selector
        ("炸\u0301弹", "炸弹"),  # combining mark
        ("炸\u202e弹", "炸弹"),  # bidi override
        ("炸\U000e0041弹", "炸弹"),  # tag character
        ("炸彈", "炸弹"),  # traditional
        ("賭博", "赌博"),
        ("ＢＯＭＢ", "bomb"),  # full-width
        ("BoMb", "bomb"),  # case
        ("bоmb", "bomb"),  # Cyrillic о
        ("ⓑⓞⓜⓑ", "bomb"),  # circled
        ("𝐛𝐨𝐦𝐛", "bomb"),  # mathematical bold
        ("①②３", "123"),
        ("ﬁre", "fire"),  # ligature: the slow path
        ("ab  cd", "ab cd"),  # spaces collapse
        ("b o m b", "bomb"),  # spaced-out letters join
        ("h.e.r.o.i.n", "heroin"),
        ("I am a boy", "i am a boy"),  # words of two or more letters never join
        ("bomb, making", "bomb, making"),  # separators between Latin letters stay
        ("ab 炸", "ab 炸"),  # and between a Latin word and CJK
        ("3 5 岁", "35岁"),  # but a lone letter or digit joins CJK too
        ("散步p i g…今天", "散步pig今天"),  # a word spelled out inside Chinese text (issue 17)
        ("散步p*i*g今天", "散步pig今天"),
        ("我的pig", "我的pig"),  # a word written whole beside CJK is left as it is
        ("炸ab", "炸ab"),
        ("", ""),
    ],
)
def test_folds(norm: Normalizer, text: str, expected: str) -> None:
    assert norm.normalize(text).text == expected


def test_offsets_point_into_the_original(norm: Normalizer) -> None:
    text = "前文 ＢＯ\u200bＭＢ，炸 。彈ﬁ"
    result = norm.normalize(text)
    assert result.text == "前文 bomb,炸弹fi"
    assert len(result.offsets) == len(result.text)
    for ch, index in zip(result.text, result.offsets, strict=True):
        assert (
            norm.normalize(text[index]).text in ("", ch) or ch in norm.normalize(text[index]).text
        )
    start = result.text.index("炸弹")
    assert result.span(start, start + 2) == (text.index("炸"), text.index("彈") + 1)


@pytest.mark.skipif(not C_BUILT, reason="the C inner loop was not built")
def test_c_and_numpy_agree_on_random_text() -> None:
    rng = random.Random(5)
    pieces = list("炸弹ab ，。*\u200b\u3000ＡＢ彈①\t\n-xy12") + [
        "ﬁ",
        "㍿",
        "\U0001f600",
        "\u0301",
        "Ⓐ",
    ]
    fast, slow = Normalizer(use_c=True), Normalizer(use_c=False)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        a, b = fast.normalize(text), slow.normalize(text)
        assert (a.text, a.offsets) == (b.text, b.offsets), repr(text)


def test_each_step_can_be_switched_off() -> None:
    def run(text: str, **off: object) -> str:
        return Normalizer(NormalizeOptions(**off)).normalize(text).text  # type: ignore[arg-type]

    assert run("炸彈", t2s="off") == "炸彈"
    assert run("BOMB", casefold=False) == "BOMB"
    assert run("bоmb", confusables=False) != "bomb"
    assert run("炸\u200b弹", strip_invisible=False) == "炸\u200b弹"
    assert run("炸 弹", join_cjk=False) == "炸 弹"
    assert run("ab  cd", collapse_spaces=False) == "ab  cd"
    assert run("b o m b", join_letters=False) == "b o m b"
    assert run("ⓑ", nfkc=False) == "ⓑ"
    assert run("Ｂ", nfkc=False, casefold=False) == "B"  # width alone
    assert run("Ｂ", nfkc=False, width=False, casefold=False) == "Ｂ"
    assert run("炸\u0301弹", strip_marks=False) == "炸\u0301弹"


def test_traditional_table_is_complete_for_common_characters() -> None:
    norm = Normalizer()
    pairs = {
        "們": "们",
        "裡": "里",
        "臺": "台",
        "髮": "发",
        "國": "国",
        "體": "体",
        "藥": "药",
        "槍": "枪",
        "賣": "卖",
        "詐": "诈",
        "騙": "骗",
        "毒": "毒",
    }
    for traditional, simplified in pairs.items():
        assert norm.normalize(traditional).text == simplified
    table = (ROOT / "src/assay/text/data/t2s.tsv").read_text("utf-8").splitlines()
    assert len(table) > 4000


def test_folding_twice_changes_nothing() -> None:
    """OpenCC's table maps 麼 to 么 and 么 to its variant 幺: folded in one pass, a traditional
    怎麼 read 怎么 and a simplified 怎么 read 怎幺, and the two never met (a keyword, or a
    refusal phrase, written in one script missed the other)."""
    import numpy as np

    norm = Normalizer()
    table = norm.tables.norm
    moved = np.flatnonzero(table[table] != table)
    assert [chr(int(c)) for c in moved] == []
    assert norm.normalize("怎麼").text == norm.normalize("怎么").text == "怎幺"
    assert norm.normalize("什麽").text == norm.normalize("什么").text
    assert norm.normalize("薴").text == norm.normalize("苧").text == norm.normalize("苎").text


def test_opencc_phrase_mode() -> None:
    pytest.importorskip("opencc")
    chars = Normalizer(NormalizeOptions(t2s="chars")).normalize("乾隆年間").text
    phrases = Normalizer(NormalizeOptions(t2s="opencc")).normalize("乾隆年間").text
    assert chars == "干隆年间"  # the character table folds 乾 everywhere
    assert phrases == "乾隆年间"  # OpenCC's phrase rules keep the name


def test_unicode_tables_match_this_python() -> None:
    data = json.loads((ROOT / "src/assay/text/data/unicode.json").read_text("utf-8"))
    if data["unidata_version"] != unicodedata.unidata_version:
        pytest.skip(
            f"tables from Unicode {data['unidata_version']}, this Python has "
            f"{unicodedata.unidata_version}"
        )
    for cp in (0xFF21, 0x2460, 0x1D41B, 0xFB01, 0x3000, 0x00C5):
        ch = chr(cp)
        expected = unicodedata.normalize("NFKC", ch)
        assert data["nfkc"].get(f"{cp:x}", ch) == expected


def test_tables_build_fast_and_are_cached() -> None:
    import time

    steps = FoldSteps(confusables=False)  # a combination no other test built
    started = time.perf_counter()
    first = tables(steps)
    assert time.perf_counter() - started < 1.0
    assert tables(steps) is first
