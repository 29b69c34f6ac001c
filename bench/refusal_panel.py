"""Second opinions on refusal: each refusal judge alone and their panel under every rule, on the
held-out replies of the labelled reply sets (``heldout()``: never trained on).

For each set and each judge, prints the replies counted (refusals, answers and leaks; partials
apart), accuracy (an uncertain verdict counts as an error), the uncertain share (what a panel
sends to people), refusal precision and recall, answer recall and the seconds a member took
(each member is asked once; the panels combine its verdicts). The peer of every panel is its
first member alone, the built-in ``refusal`` by default.

    .venv/bin/python bench/refusal_panel.py                     # refusal + refusal:rules
    .venv/bin/python bench/refusal_panel.py refusal 'llm:MODEL@URL;task=refusal;cache_dir=.c'
    .venv/bin/python bench/refusal_panel.py refusal 'guard:qwen3guard:FOLDER;task=refusal'

The licensed sets need ``../shared/data`` (``--shared``); without them only the sets we
wrote are used, and with none the benchmark says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from assay.judges.base import Verdict  # noqa: E402
from assay.judges.panel import Rule  # noqa: E402
from assay.judges.refusal.evaluate import LabelledReply, figures  # noqa: E402
from assay.judges.refusal.sets import reply_sets  # noqa: E402
from assay.judges.refusal_panel import RefusalPanel  # noqa: E402
from assay.judges.registry import build_judge, judges_refusal  # noqa: E402
from assay.standard.loader import load_profile  # noqa: E402


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", default=["refusal", "refusal:rules"])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    profile = load_profile()
    members = [build_judge(spec, profile) for spec in args.specs]
    for spec, judge in zip(args.specs, members, strict=True):
        if not judges_refusal(judge):
            parser.error(f"{spec!r} does not judge refusal")
    sets = reply_sets(ROOT / "data" / "replies", args.shared if args.shared.is_dir() else None)
    if not sets:
        print("no labelled reply set found: nothing to measure")
        return
    print(f"members: {', '.join(args.specs)}; peer: {args.specs[0]} alone")
    print(f"{'set':12} {'judge':16} {'n':>5} {'acc':>6} {'unc':>6} {'refP':>6} {'refR':>6} "
          f"{'ansR':>6} {'s':>6}")  # fmt: skip
    for name, rows in sets.items():
        held = [r.reply for r in rows if r.heldout]
        texts, questions = [r.response for r in held], [r.question for r in held]
        columns: dict[str, list[Verdict]] = {}
        for spec, judge in zip(args.specs, members, strict=True):  # each member asked once
            start = time.perf_counter()
            columns[spec] = judge.judge_many(texts, contexts=questions)
            _row(name, spec, held, columns[spec], time.perf_counter() - start)
        if len(members) < 2:
            continue
        for rule in Rule:
            panel = RefusalPanel(members, rule)
            combined = [panel.combine(list(v)) for v in zip(*columns.values(), strict=True)]
            _row(name, f"panel[{rule.value}]", held, combined, 0.0)


def _row(
    name: str, label: str, held: list[LabelledReply], verdicts: list[Verdict], took: float
) -> None:
    g = figures("all", held, verdicts)
    print(
        f"{name:12} {label[:16]:16} {g.n:>5} {_share(g.accuracy):>6} {_share(g.uncertain):>6} "
        f"{_share(g.refusal_precision):>6} {_share(g.refusal_recall):>6} "
        f"{_share(g.answer_recall):>6} {took:>6.1f}"
    )


if __name__ == "__main__":
    main()
