"""Sessions end on the server: logout kills the cookie (a copy of it too), the cookie secret
outlives a restart, a password change ends one's other sessions, an admin changes roles; all
audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

from assay.review.auth import add_user
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store import schema
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run
from tests.review.server import Client, review_server

PASSWORD = "correct horse battery"
NEW = "a new and longer password"


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    s = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    make_run(s)
    ann = add_user(s, "ann", "annotator", PASSWORD, by="test")
    add_user(s, "adm", "admin", PASSWORD, by="test")
    queue = create_queue(s, RUN, "manual", by="test", queue_id="mine")
    s.review.assign(queue.id, ann.id, by="test")
    return s


@pytest.fixture
def base(store: RunStore, tc260: Profile) -> Iterator[str]:
    with review_server(store, tc260) as url:
        yield url


def _as(base: str, name: str, password: str = PASSWORD) -> Client:
    client = Client(base)
    assert client.login(name, password).status == 200
    return client


def test_logout_ends_the_session_on_the_server(base: str) -> None:
    ann = _as(base, "ann")
    stolen = Client(base)
    stolen.cookies = dict(ann.cookies)  # a copy of the cookie, taken before the logout
    assert stolen.get("/queues/mine").status == 200
    page = ann.get("/")
    assert ann.post("/logout", {"csrf": page.csrf}).status == 200
    for client in (ann, stolen):
        reply = client.get("/queues/mine", follow=False)
        assert (reply.status, reply.headers["location"]) == (303, "/login")


def test_the_cookie_secret_is_kept_in_the_store_across_a_restart(
    store: RunStore, tc260: Profile
) -> None:
    with review_server(store, tc260, secret=None) as url:
        ann = _as(url, "ann")
        assert "item 1 of 24" in ann.get("/queues/mine").text
    # a restart: a new app over the same store, no $ASSAY_REVIEW_SECRET
    with review_server(RunStore(store.url), tc260, secret=None) as url:
        kept = Client(url)
        kept.cookies = dict(ann.cookies)
        assert "item 1 of 24" in kept.get("/queues/mine").text


def test_a_password_change_ends_the_other_sessions_and_is_audited(
    base: str, store: RunStore
) -> None:
    here = _as(base, "ann")
    elsewhere = _as(base, "ann")
    page = here.get("/account")
    wrong = here.post(
        "/account/password", {"csrf": page.csrf, "current": "nope-nope", "new": NEW, "again": NEW}
    )
    assert wrong.status == 400
    changed = here.post(
        "/account/password", {"csrf": page.csrf, "current": PASSWORD, "new": NEW, "again": NEW}
    )
    assert changed.status == 200
    assert here.get("/queues/mine").status == 200  # this session goes on
    assert elsewhere.get("/queues/mine", follow=False).status == 303  # the other has ended
    assert Client(base).login("ann", PASSWORD).status == 401
    _as(base, "ann", NEW)
    audit = schema.review_audit
    with store.engine.connect() as conn:
        rows = conn.execute(select(audit.c.action, audit.c.after)).all()
    assert ("password_changed", {"name": "ann"}) in [(r.action, r.after) for r in rows]
    assert all(PASSWORD not in str(r) and NEW not in str(r) for r in rows)


def test_an_admin_changes_a_role_at_once_and_it_is_audited(base: str, store: RunStore) -> None:
    ann = _as(base, "ann")
    assert ann.get("/dashboard").status == 403
    adm = _as(base, "adm")
    page = adm.get("/admin")
    forged = ann.post("/admin/role", {"csrf": ann.get("/").csrf, "name": "ann", "role": "admin"})
    assert forged.status == 403
    assert (
        adm.post("/admin/role", {"csrf": page.csrf, "name": "ann", "role": "reviewer"}).status
        == 200
    )
    assert ann.get("/dashboard").status == 200  # the same session, the new role
    # the last admin cannot step down
    assert (
        adm.post("/admin/role", {"csrf": page.csrf, "name": "adm", "role": "annotator"}).status
        == 409
    )
    audit = schema.review_audit
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(audit.c.user_name, audit.c.before, audit.c.after).where(
                audit.c.action == "role_changed"
            )
        ).all()
    assert [(r.user_name, r.before["role"], r.after["role"]) for r in rows] == [
        ("adm", "annotator", "reviewer")
    ]
