"""The review web app's factory, its pages' common parts and the server.

:func:`create_app` builds the FastAPI app over a run store and a profile; the pages live in
:mod:`.pages` (labelling, adjudication, dashboard) and :mod:`.admin` (people and queues). Every
request that changes something is a POST carrying the session's CSRF token; every page checks
the person's role on the server (the library checks it again). Answers are rendered escaped,
with Jinja2's autoescape on and a Content-Security-Policy that allows no inline script.

The routes are plain functions, which FastAPI runs in its thread pool (:data:`WORKERS` at a
time), and those that hash a password run in threads of their own (:meth:`Context.hashing`):
the store's reads and writes and the Argon2 hashes never hold up the event loop, and logins
never fill the pool, so one person's slow login, or twenty at once, delays nobody's page. A route does all its reading, or all its writing, in one unit of the store
(one connection, one transaction: :meth:`Context.reading`, :meth:`Context.writing`). Posted
forms are parsed on the event loop (:func:`posted`); a request body larger than its limit
(:data:`FORM_MAX`, :data:`LOGIN_MAX` for the login) is refused with 413 as it arrives.
"""

from __future__ import annotations

import functools
import logging
import secrets
import socket
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assay.errors import ReviewDeniedError, ReviewError
from assay.messages import t
from assay.review.auth import HASHING_AT_ONCE
from assay.review.desk import Desk
from assay.review.web.session import Session, Sessions, csrf_ok
from assay.standard.models import Profile
from assay.store.reviewing import ReviewUser
from assay.store.runstore import RunStore

HERE = Path(__file__).parent
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
FORM_MAX = 64 * 1024  # bytes of a posted form: a note of 4,000 CJK characters, URL-encoded
LOGIN_MAX = 4 * 1024  # bytes of the login form (a name, a password, the token)
WORKERS = 4  # threads that run routes at once (more only contend for the GIL and memory)
log = logging.getLogger("assay.review")


class LoginRequired(ReviewDeniedError):  # noqa: N818 - answered with a redirect, not a 403
    """Raised by a page that needs a logged-in person; its own handler (more specific than the
    403 of :class:`ReviewDeniedError`) answers with a redirect to /login."""

    def __init__(self) -> None:
        super().__init__("review.err.login_required", fix_key="review.fix.login")


@dataclass
class Context:
    """What every page handler needs: the store, the desk, sessions, templates, language."""

    store: RunStore
    desk: Desk
    sessions: Sessions
    env: Environment
    lang: str
    _hashing: Any = None  # the hashing routes' own capacity limiter, made on first use

    async def hashing(self, work: Callable[..., Response], *args: Any) -> Response:
        """Run a route that works out an Argon2 hash (a login, a password change, a new user)
        in a thread of its own, :data:`HASHING_AT_ONCE` at a time: a crowd of people logging
        in waits its turn without holding the threads that serve everyone's pages."""
        import anyio.to_thread

        if self._hashing is None:
            self._hashing = anyio.CapacityLimiter(HASHING_AT_ONCE)
        response: Response = await anyio.to_thread.run_sync(
            functools.partial(work, *args), limiter=self._hashing
        )
        return response

    def render(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        session = self.sessions.read(request)
        fresh = session is None  # a visitor gets a session (without a user) for the login form
        if session is None:
            session = Session(user=None, csrf=secrets.token_urlsafe(32))
        lang = _lang(request, self.lang)
        values.setdefault("user", None)
        html = self.env.get_template(name).render(
            t=lambda key, **f: t(key, lang, **f),
            lang=lang,
            csrf=session.csrf,
            **values,
        )
        response = HTMLResponse(html, status_code=status)
        if fresh:
            self.sessions.visitor(request, response, session.csrf)
        return response

    def user(self, request: Request) -> ReviewUser:
        """The person logged in; :class:`LoginRequired` otherwise."""
        session = self.sessions.read(request)
        if session is None or session.user is None:
            raise LoginRequired
        return session.user

    def checked(self, request: Request, form: FormData) -> Session:
        """The request's session, when the posted ``form`` carries its CSRF token (403 when
        missing or wrong)."""
        session = self.sessions.read(request)
        if session is None or not csrf_ok(session, form.get("csrf")):
            raise HTTPException(status_code=403, detail="csrf")
        return session

    def reading(self) -> AbstractContextManager[Connection]:
        """One connection for everything a page reads."""
        return self.store.unit()

    def writing(self, queue_id: str | None = None) -> AbstractContextManager[Connection]:
        """One transaction for everything a request writes; with ``queue_id``, serialised on
        that queue from its first statement (as its verdicts and claims are)."""
        return self.store.unit(serial=None if queue_id is None else f"review:queue:{queue_id}")


async def posted(request: Request) -> FormData:
    """The posted form, parsed on the event loop (a dependency of the routes that take one;
    the size limit is :class:`Guard`'s)."""
    return await request.form()


def create_app(
    store: RunStore, profile: Profile, *, secret: str | None = None, lang: str = "zh"
) -> FastAPI:
    """The review app over ``store``; ``secret`` signs the session cookies (by default the
    store's own, made once: sessions outlive a restart)."""
    from assay.review.web import admin, pages

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates are the package's: no stat of each one per page
    )
    ctx = Context(
        store=store,
        desk=Desk(store, profile),
        sessions=Sessions(secret or store.review_access.secret(), store.review_access),
        env=env,
        lang=lang,
    )
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    pages.register(app, ctx)
    admin.register(app, ctx)
    _handlers(app, ctx)
    app.add_middleware(Guard)
    return app


