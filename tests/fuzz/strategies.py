"""Hypothesis strategies for hostile text files: CSV/TSV cells with quotes, delimiters, line
breaks, NULs, bidi controls and CJK; JSONL lines that are good, broken or nested deep."""

from __future__ import annotations

import json

from hypothesis import strategies as st

# characters that break parsers: quotes, delimiters, every kind of line end, NUL, BOM, bidi
NASTY = "\",\t\n\r\x00\ufeff\u2028\u202e'=;：\\"
text_chars = st.one_of(
    st.sampled_from(list(NASTY)),
    st.sampled_from(list("炸药问题测试你好ab1 ")),
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
)
cell = st.text(text_chars, max_size=12)
risk = st.sampled_from(["A.1.d", "A.2.a", "宣扬恐怖主义、极端主义", "", "X.9", "A.1.d;A.1.h"])


@st.composite
def csv_text(draw: st.DrawFn) -> str:
    """A CSV with a plausible header and rows of hostile cells, raw (no proper quoting)."""
    header = draw(st.sampled_from(["序号,测试题,二级分类", "keyword,risk_ids", "id,text,risk_ids"]))
    rows = draw(st.lists(st.tuples(cell, cell, risk), max_size=8))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    body = end.join(",".join(r) for r in rows)
    return header + end + body + draw(st.sampled_from(["", end]))


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | cell,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(cell, children, max_size=3),
    max_leaves=8,
)


@st.composite
def jsonl_line(draw: st.DrawFn, field: str = "text") -> str:
    kind = draw(st.sampled_from(["good", "good", "value", "broken", "deep", "blank"]))
    if kind == "good":
        obj = {field: draw(cell), "risk_ids": draw(risk), "keyword": draw(cell)}
        return json.dumps(obj, ensure_ascii=draw(st.booleans()))
    if kind == "value":
        return json.dumps(draw(json_value))
    if kind == "deep":
        depth = draw(st.sampled_from([99, 101, 1010, 5000]))
        return '{"text": "x", "m": ' + _nested(depth) + "}"
    if kind == "blank":
        return draw(st.sampled_from(["", " ", "\t", "\r"]))
    return draw(cell)


@st.composite
def jsonl_text(draw: st.DrawFn, field: str = "text") -> str:
    lines = draw(st.lists(jsonl_line(field), max_size=8))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))
