"""The review app in headless Chromium (the system's, no browser download): log in, label 20
items with the keyboard, second-review them blind as another person, adjudicate a
disagreement, and see kappa on the dashboard; a hostile answer stays inert."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

from assay.review.auth import add_user
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run
from tests.review.server import PASSWORD, review_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
N = 20


@pytest.fixture
def site(tmp_path: Path, tc260: Profile) -> Iterator[tuple[str, RunStore]]:
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    make_run(store, manual=N)
    queue = create_queue(store, RUN, "manual", by="test", queue_id="q", second_share=1.0)
    for name, role in (("ann", "annotator"), ("bob", "annotator"), ("rev", "reviewer")):
        user = add_user(store, name, role, PASSWORD, by="test")  # type: ignore[arg-type]
        store.review.assign(queue.id, user.id, by="test")
    with review_server(store, tc260) as base:
        yield base, store


def _login(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login")
    page.wait_for_url(f"{base}/")


def _label_with_keys(page: Any, base: str, keys: dict[int, str], *, opened: bool = False) -> None:
    """Open the queue (unless ``opened``) and press each item's key (1 unless told); every press
    moves to the next item."""
    if not opened:
        page.goto(f"{base}/queues/q")
    for position in range(N):
        page.wait_for_url(f"{base}/queues/q/items/{position}")
        page.keyboard.press(keys.get(position, "1"))
        following = (
            f"{base}/queues/q/items/{position + 1}" if position + 1 < N else f"{base}/queues/q"
        )
        page.wait_for_url(following)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")
def test_label_second_review_adjudicate_and_see_kappa(
    site: tuple[str, RunStore], tmp_path: Path
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    base, store = site
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ann = browser.new_context().new_page()
            _login(ann, base, "ann")
            ann.goto(f"{base}/queues/q")
            # the hostile answer of the first item is shown as text; nothing ran
            assert "<script>" in ann.inner_text("#answer")
            assert ann.title() != "pwned"
            assert ann.locator("#answer img").count() == 0
            # N writes a note, Escape leaves it, and the keys act again
            ann.keyboard.press("n")
            ann.keyboard.type("看过")
            ann.keyboard.press("Escape")
            _label_with_keys(ann, base, {3: "2", 7: "2"}, opened=True)

            bob = browser.new_context().new_page()
            _login(bob, base, "bob")
            bob.goto(f"{base}/queues/q")
            assert "second review (blind)" in bob.inner_text(".stage")
            assert "看过" not in bob.content()  # the first verdict and note are not shown
            _label_with_keys(bob, base, {3: "2", 5: "2"})  # disagrees on item 5 and on item 7

            rev = browser.new_context().new_page()
            _login(rev, base, "rev")
            rev.goto(f"{base}/dashboard")
            kappa = rev.inner_text(".kappa")
            assert "ann · bob: κ = " in kappa
            assert "n = 20" in kappa
            assert rev.locator(".disputes li").count() == 2
            rev.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
            # the two disputes (items 5 and 7) in whatever order the dashboard lists them
            first = rev.locator(".disputes li a >> nth=0").get_attribute("href") or ""
            chosen = int(first.rsplit("/", 1)[1])
            assert chosen in (5, 7)
            rev.click(".disputes li a >> nth=0")
            # the page's load event, its key script included: a key pressed before is lost
            rev.wait_for_url(f"{base}{first}")
            assert "adjudication" in rev.inner_text(".stage")
            assert "ann" in rev.inner_text(".others")
            rev.keyboard.press("2")
            rev.wait_for_url(f"{base}/queues/q/adjudicate/{12 - chosen}")  # on to the other one
            rev.goto(f"{base}/dashboard")
            assert rev.locator(".disputes li").count() == 1
        finally:
            browser.close()
    states = store.review.states("q")
    assert sum(s.first is not None for s in states.values()) == N
    assert sum(s.second is not None for s in states.values()) == N
    counted = states[f"c{chosen}"].counted
    assert counted is not None
    assert (counted.stage, counted.label) == ("adjudication", "unqualified")
    assert states["c0"].first is not None
    assert states["c0"].first.note == "看过"
