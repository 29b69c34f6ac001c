"""The guard as an ASGI app (Starlette): the routes, over :class:`GuardService`.

``POST /v1/moderations`` (OpenAI's request and response; the categories are the profile's
risk ids, and each result names the risks found with their names and the action taken),
``POST /v1/chat/completions`` (the screening proxy, :mod:`assay.guard.proxy`), ``GET
/healthz``, ``GET /metrics`` (Prometheus). The lifespan opens the upstream session, watches the
keyword library for changes and reloads it on SIGHUP, and closes everything at shutdown.
Only this module and :mod:`assay.guard.serve` import the web framework.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from assay.errors import ConfigError, GuardRequestError
from assay.guard.abuse import AbuseTracker, Clock, utc_now
from assay.guard.build import Watch, build_guard, rebuild_guard, watched_files
from assay.guard.core import SEVERITY, Decision, Guard
from assay.guard.detectors import banned, build_detectors
from assay.guard.proxy import ROUTE as CHAT
from assay.guard.proxy import (
    StreamRelay,
    Upstream,
    guard_mark,
    refusal_completion,
    refusal_stream,
    upstream_error,
)
from assay.guard.ratelimit import RateLimiter
from assay.guard.screening import chat_input, chat_reply, chat_stream, question
from assay.guard.service import Caller, GuardService, client_keys, read_limited
from assay.guard_config import Action, Direction, UpstreamConfig
from assay.messages import t
from assay.project import Project
from assay.store.abuse import AbuseLedger
from assay.store.runstore import RunStore
from assay.targets.blocked import GUARD_HEADER

log = logging.getLogger("assay.guard")
MODERATIONS = "/v1/moderations"
Handler = Callable[[Request], Awaitable[Response]]


# a client that hung up before its request was read (nginx's "client closed request")
GONE = 499


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status, headers, media_type="application/json")


def _error_body(exc: GuardRequestError) -> bytes:
    body = {"error": {"message": exc.message, "type": exc.kind, "param": None, "code": exc.code}}
    return orjson.dumps(body)


def _error(exc: GuardRequestError) -> Response:
    return Response(
        _error_body(exc), exc.status, exc.headers or None, media_type="application/json"
    )


def _parsed(raw: bytes) -> dict[str, Any]:
    """A request body: a JSON object, or a 400 in OpenAI's shape."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        body = None
    if not isinstance(body, dict):
        raise GuardRequestError(
            400, t("guard.bad_request", "en", reason="JSON object"), "invalid_request_error"
        )
    return body


