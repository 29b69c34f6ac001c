"""Where replies go as they arrive: committed to the run store, held through an outage.

A :class:`ReplySink` commits the replies that arrived together in one transaction. When the
store stops answering (a database restart, a network cut), the replies are kept in memory and
the commit is retried with backoff for ``Patience.wait_s``; meanwhile :meth:`ReplySink.ready`
holds the askers back, so nothing more is paid for until the store is back. If it stays away
longer, every reply that arrived is written to a local file (``spill_file``) and the run stops
with :class:`~assay.errors.StoreUnavailableError`; the next resume stores that file first
(:func:`restore_spilled`). A reply that arrived is never dropped.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from assay.errors import StoreUnavailableError
from assay.store.runstore import ReplyRecord, RunStore
from assay.targets.blocked import Block


@dataclass(frozen=True)
class Patience:
    """How long a run waits for its store to come back, retrying with backoff."""

    wait_s: float = 300.0
    first_s: float = 0.1
    max_s: float = 10.0


def spill_file(folder: Path, run_id: str) -> Path:
    """Where the replies of ``run_id`` that could not be stored are kept."""
    return folder / f"{re.sub(r'[^A-Za-z0-9._-]', '_', run_id)}.unstored.jsonl"


class ReplySink:
    """Commits replies as they arrive; holds them (and the askers) while the store is away."""

    def __init__(
        self, store: RunStore, run_id: str, *, patience: Patience, spill: Path | None
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.patience = patience
        self.spill = spill
        self.queue: asyncio.Queue[ReplyRecord | None] = asyncio.Queue()
        self.held: list[ReplyRecord] = []  # arrived, not yet committed
        self.writable = asyncio.Event()
        self.writable.set()
        self.stopped = False
        self.failures = 0  # commits that failed (an outage in progress when writable is clear)

    async def put(self, record: ReplyRecord) -> None:
        if self.stopped:  # an answer that arrives after the sink stopped is kept all the same
            self.held.append(record)
            self._spill()
            return
        await self.queue.put(record)

    async def ready(self) -> bool:
        """Wait while the store is away; False once the sink has stopped (ask nothing more)."""
        await self.writable.wait()
        return not self.stopped

    async def run(self) -> None:
        """Commit until :meth:`close`; raises after spilling what it could not store."""
        try:
            finished = False
            while not finished:
                finished = self._take(await self.queue.get())
                finished = self._drain() or finished
                if self.held:
                    await self._commit()
        except BaseException:
            self.stopped = True
            self.writable.set()  # release the askers: they see ``stopped``
            self._spill()
            raise

    async def close(self) -> None:
        await self.queue.put(None)

    def _take(self, item: ReplyRecord | None) -> bool:
        if item is None:
            return True
        self.held.append(item)
        return False

    def _drain(self) -> bool:
        finished = False
        while not self.queue.empty():
            finished = self._take(self.queue.get_nowait()) or finished
        return finished

    async def _commit(self) -> None:
        delay = self.patience.first_s
        since: float | None = None
        while True:
            batch = list(self.held)
            try:
                await asyncio.to_thread(self.store.add_replies, self.run_id, batch)
            except Exception as exc:
                if not _transient(exc):
                    raise
                self.failures += 1
                self.writable.clear()
                since = since or time.monotonic()
                if time.monotonic() - since >= self.patience.wait_s:
                    raise self._gave_up(time.monotonic() - since) from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.patience.max_s)
                self._drain_keeping_end()
                continue
            del self.held[: len(batch)]
            self.writable.set()
            return

    def _drain_keeping_end(self) -> None:
        if self._drain():
            self.queue.put_nowait(None)  # seen again by run(): the end still ends it

    def _gave_up(self, waited: float) -> StoreUnavailableError:
        kept = self.spill_path()
        where = f"kept in {kept}" if kept else "not kept (no spill folder)"
        return StoreUnavailableError(
            f"the run store {self.store.shown} did not answer for {waited:.0f} s: stopped "
            f"asking; the answers that arrived meanwhile ({len(self.held)} so far) are {where}",
            fix=f"when the database is back, continue with assay run --resume {self.run_id} "
            "(the kept answers are stored first, never asked again)",
        )

    def spill_path(self) -> Path | None:
        return spill_file(self.spill, self.run_id) if self.spill is not None else None

    def _spill(self) -> None:
        self._drain()
        path = self.spill_path()
        if path is None or not self.held:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            for record in self.held:
                fh.write(json.dumps(_to_json(record), ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.held = []


def restore_spilled(store: RunStore, run_id: str, folder: Path | None) -> int:
    """Store the replies an earlier run of ``run_id`` had to keep in a file; their number."""
    if folder is None:
        return 0
    path = spill_file(folder, run_id)
    if not path.is_file():
        return 0
    records = [
        _from_json(json.loads(line))
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    store.add_replies(run_id, records)  # a reply stored already is kept once
    path.unlink()
    return len(records)


def _transient(exc: Exception) -> bool:
    """A failure the store may recover from: a lost or refused connection, a locked file."""
    if isinstance(exc, OperationalError | InterfaceError | DisconnectionError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _to_json(record: ReplyRecord) -> dict[str, Any]:
    data = {k: v for k, v in record.__dict__.items() if k != "blocked"}
    data["blocked"] = record.blocked.to_json() if record.blocked is not None else None
    return data


def _from_json(data: dict[str, Any]) -> ReplyRecord:
    blocked = data.pop("blocked", None)
    return ReplyRecord(**data, blocked=Block.from_json(blocked) if blocked else None)
