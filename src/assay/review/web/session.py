"""Sessions kept on the server, and the CSRF token every form carries.

A logged-in browser's cookie holds a random token, signed with the app's secret (itsdangerous);
the session itself is a row of the store keyed by the token's digest
(:class:`assay.store.reviewaccess.AccessTables`), so logging out ends it on the server and a
password change ends the person's other sessions. A visitor who has not logged in gets a
cookie with only a CSRF token (no row), so that the login form carries a token too. Logging in
issues a new session and token (no session fixation). The cookie is HttpOnly and
SameSite=Strict, and Secure when the page is served over https.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from assay.store.reviewaccess import AccessTables
from assay.store.reviewing import ReviewUser

COOKIE = "assay_review"
MAX_AGE = 12 * 3600  # seconds a session lasts


@dataclass(frozen=True)
class Session:
    user: ReviewUser | None
    csrf: str
    id: str | None = None  # the server-side session's id (None: a visitor's)

    @property
    def user_id(self) -> int | None:
        return None if self.user is None else self.user.id


class Sessions:
    def __init__(self, secret: str, access: AccessTables) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="assay-review-session")
        self.access = access

    def read(self, request: Request) -> Session | None:
        """The request's session (read once per request)."""
        if "assay_session" in request.scope:
            found: Session | None = request.scope["assay_session"]
            return found
        found = self._read(request)
        request.scope["assay_session"] = found
        return found

    def _read(self, request: Request) -> Session | None:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data = self._signer.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        token = data.get("s")
        if isinstance(token, str):
            live = self.access.find(token)
            return None if live is None else Session(live.user, live.csrf, live.id)
        csrf = data.get("c")
        return Session(user=None, csrf=csrf) if isinstance(csrf, str) else None

    def login(self, request: Request, response: Response, user: ReviewUser) -> Session:
        """A new server-side session for ``user`` (a fresh CSRF token)."""
        token, csrf = self.access.open(user.id, timedelta(seconds=MAX_AGE))
        self._set(request, response, {"s": token})
        session = Session(user, csrf)
        request.scope["assay_session"] = session
        return session

    def visitor(self, request: Request, response: Response, csrf: str | None = None) -> Session:
        """A session without a user (a fresh CSRF token unless ``csrf``): before a login,
        after a logout."""
        session = Session(user=None, csrf=csrf or secrets.token_urlsafe(32))
        self._set(request, response, {"c": session.csrf})
        return session

    def logout(self, request: Request, response: Response) -> None:
        """End the request's session on the server and give the browser a visitor's."""
        session = self.read(request)
        if session is not None and session.id is not None:
            self.access.end(session.id)
        request.scope["assay_session"] = self.visitor(request, response)

    def _set(self, request: Request, response: Response, data: dict[str, str]) -> None:
        response.set_cookie(
            COOKIE,
            self._signer.dumps(data),
            max_age=MAX_AGE,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )


def csrf_ok(session: Session | None, token: object) -> bool:
    """Whether a form's ``token`` is the session's own."""
    return (
        session is not None
        and isinstance(token, str)
        and hmac.compare_digest(token.encode(), session.csrf.encode())
    )