def body_limit(path: str) -> int:
    """The most bytes a request to ``path`` may send."""
    return LOGIN_MAX if path == "/login" else FORM_MAX


class Guard:
    """Every response gets the security headers; a request body over its limit is refused
    with 413 (at once when its declared length is over, else when the bytes read are) --
    plain ASGI, so no response is buffered and no task is spawned per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.sized = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.sized:  # the thread pool is the event loop's: sized on its first request
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = WORKERS
            self.sized = True
        limit = body_limit(scope["path"])
        declared = _declared_length(scope)
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if declared is not None and declared > limit:
                raise HTTPException(status_code=413, detail="too_large")
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(status_code=413, detail="too_large")
            return message

        async def headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, limited, headed)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _handlers(app: FastAPI, ctx: Context) -> None:
    """The error pages, rendered in the thread pool (a page may read the session)."""

    def page(request: Request, status: int, message: str, fix: str = "") -> Any:
        return run_in_threadpool(
            ctx.render, request, "error.html", status, message=message, fix=fix
        )

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        response: Response = await page(request, 403, ctx_t(request, ctx, "review.denied"))
        return response

    @app.exception_handler(ReviewDeniedError)
    async def denied(request: Request, exc: ReviewDeniedError) -> Response:
        log.info("denied: %s %s", request.method, request.url.path)
        response: Response = await page(request, 403, ctx_t(request, ctx, "review.denied"))
        return response

    @app.exception_handler(ReviewError)
    async def refused(request: Request, exc: ReviewError) -> Response:
        message, fix = exc.said(_lang(request, ctx.lang))  # in the reviewer's language
        response: Response = await page(request, 409, message, fix)
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.detail == "too_large":
            limit = body_limit(request.url.path) // 1024
            message = ctx_t(request, ctx, "review.too_large", limit=limit)
        else:
            message = ctx_t(
                request, ctx, "review.csrf" if exc.detail == "csrf" else "review.not_found"
            )
        response: Response = await page(request, exc.status_code, message)
        return response


def ctx_t(request: Request, ctx: Context, key: str, **fields: object) -> str:
    return t(key, _lang(request, ctx.lang), **fields)


def _lang(request: Request, default: str) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("assay_lang") or default
    return chosen if chosen in ("zh", "en") else default


class _Server:
    """uvicorn's server, telling a waiting thread when it accepts connections."""

    def __init__(self, app: FastAPI, ready: threading.Event | None) -> None:
        import uvicorn

        class Server(uvicorn.Server):
            async def startup(self, sockets: list[socket.socket] | None = None) -> None:
                await super().startup(sockets)
                if ready is not None:
                    ready.set()

        self._server_class = Server
        self.app = app

    def server(self, host: str, port: int) -> Any:
        import uvicorn

        config = uvicorn.Config(
            self.app, host=host, port=port, log_level="warning", access_log=False, lifespan="off"
        )
        return self._server_class(config)


def server(
    app: FastAPI, host: str = "127.0.0.1", port: int = 8765, ready: threading.Event | None = None
) -> Any:
    """A uvicorn server for ``app`` (``ready`` is set once it accepts connections); run it with
    ``.run()``, or ``.run(sockets=[sock])`` on a socket bound already (port 0 in tests)."""
    return _Server(app, ready).server(host, port)


def serve(
    store: RunStore,
    profile: Profile,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    lang: str = "zh",
    secret: str | None = None,
) -> None:
    """Run the review app until interrupted."""
    server(create_app(store, profile, secret=secret, lang=lang), host, port).run()
