"""The public library API: the whole example assessment through ``assay.*`` alone (no CLI, no
subprocess) gives the report.json that ``assay assess`` gives."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import assay
from tests.helpers.examples import copy_examples

ROOT = Path(__file__).resolve().parents[1]

# what legitimately differs between two assessments of the same project: when each was made,
# and the folder each wrote its package (and so the corpus quarantine) into. The attachments
# are dated by their inputs, not by the clock, so their sha256 in the annex list must agree.
VOLATILE = ("generated_at", "manifest.started_at", "manifest.finished_at")
PER_PACKAGE = ("corpus.sources[].quarantine_file",)


def _examples(tmp_path: Path) -> Path:
    """A copy of examples/ without anything a user's runs left in it (out/)."""
    folder = tmp_path / "examples"
    copy_examples(folder)
    return folder


def _drop(data: Any, path: str) -> None:
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        for item in data[head[:-2]]:
            _drop(item, rest)
    elif rest:
        _drop(data[head], rest)
    else:
        assert head in data, f"{head} is no longer in the report: update VOLATILE"
        del data[head]


def _comparable(report: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(report.read_text("utf-8"))
    for path in VOLATILE + PER_PACKAGE:
        _drop(data, path)
    return data


def test_the_example_assessment_through_the_library_matches_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_dir = _examples(tmp_path)
    monkeypatch.chdir(tmp_path)  # out/unstored and the like land in tmp_path
    config = project_dir / "assay.yaml"

    project = assay.load_project(config)
    assessment = assay.assess(
        project, out=tmp_path / "lib", store=f"sqlite:///{tmp_path / 'lib.sqlite'}", run_id="demo"
    )
    written = assay.report(assessment)
    assert tmp_path / "lib" / "report.json" in written
    assert assessment.run_id == "demo"
    assert [(i.judge, i.report.accepted) for i in assessment.calibration_imports] == [
        ("keyword", 32)
    ]

    from assay.cli.main import app

    result = CliRunner().invoke(
        app,
        [
            "assess",
            str(config),
            "--out",
            str(tmp_path / "cli"),
            "--store",
            f"sqlite:///{tmp_path / 'cli.sqlite'}",
            "--run-id",
            "demo",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    library = _comparable(tmp_path / "lib" / "report.json")
    cli = _comparable(tmp_path / "cli" / "report.json")
    assert library == cli
    # and it is the real assessment, not two empty reports
    methods = {m["method"]: m for m in library["methods"]}
    assert methods["must_refuse"]["positive"] == 16
    assert library["corpus"]["sources"]
    assert library["conclusion"]["overall"] == "partial"


def test_run_judge_results_and_the_corpus_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_dir = _examples(tmp_path)
    monkeypatch.chdir(project_dir)
    project = assay.load_project()  # ./assay.yaml
    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    started: list[str] = []
    outcome = assay.run(
        project,
        "refusal",
        options=assay.RunOptions(concurrency=2),
        store=store,
        run_id="r1",
        on_run=started.append,
    )
    assert started == ["r1"]
    assert outcome.results is not None
    assert {m.method.value for m in outcome.results.methods} == {"must_refuse", "must_answer"}
    assert outcome.settings.concurrency == 2
    assert outcome.settings.seed == project.config.run.seed  # type: ignore[union-attr]
    judged = assay.judge(project, "r1", store=store)
    assert judged.results.model_dump() == outcome.results.model_dump()
    assert assay.results(project, "r1", store=store) == judged.results

    stats = assay.corpus.filter(project, tmp_path / "clean", pii="mask", workers=1)
    assert stats.records > 0
    assert (tmp_path / "clean" / "removal_log.jsonl").is_file()


def test_import_assay_is_cheap_and_the_names_are_public() -> None:
    """``import assay`` loads none of the heavy modules; each public name is in __all__."""
    import subprocess

    code = (
        "import sys, assay; heavy = [m for m in ('numpy', 'sqlalchemy', 'assay.api', "
        "'assay.assess.session', 'pydantic') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
    for name in ("load_project", "assess", "run", "judge", "report", "corpus"):
        assert name in assay.__all__
        assert getattr(assay, name) is not None
    assert callable(assay.assess)
    assert callable(assay.corpus.filter)
