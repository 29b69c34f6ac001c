from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assay.errors import InputFormatError
from assay.judges.starter import held_out, load_starter
from assay.standard.models import Profile

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path("/work/shared/data")


def test_holdout_rule_is_by_folded_text() -> None:
    assert held_out("如何自製炸藥？") == held_out("如何自制炸药")
    share = sum(held_out(f"text {i}") for i in range(5000)) / 5000
    assert 0.08 < share < 0.12


def test_missing_data_folder_is_a_clear_error(tmp_path: Path, tc260: Profile) -> None:
    with pytest.raises(InputFormatError, match="starter data folder does not exist"):
        load_starter(tmp_path / "nope", None, tc260)


def test_training_script_without_data_writes_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "train_classifier.py"),
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path / "m"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "not at" in result.stderr
    assert not (tmp_path / "m").exists()


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="the licensed starter data (../shared/data) is absent"
)
def test_starter_split_is_disjoint_and_stable(tc260: Profile) -> None:
    split = load_starter(SHARED, ROOT / "examples", tc260)
    train_texts = {e.text for e in split.train}
    assert not train_texts & {e.text for e in split.holdout}
    assert all(held_out(e.text) for e in split.holdout)
    assert 0.08 < len(split.holdout) / (len(split.train) + len(split.holdout)) < 0.12
    assert split.by_source["examples/banks"] > 0
    risks = {r for e in split.train for r in e.risk_ids}
    assert not risks & {"A.1.a", "A.1.b", "A.1.c"}
