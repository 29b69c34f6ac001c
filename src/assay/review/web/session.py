"""Sessions in a signed cookie, and the CSRF token every form carries.

The cookie holds the user's id, a random CSRF token and when it was issued, signed with the
server's secret (itsdangerous); it is HttpOnly and SameSite=Strict, and Secure when the page is
served over https. A visitor who has not logged in gets a session without a user, so that the
login form carries a token too. Logging in issues a new token (no session fixation).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "assay_review"
MAX_AGE = 12 * 3600  # seconds a session lasts


@dataclass(frozen=True)
class Session:
    user_id: int | None
    csrf: str


class Sessions:
    def __init__(self, secret: str) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="assay-review-session")

    def read(self, request: Request) -> Session | None:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data = self._signer.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        uid = data.get("u")
        return Session(user_id=uid if isinstance(uid, int) else None, csrf=data["c"])

    def write(self, request: Request, response: Response, user_id: int | None) -> Session:
        """A new session (a fresh CSRF token) for ``user_id`` (None: not logged in)."""
        session = Session(user_id=user_id, csrf=secrets.token_urlsafe(32))
        self.put(request, response, session)
        return session

    def put(self, request: Request, response: Response, session: Session) -> None:
        response.set_cookie(
            COOKIE,
            self._signer.dumps({"u": session.user_id, "c": session.csrf}),
            max_age=MAX_AGE,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )

    @staticmethod
    def clear(response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


def csrf_ok(session: Session | None, token: object) -> bool:
    """Whether a form's ``token`` is the session's own."""
    return (
        session is not None
        and isinstance(token, str)
        and hmac.compare_digest(token.encode(), session.csrf.encode())
    )
