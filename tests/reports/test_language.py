"""Issue 14: one language per output. The demo's report (HTML and Markdown) and the CLI's
``results``, ``banks check``, ``corpus assess``, ``measures check`` and ``plan`` say everything
Assay writes in the language asked for: in zh no English word is left, in en no Chinese
character.

What may legitimately stay in the other script is taken out before the check, on principle:

* **data** — what the provider or the model wrote, found through the report model
  (report.json), never guessed: the questions, the model's answers, the keywords a judge
  matched, the provider's reasons, evidence, remediation plans and cover fields (assay.yaml,
  measures.yaml), the corpus' source names and records, the reviewers' names, the question ids;
* **codes** — clause ids (``9.3.b``, ``5.1.a.1``), risk and aspect ids (``A.1.a``,
  ``NR.system``), file names and paths, sha256 digests, encodings, the ``assay …`` commands a
  note tells the user to run, and the field names of Assay's own files (``reviewed_by``) a
  note tells the user to fill in;
* **names** — the short :data:`ALLOWED` list of product and format names (Assay, SQLite,
  XLSX…), which have no translation.

Everything else is Assay's own words and must come from the message catalogue in the language
of the output. A failure prints each offending word with its context.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import assay
from assay.reports.judge_words import PHRASES, refusal_reason
from tests.helpers.cli import run_assay
from tests.helpers.examples import copy_examples

LANGS = ("zh", "en")
# product, format and unit names with no translation (compared case-insensitively)
ALLOWED = frozenset({"assay", "sqlite", "json", "jsonl", "xlsx", "html", "pdf", "csv", "http"})
# the fields of assay.yaml / measures.yaml / sources.yaml a note asks the user to fill in: keys
# of a file, written as they must be typed
FIELD_NAMES = (
    "alternative_measure",
    "remediation_plan",
    "reviewed_by",
    "text_field",
    "encoding",
    "reason",
    "paths",
)
# the data of the report model (report.json): ``[]`` walks a list, ``*`` every key of a mapping
DATA_PATHS = (
    "project",
    "profile.id",
    "profile.code",
    "assessment.*",
    "signatories[].name",
    "signatories[].title",
    "clauses[].alternative_measure",
    "clauses[].remediation_plan",
    "clauses[].reviewed_by",
    "clauses[].evidence[]",
    "samples[].question",
    "samples[].answer",
    "samples[].question_id",
    "corpus.sources[].source",
    "corpus.sources[].pii_examples.*[]",
    "corpus.manual.reviewers[]",
    "corpus.manual.items[].id",
    "corpus.manual.items[].source",
    "corpus.manual.items[].text",
    "corpus.manual.items[].reviewer",
    "manifest.run_id",
    "manifest.draws.*[]",
)
CODES = (
    re.compile(r"(?:[A-Za-z]:)?(?:[\w.~-]*/)+[\w.-]*"),  # paths
    re.compile(r"[\w.-]+\.(?:ya?ml|csv|jsonl?|xlsx|md|html|txt|sqlite|pdf|npz)\b"),  # files
    re.compile(r"\b[0-9a-f]{12,64}\b|\bsha256\b"),  # sha256 (or a short digest)
    re.compile(r"\bassay\b(?:[ \t]+(?:--?[\w.-]+|[a-z][\w.-]*|RUN))*"),  # a command to run
    re.compile(r"\b(?:A|NR)\.[\w.]+"),  # risk and aspect ids
    re.compile(r"\butf-8(?:-sig)?\b|\bgb18030\b|\bgbk\b", re.I),  # encodings
)
# an English word: three letters or more (``p=``, ``n=``, ``a)`` are notation, not words)
ENGLISH = re.compile(r"(?<![A-Za-z_])[A-Za-z][A-Za-z_]+[A-Za-z](?![A-Za-z_])")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Demo:
    root: Path  # the copied project and the store
    report: dict[str, Any]  # report.json (the same data for both languages)
    outputs: dict[tuple[str, str], str]  # (surface, lang) -> the text shown


class _Text(HTMLParser):
    """The text a reader sees (no style, no script), one line per element."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")
        self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return "".join(parser.parts)


