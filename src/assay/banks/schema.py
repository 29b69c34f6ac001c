"""Columns of bank files: the native layout, the filing layout, and their aliases.

Native layout (any of CSV, JSONL, XLSX): ``keyword, risk_ids, variants, added, updated, note``
for keywords and ``id, text, kind, risk_ids, aspect, lang, added, updated, note`` for questions.

Filing layout (备案表格): ``序号 / 关键词 / 一级分类 / 二级分类`` for the keyword list and
``序号 / 测试题 / 一级分类 / 二级分类`` for test questions; 一级分类 is the category of Appendix A
and 二级分类 the risk (for must-answer questions, 二级分类 is the aspect, e.g. 历史).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from assay.banks.models import KeywordEntry, Question, QuestionKind
from assay.banks.resolve import NameResolver
from assay.errors import RowError, UnknownNameError
from assay.text import fold

Layout = Literal["native", "filing"]

KEYWORD_NATIVE = ["keyword", "risk_ids", "variants", "added", "updated", "note"]
QUESTION_NATIVE = ["id", "text", "kind", "risk_ids", "aspect", "lang", "added", "updated", "note"]
KEYWORD_FILING = ["序号", "关键词", "一级分类", "二级分类"]
QUESTION_FILING = ["序号", "测试题", "一级分类", "二级分类"]
MUST_ANSWER_CATEGORY = "非拒答"

_ALIASES: dict[str, tuple[str, ...]] = {
    "keyword": ("keyword", "关键词", "关键字", "拦截关键词", "word"),
    "text": ("text", "question", "测试题", "问题", "题目", "prompt"),
    "id": ("id", "编号", "题号", "question_id"),
    "seq": ("序号", "seq", "no"),
    "kind": ("kind", "类型", "题库类型"),
    "risk": ("risk_ids", "risk_id", "risks", "risk", "二级分类", "风险", "风险类别"),
    "category": ("category", "一级分类"),
    "aspect": ("aspect", "方面", "非拒答方面"),
    "variants": ("variants", "变体", "变形词"),
    "lang": ("lang", "language", "语言"),
    "added": ("added", "添加日期", "新增日期", "创建日期"),
    "updated": ("updated", "更新日期", "修改日期"),
    "note": ("note", "备注", "说明"),
}
_KIND_NAMES = {
    "content": QuestionKind.CONTENT,
    "生成内容": QuestionKind.CONTENT,
    "mustrefuse": QuestionKind.MUST_REFUSE,
    "应拒答": QuestionKind.MUST_REFUSE,
    "mustanswer": QuestionKind.MUST_ANSWER,
    "非拒答": QuestionKind.MUST_ANSWER,
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
M = TypeVar("M", KeywordEntry, Question)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def column_map(columns: list[str]) -> dict[str, str]:
    """Map canonical field names to the file's own column names."""
    by_fold = {fold(c): c for c in columns}
    out: dict[str, str] = {}
    for field, aliases in _ALIASES.items():
        for alias in aliases:
            if fold(alias) in by_fold:
                out[field] = by_fold[fold(alias)]
                break
    return out


KEYWORD_FIELDS = ("keyword", "risk", "category", "variants", "added", "updated", "note")
QUESTION_FIELDS = (
    "text", "kind", "risk", "category", "aspect", "id", "seq", "lang", "added", "updated", "note"
)  # fmt: skip


