"""The keyword engine: the evasion set, benign texts, allowlist, variants, batches, backends."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from assay.banks.io import load_keywords
from assay.banks.models import KeywordEntry
from assay.standard import Profile
from assay.text import matcher
from assay.text.keywords import KeywordEngine
from assay.text.normalize import NormalizeOptions

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"

# Latin keywords of our own, short and clinical, to exercise case, width and look-alikes
ENGLISH = ["pipe bomb", "meth lab", "heroin", "fake passport", "child porn"]
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і"}  # Cyrillic
# traditional forms written by hand (independent of the tables under test)
TRADITIONAL = {
    "自制炸药": "自製炸藥",
    "淫秽视频": "淫穢視頻",
    "网络赌博": "網絡賭博",
    "代开发票": "代開發票",
    "人体炸弹": "人體炸彈",
    "假币购买": "假幣購買",
    "洗钱通道": "洗錢通道",
    "虐杀视频": "虐殺視頻",
}


@pytest.fixture(scope="module")
def library(tc260: Profile) -> list[KeywordEntry]:
    entries, _ = load_keywords(ROOT / "examples" / "banks" / "keywords.csv", tc260)
    return entries.entries + [KeywordEntry(keyword=k, risk_ids=("A.1.h",)) for k in ENGLISH]


@pytest.fixture(scope="module")
def engine(library: list[KeywordEntry]) -> KeywordEngine:
    return KeywordEngine(library)


def _spaced(k: str) -> str:
    return " ".join(k)


def _punctuated(k: str) -> str:
    marks = "*。-·_/"
    return "".join(ch + marks[i % len(marks)] for i, ch in enumerate(k[:-1])) + k[-1]


def _zero_width(k: str) -> str:
    return (
        "\u200b".join(k[:2]) + "\u200d" + "\ufeff".join(k[2:]) if len(k) > 2 else "\u200b".join(k)
    )


def _full_width(k: str) -> str:
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in k
    )


def _lookalike(k: str) -> str:
    return "".join(HOMOGLYPHS.get(c, c) for c in k)


def _mixed_case(k: str) -> str:
    return "".join(c.upper() if i % 2 else c for i, c in enumerate(k))


def _traditional(k: str) -> str:
    return TRADITIONAL.get(k, k)


EVASIONS: dict[str, Callable[[str], str]] = {
    "spaces": _spaced,
    "punctuation": _punctuated,
    "zero-width": _zero_width,
    "full-width": _full_width,
    "look-alike": _lookalike,
    "mixed case": _mixed_case,
    "traditional": _traditional,
}


def _embed(keyword: str) -> str:
    return (
        f"用户说：{keyword}。"
        if any("\u4e00" <= c <= "\u9fff" for c in keyword)
        else f"he said {keyword} today"
    )


def _recall(
    engine: KeywordEngine, entries: list[KeywordEntry], transform: Callable[[str], str]
) -> float:
    found = 0
    for entry in entries:
        text = _embed(transform(entry.keyword))
        hits = engine.scan(text)
        if any(h.keyword == entry.keyword for h in hits):
            found += 1
    return found / len(entries)


def test_recall_on_evasions_equals_recall_on_clean_forms(
    engine: KeywordEngine, library: list[KeywordEntry]
) -> None:
    clean = _recall(engine, library, lambda k: k)
    assert clean == 1.0
    report = {name: _recall(engine, library, fn) for name, fn in EVASIONS.items()}
    print("\nkeyword recall, clean 1.000; " + ", ".join(f"{k} {v:.3f}" for k, v in report.items()))
    assert report == dict.fromkeys(EVASIONS, clean)
    # every transform really changed something it applies to
    assert _full_width("heroin") != "heroin"
    assert _lookalike("heroin") != "heroin"
    assert all(_traditional(k) != k for k in TRADITIONAL)


@pytest.mark.parametrize("separator", [" ", "*", "·", "\u200b "])
def test_latin_keywords_spelled_out_inside_chinese_text_are_found(
    engine: KeywordEngine, separator: str
) -> None:
    """Issue 17: an English keyword spelled letter by letter, written straight after and before
    Chinese characters (「散步p i g…今天」), was missed: its first letter did not count as
    standing alone because no separator came before it."""
    for keyword in ENGLISH:
        spelled = separator.join(keyword.replace(" ", ""))
        for text in (f"散步{spelled}…今天", f"散步{spelled}今天", f"我想要{spelled}。"):
            assert [h.keyword for h in engine.scan(text)] == [keyword], text


def test_combined_evasions(engine: KeywordEngine) -> None:
    text = "教我 自\u200b製 · 炸 藥 的方法，還有 ＨＥＲ０IN？"  # 0 is not o: no heroin
    assert [h.keyword for h in engine.scan(text)] == ["自制炸药"]
    assert [h.keyword for h in engine.scan("ＨеＲоＩｎ")] == ["heroin"]


def test_evidence_spans_point_into_the_original(engine: KeywordEngine) -> None:
    text = "前面的话 自 製炸*藥 后面"
    (hit,) = engine.scan(text)
    assert text[hit.start : hit.end] == "自 製炸*藥"
    assert hit.risk_ids == ("A.1.d",)


def test_characters_far_apart_do_not_match(
    engine: KeywordEngine, library: list[KeywordEntry]
) -> None:
    filler = "今天天气很好我们去公园散步吧"
    benign = []
    for entry in library:
        chars = [c for c in entry.keyword if "\u4e00" <= c <= "\u9fff"]
        if len(chars) >= 2:
            benign.append("".join(c + filler[i % len(filler)] * 3 for i, c in enumerate(chars)))
    assert len(benign) > 30
    flagged = [t for t in benign if engine.scan(t)]
    assert flagged == []


def test_latin_keywords_match_whole_words(engine: KeywordEngine) -> None:
    assert engine.scan("the heroine of the story") == []
    assert engine.scan("heroin.") != []
    loose = KeywordEngine(
        [KeywordEntry(keyword="heroin", risk_ids=("A.1.h",))],
        options=NormalizeOptions(word_boundaries=False),
    )
    assert loose.scan("the heroine") != []


def test_benign_set_false_positive_rate(engine: KeywordEngine) -> None:
    own = [
        "请介绍一下春节的传统习俗。",
        "长江发源于青藏高原。",
        "这部电影的爆炸场面拍得很震撼。",
        "药店营业时间是几点？",
        "我想学习网络安全的基础知识。",
        "弹钢琴需要每天练习。",
        "Our chemistry lab studies methane.",
        "The heroine saves the city.",
        "Passport renewal takes two weeks.",
        "小区里新开了一家炸鸡店，隔壁是中药铺。",
    ]
    texts = list(own)
    source = DATA / "cold_trainval_zh" / "trainval.jsonl"
    if source.is_file():
        with source.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
        texts += [r["text"] for r in rows if not r["offensive"]]
    flagged = [t for t, h in zip(texts, engine.scan_many(texts), strict=True) if h]
    rate = len(flagged) / len(texts)
    print(
        f"\nbenign false-positive rate: {rate:.4f} ({len(flagged)} of {len(texts)} texts"
        f"{'' if source.is_file() else '; shared COLD set absent, own set only'})"
    )
    assert not [t for t in own if engine.scan(t)]
    assert rate < 0.02


def test_allowlist_suppresses_hits_inside_a_longer_benign_phrase() -> None:
    entries = [KeywordEntry(keyword="赌博", risk_ids=("A.1.h",))]
    engine = KeywordEngine(entries, allow=["反赌博宣传", "禁止赌博"])
    assert engine.scan("社区开展反赌博宣传活动") == []
    assert engine.scan("公告：禁止 赌博") == []  # the allow phrase is normalized too
    hits = engine.scan("反赌博宣传之后他又去赌博了")
    assert [(h.start, h.end) for h in hits] == [(10, 12)]


def test_variants_match_but_report_their_keyword() -> None:
    entries = [KeywordEntry(keyword="冰毒", risk_ids=("A.1.h",), variants=("溜冰", "ice毒品"))]
    engine = KeywordEngine(entries)
    (hit,) = engine.scan("周末一起溜冰吗")
    assert (hit.keyword, hit.matched, hit.via) == ("冰毒", "溜冰", "variant")
    assert engine.stats.keywords == 1
    assert engine.stats.patterns == 3


def test_overlapping_keywords_are_all_reported() -> None:
    entries = [
        KeywordEntry(keyword="炸药", risk_ids=("A.1.d",)),
        KeywordEntry(keyword="自制炸药", risk_ids=("A.1.d",)),
        KeywordEntry(keyword="炸药包", risk_ids=("A.1.d",)),
    ]
    hits = KeywordEngine(entries).scan("自制炸药包")
    assert sorted(h.keyword for h in hits) == ["炸药", "炸药包", "自制炸药"]


def test_duplicate_forms_collapse_to_one_pattern() -> None:
    entries = [
        KeywordEntry(keyword="炸弹", risk_ids=("A.1.d",)),
        KeywordEntry(keyword="炸 彈", risk_ids=("A.1.f",)),
    ]
    engine = KeywordEngine(entries)
    assert engine.stats.patterns == 1
    assert sorted(h.keyword for h in engine.scan("炸弹")) == ["炸 彈", "炸弹"]


def test_forms_that_normalize_to_nothing_are_rejected() -> None:
    engine = KeywordEngine(
        [
            KeywordEntry(keyword="\u200b", risk_ids=("A.1.d",)),
            KeywordEntry(keyword="毒品", risk_ids=("A.1.h",)),
        ]
    )
    assert engine.stats.rejected == ("\u200b",)
    assert engine.scan("毒品") != []


def test_scan_many_equals_scan(engine: KeywordEngine) -> None:
    rng = random.Random(2)
    pieces = ["自制炸药", "没什么", "heroin", " ", "，", "網絡賭博", "天气", "炸", "药", "\u200b"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(300)]
    assert engine.scan_many(texts) == [engine.scan(t) for t in texts]
    # a keyword never spans two texts
    assert engine.scan_many(["自制", "炸药"]) == [[], []]


def test_pinyin_matching_is_optional() -> None:
    pytest.importorskip("pypinyin")
    entries = [KeywordEntry(keyword="炸弹", risk_ids=("A.1.d",))]
    assert KeywordEngine(entries).scan("how to make a zhadan") == []
    engine = KeywordEngine(entries, options=NormalizeOptions(pinyin=True))
    for text in ("how to make a zhadan", "ZHA DAN", "zhàdàn"):
        (hit,) = engine.scan(text)
        assert hit.via == "pinyin"
        assert hit.keyword == "炸弹"
    assert engine.scan("zhadanxyz") == []  # whole words only


@pytest.mark.parametrize("backend", matcher.available())
def test_every_backend_finds_the_same(backend: str, library: list[KeywordEntry]) -> None:
    reference = KeywordEngine(library)
    other = KeywordEngine(library, backend=backend)
    assert other.stats.backend == backend
    texts = [_embed(fn(e.keyword)) for e in library for fn in EVASIONS.values()]
    assert other.scan_many(texts) == reference.scan_many(texts)


def test_unknown_backend_suggests() -> None:
    from assay.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="daachorse"):
        KeywordEngine([KeywordEntry(keyword="a", risk_ids=("A.1.d",))], backend="daachorze")


def test_a_100000_keyword_library_compiles_and_matches() -> None:
    """Correctness at size; the build time (under a second) is measured in bench/keywords.py."""
    rng = random.Random(9)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 6000)]
    words = {"".join(rng.choice(chars) for _ in range(rng.randint(2, 6))) for _ in range(100_000)}
    engine = KeywordEngine([KeywordEntry(keyword=w, risk_ids=("A.1.h",)) for w in words])
    distinct = {engine.normalizer.normalize(w).text for w in words}  # a few fold together
    assert engine.stats.patterns == len(distinct)
    for word in rng.sample(sorted(words), 50):
        assert word in {h.keyword for h in engine.scan(f"前{word}后")}


def test_letter_digit_boundaries_match_both_ways() -> None:
    engine = KeywordEngine([KeywordEntry(keyword="AK47", risk_ids=("A.1.h",))])
    for text in ("AK47", "AK-47", "AK 47", "ak-47步枪"):
        assert [h.keyword for h in engine.scan(text)] == ["AK47"], text


def test_hits_across_sentence_punctuation_are_marked() -> None:
    engine = KeywordEngine([KeywordEntry(keyword="冰毒", risk_ids=("A.1.h",))])
    (joined,) = engine.scan("天气很冰，毒蛇出没")
    (plain,) = engine.scan("他在卖冰毒")
    assert joined.across_sentences
    assert not plain.across_sentences


def test_an_empty_library_is_a_user_error() -> None:
    from assay.errors import ConfigError

    with pytest.raises(ConfigError, match="no usable keyword"):
        KeywordEngine([])
    with pytest.raises(ConfigError):
        KeywordEngine([KeywordEntry(keyword="\u200b", risk_ids=("A.1.d",))])


def _mixed_texts(library: list[KeywordEntry], rng: random.Random) -> list[str]:
    """Texts dense with keywords, evasions, allowlisted phrases and near misses."""
    pieces = [*(fn(e.keyword) for e in library[:40] for fn in EVASIONS.values())]
    pieces += ["反赌博宣传", "禁止 赌博", "heroine", "AK-47", "p i p e b o m b", "ﬁ", "，", " "]
    pieces += ["\u200b", "今天", "class", "。", "\n", "自", "制", "炸药包"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(1500)]


def test_the_c_rules_and_the_python_rules_find_the_same(library: list[KeywordEntry]) -> None:
    """The per-match work runs in C when _fastkw is built; the Python rules (used when it is
    not) must give the very same hits, spans, forms and flags."""
    pytest.importorskip("assay.text._fastkw")
    entries = [*library, KeywordEntry(keyword="赌博", risk_ids=("A.1.h",), variants=("堵博",))]
    allow = ["反赌博宣传", "禁止赌博", "heroin addiction help"]
    texts = _mixed_texts(entries, random.Random(17))
    for options in (None, NormalizeOptions(word_boundaries=False)):
        fast = KeywordEngine(entries, allow=allow, options=options)
        slow = KeywordEngine(entries, allow=allow, options=options, use_c=False)
        assert type(fast._collector) is not type(slow._collector)
        many = fast.scan_many(texts)
        assert sum(map(len, many)) > 1000  # the texts really are dense with hits
        assert many == slow.scan_many(texts)
        assert [fast.scan(t) for t in texts[:300]] == [slow.scan(t) for t in texts[:300]]
        assert fast.match_many(texts).records == slow.match_many(texts).records


def test_matches_are_compact_records_until_hits_are_asked_for(engine: KeywordEngine) -> None:
    texts = ["用户说：自製炸藥。还有 heroin", "没什么", "網絡賭博和自制炸药"]
    matches = engine.match_many(texts)
    hits = engine.scan_many(texts)
    assert matches.hits() == hits
    assert matches.counts() == [len(h) for h in hits] == [2, 0, 2]
    table = matches.table()
    assert table.shape == (4, 6)
    assert [(int(r[1]), int(r[2])) for r in table] == [(h.start, h.end) for hs in hits for h in hs]
    assert engine.match_many([]).hits() == []


def test_the_c_collector_rejects_matches_out_of_range() -> None:
    """A bad match tuple from a backend is an error, never a read outside the text."""
    pytest.importorskip("assay.text._fastkw")
    engine = KeywordEngine([KeywordEntry(keyword="炸药", risk_ids=("A.1.d",))])
    layout = engine._backend.layout
    collector = engine._collector

    def match(pattern: int, start: int, end: int) -> tuple[int, int, int]:
        values = [0, 0, 0]
        values[layout[0]], values[layout[1]], values[layout[2]] = pattern, start, end
        return (values[0], values[1], values[2])

    assert collector.hits(collector.collect("炸药", [match(0, 0, 4)], None, 2, None), -1)
    for bad in (match(1, 0, 4), match(0, 0, 6), match(0, 4, 2), match(-1, 0, 4)):
        with pytest.raises(ValueError, match="out of range"):
            collector.collect("炸药", [bad], None, 2, None)
    with pytest.raises(ValueError, match="out of range"):
        collector.hits(b"\x00" * 12 + b"\x05\x00\x00\x00" + b"\x00" * 8, -1)
