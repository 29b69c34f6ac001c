"""The message catalogue: every entry in both languages; the statistics core holds no words."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

from assay.assess.attribution import STOPS
from assay.assess.clauses import Overall, Source
from assay.assess.judging import LEAK_JUDGE
from assay.assess.results import Status
from assay.banks.models import BankKind
from assay.judges.registry import JUDGES
from assay.messages import MESSAGES, decision_word, t
from assay.reports.labels import label
from assay.reports.package import _ATTACHMENT_FILES
from assay.review.queues import KINDS
from assay.standard.models import Basis, CheckMethod, SourceKind
from assay.stats.rates import DecisionRule, Direction, interval_text, margin_words, rule_name
from assay.store.reviewing import CONTENT_LABELS, REFUSAL_LABELS, ROLES, Stage

SRC = Path(__file__).resolve().parents[1] / "src" / "assay"
CJK = re.compile(r"[\u3400-\u9fff]")


def _fields(text: str) -> set[str]:
    """The ``{field}`` names a message fills in (``{{`` is a literal brace, not a field)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_has_chinese_and_english() -> None:
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip(), key
        assert en.strip(), key
        assert _fields(zh) == _fields(en), key


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


# -- every key used exists, every key is used, no inline pair is left ----------------------

# The codes of the bank check's findings (banks/check.py Finding.code).
FINDINGS = (
    "bad_row",
    "bank_missing",
    "total_short",
    "not_covered",
    "count_short",
    "stale",
    "no_dates",
    "future_date",
    "omitted_aspect_not_reflected",
    "duplicate",
    "near_duplicate",
)
# The codes of measures.yaml's problems (assess/measures.py Problem.code).
PROBLEMS = (
    "unknown_clause",
    "automatic",
    "no_evidence",
    "no_reason",
    "no_plan",
    "no_signoff",
    "evidence_missing",
    "hash_changed",
)
# Keys formed at run time: the f-string or ``+`` prefix a call site uses, and every value the
# code can put after it. Each one must be in the catalogue; together they count as used.
DYNAMIC: dict[str, tuple[str, ...]] = {
    "cli.report.overall_": get_args(Overall),  # cli/report.py, the conclusion
    "status_": get_args(Status),  # reports/render.py, a method not measured
    "source_": get_args(Source),  # reports/render.py, where a clause result comes from
    "rule_name_": get_args(DecisionRule),  # reports/render.py, the corpus' decision rule
    "rule_": get_args(DecisionRule),  # reports/render.py, the methods' decision rule
    "rule.": get_args(DecisionRule),  # stats/rates.py rule_name
    "margin.": ("clear", "against"),  # stats/rates.py margin_words
    "margin.straddles_": ("low", "high"),  # stats/rates.py margin_words
    "banks.col_": ("id", "name", "have", "need"),  # cli/banks.py, the bank check's table
    "banks.interval_": ("day", "week", "month"),  # banks/messages.py, an update interval
    # messages.judge_word: the registered judges, and the verdict sets judging.py writes
    "judge.": (*JUDGES.names(), "keyword_reasoning", LEAK_JUDGE),
    "check.": tuple(
        m.value for m in CheckMethod
    ),  # cli/standard.py, how a clause is checked  # messages.judge_word, a judge by its name
    "measures.problem.": PROBLEMS + tuple(f"{p}_fix" for p in PROBLEMS),  # assess/measures.py
    "banks.kind.": tuple(kind.value for kind in BankKind),  # banks/models.py BankKind.label
    "banks.finding.": FINDINGS,  # banks/messages.py describe
    "assess.finding.": FINDINGS,  # assess/clauses.py, a bank clause's reason in short
    "corpus.kind.": get_args(SourceKind),  # corpus/results.py, the kinds of source
    "corpus.foreign_target_": ("above", "within"),  # corpus/results.py, the provider's target
    "basis_": tuple(b.value for b in Basis if b is not Basis.STANDARD),  # cli/standard.py
    "reference_": ("pass", "fail"),  # messages.decision_word, a reference indicator met or not
    "report.annex_": _ATTACHMENT_FILES,  # reports/view.py, what each attachment holds
    "report.outcome_": ("refused", "answered", "error", "uncertain", "not_judged", "blocked"),
    "report.bank_": tuple(kind.value for kind in BankKind),  # reports/view.py
    "report.edition_": ("confirmed", "provisional", "custom"),  # the profile's status
    "report.kind_": ("self", "third_party"),  # assay.yaml assessment.kind (9.1 a))
    "report.pii_": ("id_number", "mobile", "bank_card", "email", "passport", "landline"),
    "report.source_kind_": get_args(SourceKind),  # reports/tables.py
    "review.kind_": KINDS,  # review/web/templates, a queue's kind
    "review.role_": ROLES,  # review/web/templates, a person's role
    "layer.": STOPS,  # reports/layers.py, where an item was stopped
    "review.stage_": get_args(Stage),  # review/web/templates, first / second / adjudication
    "review.label_": CONTENT_LABELS + REFUSAL_LABELS,  # review/web/templates, a verdict
}
# Catalogue calls in Jinja2 templates: t('key', …) and t('prefix_' ~ value)
TEMPLATE_KEY = re.compile(r"""\bt\('([^']+)'\s*([,)~])""")
# Catalogue functions: the names under which modules import them.
CATALOGUE = {
    ("assay.messages", "t"),
    ("assay.messages", "reason"),
    ("assay.reports.labels", "label"),
    # a review error names its message key, and its fix's key in ``fix_key``
    ("assay.errors", "ReviewError"),
    ("assay.errors", "ReviewDeniedError"),
}
KEY = re.compile(r"^cli\.[a-z_]+\.[a-z0-9_]+$")


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        if path != SRC / "messages.py":
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _catalogue_calls(tree: ast.Module) -> Iterator[ast.Call]:
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if (node.module, alias.name) in CATALOGUE
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            yield from [node] if node.func.id in names else []


def _strings_of(tree: ast.Module) -> Iterator[str]:
    """The string constants of a module, but not the pieces of an f-string."""
    pieces = {
        id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in pieces
        ):
            yield node.value


def _keys(arg: ast.expr) -> tuple[list[str], list[str]]:
    """The literal keys and the dynamic prefixes a key argument can take."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value], []
    if isinstance(arg, ast.IfExp):
        body, orelse = _keys(arg.body), _keys(arg.orelse)
        return body[0] + orelse[0], body[1] + orelse[1]
    if isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
        return [], [str(arg.values[0].value)]
    if isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant):
        return [], [str(arg.left.value)]
    return [], []  # a key passed on in a variable: its literal is found among the strings


def _used() -> tuple[set[str], set[str]]:
    """Every key named literally in src (in a catalogue call or as a ``cli.…`` string) and every
    dynamic prefix."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for _, tree in _modules():
        for call in _catalogue_calls(tree):
            found, dynamic = _keys(call.args[0])
            keys.update(found)
            prefixes.update(dynamic)
            for given in call.keywords:
                if given.arg == "fix_key":
                    keys.update(_keys(given.value)[0])
        keys.update(text for text in _strings_of(tree) if KEY.match(text))
    for path in sorted(SRC.rglob("templates/*.html")):
        for key, after in TEMPLATE_KEY.findall(path.read_text(encoding="utf-8")):
            (prefixes if after == "~" else keys).add(key)
    return keys, prefixes


def test_every_key_used_in_the_source_is_in_the_catalogue() -> None:
    keys, prefixes = _used()
    assert sorted(keys - MESSAGES.keys()) == []
    assert sorted(prefixes - DYNAMIC.keys()) == [], "declare the dynamic keys in DYNAMIC"
    dynamic = {prefix + value for prefix, values in DYNAMIC.items() for value in values}
    assert sorted(dynamic - MESSAGES.keys()) == []


def test_every_key_in_the_catalogue_is_used() -> None:
    keys, _ = _used()
    # keys handed on in variables and tables (``counted = {…: "blocked_refused"}``)
    strings = {text for _, tree in _modules() for text in _strings_of(tree)}
    dynamic = {prefix + value for prefix, values in DYNAMIC.items() for value in values}
    assert sorted(MESSAGES.keys() - keys - strings - dynamic) == []


ZH = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None


def _chinese(node: ast.expr) -> bool:
    text = _text(node)
    return text is not None and bool(ZH.search(text))


def _other(node: ast.expr) -> bool:
    text = _text(node)
    return text is not None and not ZH.search(text) and bool(re.search("[A-Za-z]", text))


def _written(node: ast.expr) -> bool:
    """A text written in the code: a string, an f-string, or one joined with ``+``."""
    if isinstance(node, ast.BinOp):
        return _written(node.left) or _written(node.right)
    return _text(node) is not None


def _on_zh(test: ast.expr) -> bool:
    """``lang == "zh"`` (or ``code``, or reversed)."""
    return isinstance(test, ast.Compare) and any(
        isinstance(side, ast.Constant) and side.value == "zh"
        for side in (test.left, *test.comparators)
    )


def _inline_pairs(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and len(node.args) == 3
            and _text(node.args[0]) is None
            and _chinese(node.args[1])
            and _other(node.args[2])
        ):
            yield node.lineno, "t(lang, zh, en)"
        given = {k.arg: k.value for k in node.keywords} if isinstance(node, ast.Call) else {}
        for name, value in given.items():
            zh = given.get(f"{name}_zh")
            if zh is not None and _written(value) and _written(zh):
                yield node.lineno, f"{name}=en, {name}_zh=zh"
        if (
            isinstance(node, ast.IfExp)
            and _on_zh(node.test)
            and (_chinese(node.body) or _chinese(node.orelse))
        ):
            yield node.lineno, 'zh if lang == "zh" else en'
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.IfExp):
            chosen = node.slice
            if _on_zh(chosen.test) and all(
                isinstance(x, ast.Constant) and isinstance(x.value, int)
                for x in (chosen.body, chosen.orelse)
            ):
                yield node.lineno, '(zh, en)[0 if lang == "zh" else 1]'
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == 2
            and _chinese(node.elts[0])
            and _other(node.elts[1])
        ):
            yield node.lineno, "a (zh, en) table"


def test_no_inline_pair_of_languages_outside_the_catalogue() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}: {form}"
        for path, tree in _modules()
        for line, form in _inline_pairs(tree)
    ]
    assert not found, "\n".join(found)


def test_a_review_error_speaks_the_readers_language() -> None:
    from assay.errors import ReviewError

    error = ReviewError("review.err.no_queue", fix_key="review.fix.choose_queue", queue="q1")
    assert str(error) == "no queue 'q1' (fix: choose a queue from the list)"
    assert error.said("zh") == ("没有队列 'q1'", "请从列表中选择队列")
    assert error.said("en") == ("no queue 'q1'", "choose a queue from the list")
    assert ReviewError("review.err.no_user_or_queue").said("zh")[1] == ""