async def _parts(receive: Receive) -> AsyncIterator[bytes]:
    """The body chunks of an ASGI request, as they arrive (what ``Request.stream()`` gives,
    without the object)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        yield message.get("body", b"")
        if not message.get("more_body", False):
            return


def _header(scope: Scope, name: bytes) -> str | None:
    """The first value of header ``name`` (lower case) of an ASGI request."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class ModerationsFastPath:
    """ASGI middleware: ``POST /v1/moderations`` straight to :meth:`GuardApp.moderations_asgi`,
    past the router, the exception middleware and the response classes (the busiest route,
    where the framework's share of a request was as large as the keyword check's). Every other
    request goes on to the Starlette app."""

    def __init__(self, app: ASGIApp, guard_app: GuardApp) -> None:
        self.app = app
        self.guard_app = guard_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == MODERATIONS and scope["method"] == "POST":
            await self.guard_app.moderations_asgi(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class GuardApp:
    """The routes and the lifespan of one guard service."""

    def __init__(
        self,
        project: Project,
        service: GuardService,
        upstream: Upstream | None,
        store: RunStore | None,
    ) -> None:
        self.project = project
        self.service = service
        self.upstream = upstream
        self.store = store
        self._reloading = asyncio.Lock()
        self._categories = {r.id: False for r in project.profile.risks}
        self._scores = {r.id: 0.0 for r in project.profile.risks}
        # the result of a text with no finding is always the same: serialised once
        self._clean = orjson.Fragment(
            orjson.dumps(
                {
                    "flagged": False,
                    "categories": self._categories,
                    "category_scores": self._scores,
                    "action": "allow",
                    "risks": [],
                }
            )
        )

    def app(self) -> Starlette:
        routes = [
            Route(MODERATIONS, self._timed(MODERATIONS, self.moderations), methods=["POST"]),
            Route(CHAT, self._timed(CHAT, self.chat), methods=["POST"]),
            Route("/healthz", self.healthz, methods=["GET"]),
            Route("/metrics", self.metrics, methods=["GET"]),
        ]
        fast = [Middleware(ModerationsFastPath, guard_app=self)]
        app = Starlette(routes=routes, middleware=fast, lifespan=self.lifespan)
        app.state.guard_app = self
        return app

    def _timed(self, route: str, handler: Handler) -> Handler:
        metrics = self.service.metrics

        async def timed(request: Request) -> Response:
            started = time.perf_counter()
            try:
                response = await handler(request)
            except GuardRequestError as exc:
                response = _error(exc)
            except ClientDisconnect:  # gone before its body arrived: counted, nothing to answer
                response = Response(status_code=GONE)
            metrics.request(route, response.status_code, time.perf_counter() - started)
            return response

        return timed

    # -- routes --------------------------------------------------------------------------

    async def healthz(self, request: Request) -> Response:
        return _json({"status": "ok", "library": self.service.guard.version})

    async def metrics(self, request: Request) -> Response:
        text = self.service.metrics.render(self.service.guard.version)
        text += self.service.detectors.render()
        return Response(text, media_type="text/plain; version=0.0.4")

    async def _body(self, request: Request) -> dict[str, Any]:
        raw = await read_limited(
            request.headers.get("content-length"),
            request.stream(),
            self.service.guard.config.max_body_bytes,
        )
        return _parsed(raw)

    async def _read(self, request: Request) -> tuple[dict[str, Any], Caller]:
        """The body and the caller of a request: its key and rate checked before the body is
        read, the body's size while it is."""
        address = request.client.host if request.client else "-"
        client = self.service.client(request.headers.get("authorization"), address)
        body = await self._body(request)
        return body, self.service.caller(client, body.get("user"))

    async def moderations(self, request: Request) -> Response:
        """The route (what :class:`ModerationsFastPath` leaves to the router, if anything)."""
        body, caller = await self._read(request)
        payload = await self.moderate(body, caller)
        return Response(payload, media_type="application/json")

    async def moderations_asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The moderation route as a bare ASGI app: :meth:`moderations` without the
        framework's objects around it (the same body, caller and errors)."""
        started = time.perf_counter()
        try:
            client = scope.get("client")
            who = self.service.client(
                _header(scope, b"authorization"), client[0] if client else "-"
            )  # the key and the rate, before the body is read
            raw = await read_limited(
                _header(scope, b"content-length"),
                _parts(receive),
                self.service.guard.config.max_body_bytes,
            )
            body = _parsed(raw)
            caller = self.service.caller(who, body.get("user"))
            status, payload = 200, await self.moderate(body, caller)
            extra: dict[str, str] = {}
        except GuardRequestError as exc:
            status, payload, extra = exc.status, _error_body(exc), exc.headers
        except ClientDisconnect:  # gone before its body arrived: counted, nothing to answer
            self.service.metrics.request(MODERATIONS, GONE, time.perf_counter() - started)
            return
        self.service.metrics.request(MODERATIONS, status, time.perf_counter() - started)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode("ascii")),
            *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    async def moderate(self, body: dict[str, Any], caller: Caller) -> bytes:
        """The moderation of a request's ``body`` (OpenAI's shape), serialised."""
        given = body.get("input")
        texts = [given] if isinstance(given, str) else given
        if not isinstance(texts, list) or not all(isinstance(x, str) for x in texts):
            raise GuardRequestError(
                400, t("guard.bad_request", "en", reason="input"), "invalid_request_error"
            )
        direction: Direction = "output" if body.get("direction") == "output" else "input"
        counted = direction == "input" and isinstance(body.get("user"), str)
        if counted:
            self.service.admit(caller)
        guard = self.service.guard
        results = []
        for text in texts:
            decision = await self.service.ascreen(guard, text, direction, MODERATIONS, caller)
            if counted:
                self.service.count(caller, banned(decision))
            results.append(self._result(guard, decision, body.get("lang")))
        model = body.get("model") or "assay-guard"
        return orjson.dumps({"id": f"modr-{uuid.uuid4().hex}", "model": model, "results": results})

    def _result(
        self, guard: Guard, decision: Decision, lang: Any
    ) -> dict[str, Any] | orjson.Fragment:
        if not decision.findings:
            return self._clean
        categories, scores = dict(self._categories), dict(self._scores)
        actions: dict[str, Action] = {}
        for finding in decision.findings:
            for risk in finding.risk_ids:
                categories[risk] = finding.action != "allow"
                scores[risk] = max(scores.get(risk, 0.0), finding.score)
                if SEVERITY[finding.action] >= SEVERITY[actions.get(risk, "allow")]:
                    actions[risk] = finding.action
        name_lang = "zh" if lang == "zh" else "en"
        result: dict[str, Any] = {
            "flagged": decision.flagged,
            "categories": categories,
            "category_scores": scores,
            "action": decision.action,
            "risks": [
                {"id": r, "name": guard.risk_name(r, name_lang), "action": a}
                for r, a in sorted(actions.items())
            ],
        }
        if decision.action == "mask":
            result["masked"] = decision.masked
        return result

    async def chat(self, request: Request) -> Response:
        body, caller = await self._read(request)
        self.service.admit(caller)
        guard = self.service.guard  # this request finishes on this guard, reload or not
        blocked, forwarded, masked = await chat_input(self.service, guard, body, caller)
        stream = bool(body.get("stream"))
        headers = {GUARD_HEADER: "input"}
        if blocked is not None:
            if stream:
                return StreamingResponse(
                    refusal_stream(body, blocked), media_type="text/event-stream", headers=headers
                )
            return _json(refusal_completion(body, blocked, "input"), headers=headers)
        if self.upstream is None:
            raise GuardRequestError(503, t("guard.no_upstream", "en"), "no_upstream")
        response = await self.upstream.post(forwarded)
        marks = ["input-mask"] if masked else []
        if response.status != 200 or not stream:
            data = await response.read()
            response.release()
            if response.status != 200:  # an error, with its status; its body stays here
                status, error, more = upstream_error(
                    response.status, data, response.headers.get("Retry-After")
                )
                return _json(error, status, more)
            try:
                reply = orjson.loads(data)
            except orjson.JSONDecodeError:
                raise GuardRequestError(
                    502, t("guard.upstream_failed", "en", reason="bad JSON"), "upstream_error"
                ) from None
            screened = await chat_reply(self.service, guard, reply, caller, question(body))
            # the guard replaced or masked the model's answer: marked, so an assessment knows
            mark = guard_mark(screened)
            marks += [mark] if mark else []
            return _json(screened, headers={GUARD_HEADER: ", ".join(marks)} if marks else None)
        relay = StreamRelay(self.service, guard, caller, response)
        marked = {GUARD_HEADER: ", ".join(marks)} if marks else None
        events = chat_stream(self.service, guard, relay, caller, question(body))
        return StreamingResponse(events, media_type="text/event-stream", headers=marked)

    # -- lifespan: reload, shutdown ------------------------------------------------------

    async def reload(self) -> None:
        """Build the guard again from its files and put it in force; a failed build keeps the
        old guard (and is logged and counted)."""
        async with self._reloading:
            try:
                guard = await asyncio.to_thread(rebuild_guard, self.project)
            except Exception as exc:  # a broken file must not take the service down
                self.service.metrics.reloads["failed"] += 1
                log.error(orjson.dumps({"event": "reload_failed", "error": str(exc)}).decode())
                return
            self.service.swap(guard)
            log.info(orjson.dumps({"event": "reloaded", "library": guard.version}).decode())

    async def _watch(self, files: list[Path], interval: float) -> None:
        watch = Watch(files)
        while True:
            await asyncio.sleep(interval)
            if watch.look():
                await self.reload()

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        config = self.service.guard.config
        loop = asyncio.get_running_loop()
        tasks: list[asyncio.Task[None]] = []
        if config.reload.watch:
            files = watched_files(self.project)
            tasks.append(asyncio.create_task(self._watch(files, config.reload.interval_s)))
        hup = False
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError, AttributeError):
            loop.add_signal_handler(
                signal.SIGHUP, lambda: tasks.append(loop.create_task(self.reload()))
            )
            hup = True
        self.service.detectors.start()
        try:
            yield
        finally:
            await self.service.detectors.close()
            if hup:
                loop.remove_signal_handler(signal.SIGHUP)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.upstream is not None:
                await self.upstream.close()
            if self.store is not None:
                self.store.engine.dispose()


