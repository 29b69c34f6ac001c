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
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from assay.corpus.readers import Bad, Record, kind_of
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

    def add(self, other: FilterStats) -> None:
        self.records += other.records
        self.kept += other.kept
        self.removed += other.removed
        self.masked += other.masked
        self.quarantined += other.quarantined


def filter_corpus(
    sources: Path,
    out: Path,
    *,
    judge: KeywordJudge,
    pii: Pii = "keep",
    workers: int = 1,
    resume: bool = False,
    progress: Callable[[FilterStats, int, int], None] | None = None,
) -> FilterStats:
    """Filter every file of every source into ``out``; files run in ``workers`` processes.

    Each file writes its own part of the removal and quarantine logs under ``out/.parts`` and a
    marker when done; the logs are then joined in file order, so any worker count gives the
    same bytes. With ``resume``, files whose marker matches the input (size, mtime) and the
    settings (judge, ``pii``) are not redone. ``.parts`` is removed once the whole run is complete.
    """
    registry, _ = load_sources(sources)
    parts = out / ".parts"
    if not resume:
        shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir(parents=True, exist_ok=True)
    # a resumed file counts only if it was filtered with the same judge and options
    settings = json.dumps([judge.spec.model_dump(mode="json"), pii], sort_keys=True)
    jobs: list[_Job] = []
    for source in registry.sources:
        for path in source.files(sources.parent):
            target = out / source.id / Source.relative(path, sources.parent)
            jobs.append(_Job(len(jobs), path, target, source, pii, parts, settings))
    todo = [job for job in jobs if not (resume and job.done())]
    waiting = {job.n for job in todo}
    done: dict[int, FilterStats] = {job.n: job.stats() for job in jobs if job.n not in waiting}
    total = FilterStats()
    for stats in done.values():
        total.add(stats)
    if progress:
        progress(total, len(done), len(jobs))
    if workers > 1 and len(todo) > 1:
        with ProcessPoolExecutor(
            min(workers, len(todo)), initializer=_init, initargs=(judge,)
        ) as pool:
            for job, stats in zip(todo, pool.map(_run, todo), strict=True):
                done[job.n] = stats
                total.add(stats)
                if progress:
                    progress(total, len(done), len(jobs))
    else:
        for job in todo:
            done[job.n] = stats = job.run(judge)
            total.add(stats)
            if progress:
                progress(total, len(done), len(jobs))
    with (
        (out / "removal_log.jsonl").open("wb") as log,
        (out / "quarantine.jsonl").open("wb") as bad,
    ):
        for job in jobs:
            for part, sink in ((job.removal, log), (job.quarantine, bad)):
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, sink)
    shutil.rmtree(parts)
    total.files = [str(job.written) for job in jobs]
    return total


@dataclass(frozen=True)
class _Job:
    n: int
    path: Path
    target: Path
    source: Source
    pii: Pii
    parts: Path
    settings: str

    @property
    def removal(self) -> Path:
        return self.parts / f"{self.n}.removal.jsonl"

    @property
    def quarantine(self) -> Path:
        return self.parts / f"{self.n}.quarantine.jsonl"

    @property
    def marker(self) -> Path:
        return self.parts / f"{self.n}.done.json"

    @property
    def written(self) -> Path:
        fmt, compression = kind_of(self.path)
        target = self.target.with_suffix("") if compression else self.target
        return target.with_suffix(".jsonl") if fmt == "json" else target

    def _stamp(self) -> dict[str, object]:
        info = self.path.stat()
        return {
            "path": str(self.path),
            "size": info.st_size,
            "mtime_ns": info.st_mtime_ns,
            "settings": self.settings,
        }

    def done(self) -> bool:
        if not self.marker.is_file() or not self.written.is_file():
            return False
        return bool(json.loads(self.marker.read_text("utf-8"))["input"] == self._stamp())

    def stats(self) -> FilterStats:
        return FilterStats(**json.loads(self.marker.read_text("utf-8"))["stats"])

    def run(self, judge: KeywordJudge) -> FilterStats:
        stats = FilterStats()
        self.written.parent.mkdir(parents=True, exist_ok=True)
        with (
            self.removal.open("w", encoding="utf-8", newline="\n") as log,
            self.quarantine.open("w", encoding="utf-8", newline="\n") as bad,
        ):
            _filter_file(self.path, self.written, self.source, judge, self.pii, (log, bad), stats)
        counts = {k: v for k, v in asdict(stats).items() if k != "files"}
        marker = {"input": self._stamp(), "stats": counts}
        self.marker.write_text(json.dumps(marker), "utf-8")
        return stats


_JUDGE: KeywordJudge | None = None


def _init(judge: KeywordJudge) -> None:
    global _JUDGE
    _JUDGE = judge


def _run(job: _Job) -> FilterStats:
    assert _JUDGE is not None
    return job.run(_JUDGE)


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
    fmt, _ = kind_of(path)  # written uncompressed; a JSON array one record per line
    records = source.read(path)
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
