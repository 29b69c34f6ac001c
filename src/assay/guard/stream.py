"""The streaming screener: text chunks in, the part that may pass out, as soon as it may.

A streamed reply cannot be judged whole before it is shown, and a blocked word may arrive split
across chunks ("炸" then "弹"). :class:`Screener` keeps the text so far and after each chunk lets
through everything except the tail that could still turn out to be part of a keyword: the last
``longest + margin`` *normalized* characters (``longest``: the most normalized characters a
keyword form or allowlist phrase spans), mapped back to the original text, so separators that
normalization drops ("炸 。 弹") are held too. A keyword hit is decided once ``longest allowlist
phrase + margin`` normalized characters follow it: nothing that comes after can still change it
(an allowlist phrase around it, the next letter that makes a Latin keyword part of a longer
word). Text is let through only up to the start of the first hit not yet decided.

Any chunking of a text gives the decision :meth:`Guard.check` gives the whole text
(``tests/guard/test_stream.py`` checks it with hypothesis): the same action, and when nothing is
blocked, the same masked text, released piece by piece. When a blocking hit is decided the
screener stops: nothing of the blocked span, nor anything after the text released so far, is
passed. The classifier (when configured) needs the whole text, so it judges it at
:meth:`Screener.finish`, before the held tail is released.
"""

from __future__ import annotations

from bisect import bisect_left

from assay.guard.core import Decision, Guard, mask_spans
from assay.guard_config import Direction
from assay.text.keywords import KeywordHit

# normalized characters held beyond the longest pattern: the few characters of look-ahead that
# normalization (joining separated letters, dropping separators between CJK characters) and the
# whole-word rule of Latin keywords read after a character
MARGIN = 4


class Screener:
    """Screens one stream of text: :meth:`push` each chunk, then :meth:`finish`."""

    def __init__(self, guard: Guard, direction: Direction = "output") -> None:
        self.guard = guard
        self.direction: Direction = direction
        self._engine = guard.engine
        self._hold = guard.engine.longest + MARGIN
        self._settle = guard.engine.longest_allow + MARGIN
        self._text = ""
        self._released = 0  # characters of the text passed on so far
        self._anchor = 0  # where the next scan starts: well before what is undecided
        self._hits: dict[tuple[int, int, str], KeywordHit] = {}  # decided hits, by position
        self.decision: Decision | None = None  # set once blocked or finished

    @property
    def text(self) -> str:
        """The whole text received so far."""
        return self._text

    @property
    def released(self) -> int:
        """How many characters of :attr:`text` have been let through."""
        return self._released

    @property
    def blocked(self) -> bool:
        return self.decision is not None and self.decision.blocked

    def push(self, chunk: str) -> str:
        """Take the next chunk; return what may be shown now (masked where the policy masks;
        empty while held back, and always after a block)."""
        if self.decision is not None:
            return ""
        self._text += chunk
        return self._advance(final=False)

    def finish(self) -> str:
        """The stream ended: decide the rest and return what of it may be shown. Afterwards
        :attr:`decision` is the decision about the whole text."""
        if self.decision is not None:
            return ""
        out = self._advance(final=True)
        if self.decision is not None:  # blocked by a keyword in the tail
            return ""
        decision = self.guard.decide(self._text, self._sorted_hits(), self.direction, classify=True)
        self.decision = decision
        return "" if decision.blocked else out

    # -- the work ------------------------------------------------------------------------

    def _advance(self, *, final: bool) -> str:
        anchor, released = self._anchor, self._released
        hits, origins = self._engine.scan_mapped(self._text[anchor:])
        size = len(origins)
        if final:
            hold = settled = len(self._text)
        else:
            hold = anchor + origins[size - self._hold] if size > self._hold else 0
            hold = max(hold, released)
            settled = anchor + origins[size - self._settle] if size > self._settle else 0
        limit = hold
        blocking = False
        for hit in hits:
            start, end = hit.start + anchor, hit.end + anchor
            if start < released:
                continue  # decided when the text before it was let through
            if end <= settled:
                key = (start, end, hit.keyword)
                if key not in self._hits:
                    self._hits[key] = _moved(hit, anchor)
                    blocking = (
                        blocking or self.guard.action(hit.risk_ids, self.direction) == "block"
                    )
            else:
                limit = min(limit, start)
        if blocking:
            self.decision = self.guard.decide(
                self._text, self._sorted_hits(), self.direction, classify=False
            )
            return ""
        if limit <= released:
            return ""
        out = self._masked(released, limit)
        self._released = limit
        # the next scan starts `hold` normalized characters before what is still undecided
        at = bisect_left(origins, limit - anchor) - self._hold
        if at > 0:
            self._anchor = anchor + origins[at]
        return out

    def _masked(self, start: int, end: int) -> str:
        piece = self._text[start:end]
        spans = [
            (s, e)
            for (s, e, _), hit in self._hits.items()
            if s < end
            and e > start
            and self.guard.action(hit.risk_ids, self.direction) in ("mask", "block")
        ]
        return mask_spans(piece, spans, start) if spans else piece

    def _sorted_hits(self) -> list[KeywordHit]:
        return [self._hits[key] for key in sorted(self._hits, key=lambda k: (k[0], k[1]))]


def _moved(hit: KeywordHit, offset: int) -> KeywordHit:
    if offset == 0:
        return hit
    return KeywordHit(
        hit.keyword,
        hit.risk_ids,
        hit.start + offset,
        hit.end + offset,
        hit.matched,
        hit.via,
        hit.across_sentences,
    )
