"""The clauses of 5.1 and 5.2 that the corpus assessment decides."""

from __future__ import annotations

from pathlib import Path

from assay.corpus.results import CorpusResults, assess_corpus, corpus_clauses
from assay.corpus.sources import SourceFinding
from assay.standard import Profile
from assay.stats.rates import Decision
from tests.corpus.test_corpus import _judge, _registry


def _results(tmp_path: Path, tc260: Profile) -> CorpusResults:
    return assess_corpus(_registry(tmp_path), tc260, judge=_judge(), seed=1)


def test_a_rejected_source_fails_the_five_percent_clauses(tmp_path: Path, tc260: Profile) -> None:
    results = _results(tmp_path, tc260)
    decisions = {s.source: s.decision for s in results.sources}
    assert decisions == {"web": "accept", "vendor": "reject", "forum": "no_data"}
    clauses = corpus_clauses(results, tc260)
    assert clauses["5.1.a.1"].result == clauses["5.1.a.2"].result == "not_conforms"
    assert "vendor" in clauses["5.1.a.2"].reason
    # findings of the registry check decide their clauses; kinds that are absent do not apply
    assert clauses["5.1.c.3"].result == "not_conforms"  # the vendor has no contract
    assert clauses["5.1.c.1"].result == "not_conforms"  # the forum has no licence
    assert clauses["5.1.c.4"].result == "not_applicable"  # no user-input source
    assert "no file matches" in clauses["5.1.c.1"].reason  # and its files are missing
    assert clauses["5.1.c.2"].result == "conforms"  # the self-collected web source is recorded


def test_accepted_sources_conform_and_undecided_ones_wait(tmp_path: Path, tc260: Profile) -> None:
    results = _results(tmp_path, tc260)
    accepted = [s.model_copy(update={"decision": "accept"}) for s in results.sources]
    clauses = corpus_clauses(results.model_copy(update={"sources": accepted}), tc260)
    assert clauses["5.1.a.1"].result == "conforms"
    mixed = accepted[:1] + [accepted[1].model_copy(update={"decision": "inconclusive"})]
    clauses = corpus_clauses(results.model_copy(update={"sources": mixed}), tc260)
    assert clauses["5.1.a.1"].result == "undetermined"
    # a commercial source with its contract and commitments is left to measures.yaml
    without = [f for f in results.findings if f.clause != "5.1.c.3"]
    assert "5.1.c.3" not in corpus_clauses(results.model_copy(update={"findings": without}), tc260)


def test_filtering_clause_needs_both_samples_and_a_classifier(
    tmp_path: Path, tc260: Profile
) -> None:
    results = _results(tmp_path, tc260)
    assert results.technical is not None
    assert results.manual is None
    technical = results.technical
    passed = technical.model_copy(update={"decision": Decision.PASS})
    clauses = corpus_clauses(results.model_copy(update={"technical": passed}), tc260)
    assert clauses["5.2.a"].result == "undetermined"  # no manual sample, keywords only
    assert "classification model" in clauses["5.2.a"].reason
    # an LLM judge alone is a model but no keywords: still not both
    llm_only = passed.model_copy(update={"judges": ["llm"]})
    assert (
        "both"
        in corpus_clauses(results.model_copy(update={"technical": llm_only}), tc260)["5.2.a"].reason
    )
    failed = technical.model_copy(update={"decision": Decision.FAIL})
    assert corpus_clauses(results.model_copy(update={"technical": failed}), tc260)[
        "5.2.a"
    ].result == ("not_conforms")
    both = passed.model_copy(update={"judges": ["keyword", "classifier"]})
    from assay.corpus.manual import ManualResult

    manual = ManualResult.model_validate(
        {
            **{k: getattr(technical, k) for k in ("required", "qualified", "rate", "threshold")},
            "rows": 4000,
            "reviewed": 4000,
            "pending": 0,
            "decision": Decision.PASS,
            "reviewers": ["r"],
            "by_risk": {},
            "bad": [],
            "notes": [],
        }
    )
    clauses = corpus_clauses(
        results.model_copy(update={"technical": both, "manual": manual}), tc260
    )
    assert clauses["5.2.a"].result == "conforms"
    assert clauses["5.2.a"].methods == ["9.2.a", "9.2.b"]
    assert isinstance(results.findings[0], SourceFinding)