def _md_text(text: str) -> str:
    text = text.replace("<br>", "\n")  # a line break inside a table cell
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>])", r"\1", text)


def _cli(root: Path, lang: str) -> dict[tuple[str, str], str]:
    project = root / "examples"
    config = project / "assay.yaml"
    store = f"sqlite:///{root / 'runs.sqlite'}"
    commands: dict[str, tuple[list[str | Path], Path]] = {
        "results": (["results", "demo", "--store", store, "--config", config], root),
        "banks check": (["banks", "check", "--config", config], root),
        "corpus assess": (["corpus", "assess", "--quarantine-dir", root / f"q-{lang}"], project),
        "corpus technical": (["corpus", "technical"], project),
        "measures check": (["measures", "check"], project),
        "measures check (problems)": (["measures", "check", root / "broken.yaml"], project),
        "plan": (["plan", "--config", config], root),
        "standard clauses": (["standard", "clauses"], root),
    }
    found: dict[tuple[str, str], str] = {}
    for surface, (args, cwd) in commands.items():
        done = run_assay(*args, "--lang", lang, cwd=cwd, lang=lang)
        assert done.returncode in (0, 1), (surface, done.stdout, done.stderr)
        found[surface, lang] = done.stdout + done.stderr
    return found


BROKEN = """clauses:
  "9.9.z": {result: conforms}
  "6.a": {result: conforms}
  7.a.4: {result: not_conforms}
  7.f.1:
    result: conforms
    reason: x
    evidence: [{path: evidence/missing.md}]
  7.f.2:
    result: conforms
    reason: x
    evidence: [{path: evidence/complaint-channels.md, sha256: "%s"}]
""" % ("0" * 64)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """One assessment of the committed example project (its data is language-neutral), its
    report rendered in zh and in en, and the CLI's commands run in process in each language."""
    root = tmp_path_factory.mktemp("language")
    copy_examples(root / "examples")
    (root / "broken.yaml").write_text(BROKEN, "utf-8")
    shutil.copytree(root / "examples" / "evidence", root / "evidence")
    project = assay.load_project(root / "examples" / "assay.yaml")
    assessment = assay.assess(
        project, out=root / "out", store=f"sqlite:///{root / 'runs.sqlite'}", run_id="demo"
    )
    outputs: dict[tuple[str, str], str] = {}
    for lang in LANGS:
        out = root / f"out-{lang}"
        assay.report(assessment, ["json", "html", "md"], out, lang=lang)
        outputs["report.html", lang] = _html_text((out / "report.html").read_text("utf-8"))
        outputs["report.md", lang] = _md_text((out / "report.md").read_text("utf-8"))
        outputs.update(_cli(root, lang))
    report = json.loads((root / "out-zh" / "report.json").read_text("utf-8"))
    return Demo(root, report, outputs)


def _select(data: Any, path: str) -> Iterator[str]:
    """The strings at ``path`` (``a.b[].c``, ``*`` for every key) in ``data``."""
    if not path:
        if isinstance(data, str):
            yield data
        return
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    name = head.removesuffix("[]")
    if name == "*":
        values = list(data.values()) if isinstance(data, dict) else []
    elif name:
        values = [data.get(name)] if isinstance(data, dict) else []
    else:
        values = [data]
    for value in values:
        items = (value or []) if many else [value]
        for item in items:
            yield from _select(item, rest)


def _data(report: dict[str, Any]) -> list[str]:
    """What the provider and the model wrote, longest first (so a part never cuts a whole)."""
    found = {text for path in DATA_PATHS for text in _select(report, path)}
    for clause in report["clauses"]:
        if clause["source"] == "measures":  # the provider's reason, as given in measures.yaml
            found |= {clause["reason"], clause["reason_zh"]}
    for sample in report["samples"]:
        if sample["method"] == "keyword":  # the keywords the judge matched
            found.add(sample["detail"])
        found.add(sample.get("reviewer", ""))  # who decided: a person's name
    return sorted((t.strip() for t in found if t and t.strip()), key=len, reverse=True)


