"""``corpus assess`` counts personal information by the right kind: full-width mobile numbers
are mobile numbers, a mistyped ID number is not a bank card."""

from __future__ import annotations

import json
from pathlib import Path

from assay.corpus.assess import assess_sources
from assay.standard import Profile
from tests.helpers.cli import run_assay


def _source(tmp_path: Path) -> Path:
    rows = [
        {"text": "客服电话１３８１２３４５６７８，欢迎来电"},  # full-width mobile
        {"text": "身份证号 110105194912310028 已登记"},  # wrong check digit, passes Luhn
        {"text": "身份证号 11010519491231002X 已登记"},  # valid
        {"text": "卡号 6222021234567894"},  # a bank card
        {"text": "普通文本"},
    ]
    (tmp_path / "web.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8"
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - {id: web, kind: self_collected, paths: [web.jsonl], crawled: false}\n",
        "utf-8",
    )
    return path


def test_corpus_assess_counts_each_kind_right(tmp_path: Path, tc260: Profile) -> None:
    """Regression (issue 12, item 18): the full-width mobile was not found and the mistyped
    ID number was counted as a bank card ({'bank_card': 2, 'id_number': 1})."""
    (web,) = assess_sources(_source(tmp_path), tc260, judge=None, sample_size=10, seed=1)
    assert web.pii == {"mobile": 1, "id_number": 1, "bank_card": 1}
    (mobile,) = web.pii_examples["mobile"]
    assert "１３８****５６７８" in mobile


def test_corpus_assess_command_shows_the_kinds(tmp_path: Path) -> None:
    _source(tmp_path)
    (tmp_path / "assay.yaml").write_text("corpus: {sources: sources.yaml}\n", "utf-8")
    result = run_assay("corpus", "assess", "--json", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    text = json.dumps(data, ensure_ascii=False)
    assert '"id_number": 1' in text
    assert '"mobile": 1' in text
    assert '"bank_card": 1' in text
