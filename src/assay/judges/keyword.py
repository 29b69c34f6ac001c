"""``KeywordJudge``: the keyword library as a judge, for single texts and batches."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from assay.banks.models import KeywordLibrary
from assay.judges.base import Evidence, JudgeSpec, Verdict
from assay.text.keywords import KeywordEngine, KeywordHit
from assay.text.normalize import NormalizeOptions


class KeywordJudge:
    """Flags a text when any keyword of the library matches (after normalization)."""

    def __init__(
        self,
        library: KeywordLibrary,
        *,
        allow: Sequence[str] = (),
        options: NormalizeOptions | None = None,
        backend: str | None = None,
    ) -> None:
        self._args = (library, tuple(allow), options, backend)
        self.engine = KeywordEngine(library.entries, allow=allow, options=options, backend=backend)
        self.spec = JudgeSpec(
            name="keyword",
            args={
                "library_sha256": library_digest(library, allow),
                "keywords": len(library.entries),
                "allow": len(allow),
                "options": self.engine.options.model_dump(),
                "source": str(library.source) if library.source else None,
            },
        )

    @property
    def covered_risks(self) -> tuple[str, ...]:
        """The risks its keywords name."""
        return tuple(sorted({r for e in self.engine.entries for r in e.risk_ids}))

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its inputs and rebuilt on the other side (for worker processes)."""
        library, allow, options, backend = self._args
        return (_rebuild, (library, allow, options, backend))

    def judge(self, text: str, *, context: str | None = None) -> Verdict:
        """Judge one text. Keywords look at the text alone; ``context`` is accepted and ignored."""
        hits = self.engine.scan(text)
        return self._verdict(text, hits) if hits else self._clean()

    def judge_many(
        self, texts: Sequence[str], *, contexts: Sequence[str | None] | None = None
    ) -> list[Verdict]:
        """One verdict per text; the clean ones of a call share one (frozen) verdict object."""
        clean = self._clean()
        return [
            self._verdict(t, h) if h else clean
            for t, h in zip(texts, self.engine.scan_many(texts), strict=True)
        ]

    def _clean(self) -> Verdict:
        # the common case on a corpus: nothing to validate, built directly
        return Verdict.model_construct(
            judge=self.spec,
            flagged=False,
            risk_ids=(),
            score=0.0,
            refused=None,
            uncertain=False,
            evidence=(),
            reason="",
            at=datetime.now(UTC),
        )

    def _verdict(self, text: str, hits: list[KeywordHit]) -> Verdict:
        risk_ids = tuple(sorted({r for h in hits for r in h.risk_ids}))
        evidence = tuple(
            Evidence(
                start=h.start,
                end=h.end,
                text=text[h.start : h.end],
                label=h.keyword,
                risk_ids=h.risk_ids,
            )
            for h in hits
        )
        return Verdict(
            judge=self.spec,
            flagged=True,
            risk_ids=risk_ids,
            score=1.0,
            evidence=evidence,
            reason=", ".join(dict.fromkeys(h.keyword for h in hits)),
        )


def library_digest(library: KeywordLibrary, allow: Sequence[str] = ()) -> str:
    """SHA-256 over the library's content (keywords, risks, variants) and the allowlist."""
    content = [[e.keyword, list(e.risk_ids), list(e.variants)] for e in library.entries] + [
        ["allow", list(allow)]
    ]
    blob = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def _rebuild(
    library: KeywordLibrary,
    allow: tuple[str, ...],
    options: NormalizeOptions | None,
    backend: str | None,
) -> KeywordJudge:
    return KeywordJudge(library, allow=allow, options=options, backend=backend)