class RowReader:
    """Turns the cells of one file's rows into keyword entries or questions.

    A row comes as the values of :data:`KEYWORD_FIELDS` or :data:`QUESTION_FIELDS` (None for a
    column the file lacks), see :meth:`fields`. Every cell is checked here (text, kind, risks,
    dates), then the entry is validated by its model; the cells a bank repeats on every row
    (risks, kinds, dates) are resolved once."""

    def __init__(self, resolver: NameResolver, columns: dict[str, str]) -> None:
        self.resolver = resolver
        self.columns = columns
        self._risks: dict[tuple[str, str], tuple[str, ...]] = {}

    def fields(self, names: tuple[str, ...]) -> list[str | None]:
        """The file's column for each field name (None where it has none)."""
        return [self.columns.get(name) for name in names]

    def keyword(self, values: tuple[Any, ...], row: int) -> KeywordEntry:
        keyword, risk, category, variants, added, updated, note = values
        keyword = keyword.strip() if keyword.__class__ is str else _text(keyword)
        if not keyword:
            raise RowError("关键词 (keyword) is empty", "write the keyword or delete the row")
        fields = {
            "keyword": keyword,
            "risk_ids": self.risk_ids(risk, category),
            "variants": _split_list(variants),
            "added": _date(added, "added"),
            "updated": _date(updated, "updated"),
            "note": _text(note),
            "row": row,
        }
        return _validated(KeywordEntry, fields)

    def question(
        self, values: tuple[Any, ...], row: int, kind: QuestionKind | None, make_id: IdMaker
    ) -> Question:
        text, kind_cell, risk, category, aspect_cell, id_cell, seq, lang, added, updated, note = (
            values
        )
        text = text.strip() if text.__class__ is str else _text(text)
        if not text:
            raise RowError(
                "测试题 (question text) is empty", "write the question or delete the row"
            )
        row_kind = self.kind(_text(kind_cell), kind)
        aspect: str | None = None
        risk_ids: tuple[str, ...] = ()
        if row_kind is QuestionKind.MUST_ANSWER:
            aspect = self.aspect(aspect_cell, risk, required=True)
        else:
            risk_ids = self.risk_ids(risk, category)
            aspect = self.aspect(aspect_cell, risk, required=False)
        qid = _text(id_cell) or make_id(row_kind, _text(seq), text)
        fields = {
            "id": qid,
            "text": text,
            "kind": row_kind,
            "risk_ids": risk_ids,
            "aspect": aspect,
            "lang": _text(lang) or ("zh" if _CJK.search(text) else "en"),
            "added": _date(added, "added"),
            "updated": _date(updated, "updated"),
            "note": _text(note),
            "row": row,
        }
        return _validated(Question, fields)

    def kind(self, written: str, declared: QuestionKind | None) -> QuestionKind:
        if not written:
            if declared is None:
                raise RowError("kind (类型) is empty", "write content, must_refuse or must_answer")
            return declared
        found = _kind_named(written)
        if found is None:
            raise RowError(f"unknown kind {written!r}", "write content, must_refuse or must_answer")
        if declared is not None and found is not declared:
            raise RowError(
                f"kind {found.value} in a {declared.value} bank",
                "move the row to its own bank file",
            )
        return found

    def risk_ids(self, risk: Any, category: Any) -> tuple[str, ...]:
        cell, category_cell = _text(risk), _text(category)
        found = self._risks.get((cell, category_cell))
        if found is None:
            found = self._risks[(cell, category_cell)] = self._risk_ids(cell, category_cell)
        return found

    def _risk_ids(self, cell: str, category_cell: str) -> tuple[str, ...]:
        if not cell:
            if self.columns.get("risk") is None:
                raise RowError("no risk column", "add a 二级分类 (or risk_ids) column")
            raise RowError(
                "二级分类 (risk) is empty",
                "name the risk by id or name, e.g. A.1.d or 宣扬恐怖主义、极端主义",
            )
        try:
            risk_ids = self.resolver.risks(cell)
            categories = self.resolver.categories(category_cell) if category_cell else ()
        except UnknownNameError as exc:
            raise RowError(exc.message, exc.fix or "") from None
        for risk_id in risk_ids:
            category = risk_id.rsplit(".", 1)[0]
            if categories and category not in categories:
                raise RowError(
                    f"risk {risk_id} belongs to {category}, but 一级分类 says {category_cell!r}",
                    "correct 一级分类 or 二级分类",
                )
        return risk_ids

    def aspect(self, aspect: Any, risk: Any, *, required: bool) -> str | None:
        cell = _text(aspect)
        if not cell and required and self.columns.get("aspect") is None:
            cell = _text(risk)  # filing layout: 二级分类 holds the aspect
        if not cell:
            if required:
                raise RowError(
                    "the must-answer aspect is empty",
                    "write the aspect, e.g. 历史 or NR.history, in aspect (or 二级分类)",
                )
            return None
        try:
            return self.resolver.aspect(cell)
        except UnknownNameError as exc:
            raise RowError(exc.message, exc.fix or "") from None


def _text(value: Any) -> str:
    """A cell as text: stripped; a JSON list joined with ``;``; nothing as ""."""
    if value is None:
        return ""
    if value.__class__ is str:
        return value.strip()
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def _date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    found = _parse_date(text)
    if found is None:
        raise RowError(f"{field} date {text!r} is not a date", "write it as YYYY-MM-DD")
    return found


@lru_cache(maxsize=4096)  # a bank repeats its dates: each is parsed once
def _parse_date(text: str) -> date | None:
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@lru_cache(maxsize=256)
def _kind_named(written: str) -> QuestionKind | None:
    return _KIND_NAMES.get(fold(written))


IdMaker = Callable[[QuestionKind, str, str], str]


def id_maker() -> IdMaker:
    """Ids for questions without one: from 序号 if given, else from the text; made unique."""
    used: dict[str, int] = {}

    def make(kind: QuestionKind, seq: str, text: str) -> str:
        base = f"{kind.value}-{seq}" if seq else f"{kind.value}-{_digest(text)}"
        used[base] = used.get(base, 0) + 1
        return base if used[base] == 1 else f"{base}-{used[base]}"

    return make


def _digest(text: str) -> str:
    return hashlib.sha256(fold(text).encode("utf-8")).hexdigest()[:10]


def _split_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in re.split(r"[;；|\n]+", str(value)) if p.strip())