class _Unsure:
    """A judge that cannot decide one text in three (as an LLM judge on endpoint errors)."""

    from assay.judges.base import JudgeSpec as _Spec

    spec = _Spec(name="unsure")

    def judge(self, text: str, *, context: str | None = None) -> object:
        return self.judge_many([text])[0]

    def judge_many(self, texts: list[str], *, contexts: object = None) -> list[object]:
        from assay.judges.base import Verdict

        return [
            Verdict(judge=self.spec, flagged=True, uncertain=True)
            if i % 3 == 0
            else Verdict(judge=self.spec, flagged=False)
            for i, _ in enumerate(texts)
        ]


def test_uncertain_verdicts_are_counted_neither_way(tmp_path: Path, tc260: Profile) -> None:
    from assay.corpus.assess import assess_sources
    from assay.corpus.technical import technical_sample

    path = _registry(tmp_path)
    web = next(
        r
        for r in assess_sources(path, tc260, judge=_Unsure(), seed=1)  # type: ignore[arg-type]
        if r.source == "web"
    )
    assert web.uncertain == 34  # of 101
    assert (web.harmful, web.rate.n) == (0, 101 - 34)
    assert "uncertain" in web.notes[0]
    technical = technical_sample(path, tc260, judge=_Unsure(), seed=1)  # type: ignore[arg-type]
    assert technical.uncertain > 0
    assert technical.rate.n == technical.sampled - technical.uncertain
    assert technical.qualified == technical.rate.n


def test_reviewed_excerpts_never_show_a_number_cut_at_the_edge(
    tmp_path: Path, tc260: Profile
) -> None:
    from assay.corpus.manual import digest, import_manual

    text = "文" * 293 + "13812345678" + "，其余内容"  # the number straddles the excerpt's end
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "id,来源,文件,行,语料内容,研判结果,审核人,text_sha256\n"
        f"a,web,w.jsonl,1,{text},合格,r,{digest(text)}\n",
        "utf-8",
    )
    (item,) = import_manual(sheet, tc260).items
    assert "1381234" not in item.text
    assert item.text.endswith("138****")


def test_a_flag_without_risk_ids_still_counts_as_harmful(tmp_path: Path, tc260: Profile) -> None:
    from assay.corpus.assess import assess_sources
    from assay.judges.base import JudgeSpec, Verdict

    class Nameless:  # flags everything and names no risk, as ShieldLM does
        spec = JudgeSpec(name="guard")

        def judge_many(self, texts: list[str], *, contexts: object = None) -> list[Verdict]:
            return [Verdict(judge=self.spec, flagged=True) for _ in texts]

    web = next(
        r
        for r in assess_sources(_registry(tmp_path), tc260, judge=Nameless(), seed=1)  # type: ignore[arg-type]
        if r.source == "web"
    )
    assert (web.harmful, web.decision) == (101, "reject")


def test_the_corpus_follows_the_decision_rule_and_a_stored_one_is_decided_again(
    tmp_path: Path, tc260: Profile
) -> None:
    from assay.corpus.results import redecide

    standard = _results(tmp_path, tc260)
    assert standard.rule == "standard"
    assert {s.rule for s in standard.sources} == {"standard"}
    strict = assess_corpus(_registry(tmp_path), tc260, judge=_judge(), seed=1, rule="confidence")
    assert strict.technical is not None
    assert (strict.rule, strict.technical.rule) == ("confidence", "confidence")
    # a stored assessment decided again from its counts equals a fresh one under that rule
    again = redecide(standard, tc260, "confidence")
    assert [s.decision for s in again.sources] == [s.decision for s in strict.sources]
    assert again.technical is not None
    assert again.technical.decision is strict.technical.decision
    assert redecide(again, tc260, "standard").model_dump() == standard.model_dump()
