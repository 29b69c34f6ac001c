"""Resolve the names people write in bank files to the profile's ids.

A risk may be written as its id (``A.1.d``, or ``A.1.4`` by position), its Chinese name (``宣扬恐怖主义、极端主义``) or its
English name, in any case and with any spacing; a category likewise (``A.1``, ``包含歧视性内容``).
Several risks in one cell are separated by ``;``, ``；``, ``|`` or a line break (not by ``、`` or
``，``, which occur inside the standard's own names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assay.errors import UnknownNameError
from assay.standard.models import Profile
from assay.text import fold

_SPLIT = re.compile(r"[;；|\n]+")


class NameResolver:
    """Maps written names of risks, categories and aspects to ids for one profile."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        risks: list[tuple[str, ...]] = [(r.id, r.name_zh, r.name_en) for r in profile.risks]
        # numeric aliases: A.1.4 for A.1.d
        risks += [
            (r.id, f"{c.id}.{i}") for c in profile.categories for i, r in enumerate(c.risks, 1)
        ]
        self._risks = _index(risks)
        self._categories = _index(
            (c.id, c.name_zh, c.name_en, c.name_zh.removeprefix("包含")) for c in profile.categories
        )
        aspects = [(a.id, a.name_zh, a.name_en) for a in profile.aspects]
        # an aspect may also be written without its prefix: "history" for NR.history
        aspects += [(a.id, a.id.removeprefix("NR."), a.name_zh) for a in profile.aspects]
        self._aspects = _index(aspects)
        self.risk_names = [r.id for r in profile.risks] + [r.name_zh for r in profile.risks]
        self.aspect_names = [a.id for a in profile.aspects] + [a.name_zh for a in profile.aspects]
        # a bank writes the same few cells on every row: each is resolved once
        self._seen_risks: dict[str, tuple[str, ...]] = {}
        self._seen_categories: dict[str, tuple[str, ...]] = {}
        self._seen_aspects: dict[str, str] = {}

    def risks(self, cell: str) -> tuple[str, ...]:
        """Risk ids of a cell; raises :class:`UnknownNameError` for a name it cannot place."""
        found = self._seen_risks.get(cell)
        if found is None:
            found = self._seen_risks[cell] = self._resolve_risks(cell)
        return found

    def categories(self, cell: str) -> tuple[str, ...]:
        """Category ids of a cell; raises :class:`UnknownNameError` for one it cannot place."""
        found = self._seen_categories.get(cell)
        if found is None:
            found = self._seen_categories[cell] = self._resolve_categories(cell)
        return found

    def aspect(self, cell: str) -> str:
        """The must-answer aspect id of a cell; raises :class:`UnknownNameError` if unknown."""
        found = self._seen_aspects.get(cell)
        if found is None:
            found = self._seen_aspects[cell] = self._resolve_aspect(cell)
        return found

    def _resolve_risks(self, cell: str) -> tuple[str, ...]:
        whole = self._risks.get(fold(cell))
        if whole is not None:
            return (whole,)
        out: list[str] = []
        for part in _parts(cell):
            risk_id = self._risks.get(fold(part))
            if risk_id is None:
                raise UnknownNameError("risk", part, self.risk_names)
            if risk_id not in out:
                out.append(risk_id)
        return tuple(out)

    def _resolve_categories(self, cell: str) -> tuple[str, ...]:
        whole = self._categories.get(fold(cell))
        if whole is not None:
            return (whole,)
        out: list[str] = []
        for part in _parts(cell):
            cat_id = self._categories.get(fold(part))
            if cat_id is None:
                names = [c.id for c in self.profile.categories]
                names += [c.name_zh for c in self.profile.categories]
                raise UnknownNameError("category (一级分类)", part, names)
            out.append(cat_id)
        return tuple(out)

    def _resolve_aspect(self, cell: str) -> str:
        aspect_id = self._aspects.get(fold(cell))
        if aspect_id is None:
            raise UnknownNameError("must-answer aspect", cell.strip(), self.aspect_names)
        return aspect_id


def _parts(cell: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(cell) if p.strip()]


def _index(rows: Iterable[tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in rows:
        entry_id = row[0]
        for name in row:
            out.setdefault(fold(name), entry_id)
    return out
