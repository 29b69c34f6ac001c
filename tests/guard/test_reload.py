"""Hot reload of the keyword library: a file still being written, cut short or changed while
read is never put in force (the guard in force stays, the failure is logged); SIGHUP reloads
the guard served by ``assay guard serve`` in its own process."""

from __future__ import annotations

import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from assay.errors import InputFormatError
from assay.guard import Guard, build
from assay.guard.build import Watch, rebuild_guard
from assay.guard.serve import ServerThread
from assay.project import load_project
from tests.guard.conftest import KEY, UPSTREAM_KEY, Guarded

NEW = "新出现的违禁词,A.1.h,,2026-11-02,2026-11-02,test\n"
LAST = "盗版资源下载"  # the library's last keyword


def _client(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key=KEY, max_retries=0, timeout=30)


def _flagged(url: str, text: str) -> bool:
    return _client(url).moderations.create(input=text).results[0].flagged


def _library(guarded: Guarded) -> Path:
    return guarded.folder / "banks" / "keywords.csv"


def _with_new_first(library: Path) -> str:
    header, *rows = library.read_text("utf-8").splitlines(keepends=True)
    return "".join([header, NEW, *rows])


def test_the_watch_waits_until_a_file_stops_changing(tmp_path: Path) -> None:
    file = tmp_path / "keywords.csv"
    file.write_text("a\n", "utf-8")
    watch = Watch([file])
    assert not watch.look()  # nothing changed
    file.write_text("a\nb", "utf-8")
    assert not watch.look()  # changed since the last look: maybe still being written
    file.write_text("a\nb\n", "utf-8")
    assert not watch.look()
    assert watch.look()  # the same as at the last look: settled, and not the one loaded
    assert not watch.look()  # loaded now


def test_a_library_changed_while_read_is_not_rebuilt(
    guarded: Guarded, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = build.build_guard
    library = _library(guarded)

    def meddled(project: object, *, strict: bool = False) -> Guard:
        guard = real(guarded.project, strict=strict)
        with library.open("a", encoding="utf-8") as out:  # a writer, meanwhile
            out.write(NEW)
        return guard

    monkeypatch.setattr(build, "build_guard", meddled)
    with pytest.raises(InputFormatError, match="changed while"):
        rebuild_guard(guarded.project)


class _Events(logging.Handler):
    """The guard's reload log lines, as they come."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: queue.Queue[str] = queue.Queue()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if '"event":"reload' in message:
            self.lines.put(message)


@pytest.fixture
def events() -> Iterator[_Events]:
    logger = logging.getLogger("assay.guard")
    handler, level = _Events(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_half_written_library_keeps_the_guard_in_force(guarded: Guarded, events: _Events) -> None:
    library = _library(guarded)
    whole = _with_new_first(library).encode("utf-8")
    cut = whole.index("恐怖袭击策划".encode()) + 3  # a few rows in, inside a row
    with ServerThread(guarded.project, clock=guarded.clock) as server:
        assert _flagged(server.url, LAST)
        with library.open("wb") as out:  # a writer that has written part of the file so far
            out.write(whole[:cut])
            out.flush()
            event = events.lines.get(timeout=30)
            assert '"reload_failed"' in event
            assert _flagged(server.url, LAST)  # the whole old library is still in force
            assert not _flagged(server.url, "新出现的违禁词")
            out.write(whole[cut:])
        event = events.lines.get(timeout=30)
        assert '"reloaded"' in event
        assert _flagged(server.url, "新出现的违禁词")
        assert _flagged(server.url, LAST)


def _serve(folder: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "assay", "guard", "serve", "-c", str(folder / "assay.yaml")]
    return subprocess.Popen(
        [*command, "--port", "0"], env=env, stderr=subprocess.PIPE, text=True, cwd=folder
    )


def _lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _until(lines: queue.Queue[str], needle: str) -> str:
    while True:
        line = lines.get(timeout=60)  # the process says it, or the test fails
        if needle in line:
            return line


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system")
def test_sighup_reloads_the_served_guard(guarded: Guarded) -> None:
    folder = guarded.folder
    config = folder / "assay.yaml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("watch: true", "watch: false"), "utf-8")  # SIGHUP only
    load_project(config)  # the project file is valid
    env = {
        **os.environ,
        "GUARD_TEST_KEYS": KEY,
        "GUARD_TEST_UPSTREAM_KEY": UPSTREAM_KEY,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    process = _serve(folder, env)
    try:
        lines = _lines(process)
        started = _until(lines, "Uvicorn running on")
        url = started.split("running on ")[1].split()[0]
        assert not _flagged(url, "新出现的违禁词")
        library = _library(guarded)
        good = _with_new_first(library)
        library.write_text(good[: good.index("恐怖袭击策划") + 2], "utf-8")  # cut short
        process.send_signal(signal.SIGHUP)
        assert '"reload_failed"' in _until(lines, '"event":"reload')
        assert _flagged(url, LAST)
        library.write_text(good, "utf-8")
        process.send_signal(signal.SIGHUP)
        assert '"reloaded"' in _until(lines, '"event":"reload')
        assert _flagged(url, "新出现的违禁词")
        process.send_signal(signal.SIGTERM)  # a graceful shutdown, then uvicorn re-raises it
        _until(lines, "Application shutdown complete")
        assert process.wait(30) in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
