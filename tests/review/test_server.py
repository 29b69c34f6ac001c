"""The review app as a server: a request body over its limit gets a clear 413, and one person's
slow request (a login, whose Argon2 hash is slow by design) holds up nobody else's page."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("argon2")

from assay.review import auth
from assay.review.auth import add_user
from assay.review.queues import create_queue
from assay.review.web.app import FORM_MAX, LOGIN_MAX, WORKERS
from assay.standard import Profile
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run
from tests.review.server import PASSWORD, Client, answer_digest, logged_in, review_server

SLOW = "a password whose check is held"


@pytest.fixture
def site(tmp_path: Path, tc260: Profile) -> Iterator[tuple[str, RunStore]]:
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    make_run(store)
    ann = add_user(store, "ann", "annotator", PASSWORD, by="test")
    add_user(store, "rev", "reviewer", PASSWORD, by="test")
    queue = create_queue(store, RUN, "manual", by="test", queue_id="mine")
    store.review.assign(queue.id, ann.id, by="test")
    with review_server(store, tc260) as base:
        yield base, store


def test_a_form_over_its_limit_gets_413_and_changes_nothing(site: tuple[str, RunStore]) -> None:
    base, store = site
    ann = logged_in(base, "ann")
    page = ann.get("/queues/mine/items/0")
    form = {"csrf": page.csrf, "label": "qualified", "answer_sha256": answer_digest(page.text)}
    too_long = ann.post("/queues/mine/items/0", {**form, "note": "x" * FORM_MAX})
    assert too_long.status == 413
    assert f"at most {FORM_MAX // 1024} KB" in too_long.text
    assert store.review.verdicts("mine") == []
    # just under the limit the form is read (and refused for its note's length, not its size)
    assert ann.post("/queues/mine/items/0", {**form, "note": "x" * 4001}).status == 409
    assert ann.post("/queues/mine/items/0", {**form, "note": "fine"}).status == 200
    assert len(store.review.verdicts("mine")) == 1
    refused = Client(base).post("/login", {"name": "ann", "password": "p" * LOGIN_MAX})
    assert refused.status == 413
    assert f"at most {LOGIN_MAX // 1024} KB" in refused.text


def test_a_body_sent_in_chunks_is_counted_as_it_arrives(site: tuple[str, RunStore]) -> None:
    """No Content-Length to trust: the bytes read are counted, and the limit still holds."""
    base, _ = site
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    chunks = (b"name=ann&password=" + b"p" * 1024 for _ in range(LOGIN_MAX // 1024 + 1))
    conn.request(
        "POST",
        "/login",
        body=chunks,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        encode_chunked=True,
    )
    response = conn.getresponse()
    assert response.status == 413
    assert f"at most {LOGIN_MAX // 1024} KB" in response.read().decode()
    conn.close()


class _HeldHasher:
    """Argon2 as configured, except that checking :data:`SLOW` waits until released."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.entered = threading.Event()
        self.release = threading.Event()

    def hash(self, password: str) -> str:
        return str(self.real.hash(password))

    def verify(self, hashed: str, password: str) -> bool:
        if password == SLOW:
            self.entered.set()
            if not self.release.wait(timeout=20):
                raise RuntimeError("the held login was never released")
        return bool(self.real.verify(hashed, password))


@pytest.mark.parametrize("logins", [1, WORKERS + 1])
def test_slow_logins_do_not_hold_up_another_persons_page(
    site: tuple[str, RunStore], monkeypatch: pytest.MonkeyPatch, logins: int
) -> None:
    """One login whose hash is held, or more logins than the threads that serve pages (the
    others wait their turn to hash): another person's page is served meanwhile."""
    base, _ = site
    ann = logged_in(base, "ann")  # logged in before the hash is held
    held = _HeldHasher(auth._hasher())
    monkeypatch.setattr(auth, "_hasher", lambda: held)
    outcome: list[int] = []
    posting = threading.Barrier(logins + 1)  # every login form is on its way before the page

    def log_in() -> None:
        client = Client(base)
        form = {"name": "rev", "password": SLOW, "csrf": client.get("/login").csrf}
        posting.wait(timeout=20)
        outcome.append(client.post("/login", form).status)

    slow = [threading.Thread(target=log_in) for _ in range(logins)]
    for thread in slow:
        thread.start()
    try:
        posting.wait(timeout=20)
        assert held.entered.wait(timeout=20), "no slow login reached its hash"
        page = ann.get("/queues/mine/items/0")  # asked after the logins, served before them
        assert page.status == 200
        assert "item 1 of" in page.text
        assert all(thread.is_alive() for thread in slow)
        assert not outcome
    finally:
        held.release.set()
        for thread in slow:
            thread.join(timeout=30)
    assert outcome == [401] * logins
