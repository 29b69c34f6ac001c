"""Calibration on the run itself: people review a seeded random subset of a judge's answers, the
pairs correct that judge's rate on this run, and a calibration file made elsewhere is only shown
beside it (out of domain), never deciding."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from assay.assess.calibration import draw_calibration, export_calibration, import_calibration
from assay.assess.plan import Method
from assay.assess.results import Calibrated, MethodResult, results
from assay.banks.models import Question, QuestionKind
from assay.judges.base import JudgeSpec, Verdict
from assay.standard import Profile
from assay.stats.corrected import Counts
from assay.stats.rates import wilson
from assay.store.runstore import ReplyRecord, RunStore

N = 1000
TRUE_BAD = 150  # the true qualified rate is 85%


def _run(store: RunStore, method: Method, n: int) -> list[str]:
    kind = QuestionKind.CONTENT if method is Method.KEYWORD else QuestionKind.MUST_REFUSE
    questions = [
        Question(id=f"q{i}", text=f"问题 {i}", kind=kind, risk_ids=("A.1.d",)) for i in range(n)
    ]
    ids = [q.id for q in questions]
    store.create_run(
        "r",
        kind="all",
        profile_id="tc260-003-2024",
        profile_sha256="-",
        target={},
        settings={},
        questions=questions,
        draws={method.value: ids},
    )
    store.add_replies(
        "r", [ReplyRecord(question_id=q, attempt=1, ok=True, answer=f"回答 {q}") for q in ids]
    )
    return ids


def keyword_run(tmp_path: Path) -> tuple[RunStore, set[str]]:
    """1,000 answers, 150 truly unqualified; a keyword-like judge that misses 30% of them
    (flags 105) and wrongly flags 2% of the good ones (17 of 850)."""
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    ids = _run(store, Method.KEYWORD, N)
    order = random.Random(11).sample(ids, N)
    bad = set(order[:TRUE_BAD])
    flagged = set(order[:105]) | set(order[TRUE_BAD : TRUE_BAD + 17])
    spec = JudgeSpec(name="keyword")
    store.put_verdicts(
        "r",
        "keyword",
        [
            (q, Verdict(judge=spec, flagged=q in flagged, risk_ids=("A.1.d",) * (q in flagged)))
            for q in ids
        ],
    )
    return store, bad


def _fill(sheet: Path, verdict: dict[str, str]) -> None:
    """A reviewer writes the true verdict of each row."""
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["研判结果"] = verdict[row["id"]]
        row["审核人"] = "审核员甲"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _keyword(res_methods: list[MethodResult]) -> MethodResult:
    return next(m for m in res_methods if m.method is Method.KEYWORD)


def test_in_run_calibration_corrects_the_run_towards_the_truth(
    tmp_path: Path, tc260: Profile
) -> None:
    store, bad = keyword_run(tmp_path)
    sheet = tmp_path / "calibration.csv"
    rows = export_calibration(store, "r", tc260, sheet, judge="keyword", n=200, seed=5)
    assert rows == 200
    header = sheet.read_text("utf-8-sig").splitlines()[0]
    assert "自动研判" not in header  # reviewers judge blind
    # the same seed draws the same answers
    assert draw_calibration(store, "r", "keyword", 200, 5) == draw_calibration(
        store, "r", "keyword", 200, 5
    )
    _fill(sheet, {q: "不合格" if q in bad else "合格" for q in (f"q{i}" for i in range(N))})
    report = import_calibration(store, "r", tc260, sheet, judge="keyword")
    assert (report.accepted, report.bad) == (200, [])

    keyword = _keyword(results(store, "r", tc260, decide_on="corrected").methods)
    truth = 1 - TRUE_BAD / N
    assert keyword.rate.value == (N - 122) / N  # raw: 87.8% qualified
    assert keyword.rate.low is not None
    assert keyword.rate.low > truth  # the raw interval misses the true 85%
    c = keyword.corrected
    assert c is not None
    assert (c.source, c.pairs, c.decided) == ("in_run", 200, True)
    assert c.low <= truth <= c.high  # the in-run corrected interval covers it
    assert abs(c.value - truth) < abs(keyword.rate.value - truth)
    assert any("in-run calibration, n=200" in note for note in keyword.notes)


def test_a_calibration_made_elsewhere_is_out_of_domain_and_never_decides(
    tmp_path: Path, tc260: Profile
) -> None:
    store, bad = keyword_run(tmp_path)
    # made on another source: the judge looked nearly perfect there
    elsewhere = {
        "keyword": Calibrated(counts=Counts(tp=98, fn=2, tn=98, fp=2), source="other/cal.json")
    }
    raw = _keyword(results(store, "r", tc260).methods)
    alone = _keyword(
        results(store, "r", tc260, calibrations=elsewhere, decide_on="corrected").methods
    )
    assert alone.corrected is not None
    assert (alone.corrected.source, alone.corrected.decided) == ("out_of_domain", False)
    assert alone.decision is raw.decision  # the raw rate decides
    assert any("out-of-domain calibration" in n and "raw rate decided" in n for n in alone.notes)
    # with an in-run calibration as well: it decides, the file is shown beside it, marked
    sheet = tmp_path / "calibration.csv"
    export_calibration(store, "r", tc260, sheet, judge="keyword", n=200, seed=5)
    _fill(sheet, {q: "不合格" if q in bad else "合格" for q in (f"q{i}" for i in range(N))})
    import_calibration(store, "r", tc260, sheet, judge="keyword")
    both = _keyword(
        results(store, "r", tc260, calibrations=elsewhere, decide_on="corrected").methods
    )
    assert both.corrected is not None
    assert both.corrected_out_of_domain is not None
    assert (both.corrected.source, both.corrected.decided) == ("in_run", True)
    assert (both.corrected_out_of_domain.source, both.corrected_out_of_domain.decided) == (
        "out_of_domain",
        False,
    )


def test_a_review_of_another_answer_is_refused(tmp_path: Path, tc260: Profile) -> None:
    store, bad = keyword_run(tmp_path)
    sheet = tmp_path / "calibration.csv"
    export_calibration(store, "r", tc260, sheet, judge="keyword", n=20, seed=1)
    _fill(sheet, {q: "不合格" if q in bad else "合格" for q in (f"q{i}" for i in range(N))})
    lines = sheet.read_text("utf-8-sig").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + "," + "0" * 64  # the answer this row saw differs
    sheet.write_text("\n".join(lines) + "\n", "utf-8-sig")
    report = import_calibration(store, "r", tc260, sheet, judge="keyword")
    assert report.accepted == 19
    assert "changed since this sheet was exported" in report.bad[0].reason
    # an id outside the judge's answers is refused too
    outside = tmp_path / "outside.csv"
    outside.write_text("id,研判结果,审核人\nnope,合格,甲\n", "utf-8")
    assert "answers decided by the keyword judge" in (
        import_calibration(store, "r", tc260, outside, judge="keyword").bad[0].reason
    )


def test_the_refusal_judge_is_calibrated_on_the_runs_own_answers(
    tmp_path: Path, tc260: Profile
) -> None:
    """300 must-refuse answers, 270 true refusals; the judge also calls 20 of the 30 leaks
    refusals (it reads the opening apology). A blind review of 100 answers corrects it."""
    store = RunStore(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    ids = _run(store, Method.MUST_REFUSE, 300)
    order = random.Random(3).sample(ids, 300)
    leaks = set(order[:30])
    spec = JudgeSpec(name="refusal")
    said = {q: q not in leaks or q in set(order[:20]) for q in ids}
    store.put_verdicts(
        "r", "refusal", [(q, Verdict(judge=spec, flagged=False, refused=said[q])) for q in ids]
    )
    sheet = tmp_path / "refusal.csv"
    assert export_calibration(store, "r", tc260, sheet, judge="refusal", n=100, seed=2) == 100
    _fill(sheet, {q: "回答" if q in leaks else "拒答" for q in ids})
    assert import_calibration(store, "r", tc260, sheet, judge="refusal").accepted == 100
    refusal = next(
        m
        for m in results(store, "r", tc260, decide_on="corrected").methods
        if m.method is Method.MUST_REFUSE
    )
    c = refusal.corrected
    assert c is not None
    assert (c.source, c.pairs) == ("in_run", 100)
    assert c.low <= 0.90 <= c.high  # the true refusal rate
    assert wilson(290, 300)[0] > 0.90  # the judge alone claims 96.7%, its interval misses it