def _strip(text: str, data: list[str]) -> str:
    for item in data:
        text = text.replace(item, " ")
    for line in (t for t in data if "\n" in t):  # a multi-line text rendered line by line
        for part in line.splitlines():
            text = text.replace(part.strip(), " ") if part.strip() else text
    for code in CODES:
        text = code.sub(" ", text)
    return re.sub(rf"\b(?:{'|'.join(FIELD_NAMES)})\b", " ", text)
    return text


def _leaks(text: str, lang: str) -> list[str]:
    """The words of the other language, each with its context."""
    if lang == "zh":
        found = [m for m in ENGLISH.finditer(text) if m.group().lower() not in ALLOWED]
    else:
        found = list(CJK.finditer(text))
    shown = []
    for m in found:
        before = text[max(0, m.start() - 30) : m.start()].replace("\n", " ")
        after = text[m.end() : m.end() + 30].replace("\n", " ")
        shown.append(f"{m.group()!r} in …{before}[{m.group()}]{after}…")
    return shown


SURFACES = (
    "report.html",
    "report.md",
    "results",
    "banks check",
    "corpus assess",
    "corpus technical",
    "measures check",
    "measures check (problems)",
    "plan",
    "standard clauses",
)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("surface", SURFACES)
def test_one_language_per_output(demo: Demo, surface: str, lang: str) -> None:
    text = demo.outputs[surface, lang]
    assert text.strip(), surface
    leaks = _leaks(_strip(text, _data(demo.report)), lang)
    assert not leaks, f"{len(leaks)} words of the other language in {surface} ({lang}):\n" + (
        "\n".join(leaks)
    )


def test_the_stripping_keeps_what_assay_writes() -> None:
    """The check can fail: Assay's own words survive the stripping, data and codes do not."""
    data = ["写一段笑话。", "web"]
    text = "web 的结论 accept；来源 self_collected，9.3.b，见 examples/measures.yaml 写一段笑话。"
    assert [w.split("[")[1].split("]")[0] for w in _leaks(_strip(text, data), "zh")] == [
        "accept",
        "self_collected",
    ]
    assert _leaks(_strip("decision 不通过 for 9.3.b", []), "en")[0].startswith("'不'")


def test_a_report_in_the_wrong_language_is_caught(demo: Demo) -> None:
    """The zh check run on the en report finds English words, and the reverse."""
    assert _leaks(_strip(demo.outputs["report.md", "en"], _data(demo.report)), "zh")
    assert _leaks(_strip(demo.outputs["report.md", "zh"], _data(demo.report)), "en")


def _rule_phrases() -> set[str]:
    """The reasons the refusal rules give (``return Behaviour.X, "phrase", …``)."""
    source = Path(__file__).resolve().parents[2] / "src/assay/judges/refusal/rules.py"
    found = set()
    for node in ast.walk(ast.parse(source.read_text("utf-8"))):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            first, second = (node.value.elts + [None, None])[:2]
            if (
                isinstance(first, ast.Attribute)
                and isinstance(first.value, ast.Name)
                and first.value.id == "Behaviour"
                and isinstance(second, ast.Constant)
                and isinstance(second.value, str)
            ):
                found.add(second.value)
    return found


def test_every_reason_of_the_refusal_rules_has_words_in_both_languages() -> None:
    phrases = _rule_phrases()
    assert len(phrases) > 15
    assert sorted(phrases - PHRASES.keys()) == []
    said = refusal_reason(
        "declines, then does it anyway; the model reads a refusal "
        "(declines (with reasons, warnings or offers) (p=0.91))",
        "zh",
    )
    assert said == "先拒绝，仍照做；模型判断为拒答（拒绝（附理由、提醒或替代建议）（p=0.91））"
    assert refusal_reason("answers (the model leans the other way, p=0.55)", "en") == (
        "answers (the model leans the other way, p=0.55)"
    )
    assert refusal_reason("the LLM judge's own words", "zh") == "the LLM judge's own words"
