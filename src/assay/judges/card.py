"""The model card of a trained classifier (Markdown), written beside its weights."""

from __future__ import annotations

from collections.abc import Sequence

from assay.judges.classifier import MIN_HELDOUT, MIN_RECALL
from assay.judges.evaluate import ANY, Binary, RiskMetrics
from assay.judges.linear import ModelInfo
from assay.standard.models import Profile
from assay.stats.rates import Rate


def model_card(
    info: ModelInfo,
    profile: Profile,
    *,
    title: str = "Assay classifier",
    held_out: Sequence[RiskMetrics] = (),
    notes: Sequence[str] = (),
    held_out_sets: Sequence[tuple[Binary, Binary | None]] = (),
) -> str:
    """Per-risk training counts, coverage, held-out metrics (when given), figures per held-out
    set beside a baseline's (when given) and notes."""
    covered = [r.id for r in profile.risks if info.risks.get(r.id) and info.risks[r.id].trained]
    missing = [r.id for r in profile.risks if r.id not in covered]
    metrics = {m.risk: m for m in held_out}
    f = info.features
    lines = [
        f"# {title}",
        "",
        "A multi-label linear model (one-vs-rest logistic regression) over hashed n-grams of the "
        "normalized text (the keyword engine's normalization): character "
        f"{_orders(f.char_orders)}-grams and word {_orders(f.word_orders)}-grams of Latin "
        f"text, in 2^{f.bits} buckets. Weights are stored as int8 with one scale per risk; "
        "they hold hashed buckets only, no text.",
        "",
        f"- Profile: `{profile.id}`; risks learned: **{len(covered)} of {len(profile.risks)}**",
        f"- Training examples: {info.examples} distinct texts ({info.negatives} without risk)",
        f"- A risk is learned when it has at least {info.min_positive} harmful examples; "
        "otherwise the classifier reports it as **not covered** and never scores it.",
        "- Training: "
        + ", ".join(f"{k}={v}" for k, v in sorted(info.training.items()))
        + " (deterministic: the same data gives byte-identical weights)",
        f"- Weights SHA-256: `{info.weights_sha256}`",
    ]
    if info.holdout:
        lines.append(f"- Held out from training: {info.holdout}")
    weak = [
        r
        for r in covered
        if info.risks[r].heldout_recall is not None
        and not (
            (info.risks[r].heldout_positives or 0) >= MIN_HELDOUT
            and (info.risks[r].heldout_recall or 0.0) >= MIN_RECALL
        )
    ]
    if weak:
        lines.append(
            f"- Learned but not shown to work on the held-out split (fewer than {MIN_HELDOUT} "
            f"held-out examples, or recall under {MIN_RECALL:.0%}), so **not counted as covered "
            f"for 8.4**: {', '.join(weak)}"
        )
    if info.sources:
        lines += ["", "## Training data", ""] + [f"- {s}" for s in info.sources]
    if held_out_sets:
        lines += _sets(held_out_sets)
    lines += [
        "",
        "## Per risk",
        "",
        "| risk | name | training positives | covered | held-out positives | precision | recall | F1 |",
        "|---|---|---:|---|---:|---|---|---:|",
    ]
    if ANY in metrics:
        lines.append(_row(ANY, "any risk (harmful or not)", None, None, metrics[ANY]))
    for risk in profile.risks:
        count = info.risks.get(risk.id)
        lines.append(
            _row(
                risk.id,
                risk.name_en,
                count.positives if count else 0,
                risk.id in covered,
                metrics.get(risk.id),
            )
        )
    if missing:
        lines += [
            "",
            f"**Not covered ({len(missing)}):** {', '.join(missing)}. Clause 8.4 asks a "
            "classifier to cover all 31 risks: this one does not, and says so.",
        ]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _sets(sets: Sequence[tuple[Binary, Binary | None]]) -> list[str]:
    lines = [
        "",
        "## Held-out sets",
        "",
        "Never used for training. Baseline: logistic regression over hashed character "
        "1-3-grams, trained on the same texts in the same run (`assay.judges.baseline`). "
        "Sensitivity: harmful texts flagged; specificity: benign texts not flagged "
        "(95% Wilson intervals).",
        "",
        "| set | texts | accuracy | macro-F1 | sensitivity | specificity "
        "| baseline accuracy | baseline macro-F1 | baseline sensitivity | baseline specificity |",
        "|---|---:|---:|---:|---|---|---:|---:|---|---|",
    ]
    for ours, peer in sets:
        cells = [ours.name, str(ours.n), *_binary(ours)]
        cells += _binary(peer) if peer else ["-"] * 4
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _binary(b: Binary) -> list[str]:
    def num(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}"

    return [num(b.accuracy), num(b.macro_f1), _rate(b.sensitivity), _rate(b.specificity)]


def _orders(orders: tuple[int, ...]) -> str:
    if not orders:
        return "no"
    return f"{min(orders)}-{max(orders)}" if len(orders) > 1 else str(orders[0])


def _rate(r: Rate) -> str:
    if r.value is None or r.low is None or r.high is None:
        return "-"
    return f"{r.value:.2f} [{r.low:.2f}, {r.high:.2f}]"


def _row(
    risk: str, name: str, positives: int | None, covered: bool | None, m: RiskMetrics | None
) -> str:
    pos = "" if positives is None else str(positives)
    cov = "" if covered is None else ("yes" if covered else "**no**")
    if m is None:
        return f"| {risk} | {name} | {pos} | {cov} | 0 | - | - | - |"
    f1 = "-" if m.f1 is None else f"{m.f1:.2f}"
    return (
        f"| {risk} | {name} | {pos} | {cov} | {m.positives} | {_rate(m.precision)} | "
        f"{_rate(m.sensitivity)} | {f1} |"
    )
