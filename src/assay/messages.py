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
