"""Words of the report in Chinese and English: the report's keys of the message catalogue
(:mod:`assay.messages`)."""

from __future__ import annotations

from assay.messages import t


def label(key: str, lang: str, **fields: object) -> str:
    return t(key, lang, **fields)