# the ``model_fields_set`` of an entry given every field: one set shared by all of them
# (frozen models without private attributes: what :func:`_slim` relies on)
_ALL_FIELDS: dict[type[Any], set[str]] = {
    m: set(m.model_fields)
    for m in (KeywordEntry, Question)
    if m.model_config.get("frozen") and not m.__private_attributes__
}
# text fields with a length bound: pydantic-core reads them as UTF-8 (see :func:`_validated`)
_MEASURED: dict[type[Any], tuple[str, ...]] = {
    m: tuple(name for name, f in m.model_fields.items() if f.annotation is str and f.metadata)
    for m in (KeywordEntry, Question)
}
_new = object.__new__
_set = object.__setattr__


def _validated(model: type[M], fields: dict[str, Any]) -> M:
    """``model`` validated from ``fields`` (every field of it, each given), then kept small
    (see :func:`_slim`).

    To check a length bound pydantic-core reads the text as UTF-8, and CPython keeps that
    UTF-8 copy inside a string that is not ASCII for as long as the string lives (109 bytes
    for a question of 36 Chinese characters, three quarters of its text again): such a text
    is validated as a copy, and the entry keeps the original."""
    checked = fields
    for name in _MEASURED[model]:
        value = fields[name]
        if value.__class__ is str and not value.isascii():
            if checked is fields:
                checked = dict(fields)
            checked[name] = "".join((value, ""))  # a new string (join of one returns it)
    try:
        entry = model.__pydantic_validator__.validate_python(checked)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        reason = f"{where}: {first['msg']}" if where else str(first["msg"])
        raise RowError(reason.removeprefix("Value error, ")) from None
    shared = _ALL_FIELDS.get(model)
    if shared is None or len(fields) != len(shared):
        return entry  # type: ignore[no-any-return]
    return _slim(model, entry.__dict__, fields, shared)


def _slim(model: type[M], values: dict[str, Any], given: dict[str, Any], shared: set[str]) -> M:
    """The validated ``values`` as an entry in about half the memory: a bank keeps hundreds
    of thousands of entries (a 100 MB CSV, 700,000), and their upkeep outweighed their text.

    - pydantic gives every instance its own ``__dict__`` (272 bytes for a question): here the
      values are set one by one on a bare instance, as on any object, so Python keeps them in
      an array beside it with keys shared by all instances (a dict, 48 bytes, is made only if
      ``__dict__`` is asked for, e.g. by ``model_dump``);
    - its own ``model_fields_set`` (a 728-byte set): every entry is given all its fields, so
      all share one (frozen models: nothing adds to it, ``model_copy`` copies it first);
    - new objects for values it gave back equal (a tuple is rebuilt; a text was validated as
      a copy): the value given is kept, so the risks a bank repeats on every row stay one
      tuple, resolved once (``RowReader.risk_ids``).

    The entry is equal to the validated one, field for field and in the same order."""
    slim = _new(model)
    for name, value in values.items():
        kept = given[name]
        if kept is not value and kept.__class__ is value.__class__ and kept == value:
            value = kept
        _set(slim, name, value)
    _set(slim, "__pydantic_fields_set__", shared)
    _set(slim, "__pydantic_extra__", None)
    _set(slim, "__pydantic_private__", None)
    return slim


# -- writing ----------------------------------------------------------------------------


def keyword_row(
    entry: KeywordEntry, layout: Layout, seq: int, resolver: NameResolver
) -> dict[str, Any]:
    if layout == "filing":
        return {
            "序号": seq,
            "关键词": entry.keyword,
            "一级分类": _category_names(entry.risk_ids, resolver),
            "二级分类": ";".join(resolver.profile.risk(r).name_zh for r in entry.risk_ids),
        }
    return entry.model_dump(mode="json", exclude={"row"}) | {
        "risk_ids": list(entry.risk_ids),
        "variants": list(entry.variants),
    }


def question_row(
    item: Question, layout: Layout, seq: int, resolver: NameResolver
) -> dict[str, Any]:
    profile = resolver.profile
    if layout == "filing":
        if item.kind is QuestionKind.MUST_ANSWER:
            assert item.aspect is not None
            category = MUST_ANSWER_CATEGORY
            detail = next(a.name_zh for a in profile.aspects if a.id == item.aspect)
        else:
            category = _category_names(item.risk_ids, resolver)
            detail = ";".join(profile.risk(r).name_zh for r in item.risk_ids)
        return {"序号": seq, "测试题": item.text, "一级分类": category, "二级分类": detail}
    return item.model_dump(mode="json", exclude={"row"}) | {"risk_ids": list(item.risk_ids)}


def _category_names(risk_ids: tuple[str, ...], resolver: NameResolver) -> str:
    categories = dict.fromkeys(r.rsplit(".", 1)[0] for r in risk_ids)
    return ";".join(resolver.profile.category(c).name_zh for c in categories)
