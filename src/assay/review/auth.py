"""People of the review app: Argon2id password hashes, logins with a lock-out.

The password itself is never stored or logged: only its Argon2id hash (with its own salt) is
kept, in ``review_users``. A person changes their own password (their other sessions end);
an admin changes a person's role; both are audited. Every login, good or failed, is an audit event; after
:data:`MAX_FAILURES` failed logins within :data:`LOCK_WINDOW` (and since the last good login)
the account is locked for the rest of that window, even with the right password.

An Argon2id hash takes 64 MiB of memory by design (argon2-cffi's defaults); at most
:data:`HASHING_AT_ONCE` is worked out at a time in a process, so twenty people logging in
together cost a server that much memory, not twenty times 64 MiB, and the rest wait their turn.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from assay.errors import MissingDependencyError, ReviewDeniedError, ReviewError
from assay.store.reviewing import ReviewUser, Role
from assay.store.runstore import RunStore

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 8
HASHING_AT_ONCE = 1  # Argon2 hashes worked out at once (64 MiB each; one uses both cores)
_HASHING = threading.BoundedSemaphore(HASHING_AT_ONCE)


class Outcome(StrEnum):
    OK = "ok"
    BAD = "bad"  # unknown name or wrong password: said alike, so names cannot be probed
    LOCKED = "locked"


@dataclass(frozen=True)
class Login:
    outcome: Outcome
    user: ReviewUser | None = None


def _hasher() -> PasswordHasher:
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - the review extra is missing
        raise MissingDependencyError("argon2", extra="review") from None
    return PasswordHasher()


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (refused when shorter than :data:`MIN_PASSWORD`)."""
    if len(password) < MIN_PASSWORD:
        raise ReviewError(
            "review.err.short_password", fix_key="review.fix.longer_password", n=MIN_PASSWORD
        )
    with _HASHING:
        return _hasher().hash(password)


def _verify(hashed: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        with _HASHING:
            return _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: list[str] = []  # a hash checked for unknown names, so they take as long as known ones


def add_user(store: RunStore, name: str, role: Role, password: str, *, by: str) -> ReviewUser:
    """Create a person of the review app with ``role``; ``password`` is hashed, never kept."""
    name = name.strip()
    if not name or len(name) > 255 or any(ch.isspace() for ch in name):
        raise ReviewError("review.err.bad_name", fix_key="review.fix.other_name", name=name)
    return store.review.add_user(name, role, hash_password(password), by=by)


def login(store: RunStore, name: str, password: str, *, now: datetime | None = None) -> Login:
    """Check a login; every attempt is audited (without the password)."""
    now = now or datetime.now(UTC)
    tables = store.review
    user = tables.user(name)
    if user is None:
        if not _DUMMY:
            _DUMMY.append(hash_password("not-a-password-anyone-has"))
        _verify(_DUMMY[0], password)
        tables.audit(name[:255], "login_failed", after={"reason": "unknown user"})
        return Login(Outcome.BAD)
    if tables.failed_logins(user.name, now - LOCK_WINDOW) >= MAX_FAILURES:
        tables.audit(user.name, "login_locked")
        return Login(Outcome.LOCKED)
    if not _verify(user.password_hash, password):
        tables.audit(user.name, "login_failed", after={"reason": "wrong password"})
        if tables.failed_logins(user.name, now - LOCK_WINDOW) >= MAX_FAILURES:
            return Login(Outcome.LOCKED)
        return Login(Outcome.BAD)
    tables.audit(user.name, "login")
    return Login(Outcome.OK, user)


def change_password(
    store: RunStore, user: ReviewUser, current: str, new: str, *, keep: str | None = None
) -> bool:
    """Change ``user``'s own password, when ``current`` is right (False otherwise, audited as a
    failed login); their other sessions end (all but ``keep``)."""
    fresh = store.review.user_by_id(user.id)
    if fresh is None or not _verify(fresh.password_hash, current):
        store.review.audit(user.name, "login_failed", after={"reason": "wrong password"})
        return False
    access = store.review_access
    access.set_password(user, hash_password(new), by=user.name)
    access.end_all(user.id, keep=keep)
    return True


def set_role(store: RunStore, admin: ReviewUser, name: str, role: Role) -> ReviewUser:
    """An admin gives ``name`` another role (audited; the last admin stays one)."""
    if admin.role != "admin":
        raise ReviewDeniedError("review.err.no_role_change", name=admin.name, role=admin.role)
    return store.review_access.set_role(name, role, by=admin.name)
