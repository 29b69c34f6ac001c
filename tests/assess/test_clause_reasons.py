"""A bank clause's reason says its findings in the report's language (issue 14: "total_short
40/10000" and a garbled "stale 16/" in a Chinese report)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assay.assess.clauses import clause_results
from assay.banks.check import check_files
from assay.banks.models import BankKind, BankSource
from assay.standard import Profile

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "banks"


def test_bank_reasons_name_their_findings_in_words(tc260: Profile) -> None:
    files = {
        BankKind.KEYWORDS: BankSource(path=EXAMPLES / "keywords.csv"),
        BankKind.CONTENT: None,
        BankKind.MUST_REFUSE: None,
        BankKind.MUST_ANSWER: None,
    }
    banks = check_files(files, tc260, today=date(2030, 1, 1))  # long after: stale too
    by_id = {r.clause: r for r in clause_results(tc260, banks=banks, run=None, measures=None)}
    keyword_clauses = [r for c, r in by_id.items() if c.startswith("8.1")]
    zh = " ".join(r.reason_zh for r in keyword_clauses)
    en = " ".join(r.reason for r in keyword_clauses)
    assert "去重后总数" in zh
    assert "距上次更新天数" in zh
    for code in ("total_short", "stale", "count_short", "more)"):
        assert code not in zh, code
    assert "distinct total" in en
    assert "/ " not in zh  # a count with no requirement is not cut short ("stale 16/")
    assert not zh.rstrip().endswith("/")


def test_a_methods_notes_come_in_both_languages(tmp_path: Path, tc260: Profile) -> None:
    """`assay results --lang zh` printed the notes of a method in English ("only 10 judged
    answers; …"): each note is now in both languages, the English one as before."""
    from assay.assess.plan import Method
    from tests.assess.test_decision_rule import decided

    m = decided(tmp_path, tc260, Method.MUST_REFUSE, 10, 10)
    need = tc260.parameters.refusal_eval.must_refuse_sample_min.value
    assert m.notes == [f"only 10 judged answers; the profile asks for at least {need}"]
    assert m.notes_zh == [f"仅研判 10 条回答，档案要求至少 {need} 条"]
