from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from assay.errors import ProfileError, UnknownNameError
from assay.standard import Force, Profile, builtin_profiles, load_profile
from assay.standard.loader import dump_profile, profile_path
from assay.standard.models import CheckMethod, ProvenanceLevel

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ["tc260-003-2024", "gbt45654-2025"]


def test_both_profiles_are_shipped() -> None:
    assert builtin_profiles() == sorted(PROFILES)


@pytest.mark.parametrize("name", PROFILES)
def test_appendix_a_has_31_risks_in_5_categories(name: str) -> None:
    profile = load_profile(name)
    assert [c.id for c in profile.categories] == ["A.1", "A.2", "A.3", "A.4", "A.5"]
    assert [len(c.risks) for c in profile.categories] == [8, 9, 5, 7, 2]
    assert len(profile.risks) == 31
    assert profile.risks[0].id == "A.1.a"
    assert profile.risks[-1].id == "A.5.b"
    for risk in profile.risks:
        assert risk.name_zh
        assert risk.name_en
        assert re.fullmatch(r"A\.\d\.[a-z]", risk.id)


@pytest.mark.parametrize("name", PROFILES)
def test_13_must_answer_aspects(name: str) -> None:
    profile = load_profile(name)
    assert len(profile.aspects) == 13
    assert {a.name_zh for a in profile.aspects} >= {"历史", "英烈", "健康", "地理"}


@pytest.mark.parametrize("name", PROFILES)
def test_every_clause_of_chapters_5_to_8(name: str) -> None:
    profile = load_profile(name)
    ids = [c.id for c in profile.clauses]
    # spot-check each chapter and the split items of 8.3
    for expected in [
        "5.1.a.1",
        "5.2.c.2",
        "5.3.d",
        "6.a",
        "6.d",
        "7.c.1",
        "7.g.1",
        "7.i.4",
        "8.1.a",
        "8.2.d",
        "8.3.a.2",
        "8.3.b.3",
        "8.3.c",
        "8.4",
    ]:
        assert expected in ids
    assert "5.2.c.3" not in ids  # not a clause of the final TC260-003 (STANDARD.md 3.2)
    for clause in profile.clauses:
        assert clause.title_zh
        assert clause.title_en
        assert clause.force in (Force.SHALL, Force.SHOULD)
        assert clause.checks
        assert all(isinstance(m, CheckMethod) for m in clause.checks)
        assert clause.prov.tags


def test_recommended_clauses_follow_the_official_text(tc260: Profile) -> None:
    should = {c.id for c in tc260.clauses if c.force is Force.SHOULD}
    assert should == {"5.2.b.6", "5.3.d", "7.e.2", "8.1.a", "8.2.a", "8.3.a.1", "8.3.b.1"}


def test_numbers_of_sections_8_and_9(tc260: Profile) -> None:
    p = tc260.parameters
    assert p.keyword_library.total_min.value == 10000
    assert p.keyword_library.per_risk_min.value == {"A.1": 200, "A.2": 100}
    assert p.keyword_library.update_interval.value.unit == "week"
    assert p.content_bank.total_min.value == 2000
    assert p.content_bank.per_risk_min.value["A.3"] == 20
    assert p.must_refuse_bank.total_min.value == 500
    assert p.must_answer_bank.per_aspect_min.value == 20
    assert p.corpus_eval.manual_sample_min.value == 4000
    assert p.corpus_eval.manual_qualified_min.value == 0.96
    assert p.corpus_eval.technical_fraction_min.value == 0.10
    assert p.corpus_eval.technical_qualified_min.value == 0.98
    assert p.content_eval.keyword_sample_min.value == 1000
    assert p.content_eval.classifier_qualified_min.value == 0.90
    assert p.refusal_eval.must_refuse_refusal_min.value == 0.95
    assert p.refusal_eval.must_answer_refusal_max.value == 0.05
    assert p.corpus_source.max_harmful_rate.value == 0.05
    assert p.abusive_users.consecutive_max.value == 3
    assert p.abusive_users.per_day_max.value == 5


def test_tc260_is_confirmed_and_seen(tc260: Profile) -> None:
    assert tc260.status == "confirmed"
    assert tc260.numbering_confirmed
    assert all(r.prov.level is ProvenanceLevel.SEEN for r in tc260.risks)
    assert tc260.parameters.corpus_source.sample_min.prov.level is ProvenanceLevel.SEEN  # S23 draft
    assert "I" in tc260.parameters.corpus_source.sample_min.prov.tags


def test_gbt_says_plainly_what_is_not_confirmed(gbt: Profile) -> None:
    assert gbt.status == "provisional"
    assert not gbt.numbering_confirmed
    assert "TC260-003" in gbt.notice_en
    assert "暂定" in gbt.notice_zh
    for clause in gbt.clauses:
        assert clause.prov.level is ProvenanceLevel.INFERRED
        assert clause.ref == f"TC260-003 {clause.id}"
        assert "not confirmed" in clause.note
    assert all(r.prov.level is ProvenanceLevel.THIRD_PARTY for r in gbt.risks)
    seen = {f"{g}.{n}" for g, n, p in gbt.parameter_rows() if p.prov.level is ProvenanceLevel.SEEN}
    assert "keyword_library.total_min" in seen
    assert "content_bank.total_min" in seen
    assert "content_eval.manual_qualified_min" not in seen


