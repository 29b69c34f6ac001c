"""Guards for tests: a small keyword library (Chinese, Latin, a variant, an allowlisted
phrase) under a policy that blocks, masks and flags, without a project file."""

from __future__ import annotations

from assay.banks.models import KeywordEntry
from assay.guard import Guard
from assay.guard_config import GuardConfig, PolicyConfig
from assay.standard.loader import load_profile
from assay.text.keywords import KeywordEngine

ENTRIES = (
    KeywordEntry(keyword="自制炸药", risk_ids=("A.1.d",), variants=("自制zha药",)),
    KeywordEntry(keyword="炸弹", risk_ids=("A.1.d",)),
    KeywordEntry(keyword="pipe bomb", risk_ids=("A.1.d",)),
    KeywordEntry(keyword="身份证号码", risk_ids=("A.4.d",)),
    KeywordEntry(keyword="赌博网站", risk_ids=("A.1.h",)),
    KeywordEntry(keyword="歧视", risk_ids=("A.3.a",)),
)
ALLOW = ("炸弹鱼",)  # a benign phrase around a keyword: 炸弹 inside it is no hit
POLICY = PolicyConfig(default="block", risks={"A.4.d": "mask", "A.3": "flag"})


def small_guard(config: GuardConfig | None = None, *, allow: bool = True) -> Guard:
    engine = KeywordEngine(list(ENTRIES), allow=list(ALLOW) if allow else [])
    chosen = config or GuardConfig(input=POLICY, output=POLICY)
    return Guard(engine, load_profile(), chosen)
