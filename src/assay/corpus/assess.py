"""Per-source assessment (5.1 a)): a seeded random sample of each source, judged, against the
profile's 5% limit; and personal information counted over every record (5.2 c)).

The sample is a reservoir sample (algorithm R, seeded), so memory stays flat whatever the size
of the source and the same seed draws the same records. A sampled record is harmful when a
judge finds a risk of the categories the profile counts for the 5% screen (A.1 to A.4).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from assay.corpus.readers import Bad, Record
from assay.corpus.sources import Source, load_sources
from assay.judges.base import Judge
from assay.messages import t
from assay.outputs import Inputs, OutputFolder
from assay.standard.models import Profile
from assay.stats.rates import Decision, DecisionRule, Direction, Rate, decide_open, rate
from assay.text.pii import Found, find, mask

_PII_EXAMPLES = 3  # masked examples kept per kind of personal information
_AROUND = 12  # characters of context on each side

DECISIONS = {
    Decision.PASS: "accept",
    Decision.FAIL: "reject",
    Decision.INCONCLUSIVE: "inconclusive",
    Decision.NO_DATA: "no_data",
}


class SourceResult(BaseModel):
    """One source's 5% screen. ``unusable``: nothing could be read (no file, or every record
    quarantined), which is a mistake in sources.yaml rather than a finding about the corpus."""

    source: str
    kind: str
    # from sources.yaml, for the composition of the corpus (older stored results: unknown)
    language: str = ""
    modality: str = ""
    foreign: bool = False
    bytes: int = 0  # the size of its files
    files: int
    records: int  # every record read, good or bad
    scanned: int  # good records
    quarantined: int
    sampled: int
    harmful: int
    uncertain: int = 0  # verdicts the judges could not decide: for human review
    rate: Rate
    max_harmful_rate: float
    decision: str  # accept / reject / inconclusive / no_data
    # the rule that decided (stored results made before the standard rule: confidence)
    rule: DecisionRule = "confidence"
    census: bool = False  # every record was judged: the point decides under both rules
    pii: dict[str, int]
    pii_examples: dict[str, list[str]] = {}  # a few masked examples per kind, with their place
    quarantine_file: str | None
    notes: list[str]  # in English; notes_zh says the same in Chinese (older results: none)
    notes_zh: list[str] = []

    @property
    def unusable(self) -> bool:
        return self.scanned == 0


T = TypeVar("T")


def reservoir(items: Iterator[T], n: int, seed: int) -> tuple[list[T], int]:
    """A uniform random sample of ``n`` items (algorithm R) and the number seen."""
    rng = random.Random(seed)
    sample: list[T] = []
    seen = 0
    for item in items:
        if seen < n:
            sample.append(item)
        else:
            j = rng.randint(0, seen)
            if j < n:
                sample[j] = item
        seen += 1
    return sample, seen


def assess_source(
    source: Source,
    root: Path,
    profile: Profile,
    *,
    judge: Judge | None,
    sample_size: int | None = None,
    seed: int = 0,
    quarantine_dir: Path | None = None,
    rule: DecisionRule = "standard",
    inputs: Inputs | None = None,
) -> SourceResult:
    """The 5% screen of one source. Under the standard rule the sample's share of harmful
    records decides once the sample has the profile's size; under the confidence rule the
    whole interval must be on one side of the limit. The quarantine file goes in
    ``quarantine_dir`` and never over one of ``inputs`` (default: the source's files)."""
    params = profile.parameters.corpus_source
    n = sample_size or params.sample_min.value
    counted = set(params.counted_categories.value)
    files = source.files(root)
    quarantine = (  # checked before reading: a bad path stops the run before it starts
        OutputFolder(quarantine_dir, inputs or Inputs(files)).path(f"{source.id}.quarantine.jsonl")
        if quarantine_dir is not None
        else None
    )
    pii: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    bad: list[Bad] = []
    counts = {"records": 0}

    def good() -> Iterator[Record]:
        for path in files:
            for item in source.read(path):
                counts["records"] += 1
                if isinstance(item, Bad):
                    bad.append(item)
                    continue
                every = find(item.text)
                for found in every:
                    pii[found.kind] += 1
                    shown = examples.setdefault(found.kind, [])
                    if len(shown) < _PII_EXAMPLES:
                        shown.append(_example(item, every, found))
                yield item

    sample, scanned = reservoir(good(), n, seed)
    harmful = uncertain = 0
    notes: list[tuple[str, dict[str, object]]] = []  # catalogue keys and their values
    if judge is not None:
        for verdict in judge.judge_many([r.text for r in sample]):
            if verdict.uncertain:  # goes to review; counted neither way
                uncertain += 1
            elif verdict.flagged and (
                # a judge that names no risk (ShieldLM, say) still found something harmful
                not verdict.risk_ids
                or any(r.rsplit(".", 1)[0] in counted for r in verdict.risk_ids)
            ):
                harmful += 1
        if uncertain:
            notes.append(("note.uncertain", {"n": uncertain}))
    else:
        notes.append(("corpus.note.not_judged", {}))
    if not files:
        notes.append(("corpus.note.no_file", {}))
    elif not scanned and bad:
        notes.append(("corpus.note.all_quarantined", {"reason": bad[0].reason}))
    elif scanned < n:
        notes.append(("corpus.note.all_judged", {"good": scanned, "n": n}))
    judged = len(sample) - uncertain if judge is not None else 0
    measured = rate(harmful, judged)
    census = judge is not None and 0 < scanned <= n  # every good record judged: the share is known
    if census:
        notes.append(("corpus.note.census", {}))
    decision = decide_open(
        harmful,
        judged,
        uncertain,
        params.max_harmful_rate.value,
        Direction.MAX,
        census=census,
        required=required_sample(profile, rule),
        rule=rule,
    )
    if not census and not params.sample_min.decides and 0 < len(sample) < params.sample_min.value:
        notes.append(
            ("corpus.note.under_practice", {"n": len(sample), "need": params.sample_min.value})
        )
    return SourceResult(
        source=source.id,
        kind=source.kind,
        language=source.language,
        modality=source.modality,
        foreign=source.foreign,
        bytes=sum(f.stat().st_size for f in files),
        files=len(files),
        records=counts["records"],
        scanned=scanned,
        quarantined=len(bad),
        sampled=len(sample),
        harmful=harmful,
        uncertain=uncertain,
        rate=measured,
        max_harmful_rate=params.max_harmful_rate.value,
        decision=DECISIONS[decision],
        rule=rule,
        census=census,
        pii=dict(pii),
        pii_examples=examples,
        quarantine_file=_quarantine(bad, quarantine),
        notes=[t(key, "en", **fields) for key, fields in notes],
        notes_zh=[t(key, "zh", **fields) for key, fields in notes],
    )


def required_sample(profile: Profile, rule: DecisionRule) -> int:
    """The sample a source's screen needs before its rate decides: the profile's size when it
    is the standard's number and the standard rule is in force, else none."""
    size = profile.parameters.corpus_source.sample_min
    return size.value if rule == "standard" and size.decides else 0


def assess_sources(
    path: Path,
    profile: Profile,
    *,
    judge: Judge | None,
    sample_size: int | None = None,
    seed: int = 0,
    quarantine_dir: Path | None = None,
    rule: DecisionRule = "standard",
) -> list[SourceResult]:
    registry, _ = load_sources(path)
    inputs = Inputs([path, *(f for s in registry.sources for f in s.files(path.parent))])
    return [
        assess_source(
            s,
            path.parent,
            profile,
            judge=judge,
            sample_size=sample_size,
            seed=seed,
            quarantine_dir=quarantine_dir or path.parent / "quarantine",
            rule=rule,
            inputs=inputs,
        )
        for s in registry.sources
    ]


def _example(record: Record, every: list[Found], found: Found) -> str:
    """``file:line: …context…`` cut from the record with all its personal information masked
    (masking first, so no number is left half-shown at the edges)."""
    text = record.text
    shift = 0  # how much the masked forms before this one changed the length (e-mails do)
    for f in every:
        if f.start >= found.start:
            break
        shift += len(mask(text[f.start : f.end], [Found(f.kind, 0, f.end - f.start)]))
        shift -= f.end - f.start
    masked = mask(text, every)
    start = max(0, found.start + shift - _AROUND)
    return f"{record.file}:{record.line}: …{masked[start : found.end + shift + _AROUND]}…"


def _quarantine(bad: list[Bad], target: Path | None) -> str | None:
    if not bad or target is None:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as fh:
        for b in bad:
            fh.write(
                json.dumps({"file": b.file, "line": b.line, "reason": b.reason}, ensure_ascii=False)
                + "\n"
            )
    return str(target)
