"""An answer as a reviewer sees it: escaped first, then marked.

The text is cut at the boundaries of the keyword evidence spans and of the personal information
found in it. Each piece is masked when it is personal information and the reviewer may not see
it in clear, its bidirectional controls are made visible (:func:`assay.text.visible.visible`),
and it is escaped; only then are the evidence pieces wrapped in ``<mark>``. Nothing of the
answer reaches the page unescaped, whatever it holds (``<script>``, ``<img onerror>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from markupsafe import Markup, escape

from assay.text.pii import Found, find, mask
from assay.text.visible import visible


def spans_of(evidence: Iterable[Mapping[str, Any]], text: str) -> list[tuple[int, int, str]]:
    """The evidence spans (start, end, label) that lie in ``text`` and quote it exactly."""
    out = []
    for e in evidence:
        start, end = e.get("start"), e.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
            continue
        if end <= len(text) and text[start:end] == e.get("text", text[start:end]):
            out.append((start, end, str(e.get("label", ""))))
    return sorted(out)


def marked(text: str, spans: list[tuple[int, int, str]], *, clear_pii: bool) -> Markup:
    """``text`` escaped, with ``spans`` marked and (unless ``clear_pii``) its personal
    information masked."""
    pii = [] if clear_pii else find(text)
    cuts = sorted(
        {0, len(text)}
        | {p for s, e, _ in spans for p in (s, e) if not any(f.start < p < f.end for f in pii)}
        | {p for f in pii for p in (f.start, f.end)}
    )  # never inside a piece of personal information: it is masked whole
    parts: list[str] = []
    for a, b in pairwise(cuts):
        inside = [Found(f.kind, f.start - a, f.end - a) for f in pii if a <= f.start < f.end <= b]
        shown = str(escape(visible(mask(text[a:b], inside) if inside else text[a:b])))
        labels = [label for s, e, label in spans if s < b and a < e]
        if labels and shown:
            title = escape("; ".join(dict.fromkeys(labels)))
            shown = f'<mark class="evidence" title="{title}">{shown}</mark>'
        parts.append(shown)
    return Markup("".join(parts))


def plain(text: str, *, clear_pii: bool) -> Markup:
    """``text`` escaped, bidi controls visible, personal information masked unless clear."""
    return Markup(escape(visible(text if clear_pii else mask(text))))
