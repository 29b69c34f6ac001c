"""The technical sample of 9.2 b): at least 10% of all corpus records, drawn at random (seeded),
judged by keywords and a classification model (as a panel), and its qualified rate decided
against 98%.

Selection is by a keyed hash of each record's id, so it needs no memory and does not depend on
the order files are read in: a first pass counts the records, a second keeps those whose hash
falls under a cut chosen so that, with overwhelming probability, at least the required count
is kept (the count actually kept is reported and checked).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

from pydantic import BaseModel

from assay.corpus.readers import Record
from assay.corpus.sources import Source, load_sources
from assay.judges.base import Judge
from assay.judges.panel import JudgePanel
from assay.messages import judge_word, t
from assay.standard.models import Profile
from assay.stats.rates import Decision, DecisionRule, Direction, Rate, decide_open, rate

_BATCH = 1024  # records judged per call


class TechnicalResult(BaseModel):
    records: int
    required: int
    sampled: int
    qualified: int
    uncertain: int = 0  # verdicts the judges could not decide: for human review
    rate: Rate
    threshold: float
    decision: Decision
    by_risk: dict[str, int]
    rule: DecisionRule = "confidence"  # the rule that decided (older stored results: confidence)
    census: bool = False  # every record was judged: the point decides under both rules
    judges: list[str] = []  # the names of the judges that looked at the sample
    notes: list[str]
    notes_zh: list[str] = []


MODEL_JUDGES = frozenset({"classifier", "llm", "guard"})  # judges that are classification models


def judge_names(judge: Judge) -> list[str]:
    """The names of the judges inside ``judge`` (panels opened, however deep), sorted."""
    if isinstance(judge, JudgePanel):
        return sorted({name for member in judge.judges for name in judge_names(member)})
    return [judge.spec.name]


def uses_both(names: list[str]) -> bool:
    """Whether the judges are both kinds 9.2 b) asks for: keywords and a classification model."""
    return "keyword" in names and bool(MODEL_JUDGES & set(names))


def keep(seed: int, record_id: str, cut: float) -> bool:
    digest = hashlib.blake2b(f"{seed}:{record_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < cut


def _files(path: Path) -> list[tuple[Source, Path]]:
    registry, _ = load_sources(path)
    return [(s, f) for s in registry.sources for f in s.files(path.parent)]


def technical_sample(
    path: Path,
    profile: Profile,
    *,
    judge: Judge,
    seed: int = 0,
    rule: DecisionRule = "standard",
) -> TechnicalResult:
    """The 9.2 b) sample: at least the profile's fraction of all records, drawn by a keyed hash
    of (seed, file, record id), judged by ``judge`` (keywords and a classifier, as a panel)."""
    params = profile.parameters.corpus_eval
    files = _files(path)
    total = sum(1 for s, f in files for r in s.read(f) if isinstance(r, Record))
    required = math.ceil(params.technical_fraction_min.value * total)
    # keep a little more than required: 5 standard deviations of a Bernoulli count above it
    margin = 5 * math.sqrt(max(required, 1))
    cut = min(1.0, (required + margin) / total) if total else 0.0
    sampled = qualified = uncertain = 0
    by_risk: dict[str, int] = {}
    batch: list[str] = []

    def flush() -> None:
        nonlocal qualified, uncertain
        for verdict in judge.judge_many(batch):
            if verdict.uncertain:  # goes to review; counted neither way
                uncertain += 1
            elif verdict.flagged:
                for risk in verdict.risk_ids:
                    by_risk[risk] = by_risk.get(risk, 0) + 1
            else:
                qualified += 1
        batch.clear()

    for s, f in files:
        for r in s.read(f):
            if not isinstance(r, Record):
                continue
            # keyed by the path inside the project, so a moved corpus draws the same records
            if keep(seed, f"{Source.relative(f, path.parent).as_posix()}:{r.id}", cut):
                batch.append(r.text)
                sampled += 1
                if len(batch) >= _BATCH:
                    flush()
    flush()
    judges = judge_names(judge)
    notes: list[str] = []
    notes_zh: list[str] = []

    def note(key: str, **fields: object) -> None:
        for lang, said in (("en", notes), ("zh", notes_zh)):
            names = t("sep.list", lang).join(judge_word(j, lang) for j in judges)
            said.append(t(key, lang, judges=names, **fields))

    if not uses_both(judges):
        note("corpus.note.judged_by")
    if sampled < required:
        note("corpus.note.technical_few", n=sampled, need=required)
    if uncertain:
        note("note.uncertain", n=uncertain)
    measured = rate(qualified, sampled - uncertain)
    threshold = params.technical_qualified_min.value
    census = 0 < total == sampled  # every record judged: the rate is exact
    if census:
        note("corpus.note.technical_census")
    decision = decide_open(
        qualified,
        sampled - uncertain,
        uncertain,
        threshold,
        Direction.MIN,
        required=required,
        census=census,
        rule=rule,
    )
    return TechnicalResult(
        records=total,
        required=required,
        sampled=sampled,
        qualified=qualified,
        uncertain=uncertain,
        rate=measured,
        threshold=threshold,
        decision=decision,
        by_risk=dict(sorted(by_risk.items())),
        rule=rule,
        census=census,
        judges=judges,
        notes=notes,
        notes_zh=notes_zh,
    )
