"""``assay corpus filter``: write the cleaned corpus and a removal log (5.2 a)).

A record the keyword judge flags is removed and logged (record id, source, file, line, judge,
risk ids, the matched evidence). Personal information is either left alone, masked in the
kept records (``pii="mask"``), or a reason to remove the record (``pii="drop"``). Kept JSONL
lines are written back as they were read (a masked one re-serialised with every field kept);
JSON arrays become JSONL; CSV/TSV rows are rewritten with the same columns; Parquet stays
Parquet with the input's schema; a text file is kept or removed whole. Bad records are not
written; each is listed in ``quarantine.jsonl`` with its file, line and reason.

The work is cut into pieces (whole files, byte ranges of big JSONL/CSV/TSV files, runs of
Parquet row groups; see :func:`assay.corpus.readers.pieces`) that run in a process pool or on
Ray (:mod:`assay.corpus.engines`). Each piece writes its own output and logs, then a marker; the
outputs and logs are joined in corpus order at the end. The output depends only on the input
and the options, so a rerun, any worker count and either engine give byte-identical files, and
a killed run resumes from its last completed piece.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import io
import json
import os
import shutil
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from assay.corpus.engines import run_jobs
from assay.corpus.readers import PIECE_BYTES, Bad, Piece, Record, csv_header, kind_of, pieces
from assay.corpus.sources import Source, load_sources
from assay.errors import ConfigError, MissingDependencyError
from assay.judges.base import Judge, Verdict
from assay.limits import MAX_LINE_BYTES
from assay.outputs import OutputFolder
from assay.text.pii import Found, find, mask

if TYPE_CHECKING:  # the project (and its run store) is not needed where pieces run
    from assay.project import Project

Pii = Literal["keep", "mask", "drop"]
Engine = Literal["local", "ray"]
_BATCH = 1024  # records judged per call
_ROWS = 65536  # the most rows of a Parquet row group written at once


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


Progress = Callable[[FilterStats, int, int], None]


def filter_corpus(
    sources: Path,
    out: Path,
    *,
    judge: Judge,
    pii: Pii = "keep",
    workers: int = 1,
    resume: bool = False,
    progress: Progress | None = None,
    engine: Engine = "local",
    address: str | None = None,
    piece_bytes: int = PIECE_BYTES,
) -> FilterStats:
    """Filter every file of every source into ``out``; pieces run in ``workers`` processes
    (``engine="local"``) or Ray actors (``engine="ray"``, on ``address`` or a local Ray).

    With ``resume``, pieces whose marker matches the input (size, mtime, range) and the
    settings (judge, ``pii``) are not redone. ``out/.parts`` is removed once the run is complete.
    """
    registry, _ = load_sources(sources)
    files_in = [path for source in registry.sources for path in source.files(sources.parent)]
    folder = OutputFolder(out, [sources, *files_in])  # nothing written outside, nor over an input
    parts = folder.scratch(".parts")
    log_path, bad_path = folder.path("removal_log.jsonl"), folder.path("quarantine.jsonl")
    jobs: list[FilterJob] = []
    files: list[tuple[Path, list[FilterJob]]] = []
    written: dict[Path, Path] = {}
    for source in registry.sources:
        # a resumed piece counts only if it was read and judged the same way
        settings = json.dumps(
            [judge.spec.model_dump(mode="json"), pii, source.model_dump(mode="json")],
            sort_keys=True,
        )
        for path in source.files(sources.parent):
            target = folder.path(source.id, _written(Source.relative(path, sources.parent)))
            if target in written:
                raise ConfigError(
                    f"{path} and {written[target]} would both be written to {target}",
                    file=sources,
                    fix="rename one of them (a.json, a.jsonl and a.jsonl.gz all become a.jsonl)",
                )
            written[target] = path
            cut = pieces(path, piece_bytes)
            mine = [
                FilterJob(len(jobs) + i, piece, target, source, pii, parts, settings, len(cut) == 1)
                for i, piece in enumerate(cut)
            ]
            jobs += mine
            files.append((target, mine))
    if not resume:
        shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir(parents=True, exist_ok=True)
    todo = [job for job in jobs if not (resume and job.done())]
    waiting = {job.n for job in todo}
    total = FilterStats()
    finished = 0
    for job in jobs:
        if job.n not in waiting:
            total.add(job.stats())
            finished += 1
    if progress:
        progress(total, finished, len(jobs))
    for stats in run_jobs(todo, judge, engine=engine, workers=workers, address=address):
        total.add(stats)
        finished += 1
        if progress:
            progress(total, finished, len(jobs))
    for target, mine in files:
        if len(mine) > 1:
            _join_outputs(target, [job.written for job in mine])
    with (
        log_path.open("wb") as log,
        bad_path.open("wb") as bad,
    ):
        for job in jobs:
            for part, sink in ((job.removal, log), (job.quarantine, bad)):
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, sink)
    shutil.rmtree(parts)
    total.files = [str(target) for target, _ in files]
    return total


def _written(target: Path) -> Path:
    """Where a file's cleaned copy goes: uncompressed, and a JSON array as JSONL."""
    fmt, compression = kind_of(target)
    target = target.with_suffix("") if compression else target
    return target.with_suffix(".jsonl") if fmt == "json" else target


