"""Stream corpus records from JSONL, JSON arrays, Parquet, CSV/TSV and plain text, gzip- or
zstd-compressed, in UTF-8 (with or without BOM) or GB18030/GBK.

Memory stays flat: files are read a line (or a Parquet batch) at a time (a JSON array is the
exception: it is parsed whole, and files over ``max_json_bytes`` are refused with advice to
convert to JSONL). A malformed record is yielded as :class:`Bad` with the file, line (or row) and
reason, and the scan goes on: bad JSON, a text field that is not a string, undecodable bytes, a
NUL byte, a line longer than ``max_line_bytes``, an unreadable Parquet row group.

A big file is read in :class:`Piece` s that workers take alone (see :func:`pieces`): byte ranges
of an uncompressed JSONL/CSV/TSV file cut at line ends, or runs of Parquet row groups; line
numbers stay those of the whole file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from assay.errors import InputFormatError, MissingDependencyError
from assay.limits import MAX_LINE_BYTES, depth_reason, line_reason, too_deep

MAX_JSON_BYTES = 512 * 1024 * 1024
PIECE_BYTES = 64 * 1024 * 1024  # the size of the byte ranges a big file is cut into
_TEXT_SUFFIXES = {".txt", ".md"}
_SPLITTABLE = {"jsonl", "csv", "tsv"}
_PARQUET_BATCH = 1024
_BLOCK = 1024 * 1024  # bytes read at a time


def _fast_loads() -> Callable[[bytes], Any] | None:
    try:
        import orjson
    except ImportError:  # the standard library's parser does the same, more slowly
        return None
    return orjson.loads


_ORJSON = _fast_loads()


@dataclass(slots=True)  # read-only by convention; not frozen, which costs ~1 µs per record
class Record:
    id: str
    text: str
    file: str
    line: int
    fields: dict[str, Any] | None = None  # the whole record (JSON object or CSV row), for rewriting
    raw: bytes | None = None  # the JSONL line as read, when it is UTF-8 (written back unchanged)


@dataclass(frozen=True, slots=True)
class Piece:
    """A part of one file that a worker reads alone.

    For JSONL/CSV/TSV: the bytes ``[start, stop)``, cut at line ends, whose first line is line
    ``line`` of the file. For Parquet: the row groups ``[start, stop)``, whose first row is row
    ``line``. ``stop=None`` reads to the end; the default is the whole file."""

    path: Path
    start: int = 0
    stop: int | None = None
    line: int = 1

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.stop is None


@dataclass(frozen=True, slots=True)
class Bad:
    file: str
    line: int
    reason: str


def kind_of(path: Path) -> tuple[str, str | None]:
    """(format, compression) from the file name: ``a.jsonl.gz`` → ("jsonl", "gzip")."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = None
    if suffixes and suffixes[-1] in (".gz", ".zst", ".zstd"):
        compression = "gzip" if suffixes[-1] == ".gz" else "zstd"
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    formats = {
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".json": "json",
        ".csv": "csv",
        ".tsv": "tsv",
        ".parquet": "parquet",
    }
    if last in formats:
        return formats[last], compression
    if last in _TEXT_SUFFIXES or not last:
        return "text", compression
    raise InputFormatError(
        f"cannot tell the corpus format from {path.name!r}",
        file=path,
        fix="use .jsonl, .json, .parquet, .csv, .tsv or .txt (optionally .gz or .zst)",
    )


def pieces(path: Path, size: int = PIECE_BYTES) -> list[Piece]:
    """``path`` cut into pieces of about ``size`` bytes for separate workers.

    Uncompressed JSONL/CSV/TSV files are cut at line ends (their lines are counted once so
    each piece knows its first line number); Parquet files into runs of row groups of about
    ``size`` bytes; any other file is one piece.
    """
    fmt, compression = kind_of(path)
    if fmt == "parquet":
        return _parquet_pieces(path, size)
    total = path.stat().st_size
    if fmt not in _SPLITTABLE or compression or total <= size:
        return [Piece(path)]
    cuts = [0]
    with path.open("rb") as raw:
        while cuts[-1] + size < total:
            cut = _line_end(raw, cuts[-1] + size)  # the end of the line the cut fell in
            if cut >= total:
                break
            cuts.append(cut)
        out: list[Piece] = []
        line = 1
        for start, stop in zip(cuts, [*cuts[1:], None], strict=True):
            out.append(Piece(path, start, stop, line))
            if stop is not None:  # the last piece's lines would number no piece after it
                raw.seek(start)
                line += _count_lines(raw, stop - start)
    return out


