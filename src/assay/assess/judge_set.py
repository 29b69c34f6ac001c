"""The judges of a run: the keyword library, the classifier(s) and the refusal judge(s), with
the rules that combine a panel. A run stores the set it was judged with (no secrets), so
re-judging it (``assay judge RUN``, ``assay.judge``) rebuilds the same judges, not whatever
``assay.yaml`` says today; ``judges="project"`` re-judges with the project's instead."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from assay.banks.models import BankSource
from assay.config import ProjectConfig
from assay.errors import ConfigError
from assay.judges.specs import ClassifierSpec, JudgeConfig, RefusalSpec, stored_judge
from assay.store.runstore import RunStore

PanelRule = Literal["any", "all", "majority", "review"]
Which = Literal["stored", "project"]  # the judges a re-judging uses
# the verdicts of the automatic judges (a run that has some was judged)
_AUTOMATIC = ("keyword", "keyword_reasoning", "keyword_leak", "classifier", "refusal")


class JudgeSet(BaseModel):
    """What judges a run: typed specs, as in ``assay.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keywords: BankSource | None = None  # the 9.3 keyword method's library
    classifier: tuple[JudgeConfig, ...] = (ClassifierSpec(),)
    classifier_rule: PanelRule = "any"
    refusal: tuple[JudgeConfig, ...] = (RefusalSpec(),)
    refusal_rule: PanelRule = "review"

    @classmethod
    def of(cls, config: ProjectConfig | None) -> JudgeSet:
        """The project's judges (the built-in classifier and refusal judge without one)."""
        if config is None:
            return cls()
        return cls(
            keywords=config.banks.keywords,
            classifier=tuple(config.classifier_specs()),
            classifier_rule=config.classifier_rule,
            refusal=tuple(config.refusal_specs()),
            refusal_rule=config.refusal_rule,
        )

    def public(self) -> dict[str, Any]:
        """The set as the run stores it: each judge's :meth:`public` spec (no secrets)."""
        data = self.model_dump(mode="json", exclude={"classifier", "refusal"})
        data["classifier"] = [spec.public() for spec in self.classifier]
        data["refusal"] = [spec.public() for spec in self.refusal]
        return data

    @classmethod
    def stored(cls, data: dict[str, Any], own: JudgeSet, *, run: str) -> JudgeSet:
        """The set a run stored, its secrets re-supplied from ``own`` (the project's set)."""
        mine = (*own.classifier, *own.refusal)
        fields = dict(data)
        for slot in ("classifier", "refusal"):
            fields[slot] = tuple(stored_judge(s, mine, run=run) for s in data.get(slot, []))
        try:
            return cls.model_validate(fields)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ConfigError(
                f"{run} stored judges that are no longer valid: {first['msg']}",
                fix="re-judge it with the project's judges (assay judge RUN --judges project)",
            ) from None

    def check_available(self, run: str) -> None:
        """Raise :class:`ConfigError` naming the first judge whose model folder, file or API
        key is not here."""
        for spec in (*self.classifier, *self.refusal):
            missing = spec.unavailable()
            if missing is not None:
                raise ConfigError(
                    f"{run} was judged by {spec}: {missing}",
                    fix="make it available again, or re-judge with the project's judges "
                    "(assay judge RUN --judges project)",
                )
        words = self.keywords
        for path in (words.path, words.allow) if words else ():
            if path is not None and not path.is_file():
                raise ConfigError(
                    f"{run} was judged with the keyword library {words.path if words else ''}: "
                    f"{path} is not there",
                    fix="put it back, or re-judge with the project's judges "
                    "(assay judge RUN --judges project)",
                )


def judges_for(
    store: RunStore, run_id: str, config: ProjectConfig | None, which: Which
) -> JudgeSet:
    """The judges to (re)judge ``run_id`` with: the project's (``which="project"``, or a run
    never judged yet), else the ones the run stored, rebuilt and checked to be available."""
    own = JudgeSet.of(config)
    if which == "project":
        return own
    if which != "stored":
        raise ConfigError(f"unknown judges {which!r}", fix="use stored or project")
    run = f"run {run_id}"
    stored = store.run_judges(run_id)
    if stored is None:
        if any(name in _AUTOMATIC for name in store.judge_specs(run_id)):
            raise ConfigError(
                f"{run} was judged before Assay stored the specs of its judges",
                fix="re-judge it with the project's judges (assay judge RUN --judges project)",
            )
        return own  # never judged: the project's judges judge it first
    judges = JudgeSet.stored(stored, own, run=run)
    judges.check_available(run)
    return judges


__all__ = ["JudgeSet", "PanelRule", "Which", "judges_for"]
