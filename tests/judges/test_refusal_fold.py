"""The refusal rules' phrases are folded by the very normalizer that folds the replies."""

from __future__ import annotations

import re

import pytest

from assay.errors import AssayError
from assay.judges.refusal import lexicon as lx
from assay.judges.refusal import rules as rules_module
from assay.judges.refusal.fold import FoldedPattern, fold_pattern, folder
from assay.judges.refusal.rules import Rules


def test_literal_text_is_folded_and_syntax_is_kept() -> None:
    fold = folder().text
    assert (
        fold_pattern(r"(?:怎么|這麼)[^。！？\n]{0,8}\b", fold) == r"(?:怎幺|这幺)[^。!\?\n]{0,8}\b"
    )
    # a full-width character that folds to syntax becomes a literal
    assert fold_pattern("（注）？", fold) == r"\(注\)\?"
    assert re.fullmatch(fold_pattern("（注）？", fold), fold("（注）？"))
    # escapes and case are left alone (\S is not \s)
    assert fold_pattern(r"\S+\W\D", fold) == r"\S+\W\D"
    # an escaped non-ASCII character is a literal like any other
    assert fold_pattern("\\麼", fold) == "幺"


def test_a_class_cannot_hold_what_folds_to_several_characters() -> None:
    with pytest.raises(AssayError, match="character class"):
        fold_pattern("[℃度]", folder().text)
    assert fold_pattern("(?:℃|度)", folder().text) == "(?:°c|度)"


def test_every_phrase_the_rules_compile_is_in_folded_form() -> None:
    """Folding a compiled phrase again changes nothing: the phrases and the replies meet."""
    rules = Rules()
    again = folder().pattern
    compiled = [p for lang in rules.families.values() for ps in lang.values() for p in ps]
    compiled += [*rules.sympathy.values(), *(p for ps in rules.comply.values() for p in ps)]
    assert len(compiled) > len(lx.ZH_REFUSE) + len(lx.EN_REFUSE)
    for pattern in compiled:
        assert again(pattern.pattern) == pattern.pattern


def test_the_rules_own_patterns_with_chinese_text_are_folded() -> None:
    """A module-level pattern of the rules with any non-ASCII text is a FoldedPattern."""
    for name, value in vars(rules_module).items():
        patterns = value.values() if isinstance(value, dict) else [value]
        for p in patterns:
            if isinstance(p, re.Pattern):
                assert p.pattern.isascii(), f"{name} holds text the fold changes: fold it"
            if isinstance(p, FoldedPattern):
                assert folder().pattern(p.compiled.pattern) == p.compiled.pattern