def _line_end(raw: IO[bytes], start: int) -> int:
    """The offset just past the first newline at or after ``start`` (the file's size if none),
    found a block at a time: a long line is never held whole."""
    raw.seek(start)
    offset = start
    while True:
        block = raw.read(_BLOCK)
        if not block:
            return offset
        found = block.find(b"\n")
        if found >= 0:
            return offset + found + 1
        offset += len(block)


def _count_lines(raw: IO[bytes], length: int) -> int:
    count = 0
    while length > 0:
        block = raw.read(min(length, _BLOCK))
        if not block:
            break
        count += block.count(b"\n")
        length -= len(block)
    return count


def _open(path: Path, compression: str | None) -> IO[bytes]:
    if compression == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if compression == "zstd":
        try:
            import zstandard
        except ImportError:
            raise MissingDependencyError("zstandard", "corpus") from None
        reader: IO[bytes] = zstandard.ZstdDecompressor().stream_reader(path.open("rb"))
        return io.BufferedReader(reader)  # type: ignore[type-var]
    return path.open("rb")


def _decoder(encoding: str) -> tuple[str, ...]:
    return ("utf-8", "gb18030") if encoding == "auto" else (encoding,)


def _decode(raw: bytes, encodings: tuple[str, ...]) -> str | None:
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_records(
    path: Path | Piece,
    *,
    text_field: str = "text",
    id_field: str | None = None,
    encoding: str = "auto",
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[Record | Bad]:
    """Every record of one file (or piece of a file), in order; bad ones as :class:`Bad`. A
    compressed file that cannot be decompressed past some point ends with one :class:`Bad`
    at the line after the last one read."""
    piece = path if isinstance(path, Piece) else Piece(path)
    last = piece.line - 1
    try:
        for item in _read(piece, text_field, id_field, encoding, max_line_bytes):
            last = item.line
            yield item
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Bad(str(piece.path), last + 1, f"cannot decompress the file from here on: {exc}")
    except Exception as exc:  # zstandard raises its own ZstdError
        if type(exc).__name__ != "ZstdError":
            raise
        yield Bad(str(piece.path), last + 1, f"cannot decompress the file from here on: {exc}")


def _read(
    piece: Piece,
    text_field: str,
    id_field: str | None,
    encoding: str,
    max_line_bytes: int,
) -> Iterator[Record | Bad]:
    path = piece.path
    fmt, compression = kind_of(path)
    name = str(path)
    encodings = _decoder(encoding)
    if fmt == "parquet":
        yield from _parquet(piece, text_field, id_field, encodings)
        return
    if not piece.whole and (fmt not in _SPLITTABLE or compression):
        raise InputFormatError(
            "only uncompressed JSONL, CSV and TSV files are read in pieces", file=path
        )
    if fmt == "json":
        yield from _json_array(path, compression, text_field, id_field, encodings)
        return
    with _open(path, compression) as raw:
        if fmt == "text":  # the whole file is one record: read no more than the limit
            data = raw.read(max_line_bytes + 1)
            text = _decode(data.removeprefix(b"\xef\xbb\xbf"), encodings)
            if len(data) > max_line_bytes:
                yield Bad(name, 1, line_reason(max_line_bytes, "file"))
            elif text is None:
                yield Bad(name, 1, "cannot decode the file as " + " or ".join(encodings))
            elif "\x00" in text:
                yield Bad(name, 1, "the file holds NUL bytes")
            else:
                yield Record(path.stem, text, name, 1)
            return
        header = None
        if piece.start:  # a later piece of a CSV/TSV file: the file's header line comes first
            header = _header_line(raw, max_line_bytes, encodings)
            raw.seek(piece.start)
        lines = _lines(raw, max_line_bytes, piece.line, piece.stop and piece.stop - piece.start)
        too_long = line_reason(max_line_bytes)
        if fmt == "jsonl":
            yield from _jsonl(lines, name, text_field, id_field, encodings, too_long)
        else:
            delimiter = "\t" if fmt == "tsv" else ","
            if header is not None:
                lines = _prepend(header, lines)
            yield from _delimited(lines, name, text_field, id_field, encodings, delimiter, too_long)


def _header_line(
    raw: IO[bytes], limit: int, encodings: tuple[str, ...]
) -> tuple[int, bytes] | None:
    """The line a CSV/TSV reader takes as the header: the first that decodes, holds no NUL
    and is not blank (the rule of :func:`_delimited`)."""
    for number, data in _lines(raw, limit, 1, None):
        if data is None:
            continue
        text = _decode(data, encodings)
        if text is not None and "\x00" not in text and text.strip():
            return number, data
    return None


def csv_header(
    path: Path, *, encoding: str = "auto", max_line_bytes: int = MAX_LINE_BYTES
) -> list[str]:
    """The columns of a CSV/TSV file, as its records' fields name them (empty: no header)."""
    fmt, compression = kind_of(path)
    encodings = _decoder(encoding)
    with _open(path, compression) as raw:
        found = _header_line(raw, max_line_bytes, encodings)
    if found is None:
        return []
    text = _decode(found[1], encodings) or ""
    cells = _cells(text, "\t" if fmt == "tsv" else ",")
    return list(dict.fromkeys(c.strip() for c in cells or []))


def _cells(text: str, delimiter: str) -> list[str] | None:
    """The cells of one CSV/TSV line, or None when it cannot be parsed (a bare carriage
    return inside a cell, say)."""
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return None


def _prepend(
    first: tuple[int, bytes], rest: Iterator[tuple[int, bytes | None]]
) -> Iterator[tuple[int, bytes | None]]:
    yield first
    yield from rest


def _lines(
    raw: IO[bytes], limit: int, first: int, length: int | None
) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line, for ``length`` bytes (all when ``None``); ``None`` for a
    line longer than ``limit`` bytes (skipped whole). Read in blocks, not line by line."""
    number = first - 1
    left = length if length is not None else -1  # bytes still to read; -1: to the end
    held: list[bytes] = []  # the unfinished line: blocks of it, joined once it ends
    size = 0  # bytes held
    skipping = False  # inside a line longer than the limit: its bytes are dropped as read
    while left:
        block = raw.read(_BLOCK if left < 0 else min(_BLOCK, left))
        if not block:
            break
        left = max(0, left - len(block)) if left > 0 else left
        lines = block.split(b"\n")
        last = lines.pop()
        for i, line in enumerate(lines):
            if i == 0 and held:
                line = b"".join([*held, line])
                held, size = [], 0
            number += 1
            if skipping or len(line) > limit:
                skipping = False
                yield number, None
            elif number == 1:
                yield number, line.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r")
            else:
                yield number, line.rstrip(b"\r")
        if not skipping:
            held.append(last)
            size += len(last)
            if size > limit:
                skipping, held, size = True, [], 0
    tail = b"".join(held)
    if tail or skipping:
        number += 1
        if skipping:
            yield number, None
        else:
            yield (
                number,
                (tail.removeprefix(b"\xef\xbb\xbf") if number == 1 else tail).rstrip(b"\r"),
            )


def _jsonl(
    lines: Iterator[tuple[int, bytes | None]],
    name: str,
    text_field: str,
    id_field: str | None,
    encodings: tuple[str, ...],
    too_long: str = line_reason(MAX_LINE_BYTES),
) -> Iterator[Record | Bad]:
    for number, data in lines:
        if data is None:
            yield Bad(name, number, too_long)
            continue
        if not data.strip():
            continue
        if b"\x00" in data:
            yield Bad(name, number, "NUL byte in the line")
            continue
        if _ORJSON is not None and encodings[0] == "utf-8":
            try:  # the fast path: UTF-8 JSON parsed straight from the bytes
                yield _record(_ORJSON(data), name, number, text_field, id_field, data)
                continue
            except ValueError:
                pass  # not UTF-8, or JSON only the standard library accepts: the slow path says
        text = _decode(data, encodings)
        if text is None:
            yield Bad(name, number, "cannot decode the line as " + " or ".join(encodings))
            continue
        try:
            obj = json.loads(text)
        except RecursionError:  # orjson refused it too: nested past its own limit
            yield Bad(name, number, depth_reason())
            continue
        except ValueError as exc:
            yield Bad(name, number, f"invalid JSON: {exc}")
            continue
        utf8 = _decode(data, ("utf-8",)) is not None
        yield _record(obj, name, number, text_field, id_field, data if utf8 else None)


def _record(
    obj: Any,
    name: str,
    number: int,
    text_field: str,
    id_field: str | None,
    raw: bytes | None = None,
) -> Record | Bad:
    if not isinstance(obj, dict):
        return Bad(name, number, f"a record must be a JSON object, not {type(obj).__name__}")
    if too_deep(obj):  # parsed, but too deep to write back or show safely
        return Bad(name, number, depth_reason())
    value = obj.get(text_field)
    if not isinstance(value, str):
        kind = "missing" if value is None else f"a {type(value).__name__}"
        return Bad(name, number, f"field {text_field!r} is {kind}, not text")
    rid = obj.get(id_field) if id_field else None
    return Record(
        str(rid) if rid is not None else f"{Path(name).name}:{number}",
        value,
        name,
        number,
        obj,
        raw,
    )


def _delimited(
    lines: Iterator[tuple[int, bytes | None]],
    name: str,
    text_field: str,
    id_field: str | None,
    encodings: tuple[str, ...],
    delimiter: str,
    too_long: str = line_reason(MAX_LINE_BYTES),
) -> Iterator[Record | Bad]:
    header: list[str] | None = None
    for number, data in lines:
        if data is None:
            yield Bad(name, number, too_long)
            continue
        text = _decode(data, encodings)
        if text is None:
            yield Bad(name, number, "cannot decode the line as " + " or ".join(encodings))
            continue
        if "\x00" in text:
            yield Bad(name, number, "NUL byte in the line")
            continue
        if not text.strip():
            continue
        cells = _cells(text, delimiter)
        if cells is None:
            if header is None:
                raise InputFormatError(
                    "cannot parse the header line", file=name, line=number, fix="check the file"
                )
            yield Bad(name, number, "cannot parse the line as CSV (a stray carriage return?)")
            continue
        if header is None:
            header = [c.strip() for c in cells]
            if text_field not in header:
                raise InputFormatError(
                    f"no {text_field!r} column",
                    file=name,
                    line=number,
                    fix="set text_field for this source in sources.yaml",
                )
            continue
        row = dict(zip(header, cells, strict=False))
        if len(cells) != len(header):
            yield Bad(name, number, f"row has {len(cells)} fields, the header {len(header)}")
            continue
        yield _record(row, name, number, text_field, id_field)


def _json_array(
    path: Path,
    compression: str | None,
    text_field: str,
    id_field: str | None,
    encodings: tuple[str, ...],
) -> Iterator[Record | Bad]:
    name = str(path)
    if compression is None and path.stat().st_size > MAX_JSON_BYTES:
        raise InputFormatError(
            "JSON array too large to read at once",
            file=path,
            fix="convert it to JSONL (one object per line)",
        )
    with _open(path, compression) as raw:
        data = raw.read()
    text = _decode(data.removeprefix(b"\xef\xbb\xbf"), encodings)
    if text is None:
        yield Bad(name, 1, "cannot decode the file as " + " or ".join(encodings))
        return
    try:
        items = json.loads(text)
    except RecursionError:
        yield Bad(name, 1, depth_reason())
        return
    except ValueError as exc:
        yield Bad(name, 1, f"invalid JSON: {exc}")
        return
    if not isinstance(items, list):
        yield Bad(name, 1, "a .json corpus file must hold an array of objects")
        return
    for i, obj in enumerate(items, 1):
        yield _record(obj, name, i, text_field, id_field)


def _parquet_file(path: Path) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("pyarrow", "corpus") from None
    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own types for a file that is not Parquet
        raise InputFormatError(
            f"not a readable Parquet file: {exc}", file=path, fix="check the file"
        ) from None


def _parquet_pieces(path: Path, size: int) -> list[Piece]:
    meta = _parquet_file(path).metadata
    out: list[Piece] = []
    start = bytes_in = 0
    row = 1
    first_row = 1
    for group in range(meta.num_row_groups):
        info = meta.row_group(group)
        bytes_in += info.total_byte_size
        row += info.num_rows
        if bytes_in >= size and group + 1 < meta.num_row_groups:
            out.append(Piece(path, start, group + 1, first_row))
            start, bytes_in, first_row = group + 1, 0, row
    out.append(Piece(path, start, None, first_row))
    return out


def _parquet(
    piece: Piece, text_field: str, id_field: str | None, encodings: tuple[str, ...]
) -> Iterator[Record | Bad]:
    """Rows of a run of row groups; ``line`` is the row's number in the file (from 1)."""
    parquet = _parquet_file(piece.path)
    name = str(piece.path)
    if text_field not in parquet.schema_arrow.names:
        raise InputFormatError(
            f"no {text_field!r} column",
            file=name,
            fix="set text_field for this source in sources.yaml",
        )
    groups = parquet.metadata.num_row_groups
    row = piece.line
    for group in range(piece.start, groups if piece.stop is None else piece.stop):
        rows = parquet.metadata.row_group(group).num_rows
        try:
            batches = list(parquet.iter_batches(_PARQUET_BATCH, row_groups=[group]))
        except Exception as exc:  # a damaged row group: reported, and the next one is read
            yield Bad(name, row, f"row group {group} (rows {row}–{row + rows - 1}): {exc}")
            row += rows
            continue
        for batch in batches:
            for obj in batch.to_pylist():
                value = obj.get(text_field)
                if isinstance(value, bytes):
                    text = _decode(value, encodings)
                    if text is None:
                        yield Bad(name, row, "cannot decode the text as " + " or ".join(encodings))
                        row += 1
                        continue
                    obj[text_field] = text
                yield _record(obj, name, row, text_field, id_field)
                row += 1
