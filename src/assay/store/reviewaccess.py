"""Who is logged in to the review app, and what they may change about themselves or others.

A session is a row of ``review_sessions`` keyed by the SHA-256 of a random token that only the
browser's cookie holds: logging out ends it at once on the server (a copied cookie is dead
too), a password change ends the person's other sessions, and every session ends by itself
after its lifetime. The secret that signs the cookies is kept in ``review_settings`` when the
operator sets none, so a restart does not log everyone out. Password and role changes are
audit events (without any hash).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, bindparam, func, insert, select, update

from assay.errors import ReviewError
from assay.store import schema
from assay.store.locks import serial
from assay.store.reviewing import ROLES, ReviewUser, Role, append_audit, user_from_row
from assay.store.unit import reading, writing

S = schema.review_sessions
U = schema.review_users
_FIND = (  # a session with its person (every request reads it: built once)
    select(S.c.csrf, S.c.expires_at, S.c.ended_at, U)
    .join(U, U.c.id == S.c.user_id)
    .where(S.c.id == bindparam("sid"))
)


@dataclass(frozen=True)
class OpenSession:
    """A live session: its person, its CSRF token, and its token's digest (its id)."""

    id: str
    user: ReviewUser
    csrf: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessTables:
    """Sessions, the cookie secret, passwords and roles in one run store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def open(self, user_id: int, lifetime: timedelta) -> tuple[str, str]:
        """A new session for ``user_id``: (the cookie's token, its CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = _now()
        with writing(self.engine) as conn:
            conn.execute(
                insert(S).values(
                    id=digest(token), user_id=user_id, csrf=csrf, created_at=now,
                    expires_at=now + lifetime,
                )
            )  # fmt: skip
        return token, csrf

    def find(self, token: str) -> OpenSession | None:
        """The live session of ``token`` (None: unknown, ended or expired)."""
        sid = digest(token)
        with reading(self.engine) as conn:
            row = conn.execute(_FIND, {"sid": sid}).first()
        if row is None or row.ended_at is not None or _utc(row.expires_at) <= _now():
            return None
        return OpenSession(sid, user_from_row(row), row.csrf)

    def end(self, session_id: str) -> None:
        with writing(self.engine) as conn:
            conn.execute(
                update(S)
                .where((S.c.id == session_id) & S.c.ended_at.is_(None))
                .values(ended_at=_now())
            )

    def end_all(self, user_id: int, *, keep: str | None = None) -> int:
        """End ``user_id``'s live sessions (but ``keep``); how many were ended."""
        where = (S.c.user_id == user_id) & S.c.ended_at.is_(None)
        if keep is not None:
            where = where & (S.c.id != keep)
        with writing(self.engine) as conn:
            return int(conn.execute(update(S).where(where).values(ended_at=_now())).rowcount)

    def live(self, user_id: int) -> int:
        with reading(self.engine) as conn:
            count = conn.execute(
                select(func.count()).where(
                    (S.c.user_id == user_id) & S.c.ended_at.is_(None) & (S.c.expires_at > _now())
                )
            ).scalar()
        return int(count or 0)

    def secret(self) -> str:
        """The secret that signs the app's cookies, made once and kept in the store."""
        st = schema.review_settings
        with writing(self.engine) as conn:
            serial(conn, "review:settings")
            value = conn.execute(select(st.c.value).where(st.c.key == "session_secret")).scalar()
            if value is None:
                value = secrets.token_urlsafe(48)
                conn.execute(insert(st).values(key="session_secret", value=value))
        return str(value)

    def set_password(self, user: ReviewUser, password_hash: str, *, by: str) -> None:
        with writing(self.engine) as conn:
            conn.execute(update(U).where(U.c.id == user.id).values(password_hash=password_hash))
            append_audit(conn, by, "password_changed", after={"name": user.name})

    def set_role(self, name: str, role: Role, *, by: str) -> ReviewUser:
        """Give ``name`` the role ``role``; refused when it would leave the app without an
        admin."""
        if role not in ROLES:
            raise ReviewError(
                "review.err.unknown_role", fix_key="review.fix.roles", role=role,
                known=", ".join(ROLES),
            )  # fmt: skip
        with writing(self.engine) as conn:
            serial(conn, "review:users")
            row = conn.execute(select(U).where(U.c.name == name)).first()
            if row is None:
                raise ReviewError("review.err.no_user", fix_key="review.fix.choose_user", name=name)
            before = user_from_row(row)
            if before.role == "admin" and role != "admin":
                admins = conn.execute(select(func.count()).where(U.c.role == "admin")).scalar()
                if int(admins or 0) <= 1:
                    raise ReviewError(
                        "review.err.only_admin", fix_key="review.fix.admin_first", name=name
                    )
            conn.execute(update(U).where(U.c.id == before.id).values(role=role))
            append_audit(
                conn, by, "role_changed",
                before={"name": name, "role": before.role}, after={"name": name, "role": role},
            )  # fmt: skip
        return ReviewUser(before.id, before.name, role, before.password_hash)


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
