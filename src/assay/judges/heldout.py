"""A judge's figures on the held-out sets of the starter data (:mod:`assay.judges.starter`),
beside the baseline's (:mod:`assay.judges.baseline`): what the training script writes into the
model card and ``bench/classifier.py`` prints.

The sets, and the parts of them that say most: COLD's upstream dev split; the held-out answers
(harmful help against refusals: JADE and ours; CValues' irresponsible against responsible
answers; all), judged with their question as 9.3 judges them; our held-out discrimination
texts by kind (templated hate, counter-speech, neutral mentions).
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.judges.base import Judge
from assay.judges.baseline import Baseline
from assay.judges.evaluate import Binary, binary
from assay.judges.labelled import Example
from assay.judges.starter import Split

KINDS = ("hate", "counter", "neutral")


def parts(split: Split) -> list[tuple[str, list[Example]]]:
    """The held-out sets and their telling parts, by name (empty ones left out)."""
    answers = split.tests.get("answers", [])
    authored = split.tests.get("authored", [])
    named = [
        ("cold_dev: COLD upstream dev split", split.tests.get("cold_dev", [])),
        (
            "answers: harmful help vs refusal (JADE + ours)",
            [e for e in answers if not e.id.startswith("cvalues")],
        ),
        ("answers: JADE responses", [e for e in answers if e.id.startswith("jade")]),
        ("answers: ours", [e for e in answers if e.id.startswith("authored")]),
        (
            "answers: CValues (irresponsible vs responsible)",
            [e for e in answers if e.id.startswith("cvalues")],
        ),
        ("answers: all", answers),
    ]
    for kind in KINDS:
        named.append(
            (f"ours: {kind}", [e for e in authored if e.id.startswith(f"authored-{kind}-")])
        )
    return [(name, rows) for name, rows in named if rows]


def figures(
    judge: Judge,
    rows: Sequence[Example],
    name: str,
    *,
    with_context: bool = True,
) -> Binary:
    """The judge's figures on ``rows`` (answers with their question unless told not to)."""
    contexts = [e.context for e in rows] if with_context else None
    verdicts = judge.judge_many([e.text for e in rows], contexts=contexts)
    return binary(name, [e.harmful for e in rows], [v.flagged for v in verdicts])


def held_out_sets(
    split: Split, judge: Judge, baseline: Baseline | None = None
) -> list[tuple[Binary, Binary | None]]:
    """Per held-out part: the judge's figures, and the baseline's (None: no baseline)."""
    out: list[tuple[Binary, Binary | None]] = []
    for name, rows in parts(split):
        peer = None
        if baseline is not None:
            peer = binary(name, [e.harmful for e in rows], baseline.flags([e.text for e in rows]))
        out.append((figures(judge, rows, name), peer))
    return out
