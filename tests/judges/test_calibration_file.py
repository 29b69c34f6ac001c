"""Where ``assay judges eval`` keeps a calibration record is the library's choice: one file per
judge, named from its spec, so two judges' records never overwrite each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.judges.base import JudgeSpec
from assay.judges.evaluate import (
    Calibration,
    RiskMetrics,
    calibration_file,
    load_calibration,
    save_calibration,
)
from assay.stats.rates import rate


def _record(spec: JudgeSpec) -> Calibration:
    row = RiskMetrics(
        risk="any", covered=True, tp=3, fp=1, fn=2, tn=4, f1=0.6,
        sensitivity=rate(3, 5), specificity=rate(4, 5), precision=rate(3, 4),
    )  # fmt: skip
    return Calibration(
        judge=spec, data="l.jsonl", data_sha256="0" * 64, profile="p", examples=10, risks=(row,)
    )


def test_a_record_is_saved_under_its_judges_name_and_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    one = JudgeSpec(name="classifier", args={"weights_sha256": "a"})
    two = JudgeSpec(name="classifier", args={"weights_sha256": "b"})
    record = _record(one)
    first, second = save_calibration(record), save_calibration(_record(two))
    assert first.name.startswith("calibration-classifier-")
    assert first.suffix == ".json"
    assert first != second  # two classifiers, two records
    assert first == calibration_file(one)
    assert calibration_file(one, tmp_path / "cal") == tmp_path / "cal" / first.name
    assert load_calibration(tmp_path / first) == record
    chosen = save_calibration(_record(one), tmp_path / "mine.json")
    assert chosen == tmp_path / "mine.json"
    assert load_calibration(chosen).judge == one
