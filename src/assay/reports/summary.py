"""The 备案信息汇总 sheet: what the filing form (上线备案表) asks that the assessment already
knows, in one place, from the report alone: the service and model under test (the
``assessment:`` section of assay.yaml and the target), the corpus's scale and composition by
kind of source, language and modality (sources.yaml and the corpus assessment), and each
bank's size and dates. One row per fact: 类别 / 项目 / 内容 / 依据."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath

from assay.corpus.assess import SourceResult
from assay.messages import t
from assay.reports.model import Report
from assay.reports.tables import word

SUMMARY_KEYS = (
    "filing.sum_col_group",
    "filing.sum_col_item",
    "filing.sum_col_value",
    "filing.sum_col_from",
)


def summary_columns(lang: str) -> list[str]:
    return [t(k, lang) for k in SUMMARY_KEYS]


def summary_rows(report: Report, lang: str = "zh") -> list[dict[str, object]]:
    """The sheet's rows, in ``lang`` (the filing's language is Chinese)."""
    columns = summary_columns(lang)
    rows = [*_service(report, lang), *_corpus(report, lang), *_banks(report, lang)]
    return [dict(zip(columns, row, strict=True)) for row in rows]


Fact = tuple[str, str, str, str]


def _service(report: Report, lang: str) -> list[Fact]:
    info, group = report.assessment, t("filing.sum_service", lang)
    config = t("filing.sum_from_assessment", lang)
    blank = t("filing.sum_not_given", lang)
    model = f"{info.model} {info.version}".strip()
    facts: list[Fact] = [
        (group, t("report.cover_organisation", lang), info.organisation or blank, config),
        (group, t("report.cover_service", lang), info.service or blank, config),
        (group, t("report.cover_model", lang), model or blank, config),
        (
            group,
            t("filing.sum_target", lang),
            _target(report) or blank,
            t("filing.sum_from_target", lang),
        ),
        (group, t("report.cover_basis", lang), _edition(report, lang), report.manifest.profile_id),
        (group, t("report.cover_kind", lang), t(f"report.kind_{info.kind}", lang), config),
        (group, t("report.cover_assessor", lang), info.assessor or blank, config),
        (group, t("report.cover_period", lang), info.period or blank, config),
        (group, t("report.cover_report_no", lang), info.report_no or blank, config),
    ]
    return facts


def _edition(report: Report, lang: str) -> str:
    profile = report.profile
    return f"{profile.code} {profile.title_zh if lang == 'zh' else profile.title_en}"


def _target(report: Report) -> str:
    """The target as the run recorded it (credentials already redacted): its kind, then the
    model, the endpoint or the file (by name) it reads."""
    target = report.manifest.target
    parts = [str(target.get("kind", ""))]
    for key in ("model", "base_url"):
        if target.get(key):
            parts.append(str(target[key]))
    if target.get("path"):
        parts.append(PurePath(str(target["path"])).name)
    return " ".join(p for p in parts if p)


def _corpus(report: Report, lang: str) -> list[Fact]:
    corpus = report.corpus
    if corpus is None:
        return []
    group = t("filing.sum_corpus", lang)
    where = f"{PurePath(corpus.sources_file).name}{t('sep.list', lang)}{t('filing.sum_from_corpus', lang)}"
    sources = corpus.sources
    records = sum(s.records for s in sources)
    size = sum(s.bytes for s in sources)
    facts: list[Fact] = [
        (group, t("filing.sum_sources", lang), str(len(sources)), where),
        (
            group,
            t("filing.sum_scale", lang),
            t("filing.sum_records", lang, n=records, size=size),
            where,
        ),
    ]
    for label, prefix, key in (
        ("filing.sum_by_kind", "report.source_kind_", "kind"),
        ("filing.sum_by_language", "", "language"),
        ("filing.sum_by_modality", "", "modality"),
    ):
        for value, part in _split(sources, key).items():
            n = sum(s.records for s in part)
            facts.append(
                (
                    group,
                    f"{t(label, lang)}{t('sep.colon', lang)}{_name(prefix, value, lang)}",
                    t(
                        "filing.sum_part",
                        lang,
                        n=n,
                        share=n / records if records else 0.0,
                        sources=t("sep.list", lang).join(s.source for s in part),
                    ),
                    where,
                )
            )
    if corpus.foreign is not None and corpus.foreign.share is not None:
        facts.append(
            (
                group,
                t("filing.sum_foreign", lang),
                t("filing.sum_foreign_share", lang, share=corpus.foreign.share),
                where,
            )
        )
    return facts


# the languages and modalities of sources.yaml said in words; another language by its code
_NAMES = {
    "zh": "filing.language_zh",
    "en": "filing.language_en",
    "text": "filing.modality_text",
    "image": "filing.modality_image",
    "audio": "filing.modality_audio",
    "video": "filing.modality_video",
    "unknown": "filing.sum_unknown",
}


def _name(prefix: str, value: str, lang: str) -> str:
    if prefix:
        return word(prefix, value, lang)
    return t(_NAMES[value], lang) if value in _NAMES else value


def _split(sources: list[SourceResult], key: str) -> dict[str, list[SourceResult]]:
    out: dict[str, list[SourceResult]] = defaultdict(list)
    for s in sources:
        out[str(getattr(s, key)) or "unknown"].append(s)
    return dict(sorted(out.items()))


def _banks(report: Report, lang: str) -> list[Fact]:
    group, blank = t("filing.sum_banks", lang), t("filing.sum_no_date", lang)
    return [
        (
            group,
            t(f"report.bank_{b.bank}", lang),
            t(
                "filing.sum_bank",
                lang,
                n=b.distinct,
                need=b.total_need if b.total_need is not None else "-",
                first=b.first_date.isoformat() if b.first_date else blank,
                last=b.last_update.isoformat() if b.last_update else blank,
            ),
            PurePath(b.file).name if b.file else t("filing.sum_no_file", lang),
        )
        for b in report.banks
    ]


__all__ = ["summary_columns", "summary_rows"]
