"""Running the guard on uvicorn: in the foreground (``assay guard serve``) or in a thread
(tests, benchmarks, a notebook), with a readiness event instead of a wait."""

from __future__ import annotations

import importlib.util
import logging
import socket
import sys
import threading
from collections.abc import Callable
from typing import Any

from assay.errors import MissingDependencyError
from assay.guard.abuse import Clock, utc_now
from assay.guard.core import Guard
from assay.project import Project
from assay.store.runstore import RunStore

GRACE_S = 10  # how long a shutdown waits for requests in flight


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError:
        raise MissingDependencyError("uvicorn", "guard") from None
    return uvicorn


def fast_io() -> dict[str, str]:
    """uvicorn's event loop and HTTP parser: uvloop and httptools (the ``guard`` extra installs
    both; several times less CPU per request than asyncio and h11), else the pure-Python pair."""
    return {
        "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "http": "httptools" if importlib.util.find_spec("httptools") else "h11",
    }


def _decision_log() -> None:
    """One JSON line per decision on stderr (the lines are JSON already: no decoration)."""
    logger = logging.getLogger("assay.guard")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def serve(
    project: Project,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    announce: Callable[[Guard], None] | None = None,
) -> None:
    """Serve the project's guard until SIGINT or SIGTERM (then finish the requests in flight,
    for up to ``GRACE_S`` seconds). SIGHUP reloads the keyword library. ``announce`` is called
    with the guard once it is built, before the service starts."""
    try:
        from assay.guard.app import create_app
    except ImportError:
        raise MissingDependencyError("starlette", "guard") from None
    uvicorn = _uvicorn()
    app = create_app(project)
    if announce is not None:
        announce(app.state.guard_app.service.guard)
    _decision_log()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        timeout_graceful_shutdown=GRACE_S,
        **fast_io(),
    )
    uvicorn.Server(config).run()


class ServerThread:
    """The guard on 127.0.0.1 in a background thread: ``url = server.start()``, then
    :meth:`stop`. ``start`` returns once uvicorn has started (its lifespan ran)."""

    def __init__(
        self,
        project: Project,
        *,
        store: RunStore | str | None = None,
        clock: Clock = utc_now,
        on_reload: Callable[[Guard], None] | None = None,
        log: bool = False,
    ) -> None:
        from assay.guard.app import create_app

        uvicorn = _uvicorn()
        self.app = create_app(project, store=store, clock=clock, on_reload=on_reload)
        if log:
            _decision_log()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=GRACE_S,
            **fast_io(),
        )
        ready = self.ready = threading.Event()

        class Server(uvicorn.Server):  # type: ignore[misc, name-defined]
            async def startup(self, sockets: list[socket.socket] | None = None) -> None:
                await super().startup(sockets)
                ready.set()

        self.server = Server(config)
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> str:
        self._thread.start()
        if not self.ready.wait(timeout):
            raise RuntimeError("the guard did not start")
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(GRACE_S + 5)
        self._socket.close()

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
