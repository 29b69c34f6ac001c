"""Issue 14: the report reads as a 安全评估报告 an assessor signs. The demo project's zh report
has its cover (from assay.yaml's assessment: section), a table of contents, the five numbered
sections, each clause's evidence with its sha256 and its remediation plan (from
examples/measures.yaml), the clauses not conforming first with their titles and reasons, and
the annex list with the real sha256 of each XLSX; a third-party assessment has the assessor's
page instead of the three signatures (9.1 a), e))."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import pytest
import yaml

import assay
from assay.reports.build import build_report
from assay.reports.model import AssessmentInfo, Report, Signatory
from assay.reports.render import html_report, markdown
from assay.standard import Profile
from tests.helpers.examples import copy_examples

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = (
    "一、评估概述",
    "二、评估结论",
    "三、逐条评估结果",
    "四、抽样与测试结果",
    "五、语料评估",
)
RLO = "\u202e"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package `make demo` writes, made through the library in zh."""
    tmp = tmp_path_factory.mktemp("demo")
    project_dir = tmp / "examples"
    copy_examples(project_dir)  # the committed files only: never what a user left in examples/
    project = assay.load_project(project_dir / "assay.yaml")
    assessment = assay.assess(
        project, out=tmp / "out", store=f"sqlite:///{tmp / 'runs.sqlite'}", run_id="demo"
    )
    assay.report(assessment, lang="zh")
    return tmp / "out"


def _config() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "examples" / "assay.yaml").read_text("utf-8"))  # type: ignore[no-any-return]


def _measures() -> dict:  # type: ignore[type-arg]
    text = (ROOT / "examples" / "measures.yaml").read_text("utf-8")
    return yaml.safe_load(text)["clauses"]  # type: ignore[no-any-return]


def _between(page: str, start: str, end: str) -> str:
    return page[page.index(f'id="{start}"') : page.index(f'id="{end}"')]


def test_the_cover_shows_the_assessment_section_of_assay_yaml(demo: Path) -> None:
    page = (demo / "report.html").read_text("utf-8")
    cover = page[page.index('class="cover"') : page.index('id="toc"')]
    given = _config()["assessment"]
    for key in ("organisation", "service", "assessor", "period", "report_no"):
        assert html.escape(given[key]) in cover, key
    assert f"{given['model']} {given['version']}" in cover
    assert "自行评估" in cover  # kind: self, per 9.1 a)
    assert "TC260-003" in cover
    assert "已依据正式文本核对" in cover
    assert "（未填写）" not in cover


def test_the_report_has_a_toc_and_the_five_sections_in_order(demo: Path) -> None:
    page = (demo / "report.html").read_text("utf-8")
    toc = page[page.index('id="toc"') : page.index('id="s1"')]
    for anchor, title in zip(("s1", "s2", "s3", "s4", "s5"), SECTIONS, strict=True):
        assert f'href="#{anchor}">{title}</a>' in toc
        assert f'id="{anchor}">\n<h2>{title}</h2>' in page
    assert 'href="#annexes">附件清单' in toc
    assert 'href="#signatures">签字页' in toc
    positions = [page.index(f"<h2>{title}</h2>") for title in SECTIONS]
    assert positions == sorted(positions)
    md = (demo / "report.md").read_text("utf-8")
    assert all(f"## {title}" in md for title in SECTIONS)


def test_evidence_with_its_sha256_and_the_remediation_plan_are_rendered(demo: Path) -> None:
    page = (demo / "report.html").read_text("utf-8")
    md = (demo / "report.md").read_text("utf-8")
    clauses = _between(page, "s3", "s4")
    measures = _measures()
    for clause in measures.values():
        for item in clause.get("evidence", []):
            assert html.escape(item["path"]) in clauses
            assert item["sha256"] in clauses
            assert item["sha256"] in md
    plan = measures["7.a.4"]["remediation_plan"]
    assert "上线实名认证" in plan
    assert html.escape(plan) in clauses
    assert plan in md  # 「2027年第一季度上线实名认证」


def test_clauses_not_conforming_lead_the_conclusion_with_titles_and_reasons(demo: Path) -> None:
    page = (demo / "report.html").read_text("utf-8")
    data = json.loads((demo / "report.json").read_text("utf-8"))
    conclusion = _between(page, "s2", "s3")
    failing = [c for c in data["clauses"] if c["result"] == "not_conforms"]
    assert failing
    for c in failing:
        assert html.escape(c["title_zh"]) in conclusion, c["clause"]
        assert html.escape(c["reason_zh"] or c["reason"]) in conclusion, c["clause"]
    # the shall clauses first, then the should ones
    order = [conclusion.index(f'<td class="id">{c["clause"]}</td>') for c in failing]
    forces = [c["force"] for _, c in sorted(zip(order, failing, strict=True))]
    assert forces == sorted(forces, key=lambda f: f != "shall")
    counts = data["conclusion"]["counts"]
    assert f'<td class="not_conforms">{counts["not_conforms"]}</td>' in conclusion


