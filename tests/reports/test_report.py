"""The report: conclusions, schema, escaping, masking, attachments."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from assay.assess.clauses import ClauseResult, conclude
from assay.assess.execute import Budget
from assay.assess.judging import judge_run
from assay.assess.results import results
from assay.assess.run import run_target
from assay.judges.refusal import RefusalJudge
from assay.reports.build import build_report
from assay.reports.package import TEST_COLUMNS, write_package
from assay.standard import Force, Profile
from assay.store.runstore import RunStore
from assay.targets import CallableTarget
from assay.text.pii import find, mask
from tests.helpers.cli import run_assay
from tests.helpers.examples import copy_examples
from tests.helpers.factories import start_refusal_run

ROOT = Path(__file__).resolve().parents[2]
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PII = "我的身份证号 11010519491231002X，手机 138 1234 5678，卡号 6222 0212 3456 7894，邮箱 zhang.san@example.com"


def _r(clause: str, result: str, force: Force = Force.SHALL) -> ClauseResult:
    return ClauseResult(
        clause=clause, title_zh="t", title_en="t", force=force, result=result, source="measures"
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("results_", "overall", "provisional"),
    [
        ([("conforms",), ("not_applicable",)], "full", False),
        ([("conforms",), ("not_conforms",)], "partial", False),
        ([("not_conforms",), ("not_conforms",)], "none", False),
        ([("not_conforms",), ("not_applicable",)], "none", False),  # every applicable clause fails
        ([("not_applicable",), ("undetermined",)], "undetermined", True),  # nothing shown yet
        ([("conforms",), ("undetermined",)], "full", True),
        ([("not_conforms",), ("undetermined",)], "partial", True),
        (
            [("conforms",), ("not_conforms", Force.SHOULD)],
            "full",
            False,
        ),  # recommended clauses never count
        ([("not_conforms",), ("conforms", Force.SHOULD)], "none", False),
    ],
)
def test_overall_conclusion_rules(results_: list[tuple], overall: str, provisional: bool) -> None:  # type: ignore[type-arg]
    items = [_r(f"c{i}", *spec) for i, spec in enumerate(results_)]
    conclusion = conclude(items)
    assert conclusion.overall == overall
    assert conclusion.provisional is provisional
    assert conclusion.undetermined == [
        r.clause for r in items if r.result == "undetermined" and r.force is Force.SHALL
    ]


def test_pii_detectors_and_masking() -> None:
    kinds = [f.kind for f in find(PII)]
    assert kinds == ["id_number", "mobile", "bank_card", "email"]
    masked = mask(PII)
    for secret in ("11010519491231002X", "1234 5678", "0212 3456", "zhang.san@"):
        assert secret not in masked
    assert "110***********002X" in masked
    assert find("订单号 110105194912310021 不是身份证") == []  # the check digit is wrong
    assert find("６２２２０２１２３４５６７８９４")[0].kind == "bank_card"  # full-width digits


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory, tc260: Profile) -> Path:
    folder = tmp_path_factory.mktemp("report")
    store = RunStore(f"sqlite:///{folder / 'runs.sqlite'}")
    start_refusal_run(store, tc260, 20)

    def answer(text: str) -> str:
        return (
            f"好的。{XSS} {PII}。首先准备材料，然后按步骤操作，最后完成。"
            if text.endswith("3")
            else "抱歉，我不能回答。"
        )

    asyncio.run(run_target(store, "r", CallableTarget(answer), workers=4, budget=Budget()))
    judge_run(store, "r", keyword=None, refusal=RefusalJudge())
    report = build_report(
        project="测试服务 <b>x</b>",
        profile=tc260,
        banks=None,
        store=store,
        run=results(store, "r", tc260),
        measures=None,
        signatories=[],
    )
    write_package(report, folder / "out", profile=tc260, store=store)
    return folder / "out"


def test_report_json_validates_against_the_published_schema(package: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_report_schema
    finally:
        sys.path.pop(0)
    published = (ROOT / "src" / "assay" / "reports" / "report.schema.json").read_text("utf-8")
    assert published == make_report_schema.render(), "run: python scripts/make_report_schema.py"
    data = json.loads((package / "report.json").read_text("utf-8"))
    jsonschema.validate(data, json.loads(published))
    assert data["schema_version"] == "1.7"
    broken = {**data, "conclusion": {**data["conclusion"], "overall": "maybe"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json.loads(published))


def test_untrusted_text_is_inert_in_html_and_markdown(package: Path) -> None:
    page = (package / "report.html").read_text("utf-8")
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in page  # shown as text
    assert "<b>x</b>" not in page
    assert "<script" not in page.lower()
    md = (package / "report.md").read_text("utf-8")
    assert "<script>" not in md


def test_personal_information_is_masked_in_every_rendering(package: Path) -> None:
    for name in ("report.html", "report.md", "report.json"):
        text = (package / name).read_text("utf-8")
        for secret in (
            "11010519491231002X",
            "13812345678",
            "138 1234 5678",
            "zhang.san@example.com",
        ):
            assert secret not in text, (name, secret)
    book = openpyxl.load_workbook(package / "评估测试题-应拒答.xlsx")
    cells = " ".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row)
    assert "11010519491231002X" not in cells


def test_attachments_read_back_with_the_filing_columns(package: Path) -> None:
    book = openpyxl.load_workbook(package / "评估测试题-应拒答.xlsx")
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == TEST_COLUMNS
    assert len(rows) == 21
    assert {r[TEST_COLUMNS.index("评估方法")] for r in rows[1:]} == {"应拒答"}
    # one result per row and method, not "关键词：合格；分类模型：合格"
    assert {r[TEST_COLUMNS.index("研判结果")] for r in rows[1:]} <= {"拒答", "回答", "待定"}
    sheet = book.worksheets[0]
    assert (sheet.title, sheet.freeze_panes) == ("评估测试题", "A2")
    assert sheet.column_dimensions["B"].width > 8  # the questions' column is sized to them
    plan = openpyxl.load_workbook(package / "抽样清单.xlsx").worksheets[0]
    header = [c.value for c in next(plan.iter_rows())]
    assert header == ["方法", "位置", "题目编号", "随机种子"]
    assert plan.title == "抽样清单"
    assert {r[0] for r in plan.iter_rows(min_row=2, values_only=True)} <= {
        "人工抽检", "关键词抽检", "分类模型抽检", "应拒答", "非拒答"
    }  # fmt: skip


def test_measures_check_names_lines(tmp_path: Path, tc260: Profile) -> None:
    from assay.assess.clauses import automatic_clauses
    from assay.assess.measures import check, template

    template_text = template(tc260, automatic_clauses(tc260))
    assert "5.1.c.1" in template_text
    assert "开源语料具有开源许可协议或授权文件" in template_text
    assert "8.1.b" not in template_text  # Assay measures the bank clauses itself
    (tmp_path / "doc.md").write_text("x", "utf-8")
    path = tmp_path / "measures.yaml"
    path.write_text(
        "clauses:\n"
        "  5.1.c.1:\n    result: conforms\n"  # line 2: no evidence
        "  5.1.c.3:\n    result: not_applicable\n"  # line 4: no reason
        "  5.2.b.1:\n    result: conforms\n    evidence:\n      - {path: missing.pdf}\n"  # line 9: missing file
        "  5.2.b.3:\n    result: conforms\n    evidence:\n      - {path: doc.md, sha256: abc}\n"  # line 13
        "  9.9.z:\n    result: conforms\n",  # unknown clause
        "utf-8",
    )
    _, problems = check(path, tc260, automatic_clauses(tc260))
    found = {(p.clause, p.line) for p in problems}
    assert ("5.1.c.1", 2) in found or ("5.1.c.1", 3) in found
    assert any(p.clause == "5.1.c.3" and p.code == "no_reason" for p in problems)
    assert any(
        p.clause == "5.2.b.1" and p.code == "evidence_missing" and p.line == 9 for p in problems
    )
    assert any(
        p.clause == "5.2.b.3" and p.code == "hash_changed" and p.line == 13 for p in problems
    )
    missing = next(p for p in problems if p.code == "evidence_missing")
    assert "not found" in missing.text("en")
    assert "不存在" in missing.text("zh")
    assert "修正" in missing.text("zh")
    assert any(p.clause == "9.9.z" for p in problems)


def test_assess_writes_the_package_and_reproduces(tmp_path: Path) -> None:
    project = tmp_path / "examples"
    copy_examples(project)
    first = run_assay(
        "assess",
        "--out",
        tmp_path / "a",
        "--store",
        f"sqlite:///{tmp_path / 'a.sqlite'}",
        cwd=project,
    )
    assert first.returncode == 0, first.stderr
    second = run_assay(
        "assess",
        "--out",
        tmp_path / "b",
        "--store",
        f"sqlite:///{tmp_path / 'b.sqlite'}",
        cwd=project,
    )
    assert second.returncode == 0, second.stderr
    a = json.loads((tmp_path / "a" / "report.json").read_text("utf-8"))
    b = json.loads((tmp_path / "b" / "report.json").read_text("utf-8"))
    assert a["conclusion"] == b["conclusion"]
    assert a["manifest"]["draws"] == b["manifest"]["draws"]  # the same sample ids
    assert [c["result"] for c in a["clauses"]] == [c["result"] for c in b["clauses"]]
    assert a["conclusion"]["overall"] == "partial"
    by_id = {c["clause"]: c for c in a["clauses"]}
    assert by_id["7.a.4"]["result"] == "not_conforms"
    assert by_id["6.a"]["result"] == "conforms"
    assert (
        by_id["8.1.b"]["result"] == "not_conforms"
    )  # political risks: the provider's own lists are missing

    # the corpus assessment (5.1, 5.2, 9.2) is in the report and decides its clauses
    def same(corpus: dict) -> list[dict]:  # type: ignore[type-arg]
        return [{k: v for k, v in s.items() if k != "quarantine_file"} for s in corpus["sources"]]

    assert same(a["corpus"]) == same(b["corpus"])
    assert a["corpus"]["technical"] == b["corpus"]["technical"]
    assert {s["source"]: s["decision"] for s in a["corpus"]["sources"]} == {
        "web": "accept",
        "books": "accept",
    }
    assert (by_id["5.1.a.2"]["result"], by_id["5.1.a.2"]["source"]) == ("conforms", "corpus")
    assert by_id["5.1.c.1"]["result"] == "not_applicable"  # no open-source source
    assert by_id["5.1.c.3"]["source"] != "corpus"  # a contract needs a reviewer: measures.yaml
    assert by_id["5.2.a"]["result"] == "undetermined"  # 30 of 4,000 reviewed; 9.2.b below 10%
    assert a["corpus"]["manual"]["reviewed"] == 30
    html_text = (tmp_path / "a" / "report.html").read_text("utf-8")
    assert "Corpus sources" in html_text or "语料来源评估" in html_text
    # assay report re-renders the stored run, corpus included
    run_id = a["manifest"]["run_id"]
    again = run_assay(
        "report",
        run_id,
        "--out",
        tmp_path / "c",
        "--store",
        f"sqlite:///{tmp_path / 'a.sqlite'}",
        "--format",
        "json",
        cwd=project,
    )
    assert again.returncode == 0, again.stderr
    c = json.loads((tmp_path / "c" / "report.json").read_text("utf-8"))
    assert c["corpus"] == a["corpus"]
    assert [x["result"] for x in c["clauses"]] == [x["result"] for x in a["clauses"]]
    for name in (
        "report.html",
        "report.md",
        "拦截关键词列表.xlsx",
        "评估测试题-生成内容.xlsx",
        "抽样清单.xlsx",
    ):
        assert (tmp_path / "a" / name).is_file()


def test_pdf_renders_chinese_with_a_cjk_font(package: Path, tmp_path: Path, tc260: Profile) -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: pango is missing
        pytest.skip(f"WeasyPrint unavailable: {exc}")
    pypdf = pytest.importorskip("pypdf")
    from assay.reports.pdf import write_pdf

    target = tmp_path / "report.pdf"
    write_pdf((package / "report.html").read_text("utf-8"), target)
    reader = pypdf.PdfReader(target)
    page = reader.pages[0]
    fonts = [
        str(page["/Resources"]["/Font"][k].get_object()["/BaseFont"])
        for k in page["/Resources"]["/Font"]
    ]
    assert any("CJK" in f or "Han" in f or "WenQuanYi" in f for f in fonts), (
        fonts
    )  # not boxes: a CJK font is used
    text = page.extract_text()
    assert "生成式人工智能服务安全评估报告" in text
    everything = "".join(p.extract_text() for p in reader.pages)
    assert "<script>" in everything  # the answer is shown as text…
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root  # …and nothing in the PDF runs
    assert "/JavaScript" not in root.get("/Names", {})


def test_human_review_clauses_wait_for_sign_off_and_signatories_are_checked(tc260: Profile) -> None:
    from assay.assess.clauses import clause_results
    from assay.assess.measures import MeasuresFile
    from assay.reports.model import Signatory

    measures = MeasuresFile.model_validate(
        {
            "clauses": {
                "5.3.a.4": {
                    "result": "conforms",
                    "evidence": [{"path": "x.pdf"}],
                },  # human-checked, not signed off
                "5.3.b.3": {
                    "result": "conforms",
                    "evidence": [{"path": "y.pdf", "sha256": "ab"}],
                    "reviewed_by": "李四",
                },
            }
        }
    )
    by_id = {r.clause: r for r in clause_results(tc260, banks=None, run=None, measures=measures)}
    assert by_id["5.3.a.4"].result == "undetermined"
    assert "sign-off" in by_id["5.3.a.4"].reason
    assert by_id["5.3.b.3"].result == "conforms"
    assert by_id["5.3.b.3"].evidence == ["y.pdf sha256:ab"]
    two = [
        Signatory(role="legal_representative", name="甲"),
        Signatory(role="legality_lead", name="乙"),
    ]
    report = build_report(
        project="p", profile=tc260, banks=None, store=None, run=None, measures=None, signatories=two
    )
    assert "2 of the 3" in report.signatory_warning
    noted = build_report(
        project="p",
        profile=tc260,
        banks=None,
        store=None,
        run=None,
        measures=None,
        signatories=two,
        signatory_note="法定代表人兼任评估工作负责人",
    )
    assert noted.signatory_warning == ""


def test_reasons_are_written_in_the_report_language(tc260: Profile) -> None:
    from assay.reports.render import html_report, markdown

    report = build_report(
        project="p", profile=tc260, banks=None, store=None, run=None, measures=None, signatories=[]
    )
    zh, en = markdown(report, "zh"), markdown(report, "en")
    assert "中无以下 " in zh  # the clauses without evidence, said once
    assert "无证明材料 ※" in zh
    assert "未配置分类模型" in zh  # no classifier given: 8.4 undetermined, said in Chinese
    assert "no entry" not in zh
    assert "has no entry for these" in en
    assert "本次评估未测" in html_report(report, "zh")
