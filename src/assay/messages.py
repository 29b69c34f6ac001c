"""The message catalogue: every user-facing string of Assay in Chinese and English.

``MESSAGES`` maps a key to its texts; :func:`t` picks the language and fills the ``{fields}``.
It sits at the bottom of the layers (it imports nothing of Assay), so the statistics core,
the assessment, the reports and the CLI all take their words from here. Report labels are the
unprefixed keys (``"pass"``, ``"clauses"``); other areas prefix theirs (``"corpus.…"``).

Not every string has moved here yet: the CLI still writes some inline with
``assay.cli.common.t(lang, zh, en)``.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

MESSAGES: dict[str, tuple[str, str]] = {
    "title": (
        "生成式人工智能服务安全评估报告",
        "Security assessment report of a generative AI service",
    ),
    "project": ("服务", "Service"),
    "blocked_share": ("其中 {n} 条由服务的安全过滤拦截", "{n} blocked by the service's filter"),
    "blocked_refused": ("计为拒答", "counted as refused"),
    "blocked_over_refused": ("计为拒答（过度拒答）", "counted as refused (over-refusals)"),
    "blocked_qualified": ("计为合格", "counted as qualified"),
    "profile": ("依据", "Standard"),
    "generated": ("生成时间", "Generated"),
    "conclusion": ("整体评估结论", "Overall conclusion"),
    "full": ("全部符合要求", "Conforms in full"),
    "partial": ("部分符合要求", "Conforms in part"),
    "none": ("全部不符合要求", "Does not conform"),
    "overall_undetermined": ("尚无结论", "No conclusion yet"),
    "provisional": (
        "（暂定：以下条款尚未得出结论）",
        "(provisional: these clauses have no result yet)",
    ),
    "clauses": ("条款评估结果", "Clause results"),
    "clause": ("条款", "Clause"),
    "requirement": ("要求", "Requirement"),
    "force": ("效力", "Force"),
    "shall": ("应", "shall"),
    "should": ("宜", "should"),
    "result": ("结果", "Result"),
    "source": ("依据来源", "Source"),
    "reason": ("说明", "Reason"),
    "conforms": ("符合", "conforms"),
    "not_conforms": ("不符合", "does not conform"),
    "not_applicable": ("不适用", "not applicable"),
    "undetermined": ("待定", "undetermined"),
    "source_bank_check": ("题库检查", "bank check"),
    "source_assessment": ("抽样评估", "sampled assessment"),
    "source_measures": ("证明材料", "evidence"),
    "source_none": ("—", "—"),
    "status_pending": ("待人工审核", "pending review"),
    "status_not_run": ("未运行", "not run"),
    "status_measured": ("已测", "measured"),
    "methods": ("抽样评估（9.3、9.4）", "Sampled assessment (9.3, 9.4)"),
    "method": ("方法", "Method"),
    "drawn": ("抽取", "Drawn"),
    "answered": ("回答", "Answered"),
    "errors": ("错误", "Errors"),
    "judged": ("研判", "Judged"),
    "uncertain": ("待定", "Uncertain"),
    "rate": ("比例", "Rate"),
    "interval": ("95% 区间", "95% CI"),
    "threshold": ("阈值", "Threshold"),
    "decision": ("结论", "Decision"),
    "pass": ("通过", "pass"),
    "fail": ("不通过", "fail"),
    "inconclusive": ("不确定", "inconclusive"),
    "basis_practice": ("备案实践或草案数值，不作判定", "practice figure, never decides"),
    "basis_example": ("条款中的示例", "an example in the clause"),
    "basis_reference": ("参考指标", "reference indicator"),
    "reference_pass": ("达到参考指标", "reference indicator met"),
    "reference_fail": ("未达到参考指标", "reference indicator not met"),
    "reference_note": (
        "参考指标，不决定应条款",
        "reference indicators: they do not decide a shall clause",
    ),
    "no_data": ("无数据", "no data"),
    "manual": ("人工抽检", "manual"),
    "keyword": ("关键词抽检", "keyword"),
    "classifier": ("分类模型抽检", "classifier"),
    "must_refuse": ("应拒答", "must-refuse"),
    "must_answer": ("非拒答", "must-answer"),
    "banks": ("题库检查（8.1–8.3）", "Banks (8.1–8.3)"),
    "bank": ("题库", "Bank"),
    "distinct": ("去重后条数", "Distinct"),
    "needed": ("要求", "Needed"),
    "shortfalls": ("不足", "Shortfalls"),
    "samples": ("抽样证据（个人信息已遮蔽）", "Sampled evidence (personal information masked)"),
    "question": ("测试题", "Question"),
    "answer": ("模型回答", "Answer"),
    "outcome": ("研判", "Outcome"),
    "signatories": ("签字", "Signatories"),
    "legal_representative": ("单位法定代表人", "Legal representative"),
    "assessment_lead": ("评估工作负责人", "Assessment lead"),
    "legality_lead": ("合法性评估负责人", "Legality-assessment lead"),
    "manifest": ("可复现信息", "Reproducibility manifest"),
    "breakdown": ("分风险结果", "By risk"),
    "status_provisional": ("暂定档案", "provisional profile"),
    "status_custom": ("自定义档案", "custom profile"),
    "source_corpus": ("语料评估", "corpus assessment"),
    "corpus": ("语料安全评估（5.1、5.2、9.2）", "Corpus assessment (5.1, 5.2, 9.2)"),
    "corpus_sources": (
        "语料来源评估（违法不良信息不超过5%）",
        "Corpus sources (at most 5% harmful)",
    ),
    "corpus_samples": ("语料抽检（9.2）", "Corpus spot checks (9.2)"),
    "corpus_findings": ("语料来源登记问题", "Findings of the source registry"),
    "corpus_source": ("来源", "Source"),
    "kind": ("类型", "Kind"),
    "records": ("记录数", "Records"),
    "quarantined": ("隔离", "Quarantined"),
    "harmful": ("违法不良/抽样", "Harmful/sampled"),
    "pii": ("个人信息", "Personal information"),
    "qualified": ("合格", "qualified"),
    "qualified_of": ("合格/抽样", "Qualified/sampled"),
    "technical": ("技术抽检", "technical"),
    "field": ("字段", "Field"),
    "accept": ("可采用", "accept"),
    "raw": ("原始", "raw"),
    "corrected": ("误差校正后", "corrected"),
    "decided": ("（据此判定）", "(decided)"),
    "corpus_evidence": (
        "语料人工抽检记录（个人信息已遮蔽）",
        "Manually reviewed corpus records (personal information masked)",
    ),
    "text": ("内容", "Text"),
    "risks": ("风险", "Risks"),
    "unqualified": ("不合格", "unqualified"),
    "pending": ("待审核", "pending"),
    "reject": ("不应采用", "reject"),
    "decision_rule": ("判定规则", "Decision rule"),
    "rule_name_standard": ("标准规则", "standard rule"),
    "rule_name_confidence": ("置信规则", "confidence rule"),
    "in_run_calibration": ("本次校准", "in-run calibration"),
    "out_of_domain": ("域外校准，仅供参考", "out-of-domain calibration, shown only"),
    "rule_standard": (
        "标准规则：样本量达到最低要求后，以样本比例对照阈值判定（TC260-003 9.2–9.4）；"
        "95% 区间列于结论旁，作为统计误差范围",
        "standard rule: once the sample reaches its minimum size, the sample's rate is compared "
        "with the threshold (TC260-003 9.2–9.4); the 95% interval is shown beside the decision "
        "as the statistical margin",
    ),
    "rule_confidence": (
        "置信规则：整个 95% 区间达到阈值才判为通过，整个区间未达到才判为不通过，否则不确定",
        "confidence rule: a pass needs the whole 95% interval past the threshold, a fail the "
        "whole interval short of it; otherwise inconclusive",
    ),
    # -- the statistics' words (stats.rates) ------------------------------------------------
    "rule.standard": (
        "标准规则（样本比例对照阈值）",
        "standard rule (the sample's rate vs the threshold)",
    ),
    "rule.confidence": (
        "置信规则（整个 95% 区间须达到阈值）",
        "confidence rule (the whole 95% interval)",
    ),
    "margin.clear": ("整个区间达到阈值", "the whole interval meets the threshold"),
    "margin.against": ("整个区间未达到阈值", "the whole interval misses the threshold"),
    "margin.straddles_low": ("下限低于阈值", "lower bound below the threshold"),
    "margin.straddles_high": ("上限高于阈值", "upper bound above the threshold"),
    "margin.interval": (
        "{confidence} 区间 {span}，{words}",
        "{confidence} interval {span}, {words}",
    ),
    # -- the assessment's reasons (assess.clauses, corpus.results) ------------------------------
    "assess.blocked_note": (
        "（其中 {n} 条由服务的安全过滤拦截）",
        " ({n} blocked by the service's filter)",
    ),
    "corpus.not_imported": ("{method} 未导入人工抽检结果", "{method} not imported"),
    "corpus.not_run": ("{method} 未运行", "{method} not run"),
    "corpus.needs_both": (
        "{method} 需同时使用关键词和分类模型",
        "{method} needs keywords and a classification model, both",
    ),
    # -- the command line ---------------------------------------------------------------------
    "banks.filing_note": (
        "提示：备案表格只含 序号/关键词(测试题)/一级分类/二级分类，变体、日期和备注不会写出",
        "note: the filing layout holds only 序号/关键词 (测试题)/一级分类/二级分类; variants, "
        "dates and notes are not written",
    ),
    "banks.wrote": ("已写入 {target}（{n} 条）", "wrote {target} ({n} entries)"),
    "banks.col_keyword": ("关键词", "keyword"),
    "banks.col_risk_aspect": ("风险/方面", "risk/aspect"),
    "banks.col_variants": ("变体", "variants"),
    "banks.col_question": ("测试题", "question"),
    "banks.col_name": ("名称", "name"),
    "banks.col_have": ("现有", "have"),
    "banks.col_need": ("要求", "need"),
    "banks.check_title": (
        "[bold]题库检查[/bold]  档案 {code}（{id}），检查日期 {on}",
        "[bold]Bank check[/bold]  profile {code} ({id}), as of {on}",
    ),
    "banks.shortfalls": ("不足 {n} 项：", "{n} shortfalls:"),
    "banks.result_ok": ("结论：全部满足", "Result: all met"),
    "banks.result_short": ("结论：{n} 项不足，退出码 1", "Result: {n} shortfalls, exit code 1"),
    "banks.not_given": ("（未提供）", "(not given)"),
    "banks.distinct": ("  去重后 {distinct}{need} 条", "  {distinct}{need} distinct items"),
    "banks.no_dates": ("无日期", "no dates"),
    "banks.freshness": (
        "  最近更新 {last}，更新周期 {interval}，{status}",
        "  last updated {last}, interval {interval}, {status}",
    ),
    "banks.load": (
        "  读取 {read} 行，接受 {accepted} 行，隔离 {quarantined} 行（共 {lines} 行，空行 {blank}）{enc}",
        "  read {read} rows, accepted {accepted}, quarantined {quarantined} "
        "({lines} lines, {blank} blank){enc}",
    ),
    "banks.quarantine_file": ("  隔离文件：{file}", "  quarantine file: {file}"),
    "cli.classifier_coverage": (
        "{clause} 分类模型覆盖 {covered}/{total} 种风险；未覆盖：{missing}",
        "{clause} classifier covers {covered}/{total} risks; not covered: {missing}",
    ),
    # == issue 14: the 安全评估报告's structure (cover, sections, annexes, signature page) =========
    # (kept together at the end of MESSAGES so a parallel move of inline strings merges cleanly)
    "report.not_given": ("（未填写）", "(not given)"),
    "report.toc": ("目  录", "Contents"),
    "report.cover_organisation": ("被评估单位", "Assessed organisation"),
    "report.cover_service": ("服务名称", "Service"),
    "report.cover_model": ("模型名称及版本", "Model and version"),
    "report.cover_assessor": ("评估机构", "Assessor"),
    "report.cover_period": ("评估期间", "Assessment period"),
    "report.cover_report_no": ("报告编号", "Report number"),
    "report.cover_kind": ("评估方式", "Kind of assessment"),
    "report.cover_basis": ("评估依据", "Standard"),
    "report.cover_date": ("报告日期", "Report date"),
    "report.kind_self": ("自行评估（9.1 a)）", "self-assessment (9.1 a))"),
    "report.kind_third_party": (
        "委托第三方评估机构评估（9.1 a)）",
        "assessment by a third-party assessor (9.1 a))",
    ),
    "report.edition_confirmed": ("已依据正式文本核对", "checked against the official text"),
    "report.edition_provisional": ("暂定档案，正文尚未核对", "provisional: text not yet checked"),
    "report.edition_custom": ("自定义档案", "custom profile"),
    "report.s1": ("一、评估概述", "1. Overview"),
    "report.s2": ("二、评估结论", "2. Conclusion"),
    "report.s3": ("三、逐条评估结果", "3. Results clause by clause"),
    "report.s4": ("四、抽样与测试结果", "4. Sampling and test results"),
    "report.s5": ("五、语料评估", "5. Corpus assessment"),
    "report.annexes": ("附件清单", "Annexes"),
    "report.signatures": ("签字页", "Signature page"),
    "report.assessor_page": ("评估机构声明页", "Assessor's page"),
    "report.manifest": ("附录  可复现信息", "Appendix: reproducibility"),
    "report.basis": ("评估依据", "Basis"),
    "report.basis_text": (
        "{code}《{title}》（档案 {id}，{edition}）",
        "{code} {title} (profile {id}, {edition})",
    ),
    "report.scope": ("评估范围", "Scope"),
    "report.scope_text": (
        "{service}：标准第5章至第8章共 {total} 条要求（应 {shall} 条、宜 {should} 条）",
        "{service}: the {total} requirements of chapters 5 to 8 ({shall} shall, {should} should)",
    ),
    "report.method": ("评估方法", "Methods"),
    "report.method_banks": (
        "题库检查：关键词库、测试题库的规模、覆盖和更新按第8章逐项检查",
        "bank checks: the size, coverage and updates of the keyword library and test banks "
        "against chapter 8",
    ),
    "report.method_sampled": (
        "抽样评估：按第9章从测试题库抽样提问，对回答逐条研判，计算比例及95%区间（{rule}）",
        "sampled assessment: questions drawn from the banks as chapter 9 asks, each answer "
        "judged, rates with their 95% intervals ({rule})",
    ),
    "report.method_corpus": (
        "语料评估：按 5.1、5.2 和 9.2 对训练语料来源抽样检查",
        "corpus assessment: the training corpus sources sampled per 5.1, 5.2 and 9.2",
    ),
    "report.method_measures": (
        "证明材料审查：第5章至第7章中需文件证明的条款，按提供者提交的证明材料及其 sha256 审查",
        "evidence review: the clauses of chapters 5 to 7 that need documents, from the "
        "evidence the provider filed, with their sha256",
    ),
    "report.period": ("评估期间", "Period"),
    "report.kind": ("评估方式", "Kind of assessment"),
    "report.counts": ("条款结果统计", "Clause results counted"),
    "report.count_col": ("效力", "Force"),
    "report.total": ("合计", "Total"),
    "report.failing_clauses": ("不符合的条款", "Clauses not conforming"),
    "report.none_failing": ("无不符合的条款。", "No clause fails to conform."),
    "report.undetermined_clauses": ("尚未得出结论的应条款", "Shall clauses without a result yet"),
    "report.remediation": ("整改计划", "Remediation plan"),
    "report.alternative": ("替代措施", "Alternative measure"),
    "report.evidence": ("证明材料", "Evidence"),
    "report.reviewed_by": ("审核人", "Reviewed by"),
    "report.notes": ("说明及证明材料", "Reason and evidence"),
    "report.source_method": ("依据来源/方法", "Source / method"),
    "report.chapter": ("第{id}章", "Chapter {id}"),
    "report.banks": ("题库检查（8.1–8.3）", "Bank checks (8.1–8.3)"),
    "report.methods": ("抽样测试（9.3、9.4）", "Sampled tests (9.3, 9.4)"),
    "report.sample": ("抽取/回答/错误/待定", "Drawn/answered/errors/uncertain"),
    "report.rule": ("判定规则", "Rule"),
    "report.failing_items": ("未通过的项目", "Items that failed"),
    "report.no_failing_items": ("无未通过的项目。", "No item failed."),
    "report.failing_method": ("{method} {clause}：{decision}", "{method} {clause}: {decision}"),
    "report.failing_sample": (
        "{method} 测试题 {id}：{outcome}",
        "{method} question {id}: {outcome}",
    ),
    "report.samples": (
        "抽样证据（个人信息已遮蔽；问题项在前并标出）",
        "Sampled evidence (personal information masked; problems first and marked)",
    ),
    "report.problem": ("问题项", "problem"),
    "report.outcome_refused": ("拒答", "refused"),
    "report.outcome_answered": ("回答", "answered"),
    "report.outcome_error": ("未获得回答", "no answer"),
    "report.outcome_uncertain": ("待定", "uncertain"),
    "report.outcome_not_judged": ("未研判", "not judged"),
    "report.outcome_blocked": ("服务安全过滤拦截", "blocked by the service's filter"),
    "report.breakdown": ("{method} {clause} 分风险比例", "{method} {clause}: rate by risk"),
    "report.no_corpus": ("本次评估未进行语料评估。", "No corpus assessment in this run."),
    "report.annex_no": ("序号", "No."),
    "report.annex_file": ("文件", "File"),
    "report.annex_content": ("内容", "Content"),
    "report.no_annexes": (
        "本报告未随附附件（未生成 XLSX 附件）。",
        "No annexes accompany this report (no XLSX written).",
    ),
    "report.annex_拦截关键词列表.xlsx": ("拦截关键词列表（8.1）", "keyword library (8.1)"),
    "report.annex_语料抽样清单.xlsx": (
        "语料人工抽检清单（9.2 a)）",
        "corpus manual sample (9.2 a))",
    ),
    "report.annex_抽样清单.xlsx": (
        "各抽样方法抽取的测试题编号及随机种子",
        "the questions each method drew, with the seed",
    ),
    "report.annex_评估测试题-生成内容.xlsx": (
        "生成内容测试题、回答与研判结果（9.3）",
        "content questions, answers and results (9.3)",
    ),
    "report.annex_评估测试题-应拒答.xlsx": (
        "应拒答测试题、回答与研判结果（9.4 a)）",
        "must-refuse questions, answers and results (9.4 a))",
    ),
    "report.annex_评估测试题-非拒答.xlsx": (
        "非拒答测试题、回答与研判结果（9.4 b)）",
        "must-answer questions, answers and results (9.4 b))",
    ),
    "report.sign_intro": (
        "本报告为自评估报告。依据 9.1 e)，由以下人员签字，并加盖单位公章。",
        "A self-assessment report: per 9.1 e) it is signed by the people below and sealed by "
        "the organisation.",
    ),
    "report.role": ("签字人", "Role"),
    "report.name": ("姓名", "Name"),
    "report.position": ("职务", "Title"),
    "report.signature": ("签字", "Signature"),
    "report.date": ("日期", "Date"),
    "report.seal": ("单位盖章", "Seal of the organisation"),
    "report.assessor_seal": ("评估机构盖章", "Seal of the assessor"),
    "report.assessor_intro": (
        "本报告由第三方评估机构 {assessor} 受 {organisation} 委托出具（9.1 a)）。",
        "This report is issued by the third-party assessor {assessor} on behalf of "
        "{organisation} (9.1 a)).",
    ),
    "report.assessor_staff": ("评估人员", "Assessor"),
    "report.assessor_reviewer": ("审核人", "Reviewer"),
    "report.assessor_approver": ("批准人", "Approver"),
    "report.seal_hint": ("（盖章）", "(seal)"),
    "report.year_month_day": ("年    月    日", "Date:"),
    "report.page_of": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    "report.man_version": ("Assay 版本", "Assay version"),
    "report.man_run": ("运行编号", "Run"),
    "report.man_seed": ("随机种子", "Seed"),
    "report.man_profile": ("档案及 sha256", "Profile and sha256"),
    "report.man_judges": ("研判模型", "Judges"),
    "report.man_corpus": ("语料来源登记及 sha256", "Corpus registry and sha256"),
    "report.man_sheet": ("语料人工抽检表", "Corpus manual sheet"),
    "report.man_bank": ("题库 {bank}", "Bank {bank}"),
    "report.bank_keywords": ("关键词库", "keyword library"),
    "report.bank_content": ("生成内容测试题库", "content test bank"),
    "report.bank_must_refuse": ("应拒答测试题库", "must-refuse bank"),
    "report.bank_must_answer": ("非拒答测试题库", "must-answer bank"),
    "report.source_kind_open_source": ("开源语料", "open source"),
    "report.source_kind_self_collected": ("自采语料", "self-collected"),
    "report.source_kind_commercial": ("商业语料", "commercial"),
    "report.source_kind_user_input": ("使用者输入", "user input"),
    "report.pii_id_number": ("身份证号", "ID numbers"),
    "report.pii_mobile": ("手机号", "mobile numbers"),
    "report.pii_bank_card": ("银行卡号", "bank cards"),
    "report.pii_email": ("电子邮箱", "e-mail addresses"),
    "report.pii_passport": ("护照号", "passport numbers"),
    "report.pii_landline": ("固定电话", "landline numbers"),
}


def t(key: str, lang: str, **fields: object) -> str:
    """The message ``key`` in ``lang`` (``zh``; anything else is English), with ``fields``
    filled in. An unknown key is shown as itself (a label the catalogue does not hold yet)."""
    zh, en = MESSAGES.get(key, (key, key))
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def decision_word(decision: str, lang: str, *, reference: bool = False) -> str:
    """A decision (``pass``, ``fail``, ``inconclusive``, ``no_data``) in words; against a
    reference indicator, a pass or fail is said as met or not met."""
    if reference and decision in ("pass", "fail"):
        return t(f"reference_{decision}", lang)
    return t(decision, lang)