def create_app(
    project: Project,
    *,
    store: RunStore | str | None = None,
    clock: Clock = utc_now,
    on_reload: Callable[[Guard], None] | None = None,
) -> Starlette:
    """The guard service of ``project`` as an ASGI app. ``store`` keeps the 7.g.1 counts
    (default: the project's run store); ``clock`` tells the time (tests inject one);
    ``on_reload`` is called with each guard put in force by a reload."""
    guard = build_guard(project)
    config = guard.config
    runs = project.open_store(store) if config.abuse.enabled else None
    tracker = (
        AbuseTracker.for_profile(project.profile, config.abuse, AbuseLedger(runs), clock=clock)
        if runs is not None
        else None
    )
    limiter = None
    if config.rate_limit is not None:
        ticker = time.monotonic if clock is utc_now else (lambda: clock().timestamp())
        limiter = RateLimiter(config.rate_limit, ticker)
    service = GuardService(
        guard,
        tracker,
        keys=client_keys(config),
        on_reload=on_reload,
        limiter=limiter,
        detectors=build_detectors(config, project.profile),
    )
    return GuardApp(project, service, _upstream(config.upstream), runs).app()


def _upstream(config: UpstreamConfig | None) -> Upstream | None:
    if config is None:
        return None
    key = None
    if config.api_key_env:
        key = os.environ.get(config.api_key_env)
        if not key:
            raise ConfigError(t("guard.no_upstream_key", "en", env=config.api_key_env))
    return Upstream(config, key)
