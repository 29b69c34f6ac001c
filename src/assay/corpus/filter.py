"""``assay corpus filter``: write the cleaned corpus and a removal log (5.2 a)).

A record the keyword judge flags is removed and logged (record id, source, file, line, judge,
risk ids, the matched evidence). Personal information is either left alone, masked in the
kept records (``pii="mask"``), or a reason to remove the record (``pii="drop"``). Kept JSONL
and JSON records are re-serialised as JSONL with every field kept (the text field masked where asked);
CSV/TSV rows are rewritten with the same columns; a text file is kept or removed whole. Bad
records are not written; each is listed in ``quarantine.jsonl`` with its file, line and reason. The output depends only on the input and the options, so a rerun
gives byte-identical files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from assay.corpus.readers import Bad, Record, kind_of, read_records
from assay.corpus.sources import Source, load_sources
from assay.judges.base import Verdict
from assay.judges.keyword import KeywordJudge
from assay.text.pii import Found, find, mask

Pii = Literal["keep", "mask", "drop"]
_BATCH = 1024  # records judged per call


@dataclass
class FilterStats:
    records: int = 0
    kept: int = 0
    removed: int = 0
    masked: int = 0
    quarantined: int = 0
    files: list[str] = field(default_factory=list)


def filter_corpus(
    sources: Path, out: Path, *, judge: KeywordJudge, pii: Pii = "keep"
) -> FilterStats:
    registry, _ = load_sources(sources)
    out.mkdir(parents=True, exist_ok=True)
    stats = FilterStats()
    with (
        (out / "removal_log.jsonl").open("w", encoding="utf-8", newline="\n") as log,
        (out / "quarantine.jsonl").open("w", encoding="utf-8", newline="\n") as bad,
    ):
        for source in registry.sources:
            for path in source.files(sources.parent):
                target = out / source.id / Source.relative(path, sources.parent)
                target.parent.mkdir(parents=True, exist_ok=True)
                _filter_file(path, target, source, judge, pii, (log, bad), stats)
                stats.files.append(str(target))
    return stats


def _filter_file(
    path: Path,
    target: Path,
    source: Source,
    judge: KeywordJudge,
    pii: Pii,
    logs: tuple[TextIO, TextIO],
    stats: FilterStats,
) -> None:
    log, bad = logs
    fmt, compression = kind_of(path)
    if compression is not None:
        target = target.with_suffix("")  # written uncompressed
    if fmt == "json":
        target = target.with_suffix(".jsonl")  # a JSON array is written one record per line
    records = read_records(
        path, text_field=source.text_field, id_field=source.id_field, encoding=source.encoding
    )
    with target.open("w", encoding="utf-8", newline="") as sink:
        writer = (
            csv.writer(sink, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
            if fmt in ("csv", "tsv")
            else None
        )
        header_written = False
        for batch in _batches(records, stats, bad, source.id):
            verdicts = judge.judge_many([r.text for r in batch])
            for record, verdict in zip(batch, verdicts, strict=True):
                stats.records += 1
                found: list[Found] = find(record.text) if pii != "keep" else []
                if verdict.flagged or (pii == "drop" and found):
                    stats.removed += 1
                    log.write(
                        json.dumps(
                            _log_entry(record, source, verdict, found if pii == "drop" else []),
                            ensure_ascii=False,
                            sort_keys=True,
                        )
                        + "\n"
                    )
                    continue
                text = mask(record.text) if found and pii == "mask" else record.text
                stats.masked += text != record.text
                stats.kept += 1
                row = {**(record.fields or {}), source.text_field: text}
                if fmt in ("jsonl", "json"):
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")
                elif writer is not None:
                    if not header_written:
                        writer.writerow(list(row))
                        header_written = True
                    writer.writerow(list(row.values()))
                else:
                    sink.write(text)


def _batches(
    items: Iterator[Record | Bad], stats: FilterStats, bad: TextIO, source: str
) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for item in items:
        if isinstance(item, Bad):
            stats.quarantined += 1
            entry = {"source": source, "file": item.file, "line": item.line, "reason": item.reason}
            bad.write(json.dumps(entry, ensure_ascii=False) + "\n")
            continue
        batch.append(item)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _log_entry(
    record: Record, source: Source, verdict: Verdict, pii_found: list[Found]
) -> dict[str, object]:
    return {
        "id": record.id,
        "source": source.id,
        "file": record.file,
        "line": record.line,
        "judge": verdict.judge.name if verdict.flagged else "pii",
        "risk_ids": list(verdict.risk_ids),
        "evidence": [e.text for e in verdict.evidence] or [f.kind for f in pii_found],
    }