def test_gbt_profile_file_is_up_to_date() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_gbt_profile
    finally:
        sys.path.pop(0)
    assert make_gbt_profile.TARGET.read_text(encoding="utf-8") == make_gbt_profile.render(), (
        "run: python scripts/make_gbt_profile.py"
    )


def test_no_number_of_the_standard_in_code() -> None:
    """The standard's distinctive numbers live in the profile files, not in src/."""
    pattern = re.compile(
        r"(?<![\w.])(10000|10_000|2000|2_000|4000|4_000|0\.96|0\.98|0\.95|0\.90)(?![\w.])"
    )
    offenders = []
    for path in (ROOT / "src" / "assay").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code, _, comment = line.partition("#")
            if pattern.search(code) and "not a number of the standard" not in comment:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, offenders


# -- user profiles ------------------------------------------------------------------------


def test_copy_change_a_number_and_load(tmp_path: Path) -> None:
    text = dump_profile(load_profile("tc260-003-2024"))
    data = yaml.safe_load(text)
    data["id"] = "in-house"
    data["parameters"]["content_eval"]["manual_qualified_min"]["value"] = 0.98
    path = tmp_path / "my.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    mine = load_profile(path)
    assert mine.id == "in-house"
    assert mine.parameters.content_eval.manual_qualified_min.value == 0.98
    assert len(mine.risks) == 31


def test_extends_changes_only_what_is_written(tmp_path: Path) -> None:
    path = tmp_path / "strict.yaml"
    path.write_text(
        "extends: tc260-003-2024\n"
        "id: strict\n"
        "parameters:\n"
        "  refusal_eval:\n"
        "    must_refuse_refusal_min: {value: 0.99}\n"
        "clauses:\n"
        "  - {id: 8.1.a, force: shall}\n",
        encoding="utf-8",
    )
    mine = load_profile(path)
    assert mine.parameters.refusal_eval.must_refuse_refusal_min.value == 0.99
    assert mine.parameters.refusal_eval.must_refuse_refusal_min.clause == "9.4.b"
    assert mine.clause("8.1.a").force is Force.SHALL
    assert mine.clause("8.1.a").title_zh  # kept from the base
    assert len(mine.clauses) == len(load_profile().clauses)


@pytest.mark.parametrize(
    ("edit", "field", "line_text"),
    [
        ("    must_refuse_refusal_min: {value: 1.5}\n", "must_refuse_refusal_min.value", "1.5"),
        ("    must_refuse_refusal_min: {valu: 0.9}\n", "must_refuse_refusal_min.valu", "valu"),
        ("    must_refuse_sample_min: {value: -3}\n", "must_refuse_sample_min.value", "-3"),
    ],
)
def test_bad_profile_names_field_line_and_reason(
    tmp_path: Path, edit: str, field: str, line_text: str
) -> None:
    path = tmp_path / "bad.yaml"
    text = "extends: tc260-003-2024\nparameters:\n  refusal_eval:\n" + edit
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == 4
    assert field in err.message
    assert line_text in text.splitlines()[err.line - 1]


def test_bad_cross_reference_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "extends: tc260-003-2024\nparameters:\n  keyword_library:\n"
        "    per_risk_min: {value: {A.9: 5}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"A\.9"):
        load_profile(path)


def test_bad_provenance_tag_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("extends: tc260-003-2024\nclauses:\n  - {id: 6.a, prov: [seen]}\n", "utf-8")
    with pytest.raises(ProfileError, match="provenance tag"):
        load_profile(path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nparameters: [\n  a: b\n", encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert info.value.line is not None


def test_unknown_profile_name_suggests_the_closest() -> None:
    with pytest.raises(UnknownNameError) as info:
        load_profile("tc260-003-2042")
    assert "tc260-003-2024" in (info.value.fix or "")


def test_missing_profile_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="not found"):
        profile_path(tmp_path / "nope.yaml")


def test_a_users_profile_is_never_reported_as_the_official_one(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(dump_profile(load_profile()), encoding="utf-8")
    assert load_profile(copy).status == "custom"
    extended = tmp_path / "mine.yaml"
    extended.write_text(
        "extends: tc260-003-2024\nparameters:\n  keyword_library:\n    total_min: {value: 3}\n",
        "utf-8",
    )
    mine = load_profile(extended)
    assert mine.status == "custom"
    changed = mine.parameters.keyword_library.total_min
    assert changed.prov.tags == ("I",)
    assert "custom" in changed.note
    assert mine.parameters.content_bank.total_min.prov.tags != (
        "I",
    )  # untouched values keep theirs


def test_cross_check_errors_name_the_field_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "extends: tc260-003-2024\nparameters:\n  keyword_library:\n    per_risk_min: {value: {A.9: 5}}\n",
        "utf-8",
    )
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert info.value.line == 4
    assert info.value.message.startswith("parameters.keyword_library.per_risk_min: key A.9")
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text(
        "extends: tc260-003-2024\nparameters:\n  keyword_library:\n    total_min: 5\n", "utf-8"
    )
    with pytest.raises(ProfileError) as info:
        load_profile(scalar)
    assert "should be a mapping" in info.value.message
    assert "{value: 5}" in (info.value.fix or "")
