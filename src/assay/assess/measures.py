"""``measures.yaml``: the provider's evidence for the clauses Assay cannot measure itself (9.1).

One entry per clause: its result, the reason, the evidence files (with their SHA-256), and
where the result is "does not conform" the explanation 9.1 b) ② asks for: a different measure
with the same effect and its proof, or the measures taken and the plan to meet the requirement.
Clauses checked by human review need the name of whoever signed them off.

``assay measures init`` writes a template with every such clause; ``assay measures check``
validates the file and names the line of every problem.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.errors import ConfigError
from assay.messages import t
from assay.standard.models import CheckMethod, Clause, Profile, Result
from assay.yamlfile import LineMap, load_yaml, validation_error


class EvidenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: Path
    sha256: str | None = None
    note: str = ""


class MeasureEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: Result = "undetermined"
    reason: str = ""
    evidence: list[EvidenceFile] = Field(default_factory=list)
    alternative_measure: str = ""
    remediation_plan: str = ""
    reviewed_by: str = ""


class MeasuresFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clauses: dict[str, MeasureEntry] = Field(default_factory=dict)


class Problem(BaseModel):
    """One problem of measures.yaml: a code (``measures.problem.<code>`` and ``…<code>_fix`` in
    the message catalogue) and the value it names (a result, an evidence file), said in words
    by :meth:`text`."""

    file: str
    line: int | None
    clause: str
    code: str  # unknown_clause, automatic, no_evidence, no_reason, no_plan, no_signoff,
    # evidence_missing, hash_changed
    value: str = ""

    def text(self, lang: str) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f"measures.problem.{self.code}"
        value = t(self.value, lang) if self.code == "no_reason" else self.value  # a result
        said = t(key, lang, value=value)
        fix = t("measures.fix", lang, fix=t(f"{key}_fix", lang))
        return f"{where}{t('sep.colon', lang)}{self.clause}{t('sep.colon', lang)}{said}{fix}"

    def __str__(self) -> str:
        return self.text("en")


def evidence_clauses(profile: Profile, automatic: set[str]) -> list[Clause]:
    """The clauses a provider answers for in measures.yaml: all those Assay does not measure."""
    return [c for c in profile.clauses if c.id not in automatic]


def template(profile: Profile, automatic: set[str]) -> str:
    """A measures.yaml to fill in, with every evidence clause and what it expects."""
    lines = [
        "# measures.yaml — evidence for the clauses of chapters 5 to 8 that Assay cannot measure",
        f"# profile: {profile.id}. For each clause: result (conforms / not_conforms / not_applicable /",
        "# undetermined), reason, evidence files (their sha256 is checked when given), and for",
        "# not_conforms the alternative measure with its proof or the remediation plan (9.1 b) ②).",
        "# Clauses checked by human review also need reviewed_by. `assay measures check` validates this file.",
        "clauses:",
    ]
    for clause in evidence_clauses(profile, automatic):
        checks = ", ".join(m.value for m in clause.checks)
        force = (
            "应 shall"
            if clause.force.value == "shall"
            else "宜 should (does not affect the overall conclusion)"
        )
        lines += [
            f"  # {clause.title_zh}",
            f"  # {clause.title_en}",
            f"  # force: {force}; checked by: {checks}; expects: {_expects(clause)}",
            f"  {_key(clause.id)}:",
            "    result: undetermined",
            '    reason: ""',
            "    evidence: []",
        ]
        if CheckMethod.HUMAN in clause.checks:
            lines.append('    reviewed_by: ""')
    return "\n".join(lines) + "\n"


def load(path: Path) -> tuple[MeasuresFile, LineMap]:
    data, lines = load_yaml(path)
    try:
        return MeasuresFile.model_validate(data or {}), lines
    except ValidationError as exc:
        raise validation_error(exc, path, lines) from None


def check(path: Path, profile: Profile, automatic: set[str]) -> tuple[MeasuresFile, list[Problem]]:
    """Validate measures.yaml against the profile; every problem names its line."""
    measures, lines = load(path)
    known = {c.id: c for c in profile.clauses}
    problems: list[Problem] = []

    def problem(clause: str, loc: tuple[str | int, ...], code: str, value: str = "") -> None:
        line = lines.line(("clauses", clause, *loc))
        problems.append(Problem(file=str(path), line=line, clause=clause, code=code, value=value))

    for clause_id, entry in measures.clauses.items():
        clause = known.get(clause_id)
        if clause is None:
            problem(clause_id, (), "unknown_clause")
            continue
        if clause_id in automatic:
            problem(clause_id, (), "automatic")
        if entry.result == "conforms" and not entry.evidence:
            problem(clause_id, ("evidence",), "no_evidence")
        if entry.result in ("not_applicable", "not_conforms") and not entry.reason.strip():
            problem(clause_id, ("reason",), "no_reason", entry.result)
        if entry.result == "not_conforms" and not (
            entry.alternative_measure or entry.remediation_plan
        ):
            problem(clause_id, ("result",), "no_plan")
        if (
            entry.result != "undetermined"
            and CheckMethod.HUMAN in clause.checks
            and not entry.reviewed_by
        ):
            problem(clause_id, ("result",), "no_signoff")
        for i, evidence in enumerate(entry.evidence):
            file = evidence.path if evidence.path.is_absolute() else path.parent / evidence.path
            if not file.is_file():
                problem(clause_id, ("evidence", i), "evidence_missing", str(evidence.path))
            elif evidence.sha256 and sha256(file) != evidence.sha256:
                problem(clause_id, ("evidence", i), "hash_changed", str(evidence.path))
    return measures, problems


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _key(clause_id: str) -> str:
    return yaml.safe_dump(clause_id).strip().removesuffix("...").strip()


def _expects(clause: Clause) -> str:
    if CheckMethod.EVIDENCE in clause.checks:
        return "documents (policies, contracts, records, screenshots)"
    if CheckMethod.HUMAN in clause.checks:
        return "a reviewer's judgment, signed off"
    return "measurements or records"


def require(path: Path) -> None:
    if not path.is_file():
        raise ConfigError(
            "measures file not found", file=path, fix="create it with assay measures init"
        )
