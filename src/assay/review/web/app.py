"""The review web app's factory, its pages' common parts and the server.

:func:`create_app` builds the FastAPI app over a run store and a profile; the pages live in
:mod:`.pages` (labelling, adjudication, dashboard) and :mod:`.admin` (people and queues). Every
request that changes something is a POST carrying the session's CSRF token; every page checks
the person's role on the server (the library checks it again). Answers are rendered escaped,
with Jinja2's autoescape on and a Content-Security-Policy that allows no inline script.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from assay.errors import ReviewDeniedError, ReviewError
from assay.messages import t
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

    async def form(self, request: Request) -> tuple[FormData, Session]:
        """The posted form, after its CSRF token was checked (403 when missing or wrong)."""
        form = await request.form()
        session = self.sessions.read(request)
        if session is None or not csrf_ok(session, form.get("csrf")):
            raise HTTPException(status_code=403, detail="csrf")
        return form, session


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

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def _handlers(app: FastAPI, ctx: Context) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        return ctx.render(request, "error.html", 403, message=ctx_t(request, ctx, "review.denied"))

    @app.exception_handler(ReviewDeniedError)
    async def denied(request: Request, exc: ReviewDeniedError) -> Response:
        log.info("denied: %s %s", request.method, request.url.path)
        return ctx.render(request, "error.html", 403, message=ctx_t(request, ctx, "review.denied"))

    @app.exception_handler(ReviewError)
    async def refused(request: Request, exc: ReviewError) -> Response:
        message, fix = exc.said(_lang(request, ctx.lang))  # in the reviewer's language
        return ctx.render(request, "error.html", 409, message=message, fix=fix)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        key = "review.csrf" if exc.detail == "csrf" else "review.not_found"
        return ctx.render(request, "error.html", exc.status_code, message=ctx_t(request, ctx, key))


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
