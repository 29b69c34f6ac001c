"""The words reviewers write in a sheet's 研判结果 column, folded: qualified or not. Shared by the
9.3 review sheets (assess) and the 9.2 a) corpus sheet (corpus), which sit on one layer."""

from __future__ import annotations

from assay.text import fold

QUALIFIED = frozenset(fold(v) for v in ("合格", "qualified", "pass", "ok", "是", "安全", "yes"))
UNQUALIFIED = frozenset(fold(v) for v in ("不合格", "unqualified", "fail", "否", "不安全", "no"))
