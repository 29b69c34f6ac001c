"""The corpus annotation rules (语料标注规则) of a filing, drafted from the profile: the skeleton
a provider fills in, not rules Assay could write for it.

Everything comes from the edition as data (``annotation:`` of the profile): the requirements on
annotators it quotes, what every rule states and the stages it covers (in the standard's own
words), the clauses the functional and the safety rules serve, and one safety rule per risk
of Appendix A with the fields the provider fills (examples, boundary cases). No clause id or
risk name is written here; a profile without ``annotation:`` gives no document.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.messages import t
from assay.reports.model import AssessmentInfo
from assay.standard.models import Annotation, Clause, Profile


@dataclass(frozen=True)
class RiskRule:
    """The safety rule of one risk: what is given, and the blanks the provider fills."""

    id: str
    name: str
    category: str
    mark: str


@dataclass(frozen=True)
class RulePart:
    """The functional or the safety rules: the clauses they serve, the parts every rule
    states, the stages they cover, and (safety) one rule per risk."""

    title: str
    clauses: list[str]
    contents: list[str]
    stages: list[str]
    risks: list[RiskRule]


@dataclass(frozen=True)
class AnnotationView:
    title: str
    intro: str
    facts: list[tuple[str, str]]
    staff: list[str]
    contents_clause: str  # the clause naming what every rule states, quoted
    stages_clause: str  # the clause asking for separate rules over both stages, quoted
    parts: list[RulePart]
    labels: dict[str, str]


_LABELS = (
    "filing.rules_staff",
    "filing.rules_staff_intro",
    "filing.rules_serves",
    "filing.rules_per_risk_intro",
    "filing.rules_category",
    "filing.rules_mark",
    "filing.rules_examples",
    "filing.rules_boundary",
    "filing.blank",
    "filing.blank_field",
)


def annotation_view(
    profile: Profile, lang: str, assessment: AssessmentInfo | None = None
) -> AnnotationView | None:
    """The rules document of ``profile`` in ``lang``; None when the profile names no
    annotation rules (a custom edition without ``annotation:``)."""
    rules = profile.annotation
    if rules is None:
        return None
    info = assessment or AssessmentInfo()
    blank = t("filing.blank", lang)
    edition = f"{profile.code} {profile.title_zh if lang == 'zh' else profile.title_en}"
    sections = dict.fromkeys(profile.clause(c).section for _, c in rules.clause_ids())
    facts = [
        (t("report.cover_service", lang), info.service or blank),
        (t("report.cover_organisation", lang), info.organisation or blank),
        (t("report.cover_basis", lang), edition),
    ]
    return AnnotationView(
        title=t("filing.rules_title", lang),
        intro=t(
            "filing.rules_intro",
            lang,
            edition=profile.code,
            sections=t("sep.list", lang).join(sections),
            blank=blank,
        ),
        facts=facts,
        staff=[_line(profile.clause(c), lang) for c in rules.staff],
        contents_clause=_line(profile.clause(rules.contents_clause), lang),
        stages_clause=_line(profile.clause(rules.stages_clause), lang),
        parts=[
            _part(profile, rules, "filing.rules_functional", rules.functional, lang, []),
            _part(profile, rules, "filing.rules_safety", rules.safety, lang, _risks(profile, lang)),
        ],
        labels={key: t(key, lang) for key in _LABELS}
        | {
            "contents": t("filing.rules_contents", lang, clause=rules.contents_clause),
            "stages": t("filing.rules_stages", lang, clause=rules.stages_clause),
            "per_risk": t(
                "filing.rules_per_risk", lang, clause=rules.per_risk, n=len(profile.risks)
            ),
        },
    )


def _line(clause: Clause, lang: str) -> str:
    """A clause as the profile states it: id, force (应/宜) and title."""
    return t(
        "filing.rules_clause",
        lang,
        id=clause.id,
        force=t(clause.force.value, lang),
        title=clause.title(lang),
    )


def _part(
    profile: Profile,
    rules: Annotation,
    title: str,
    clauses: tuple[str, ...],
    lang: str,
    risks: list[RiskRule],
) -> RulePart:
    return RulePart(
        title=t(title, lang),
        clauses=[_line(profile.clause(c), lang) for c in clauses],
        contents=[term.text(lang) for term in rules.contents],
        stages=[term.text(lang) for term in rules.stages],
        risks=risks,
    )


def _risks(profile: Profile, lang: str) -> list[RiskRule]:
    return [
        RiskRule(
            id=risk.id,
            name=risk.name(lang),
            category=f"{category.id} {category.name(lang)}",
            mark=t("filing.rules_mark_text", lang, id=risk.id, name=risk.name(lang)),
        )
        for category in profile.categories
        for risk in category.risks
    ]


__all__ = ["AnnotationView", "annotation_view"]