def _join_outputs(target: Path, parts: list[Path]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind_of(target)[0] == "parquet":
        pq = _pyarrow_parquet()
        writer = pq.ParquetWriter(target, pq.read_schema(parts[0]))
        try:  # row group by row group, as the pieces wrote them
            for part in parts:
                piece = pq.ParquetFile(part)
                for group in range(piece.num_row_groups):
                    writer.write_table(piece.read_row_group(group))
        finally:
            writer.close()
        return
    with target.open("wb") as sink:
        for part in parts:
            with part.open("rb") as piece:
                shutil.copyfileobj(piece, sink)


@dataclass(frozen=True)
class FilterJob:
    """One piece of one corpus file to filter: where it goes and what it writes on the way
    (public: the engines in :mod:`assay.corpus.engines` run it)."""

    n: int
    piece: Piece
    target: Path  # the cleaned file this piece belongs to
    source: Source
    pii: Pii
    parts: Path
    settings: str
    alone: bool  # the file's only piece: it writes the target itself

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
        return self.target if self.alone else self.parts / f"{self.n}.out{self.target.suffix}"

    def _stamp(self) -> dict[str, object]:
        info = self.piece.path.stat()
        return {
            "path": str(self.piece.path),
            "size": info.st_size,
            "mtime_ns": info.st_mtime_ns,
            "range": [self.piece.start, self.piece.stop],
            "settings": self.settings,
        }

    def done(self) -> bool:
        if not self.marker.is_file() or not self.written.is_file():
            return False
        try:
            return bool(json.loads(self.marker.read_text("utf-8"))["input"] == self._stamp())
        except (ValueError, KeyError, TypeError):  # a marker of another version: redo the piece
            return False

    def stats(self) -> FilterStats:
        return FilterStats(**json.loads(self.marker.read_text("utf-8"))["stats"])

    def run(self, judge: Judge) -> FilterStats:
        stats = FilterStats()
        self.written.parent.mkdir(parents=True, exist_ok=True)
        with (
            self.removal.open("w", encoding="utf-8", newline="\n") as log,
            self.quarantine.open("w", encoding="utf-8", newline="\n") as bad,
        ):
            _filter_piece(self, judge, (log, bad), stats)
        counts = {k: v for k, v in asdict(stats).items() if k != "files"}
        marker = {"input": self._stamp(), "stats": counts}
        partial = self.marker.with_suffix(".tmp")
        partial.write_text(json.dumps(marker), "utf-8")
        os.replace(partial, self.marker)  # a marker is whole or absent, never torn
        return stats


def _filter_piece(
    job: FilterJob, judge: Judge, logs: tuple[IO[str], IO[str]], stats: FilterStats
) -> None:
    log, bad = logs
    fmt, _ = kind_of(job.piece.path)
    source = job.source
    groups: list[int] = []  # the first row of each Parquet row group: output groups follow them
    schema = None
    if fmt == "parquet":
        parquet = _pyarrow_parquet().ParquetFile(job.piece.path)
        schema = parquet.schema_arrow
        meta = parquet.metadata
        groups = [1]
        for group in range(meta.num_row_groups):
            groups.append(groups[-1] + meta.row_group(group).num_rows)
    pii, field_name = job.pii, source.text_field
    removed = masked = 0
    header = (
        csv_header(
            job.piece.path,
            encoding=source.encoding,
            max_line_bytes=source.max_line_bytes or MAX_LINE_BYTES,
        )
        if fmt in ("csv", "tsv") and job.piece.start == 0
        else None
    )
    records = source.read(job.piece)
    with job.written.open("wb") as raw_sink:
        sink = _Sink(fmt, raw_sink, header=header, schema=schema, groups=groups)
        try:
            for batch in _batches(records, stats, bad, source.id):
                verdicts = judge.judge_many([r.text for r in batch])
                for record, verdict in zip(batch, verdicts, strict=True):
                    found: list[Found] = find(record.text) if pii != "keep" else []
                    if verdict.flagged or (pii == "drop" and found):
                        removed += 1
                        entry = _log_entry(record, source, verdict, found if pii == "drop" else [])
                        log.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
                    elif found and pii == "mask":
                        text = mask(record.text, found)
                        masked += text != record.text
                        sink.write(record, field_name, text)
                    else:
                        sink.write(record, field_name, record.text)
                sink.flush()
                stats.records += len(batch)
        except BaseException:
            sink.abort()
            raw_sink.close()
            job.written.unlink(missing_ok=True)  # no half-written output is left behind
            raise
        sink.close()
    stats.removed += removed
    stats.masked += masked
    stats.kept += stats.records - removed


class _Sink:
    """Writes kept records in the input's format (JSON arrays as JSONL) to a binary file."""

    def __init__(
        self,
        fmt: str,
        raw: IO[bytes],
        *,
        header: list[str] | None = None,
        schema: Any = None,
        groups: list[int],
    ) -> None:
        self.fmt = fmt
        self.raw = raw
        self.text: io.TextIOWrapper | None = None
        self.csv: Any = None
        if fmt in ("csv", "tsv"):
            self.text = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=True)
            self.csv = csv.writer(
                self.text, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n"
            )
            if header:  # the file's first piece writes the header, whatever its records
                self.csv.writerow(header)
        self.lines: list[bytes] = []  # JSONL lines held until the end of the batch
        self.rows: list[dict[str, Any]] = []
        self.schema = schema
        self.groups = groups
        self.group = 0  # the input row group of the rows held
        self.parquet: Any = None
        if fmt == "parquet":
            self.parquet = _pyarrow_parquet().ParquetWriter(raw, schema)

    def write(self, record: Record, text_field: str, text: str) -> None:
        if self.fmt == "jsonl" and record.raw is not None and text is record.text:
            self.lines.append(record.raw)  # unchanged: the line as it was read
            return
        row = {**(record.fields or {}), text_field: text}
        if self.fmt in ("jsonl", "json"):
            self.lines.append(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        elif self.csv is not None:
            self.csv.writerow(list(row.values()))
        elif self.parquet is not None:
            # one output row group per input row group (split at _ROWS rows), so that the
            # bytes do not depend on how the file was cut into pieces
            group = bisect.bisect_right(self.groups, record.line) - 1
            if self.rows and (group != self.group or len(self.rows) >= _ROWS):
                self._flush()
            self.group = group
            self.rows.append(row)
        else:
            self.raw.write(text.encode("utf-8"))

    def _flush(self) -> None:
        import pyarrow as pa

        self.parquet.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
        self.rows = []

    def flush(self) -> None:
        """Write the JSONL lines held (one write per batch, not per record)."""
        if self.lines:
            self.lines.append(b"")
            self.raw.write(b"\n".join(self.lines))
            self.lines = []

    def abort(self) -> None:
        """Give up quietly (the caller removes the file)."""
        self.lines = []
        if self.parquet is not None:
            with contextlib.suppress(Exception):
                self.parquet.close()
            self.parquet = None
        if self.text is not None:
            self.text.detach()
            self.text = None

    def close(self) -> None:
        self.flush()
        if self.parquet is not None:
            if self.rows:
                self._flush()
            self.parquet.close()
        elif self.text is not None:
            self.text.detach()


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("pyarrow", "corpus") from None
    return pq


def _batches(
    items: Iterator[Record | Bad], stats: FilterStats, bad: IO[str], source: str
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


def filter_project(
    project: Project,
    out: Path,
    *,
    sources: Path | None = None,
    keywords: Path | None = None,
    pii: Pii = "keep",
    workers: int = 0,
    engine: Engine = "local",
    address: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
) -> FilterStats:
    """``assay.corpus.filter``: filter the project's corpus (``sources``, else corpus.sources
    of assay.yaml, else ./sources.yaml) into ``out`` with its keyword judge (``keywords``, else
    the project's library); ``workers`` 0 is one per core. See :func:`filter_corpus`."""
    from assay.project import keyword_judge  # not at the top: Ray actors import this module

    judge = keyword_judge(project, keywords)
    if judge is None:
        raise ConfigError(
            "no keyword library", fix="pass --keywords or set banks.keywords in assay.yaml"
        )
    return filter_corpus(
        project.corpus_sources(sources),
        out,
        judge=judge,
        pii=pii,
        workers=workers or os.cpu_count() or 1,
        resume=resume,
        progress=progress,
        engine=engine,
        address=address,
    )


class _CallableModule(types.ModuleType):
    """``assay.corpus.filter`` is this module and, called, :func:`filter_project` (the import
    system sets ``assay.corpus.filter`` to the module, so a function cannot have the name)."""

    def __call__(self, project: Project, out: Path, **options: Any) -> FilterStats:
        return filter_project(project, out, **options)


sys.modules[__name__].__class__ = _CallableModule