def test_the_annex_list_gives_each_xlsx_with_its_real_sha256(demo: Path) -> None:
    page = (demo / "report.html").read_text("utf-8")
    md = (demo / "report.md").read_text("utf-8")
    annexes = page[page.index('id="annexes"') : page.index('id="signatures"')]
    files = sorted([*demo.glob("*.xlsx"), demo / "语料标注规则.md"])  # and the rules' skeleton
    assert len(files) >= 5
    listed = json.loads((demo / "report.json").read_text("utf-8"))["annexes"]
    assert sorted(a["file"] for a in listed) == sorted(f.name for f in files)
    for f in files:
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        assert f.name in annexes
        assert digest in annexes, f.name
        assert digest in md
        assert {"file": f.name, "sha256": digest} in listed


def test_the_sampling_section_lists_the_failing_items(demo: Path) -> None:
    page = (demo / "report.html").read_text("utf-8")
    sampling = _between(page, "s4", "s5")
    data = json.loads((demo / "report.json").read_text("utf-8"))
    for m in data["methods"]:
        assert f"{m['clause']}</td>" in sampling
    # the one must-refuse question the service answered is marked, not a row like the others
    answered = [
        s for s in data["samples"] if s["method"] == "must_refuse" and s["outcome"] == "answered"
    ]
    assert answered
    for s in answered:
        assert f"应拒答 测试题 {s['question_id']}：回答" in sampling
    assert sampling.count('<tr class="bad">') >= len(answered)


def _report(tc260: Profile, assessment: AssessmentInfo | None) -> Report:
    return build_report(
        project="p",
        profile=tc260,
        banks=None,
        store=None,
        run=None,
        measures=None,
        signatories=[
            Signatory(role="legal_representative", name="甲"),
            Signatory(role="assessment_lead", name="乙"),
            Signatory(role="legality_lead", name="丙"),
        ],
        assessment=assessment,
    )


def test_a_third_party_report_has_the_assessor_page_not_three_signatures(tc260: Profile) -> None:
    own = html_report(_report(tc260, AssessmentInfo(assessor="甲公司评估组")), "zh")
    assert '<section class="sign-page" id="signatures">' in own
    assert all(role in own for role in ("单位法定代表人", "评估工作负责人", "合法性评估负责人"))
    assert "单位盖章" in own
    assert "评估机构盖章" not in own
    third = _report(
        tc260, AssessmentInfo(organisation="甲公司", assessor="乙评估中心", kind="third_party")
    )
    page = html_report(third, "zh")
    assert '<section class="sign-page" id="assessor_page">' in page
    assert 'id="signatures"' not in page
    assert "评估机构盖章" in page
    assert "单位盖章" not in page
    assert "单位法定代表人" not in page
    assert "乙评估中心" in page
    assert "委托第三方评估机构评估" in page
    md = markdown(third, "zh")
    assert "## 评估机构声明页" in md
    assert "单位法定代表人" not in md


def test_missing_cover_fields_are_marked_not_given(tc260: Profile) -> None:
    report = _report(tc260, None)
    for lang, shown in (("zh", "（未填写）"), ("en", "(not given)")):
        page = html_report(report, lang)
        cover = page[page.index('class="cover"') : page.index('id="toc"')]
        assert cover.count(f'class="not-given">{shown}') == 5  # all but the service: the project


def test_cover_fields_are_untrusted_text_too(tc260: Profile) -> None:
    report = _report(
        tc260,
        AssessmentInfo(organisation='<script>alert("x")</script>', report_no=f"NO{RLO}1"),
    )
    page, md = html_report(report, "zh"), markdown(report, "zh")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page
    assert RLO not in page
    assert "NO[U+202E]1" in page
    assert "<script>" not in md
    assert RLO not in md


def test_missing_evidence_is_said_once_and_marked_on_each_clause(demo: Path) -> None:
    """Issue 14: "measures.yaml 中无此条款的证明材料" filled ~40 cells. The sentence is now said
    once above each list of clauses, naming them, and each such clause's cell carries a mark."""
    page = (demo / "report.html").read_text("utf-8")
    md = (demo / "report.md").read_text("utf-8")
    data = json.loads((demo / "report.json").read_text("utf-8"))
    missing = [c["clause"] for c in data["clauses"] if c["reason"] == "no entry in measures.yaml"]
    assert len(missing) > 20
    for text in (page, md):
        assert "中无此条款的证明材料" not in text
        assert text.count(f"中无以下 {len(missing)} 条条款的证明材料") == 2  # 二、 and 三、
        assert "、".join(missing) in re.sub(r"</?span[^>]*>", "", text)
    clauses = _between(page, "s3", "s4")
    for clause in missing:
        row = clauses[clauses.index(f'<td class="id">{clause}</td>') :]
        assert "无证明材料 ※" in row[: row.index("</tr>")], clause
    assert md.count("无证明材料 ※") == len(missing) + sum(
        1 for c in data["clauses"] if c["clause"] in missing and c["force"] == "shall"
    )
