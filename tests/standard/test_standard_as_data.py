"""The standard as data: clause ids, and which check decides which clause, come from the
profile; no module of src/assay writes a clause id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assay.assess.clauses import automatic_clauses
from assay.banks.check import missing_bank, omitted_aspect_findings
from assay.banks.models import BankKind
from assay.corpus.sources import check_sources
from assay.errors import ProfileError
from assay.standard import Profile, load_profile
from assay.standard.loader import builtin_profiles

SRC = Path(__file__).resolve().parents[2] / "src" / "assay"
CLAUSE_ID = re.compile(r'"[5-9]\.[0-9]')  # the grep: a string that starts with one
# the standard's data loader is where clause ids may be written (none are, today)
ALLOWED = {SRC / "standard" / "loader.py", SRC / "standard" / "models.py"}


def test_no_clause_id_is_written_in_code() -> None:
    found = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        if path not in ALLOWED
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CLAUSE_ID.search(line)
    ]
    assert not found, "\n".join(found)


def test_the_profile_names_the_clause_of_each_check(tc260: Profile) -> None:
    assert tc260.sampled_methods == ("9.3.b", "9.3.c", "9.3.d", "9.4.b", "9.4.c")
    assert tc260.corpus_methods == ("9.2.a", "9.2.b")
    assert tc260.classifier_clause == "8.4"
    assert tc260.verified_by(tc260.corpus_methods) == ("5.2.a",)
    assert [tc260.bank_clause(b.value) for b in BankKind] == [
        "8.1.b",
        "8.2.b",
        "8.3.a.2",
        "8.3.b.2",
    ]
    assert tc260.roles.omitted_aspects in automatic_clauses(tc260)


def _edited(tmp_path: Path, roles: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(f"extends: tc260-003-2024\nroles:\n{roles}", encoding="utf-8")
    return path


def test_a_profile_that_moves_a_check_moves_its_findings(tmp_path: Path, tc260: Profile) -> None:
    """An edition that numbers a check's clause differently needs no change of code."""
    moved = load_profile(_edited(tmp_path, "  omitted_aspects: 8.3.b.1\n"))
    (finding,) = omitted_aspect_findings(None, ["NR.health"], moved)
    assert (finding.clause, finding.force) == ("8.3.b.1", moved.clause("8.3.b.1").force)
    assert "8.3.b.1" in automatic_clauses(moved)
    (original,) = omitted_aspect_findings(None, ["NR.health"], tc260)
    assert original.clause == "8.3.b.3"

    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - {id: a, kind: open_source, language: zh, modality: text, paths: [x]}\n",
        encoding="utf-8",
    )
    moved_kind = load_profile(_edited(tmp_path, "  corpus_source_records: {open_source: 5.1.d}\n"))
    clauses = {f.clause for f in check_sources(sources, moved_kind) if f.field == "licence"}
    assert clauses == {"5.1.d"}


def test_a_role_must_name_a_clause_of_the_profile(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"roles.omitted_aspects: 8.9.z is not a clause"):
        load_profile(_edited(tmp_path, "  omitted_aspects: 8.9.z\n"))


def test_a_missing_bank_fails_the_clause_its_parameters_name(tc260: Profile) -> None:
    check = missing_bank(BankKind.MUST_ANSWER, tc260)
    assert [f.clause for f in check.findings] == [
        tc260.parameters.must_answer_bank.per_aspect_min.clause
    ]


@pytest.mark.parametrize("name", builtin_profiles())
def test_shipped_profile_reads_the_same_through_the_fast_reader(name: str) -> None:
    """Shipped profiles are read with libyaml for a fast start; the data must be exactly what
    the line-tracking reader (the one user files go through) makes of the same file."""
    from assay.standard.loader import profile_path, read_shipped
    from assay.yamlfile import load_yaml

    path = profile_path(name)
    assert read_shipped(path) == load_yaml(path)[0]
