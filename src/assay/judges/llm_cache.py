"""The LLM judge's cache: valid replies on disk, so re-judging the same texts asks nothing.

One SQLite file (``llm-judge.sqlite``) in a folder the user gives; a row is keyed by the judge's
spec hash (model, base URL, rubric hash, temperature, ...) and the SHA-256 of the question and
answer. Only valid replies are kept: a text that ended uncertain (invalid replies, endpoint
errors) is asked again next time. Several processes may share the file (WAL, busy timeout).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import BaseModel

from assay.errors import ConfigError
from assay.judges.llm_prompt import JudgeReply

FILE_NAME = "llm-judge.sqlite"

_SCHEMA = """
create table if not exists replies (
    spec_sha256 text not null,
    text_sha256 text not null,
    reply text not null,
    primary key (spec_sha256, text_sha256)
)
"""


def text_key(answer: str, question: str | None) -> str:
    """SHA-256 of the (question, answer) pair; no question and an empty one differ."""
    blob = json.dumps([question, answer], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ReplyCache:
    """Valid replies of one judge spec, in ``folder/llm-judge.sqlite``, read back as ``kind``
    (the content judge's :class:`JudgeReply` by default). A context manager."""

    def __init__(self, folder: Path, spec_sha256: str, kind: type[BaseModel] = JudgeReply) -> None:
        self.path = folder / FILE_NAME
        self.spec_sha256 = spec_sha256
        self.kind = kind
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("pragma journal_mode=wal")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"cannot use the LLM judge cache: {exc}",
                file=self.path,
                fix="give a writable folder as cache_dir",
            ) from None

    def __enter__(self) -> ReplyCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db.close()

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The cached replies among ``keys`` (instances of ``kind``)."""
        found: dict[str, Any] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"select text_sha256, reply from replies where spec_sha256 = ? "
                f"and text_sha256 in ({marks})",
                [self.spec_sha256, *chunk],
            )
            for key, reply in rows:
                found[key] = self.kind.model_validate_json(reply, strict=False)
        return found

    def put(self, key: str, reply: BaseModel) -> None:
        self._db.execute(
            "insert or replace into replies values (?, ?, ?)",
            (self.spec_sha256, key, reply.model_dump_json()),
        )
