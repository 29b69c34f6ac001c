"""Stream corpus records from JSONL, JSON arrays, CSV/TSV and plain text, gzip- or
zstd-compressed, in UTF-8 (with or without BOM) or GB18030/GBK.

Memory stays flat: files are read a line at a time (a JSON array is the exception: it is
parsed whole, and files over ``max_json_bytes`` are refused with advice to convert to JSONL).
A malformed record is yielded as :class:`Bad` with the file, line and reason, and the scan goes
on: bad JSON, a text field that is not a string, undecodable bytes, a NUL byte, a line longer
than ``max_line_bytes``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from assay.errors import InputFormatError, MissingDependencyError

MAX_LINE_BYTES = 10 * 1024 * 1024
MAX_JSON_BYTES = 512 * 1024 * 1024
_TEXT_SUFFIXES = {".txt", ".md"}


@dataclass(frozen=True, slots=True)
class Record:
    id: str
    text: str
    file: str
    line: int
    fields: dict[str, Any] | None = None  # the whole record (JSON object or CSV row), for rewriting


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
    formats = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv"}
    if last in formats:
        return formats[last], compression
    if last in _TEXT_SUFFIXES or not last:
        return "text", compression
    raise InputFormatError(
        f"cannot tell the corpus format from {path.name!r}",
        file=path,
        fix="use .jsonl, .json, .csv, .tsv or .txt (optionally .gz or .zst)",
    )


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
    path: Path,
    *,
    text_field: str = "text",
    id_field: str | None = None,
    encoding: str = "auto",
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[Record | Bad]:
    """Every record of one file, in order; bad ones as :class:`Bad`."""
    fmt, compression = kind_of(path)
    name = str(path)
    encodings = _decoder(encoding)
    if fmt == "json":
        yield from _json_array(path, compression, text_field, id_field, encodings)
        return
    with _open(path, compression) as raw:
        if fmt == "text":
            data = raw.read()
            text = _decode(data.removeprefix(b"\xef\xbb\xbf"), encodings)
            if text is None:
                yield Bad(name, 1, "cannot decode the file as " + " or ".join(encodings))
            elif "\x00" in text:
                yield Bad(name, 1, "the file holds NUL bytes")
            else:
                yield Record(path.stem, text, name, 1)
            return
        lines = _lines(raw, max_line_bytes)
        if fmt == "jsonl":
            yield from _jsonl(lines, name, text_field, id_field, encodings)
        else:
            yield from _delimited(
                lines, name, text_field, id_field, encodings, "\t" if fmt == "tsv" else ","
            )


def _lines(raw: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line longer than ``limit`` (skipped whole)."""
    number = 0
    while True:
        chunk = raw.readline(limit + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > limit and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # skip the rest of the long line
                chunk = raw.readline(limit + 1)
            yield number, None
            continue
        if number == 1:
            chunk = chunk.removeprefix(b"\xef\xbb\xbf")
        yield number, chunk.rstrip(b"\r\n")


def _jsonl(
    lines: Iterator[tuple[int, bytes | None]],
    name: str,
    text_field: str,
    id_field: str | None,
    encodings: tuple[str, ...],
) -> Iterator[Record | Bad]:
    for number, data in lines:
        if data is None:
            yield Bad(name, number, "line longer than the limit")
            continue
        if not data.strip():
            continue
        if b"\x00" in data:
            yield Bad(name, number, "NUL byte in the line")
            continue
        text = _decode(data, encodings)
        if text is None:
            yield Bad(name, number, "cannot decode the line as " + " or ".join(encodings))
            continue
        try:
            obj = json.loads(text)
        except ValueError as exc:
            yield Bad(name, number, f"invalid JSON: {exc}")
            continue
        yield _record(obj, name, number, text_field, id_field)


def _record(
    obj: Any, name: str, number: int, text_field: str, id_field: str | None
) -> Record | Bad:
    if not isinstance(obj, dict):
        return Bad(name, number, f"a record must be a JSON object, not {type(obj).__name__}")
    value = obj.get(text_field)
    if not isinstance(value, str):
        kind = "missing" if value is None else f"a {type(value).__name__}"
        return Bad(name, number, f"field {text_field!r} is {kind}, not text")
    rid = obj.get(id_field) if id_field else None
    return Record(
        str(rid) if rid is not None else f"{Path(name).name}:{number}", value, name, number, obj
    )


def _delimited(
    lines: Iterator[tuple[int, bytes | None]],
    name: str,
    text_field: str,
    id_field: str | None,
    encodings: tuple[str, ...],
    delimiter: str,
) -> Iterator[Record | Bad]:
    header: list[str] | None = None
    for number, data in lines:
        if data is None:
            yield Bad(name, number, "line longer than the limit")
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
        cells = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
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
    except ValueError as exc:
        yield Bad(name, 1, f"invalid JSON: {exc}")
        return
    if not isinstance(items, list):
        yield Bad(name, 1, "a .json corpus file must hold an array of objects")
        return
    for i, obj in enumerate(items, 1):
        yield _record(obj, name, i, text_field, id_field)
