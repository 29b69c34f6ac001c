"""Untrusted text made safe to show: bidirectional controls become visible marks.

An answer holding U+202E (RIGHT-TO-LEFT OVERRIDE) reverses what follows it on screen, so a
report line "不合格 … <answer>" could be made to read differently from what it says. Every
rendering of text Assay did not write (report.md, report.html and its PDF, the XLSX
attachments and review sheets) shows such a control as ``[U+202E]`` instead: nothing is
dropped, so the evidence stays complete, and nothing acts on the text around it.
"""

from __future__ import annotations

import re

# ALM, LRM, RLM, the embeddings and overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI)
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every bidirectional control shown as ``[U+XXXX]``."""
    if not BIDI_CONTROLS.search(text):
        return text
    return BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def cut(text: str, limit: int, where: str | None) -> str:
    """``text`` cut to ``limit`` characters with a mark saying so (and where the whole text
    is, when ``where`` is given), or unchanged when it fits."""
    if len(text) <= limit:
        return text
    mark = f"…[截断，全文见运行库 {where}]" if where else f"…[截断，原文 {len(text)} 字]"
    return text[: max(0, limit - len(mark))] + mark
