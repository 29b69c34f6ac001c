"""The 9.2 a) corpus manual sample labelled in the review app gives the same result as the same
verdicts written into the exported sheet and imported: the same draw, rate, decision, census,
reviewers and risks."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

pytest.importorskip("argon2")

from assay.corpus.manual import export_manual, import_manual
from assay.corpus.results import assess_corpus, corpus_clauses
from assay.corpus.review_queue import manual_from_store, put_manual_sample
from assay.errors import ConfigError, ReviewError
from assay.messages import t
from assay.review.auth import add_user
from assay.review.desk import Desk
from assay.review.queues import create_queue
from assay.standard import Profile
from assay.store.runstore import RunStore
from tests.helpers.cli import run_assay
from tests.review.runs import RUN, make_run

PASSWORD = "correct horse battery"
RECORDS = 30


def _corpus(tmp_path: Path) -> Path:
    rows = [{"id": f"r{i}", "text": f"语料 {i}，电话 1381234{i:04d}"} for i in range(RECORDS)]
    (tmp_path / "c.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8"
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - {id: s, kind: open_source, paths: [c.jsonl], licence: MIT, id_field: id}\n",
        "utf-8",
    )
    return path


def _verdict(n: int) -> tuple[str, str, str]:
    """(label, risk, reviewer) of the n-th record of the draw (0-based)."""
    if n % 7 == 3:
        return "unqualified", "A.1.h", "bob"
    return "qualified", "", "ann" if n % 2 else "bob"


def _labelled(size: int) -> int:
    """Records given a verdict: all of a census, all but the last of a sample (left pending)."""
    return size if size == RECORDS else size - 1


def _by_sheet(sources: Path, profile: Profile, tmp_path: Path, size: int) -> object:
    return import_manual(_filled(sources, profile, tmp_path, size), profile)


def _filled(sources: Path, profile: Profile, tmp_path: Path, size: int) -> Path:
    """The exported sheet with the verdicts of :func:`_verdict` written in."""
    sheet = tmp_path / f"m{size}.csv"
    export_manual(sources, profile, sheet, size=size, seed=3)
    with sheet.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for n, row in enumerate(rows[: _labelled(size)]):
        label, risk, who = _verdict(n)
        row.update(
            {"研判结果": "合格" if label == "qualified" else "不合格", "风险": risk, "审核人": who}
        )
    filled = tmp_path / f"f{size}.csv"
    with filled.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return filled


def _by_app(sources: Path, profile: Profile, store: RunStore, size: int) -> object:
    return manual_from_store(store, _queue(sources, profile, store, size), profile)


def _queue(sources: Path, profile: Profile, store: RunStore, size: int) -> str:
    """The run id of a corpus sample labelled in the app with the verdicts of :func:`_verdict`
    (its corpus queue is ``RUN-corpus``)."""
    run = f"corpus{size}"
    assert put_manual_sample(store, run, sources, profile, size=size, seed=3) == size
    queue = create_queue(store, run, "corpus", by="adm", second_share=0.0)
    people = {u.name: u for u in store.review.users()}
    for person in people.values():
        store.review.assign(queue.id, person.id, by="adm")
    desk = Desk(store, profile)
    for n, item in enumerate(store.review.items(queue.id)[: _labelled(size)]):
        label, risk, who = _verdict(n)
        page = desk.page(people[who], queue.id, item.position)
        assert page.answer.startswith("语料 ")  # the record's text is what is judged
        desk.label(
            people[who], queue.id, item.position, label=label, risk_ids=[risk] if risk else [],
            note="", answer_sha256=page.answer_sha256,
        )  # fmt: skip
    return run


def _sheet_and_queue(tmp_path: Path, profile: Profile) -> tuple[str, Path, str]:
    """A store with two annotators, and 20 sampled records reviewed alike on a filled sheet and
    in a corpus queue of the review app: (store URL, sheet, queue id)."""
    sources = _corpus(tmp_path)
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    store = RunStore(url)
    for name in ("ann", "bob"):
        add_user(store, name, "annotator", PASSWORD, by="test")
    sheet = _filled(sources, profile, tmp_path, 20)
    return url, sheet, _queue(sources, profile, store, 20) + "-corpus"


@pytest.mark.parametrize("size", [20, RECORDS])  # a sample, and every record (a census)
def test_the_corpus_queue_gives_the_numbers_the_sheet_gives(
    tmp_path: Path, tc260: Profile, size: int
) -> None:
    sources = _corpus(tmp_path)
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    for name in ("ann", "bob"):
        add_user(store, name, "annotator", PASSWORD, by="test")
    sheet = _by_sheet(sources, tc260, tmp_path, size)
    app = _by_app(sources, tc260, store, size)
    assert app.model_dump() == sheet.model_dump()  # type: ignore[attr-defined]
    done = _labelled(size)
    assert (app.reviewed, app.pending, app.census, app.by_risk) == (  # type: ignore[attr-defined]
        done,
        size - done,
        size == RECORDS,
        {"A.1.h": len([n for n in range(done) if n % 7 == 3])},
    )


def test_a_corpus_queue_is_drawn_from_a_corpus_sample_only(tmp_path: Path, tc260: Profile) -> None:
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    put_manual_sample(store, "c", _corpus(tmp_path), tc260, size=5)
    with pytest.raises(ReviewError, match="cannot be drawn"):
        create_queue(store, "c", "manual", by="adm")


def test_the_corpus_results_take_the_manual_result_from_a_queue_as_from_a_sheet(
    tmp_path: Path, tc260: Profile
) -> None:
    sources = _corpus(tmp_path)
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    for name in ("ann", "bob"):
        add_user(store, name, "annotator", PASSWORD, by="test")
    sheet = _filled(sources, tc260, tmp_path, 20)
    queue = _queue(sources, tc260, store, 20) + "-corpus"
    by_sheet = assess_corpus(sources, tc260, judge=None, seed=3, manual_sheet=sheet)
    by_app = assess_corpus(sources, tc260, judge=None, seed=3, manual_queue=queue, store=store)
    assert by_sheet.manual is not None
    assert by_app.manual is not None
    unqualified = len([n for n in range(19) if n % 7 == 3])
    assert (by_app.manual.reviewed, by_app.manual.qualified) == (19, 19 - unqualified)
    assert by_app.manual.rate == by_sheet.manual.rate
    assert by_app.manual.decision is by_sheet.manual.decision
    assert by_app.manual.model_dump() == by_sheet.manual.model_dump()
    assert corpus_clauses(by_app, tc260) == corpus_clauses(by_sheet, tc260)  # same conclusion
    assert (by_app.manual_queue, by_app.manual_sheet) == (queue, None)
    assert (by_sheet.manual_queue, by_sheet.manual_sheet) == (None, str(sheet))
    with pytest.raises(ConfigError, match="one place"):
        assess_corpus(sources, tc260, judge=None, manual_sheet=sheet, manual_queue=queue)
    make_run(store)
    create_queue(store, RUN, "manual", by="adm", queue_id="m")
    with pytest.raises(ReviewError, match="not a corpus sample queue"):
        assess_corpus(sources, tc260, judge=None, manual_queue="m", store=store)


def test_corpus_manual_import_counts_a_queue_as_a_sheet(tmp_path: Path, tc260: Profile) -> None:
    url, sheet, queue = _sheet_and_queue(tmp_path, tc260)
    by_sheet = run_assay("corpus", "manual", "import", str(sheet), "--json", cwd=tmp_path)
    by_app = run_assay(
        "corpus", "manual", "import", "--queue", queue, "--store", url, "--json", cwd=tmp_path
    )
    assert by_app.returncode == by_sheet.returncode, by_app.stderr
    sheet_result, app_result = json.loads(by_sheet.stdout), json.loads(by_app.stdout)
    assert app_result == sheet_result
    assert (app_result["reviewed"], app_result["rate"]["n"]) == (19, 19)
    both = run_assay(
        "corpus", "manual", "import", str(sheet), "--queue", queue, "--store", url, cwd=tmp_path
    )
    assert both.returncode == 2
    assert "one place" in both.stderr
    helped = run_assay("corpus", "manual", "import", "--help", cwd=tmp_path)
    assert "--queue" in helped.stdout


def test_assay_assess_takes_the_corpus_queue_from_the_project_or_the_flag(
    tmp_path: Path, tc260: Profile
) -> None:
    url, sheet, queue = _sheet_and_queue(tmp_path, tc260)
    reports = {}
    for how, corpus, flag in (
        ("sheet", f"{{sources: sources.yaml, manual_sheet: {sheet.name}, seed: 3}}", []),
        ("config", f"{{sources: sources.yaml, manual_queue: {queue}, seed: 3}}", []),
        ("flag", "{sources: sources.yaml, seed: 3}", ["--corpus-queue", queue]),
    ):
        config = tmp_path / f"{how}.yaml"
        config.write_text(f"name: t\ncorpus: {corpus}\nclassifier: none\n", "utf-8")
        done = run_assay(
            "assess", str(config), "--out", str(tmp_path / how), "--store", url,
            "--run-id", f"a-{how}", "--format", "json", "--format", "md", *flag, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        reports[how] = json.loads((tmp_path / how / "report.json").read_text("utf-8"))
    for how in ("config", "flag"):
        data = reports[how]
        assert data["corpus"]["manual_queue"] == queue
        assert data["corpus"]["manual"] == reports["sheet"]["corpus"]["manual"]
        assert data["conclusion"] == reports["sheet"]["conclusion"]
        assert [q["id"] for q in data["review"]["queues"]] == [queue]
        md = (tmp_path / how / "report.md").read_text("utf-8")
        assert f"{t('report.man_queue', 'en')}: {queue}" in md
    assert reports["sheet"]["review"] is None
    wrong = run_assay(
        "assess", str(tmp_path / "sheet.yaml"), "--out", str(tmp_path / "w"), "--store", url,
        "--corpus-queue", "nope", cwd=tmp_path,
    )  # fmt: skip
    assert wrong.returncode == 2
    assert "no queue 'nope'" in wrong.stderr
    bare = tmp_path / "bare.yaml"
    bare.write_text("name: t\nclassifier: none\n", "utf-8")
    ignored = run_assay(
        "assess", str(bare), "--out", str(tmp_path / "b"), "--store", url,
        "--corpus-queue", queue, cwd=tmp_path,
    )  # fmt: skip
    assert ignored.returncode == 2
    assert "has no corpus" in ignored.stderr
