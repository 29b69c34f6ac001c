"""``sources.yaml``: one entry per corpus source with its provenance record, and the checks of
5.1 it allows: a licence for open-source corpus (5.1 c) 1)), collection records and robots
compliance for self-collected corpus (5.1 c) 2)), a contract for commercial corpus (5.1 c) 3)),
authorisation records for user input (5.1 c) 4)), several sources per language and modality
(5.1 b)), and the share of foreign corpus."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assay.corpus.readers import Bad, Piece, Record, read_records
from assay.errors import ConfigError
from assay.limits import MAX_LINE_BYTES
from assay.outputs import name_problem
from assay.standard.models import Profile
from assay.yamlfile import LineMap, load_yaml, validation_error

Kind = Literal["open_source", "self_collected", "commercial", "user_input"]


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    kind: Kind
    language: str = "zh"
    modality: Literal["text", "image", "audio", "video"] = "text"
    paths: list[str] = Field(min_length=1)  # files or globs, relative to sources.yaml
    text_field: str = "text"
    id_field: str | None = None
    encoding: str = "auto"
    licence: str = ""  # open source: the licence or authorisation document
    contract: str = ""  # commercial: the contract or agreement reference
    commitments: str = ""  # commercial: the supplier's commitments on source, quality, safety
    consent: str = ""  # user input: where the users' authorisation records are
    collection_records: str = ""  # self-collected: where the collection records are
    crawled: bool = False
    robots: Literal["", "respected", "not_checked"] = ""
    foreign: bool = False  # 境外语料
    note: str = ""
    # the longest line (one record) read; a longer one is quarantined. Default: the file's
    max_line_bytes: int | None = Field(default=None, ge=1)

    @field_validator("id")
    @classmethod
    def _plain_id(cls, value: str) -> str:
        """The id names the source's folder under ``corpus filter --out`` and its quarantine
        file: a plain name, so no output leaves its folder."""
        problem = name_problem(value)
        if problem is not None:
            raise ValueError(f"source id {value!r} {problem}")
        return value

    @staticmethod
    def relative(path: Path, root: Path) -> Path:
        """The file's path inside the project, or, for a file outside it, its absolute path
        without the root, so that outputs and sample keys never depend on where it lives."""
        try:
            return path.resolve().relative_to(root.resolve())
        except ValueError:
            return Path(*path.resolve().parts[1:])

    def read(self, path: Path | Piece) -> Iterator[Record | Bad]:
        """The records of one of this source's files (or a piece of one), read with its fields and
        encoding."""
        return read_records(
            path,
            text_field=self.text_field,
            id_field=self.id_field,
            encoding=self.encoding,
            max_line_bytes=self.max_line_bytes or MAX_LINE_BYTES,
        )

    def files(self, root: Path) -> list[Path]:
        out: list[Path] = []
        for pattern in self.paths:
            full = pattern if Path(pattern).is_absolute() else str(root / pattern)
            matches = sorted(glob.glob(full, recursive=True))
            out += [Path(m) for m in matches if Path(m).is_file()]
        return out


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[Source] = Field(min_length=1)
    # the longest line (one record, or a whole .txt file) of every source that sets none
    max_line_bytes: int = Field(default=MAX_LINE_BYTES, ge=1)
    # the provider's own target for the foreign share of the corpus (bytes): reported against,
    # never a finding, since the standard asks only for a reasonable mix (合理搭配)
    foreign_share_target: float | None = Field(default=None, ge=0, le=1)


class ForeignShare(BaseModel):
    """The share of foreign corpus, as information beside the clause on a mix of sources: the
    standard gives no number, so neither the provider's target nor a figure of filing practice
    decides it (a profile number of basis ``standard`` would)."""

    foreign_bytes: int
    total_bytes: int
    target: float | None = None  # the provider's own (sources.yaml foreign_share_target)
    practice: float | None = None  # the profile's figure, when it is not the standard's

    @property
    def share(self) -> float | None:
        return self.foreign_bytes / self.total_bytes if self.total_bytes else None


class SourceFinding(BaseModel):
    source: str | None
    clause: str
    field: str | None
    message: str
    line: int | None = None


def load_sources(path: Path) -> tuple[SourcesFile, LineMap]:
    data, lines = load_yaml(path)
    try:
        parsed = SourcesFile.model_validate(data or {})
    except ValidationError as exc:
        raise validation_error(exc, path, lines) from None
    parsed.sources = [
        s if s.max_line_bytes else s.model_copy(update={"max_line_bytes": parsed.max_line_bytes})
        for s in parsed.sources
    ]
    ids = [s.id for s in parsed.sources]
    for i, sid in enumerate(ids):
        if sid in ids[:i]:
            raise ConfigError(
                f"source id {sid!r} appears twice",
                file=path,
                line=lines.line(("sources", i, "id")),
                fix="give each source its own id",
            )
    return parsed, lines


def check_sources(path: Path, profile: Profile) -> list[SourceFinding]:
    """What sources.yaml shows against 5.1, each finding with its source, field and line."""
    registry, lines = load_sources(path)
    root = path.parent
    out: list[SourceFinding] = []
    kind_clause = profile.roles.corpus_source_records  # the clause about each kind of source
    several = profile.roles.corpus_several_sources

    def finding(i: int | None, clause: str, field: str | None, message: str) -> None:
        loc: tuple[str | int, ...] = (
            ("sources",) if i is None else ("sources", i) + ((field,) if field else ())
        )
        out.append(
            SourceFinding(
                source=registry.sources[i].id if i is not None else None,
                clause=clause,
                field=field,
                message=message,
                line=lines.line(loc),
            )
        )

    for i, s in enumerate(registry.sources):
        if s.kind == "open_source" and not s.licence:
            finding(
                i,
                kind_clause["open_source"],
                "licence",
                "open-source corpus without its licence or authorisation",
            )
        if s.kind == "commercial" and not s.contract:
            finding(
                i,
                kind_clause["commercial"],
                "contract",
                "commercial corpus without a contract or agreement",
            )
        if s.kind == "commercial" and not s.commitments:
            finding(
                i,
                kind_clause["commercial"],
                "commitments",
                "commercial corpus without the supplier's commitments",
            )
        if s.kind == "user_input" and not s.consent:
            finding(
                i,
                kind_clause["user_input"],
                "consent",
                "user input used as corpus without authorisation records",
            )
        if s.kind == "self_collected" and not s.collection_records:
            finding(
                i,
                kind_clause["self_collected"],
                "collection_records",
                "self-collected corpus without collection records",
            )
        if s.crawled and s.robots != "respected":
            finding(
                i,
                kind_clause["self_collected"],
                "robots",
                "crawled corpus without a record that robots and anti-crawling marks were respected",
            )
        if not s.files(root):  # the records of this kind of source cannot be shown
            finding(i, kind_clause[s.kind], "paths", "no file matches the paths")
    groups: dict[tuple[str, str], list[str]] = {}
    for s in registry.sources:
        groups.setdefault((s.language, s.modality), []).append(s.id)
    for (language, modality), ids in sorted(groups.items()):
        if len(ids) < 2:
            finding(
                None,
                several,
                None,
                f"only one source ({ids[0]}) for {language} {modality}: {several} asks for several",
            )
    param = profile.parameters.corpus_source.foreign_share_max
    share = foreign_share(registry, root, profile).share if param.decides else None
    if share is not None and share > param.value:  # only a number of the standard decides
        finding(
            None,
            param.clause,
            None,
            f"foreign corpus is {share:.0%} of the bytes, above the {param.value:.0%} the "
            "profile sets",
        )
    return out


def foreign_share(registry: SourcesFile, root: Path, profile: Profile) -> ForeignShare:
    """The foreign share of the corpus of ``registry`` (by bytes; its paths are relative to
    ``root``), with the provider's target and the profile's figure when that is information
    rather than the standard's number."""
    sizes = {s.id: sum(f.stat().st_size for f in s.files(root)) for s in registry.sources}
    param = profile.parameters.corpus_source.foreign_share_max
    return ForeignShare(
        foreign_bytes=sum(sizes[s.id] for s in registry.sources if s.foreign),
        total_bytes=sum(sizes.values()),
        target=registry.foreign_share_target,
        practice=None if param.decides else param.value,
    )
