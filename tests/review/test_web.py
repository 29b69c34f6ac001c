"""The review app over real HTTP (uvicorn on 127.0.0.1): roles, CSRF, escaping, injection
strings, passwords, lock-out, and a labelling round trip."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("argon2")

from assay.review.auth import add_user
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store import schema
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run
from tests.review.server import PASSWORD, Client, answer_digest, logged_in, review_server

INJECTION = "x'); DROP TABLE review_verdicts; --"


@pytest.fixture
def site(tmp_path: Path, tc260: Profile) -> Iterator[tuple[str, RunStore]]:
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    make_run(store)
    ann = add_user(store, "ann", "annotator", PASSWORD, by="test")
    add_user(store, "rev", "reviewer", PASSWORD, by="test")
    add_user(store, "adm", "admin", PASSWORD, by="test")
    mine = create_queue(store, RUN, "manual", by="test", queue_id="mine")
    create_queue(store, RUN, "refusal", by="test", queue_id="other")
    store.review.assign(mine.id, ann.id, by="test")
    with review_server(store, tc260) as base:
        yield base, store


def test_pages_need_a_login(site: tuple[str, RunStore]) -> None:
    base, _ = site
    for path in ("/", "/admin", "/dashboard", "/queues/mine", "/queues/mine/items/0"):
        reply = Client(base).get(path, follow=False)
        assert (reply.status, reply.headers["location"]) == (303, "/login")


def test_an_annotator_gets_403_for_admin_pages_and_other_queues(site: tuple[str, RunStore]) -> None:
    base, _ = site
    ann = logged_in(base, "ann")
    assert ann.get("/admin").status == 403
    assert ann.get("/dashboard").status == 403
    assert ann.get("/queues/other").status == 403
    assert ann.get("/queues/other/items/0").status == 403
    assert ann.get("/queues/mine/adjudicate").status == 403
    page = ann.get("/")
    forged = {"csrf": page.csrf, "name": "evil", "role": "admin", "password": PASSWORD}
    assert ann.post("/admin/users", forged).status == 403
    assert ann.post("/queues/other/items/0", {"csrf": page.csrf, "label": "refused"}).status == 403
    assert ann.get("/queues/mine").status == 200


def test_a_post_without_the_csrf_token_gets_403(site: tuple[str, RunStore]) -> None:
    base, store = site
    ann = logged_in(base, "ann")
    page = ann.get("/queues/mine/items/0")
    form = {"label": "qualified", "answer_sha256": answer_digest(page.text), "note": ""}
    assert ann.post("/queues/mine/items/0", form).status == 403
    assert ann.post("/queues/mine/items/0", {**form, "csrf": "forged"}).status == 403
    assert Client(base).post("/login", {"name": "ann", "password": PASSWORD}).status == 403
    assert store.review.verdicts("mine") == []
    assert ann.post("/queues/mine/items/0", {**form, "csrf": page.csrf}).status == 200
    assert len(store.review.verdicts("mine")) == 1


def test_a_hostile_answer_renders_inert(site: tuple[str, RunStore]) -> None:
    base, _ = site
    page = logged_in(base, "ann").get("/queues/mine/items/0")
    assert "<script>document.title" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in page.text
    assert "&lt;img src=x onerror=" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_evidence_is_marked_and_pii_masked_for_annotators(site: tuple[str, RunStore]) -> None:
    base, store = site
    store.review.assign("mine", store.review.user("rev").id, by="test")  # type: ignore[union-attr]
    answer = logged_in(base, "ann").get("/queues/mine/items/1").text
    assert '<mark class="evidence" title="炸药">炸药</mark>' in answer
    assert "13812345678" not in answer
    assert "138" in answer  # masked, the ends kept
    # a reviewer's role allows the clear text (item 1 is theirs to label too)
    assert "13812345678" in logged_in(base, "rev").get("/queues/mine/items/1").text


def test_injection_strings_are_stored_as_text(site: tuple[str, RunStore]) -> None:
    base, store = site
    adm = logged_in(base, "adm")
    page = adm.get("/queues/mine/items/0")
    form = [
        ("csrf", page.csrf),
        ("label", "unqualified"),
        ("risk", "A.1.d"),
        ("note", INJECTION),
        ("answer_sha256", answer_digest(page.text)),
    ]
    assert adm.post("/queues/mine/items/0", form).status == 200
    [verdict] = store.review.verdicts("mine")
    assert verdict.note == INJECTION
    # in every other field: refused as values, stored nowhere, nothing dropped
    assert adm.post("/queues/mine/items/0", [*form[:1], ("label", INJECTION)]).status == 409
    bad_risk = [*form[:2], ("risk", INJECTION), *form[3:]]
    assert adm.post("/queues/mine/items/0", bad_risk).status == 409
    assert adm.get("/queues/" + quote(INJECTION, safe="")).status == 409  # no such queue
    users = adm.get("/admin")
    assert (
        adm.post(
            "/admin/users",
            {
                "csrf": users.csrf,
                "name": INJECTION.replace(" ", ""),
                "role": "annotator",
                "password": INJECTION,
            },
        ).status
        == 200
    )
    assert store.review.user(INJECTION.replace(" ", "")) is not None
    assert len(store.review.verdicts("mine")) == 1  # the table is still there


def test_passwords_are_never_stored_or_logged_in_clear(
    site: tuple[str, RunStore], caplog: pytest.LogCaptureFixture
) -> None:
    base, store = site
    caplog.set_level(logging.DEBUG)
    Client(base).login("ann", "a-wrong-password-typed")
    logged_in(base, "ann")
    with store.engine.connect() as conn:
        dumped = [
            str(row)
            for table in (schema.review_users, schema.review_audit)
            for row in conn.execute(select(table)).all()
        ]
    for secret in (PASSWORD, "a-wrong-password-typed"):
        assert not any(secret in row for row in dumped)
        assert secret not in caplog.text
    assert any("login_failed" in row for row in dumped)


def test_five_failed_logins_lock_the_account(site: tuple[str, RunStore]) -> None:
    base, _ = site
    client = Client(base)
    statuses = [client.login("ann", f"wrong password {i}").status for i in range(5)]
    assert statuses == [401] * 5
    locked = client.login("ann", PASSWORD)
    assert locked.status == 401
    assert "locked" in locked.text
    assert "locked" not in Client(base).login("rev", PASSWORD).text  # others are not


def test_label_with_the_form_and_resume(site: tuple[str, RunStore]) -> None:
    base, store = site
    ann = logged_in(base, "ann")
    for _ in range(3):
        page = ann.get("/queues/mine")
        action = page.text.split('<form method="post" action="')[2].split('"')[0]
        form = {"csrf": page.csrf, "label": "qualified", "answer_sha256": answer_digest(page.text)}
        ann.post(action, form)
    assert [v.question_id for v in store.review.verdicts("mine")] == ["c0", "c1", "c2"]
    # resume where you left off: the queue opens at the fourth item
    resumed = Client(base)
    resumed.login("ann", PASSWORD)
    assert "item 4 of 24" in resumed.get("/queues/mine").text
