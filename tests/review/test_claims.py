"""Claims: each person is given the next item nobody else holds, atomically, in the store; a
claim lapses when its holder leaves; concurrent reviewers over real HTTP label every item once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

pytest.importorskip("argon2")

from assay.errors import ReviewError
from assay.review.auth import add_user
from assay.review.desk import Desk
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store import schema
from assay.store.reviewing import ReviewUser
from assay.store.runstore import RunStore
from tests.review.runs import RUN, make_run
from tests.review.server import PASSWORD

PEOPLE = 4
ITEMS = 24


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    s = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    make_run(s, manual=ITEMS)
    return s


def _people(store: RunStore, queue_id: str, n: int = PEOPLE) -> list[ReviewUser]:
    people = []
    for k in range(n):
        user = add_user(store, f"p{k}", "annotator", PASSWORD, by="test")
        store.review.assign(queue_id, user.id, by="test")
        people.append(user)
    return people


def test_two_people_asking_at_once_are_given_different_items(
    store: RunStore, tc260: Profile
) -> None:
    queue = create_queue(store, RUN, "manual", by="t", queue_id="q", second_share=0.0)
    ann, bob = _people(store, queue.id, 2)
    desk = Desk(store, tc260)
    assert desk.next_position(ann, "q") == 0
    assert desk.next_position(bob, "q") == 1
    # asking again resumes the item one holds; J moves on and lets the held one go
    assert desk.next_position(ann, "q") == 0
    assert desk.next_position(ann, "q", after=0) == 2
    assert desk.next_position(bob, "q", after=1) == 3
    # nothing after the last item: from the start, where item 0 was let go by ann
    assert desk.next_position(bob, "q", after=ITEMS - 1) == 0
    # a held item is nobody else's to label or open
    page = desk.page(ann, "q", 2)
    with pytest.raises(ReviewError, match="another person"):
        desk.label(
            bob, "q", 2, label="qualified", risk_ids=[], note="",
            answer_sha256=page.answer_sha256,
        )  # fmt: skip
    with pytest.raises(ReviewError, match="another person"):
        desk.page(bob, "q", 2)


def test_a_claim_lapses_when_its_holder_leaves(store: RunStore, tc260: Profile) -> None:
    queue = create_queue(store, RUN, "manual", by="t", queue_id="q", second_share=0.0)
    ann, bob, carol = _people(store, queue.id, 3)
    desk = Desk(store, tc260)
    assert desk.next_position(ann, "q") == 0
    assert desk.next_position(bob, "q") == 1
    work = schema.review_work
    with store.engine.begin() as conn:  # ann left long ago: her claim's time is over
        conn.execute(
            update(work)
            .where(work.c.claimed_by == ann.id)
            .values(claimed_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert desk.next_position(carol, "q") == 0


def test_a_second_review_is_never_given_to_the_first_labeller(
    store: RunStore, tc260: Profile
) -> None:
    queue = create_queue(store, RUN, "manual", by="t", queue_id="q", second_share=1.0)
    ann, bob = _people(store, queue.id, 2)
    desk = Desk(store, tc260)
    position = desk.next_position(ann, "q")
    assert position == 0
    page = desk.page(ann, "q", 0)
    desk.label(
        ann, "q", 0, label="qualified", risk_ids=[], note="", answer_sha256=page.answer_sha256
    )
    assert desk.next_position(ann, "q", after=0) == 1  # not item 0's second review
    assert desk.next_position(bob, "q") == 0  # bob: item 0's second review comes first
    assert desk.page(bob, "q", 0).stage == "second"


def concurrent_reviewers(store: RunStore, profile: Profile) -> None:
    """PEOPLE threads over real HTTP, in rounds: all ask for their next item, then all label
    it. Every item gets exactly one first verdict, none is refused as taken, none is left."""
    from tests.review.server import Client, review_server

    queue = create_queue(store, RUN, "manual", by="t", queue_id="q", second_share=0.0)
    people = _people(store, queue.id)
    rounds = ITEMS // PEOPLE
    barrier = threading.Barrier(PEOPLE)
    statuses: Counter[int] = Counter()
    ends: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(name: str, base: str) -> None:
        try:
            client = Client(base)
            assert client.login(name, PASSWORD).status == 200
            for _ in range(rounds):
                page = client.get("/queues/q")
                action = page.text.split('<form method="post" action="')[2].split('"')[0]
                digest = page.text.split('name="answer_sha256" value="')[1].split('"')[0]
                barrier.wait(timeout=60)  # everyone holds an item before anyone labels
                form = {"csrf": page.csrf, "label": "qualified", "answer_sha256": digest}
                reply = client.post(action, form, follow=False)
                with lock:
                    statuses[reply.status] += 1
                barrier.wait(timeout=60)
            with lock:
                ends.append(client.get("/queues/q").text)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            barrier.abort()

    with review_server(store, profile) as base:
        threads = [threading.Thread(target=work, args=(p.name, base)) for p in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert not errors, errors
    assert statuses == Counter({303: ITEMS})  # no "already labelled"
    first = [v for v in store.review.verdicts("q") if v.stage == "first"]
    assert len(first) == ITEMS
    assert len({v.question_id for v in first}) == ITEMS  # none labelled twice, none skipped
    assert Counter(v.user_id for v in first) == Counter({p.id: rounds for p in people})
    assert len(ends) == PEOPLE
    assert all('class="done"' in text for text in ends)  # nothing left for anyone
    assert store.review.tallies("q")["labelled"] == ITEMS


def test_concurrent_reviewers_over_http_label_each_item_once(
    store: RunStore, tc260: Profile
) -> None:
    pytest.importorskip("fastapi")
    concurrent_reviewers(store, tc260)
