"""The message catalogue: every entry in both languages; the statistics core holds no words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from assay.messages import MESSAGES, decision_word, t
from assay.reports.labels import label
from assay.stats.rates import Direction, interval_text, margin_words, rule_name

SRC = Path(__file__).resolve().parents[1] / "src" / "assay"
CJK = re.compile(r"[\u3400-\u9fff]")


def test_every_message_has_chinese_and_english() -> None:
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip(), key
        assert en.strip(), key
        assert set(re.findall(r"{(\w+)", zh)) == set(re.findall(r"{(\w+)", en)), key


def test_t_picks_the_language_and_fills_the_fields() -> None:
    assert t("corpus.not_run", "zh", method="9.2.b") == "9.2.b 未运行"
    assert t("corpus.not_run", "en", method="9.2.b") == "9.2.b not run"
    assert t("no such key", "zh") == "no such key"
    assert decision_word("fail", "zh") == "不通过"
    assert label("pass", "zh") == t("pass", "zh") == "通过"


def test_the_statistics_words_come_from_the_catalogue() -> None:
    assert margin_words("straddles", Direction.MIN, "zh") == t("margin.straddles_low", "zh")
    assert rule_name("confidence", "en") == t("rule.confidence", "en")
    assert interval_text(0.9, 0.95, 0.95, "clear", Direction.MIN, "zh") == (
        "95% 区间 90.0%–95.0%，整个区间达到阈值"
    )


def _strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_the_statistics_core_writes_no_chinese() -> None:
    found = [
        f"{path.name}:{line}: {text}"
        for path in sorted((SRC / "stats").glob("*.py"))
        for line, text in _strings(path)
        if CJK.search(text)
    ]
    assert not found, "\n".join(found)
