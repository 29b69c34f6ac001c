"""The target of a run: the project's, one given on the command line, or the one a stored run
used (``--resume``), rebuilt from the spec the store kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assay.config import ProjectConfig
from assay.errors import ConfigError
from assay.store.runstore import RunStore
from assay.targets.base import Target
from assay.targets.config import build_target, stored_config
from assay.targets.openai import OpenAITarget, OpenAITargetConfig
from assay.targets.sheet import AnswerSheetConfig, AnswerSheetTarget


@dataclass(frozen=True)
class TargetChoice:
    """A target named outside ``assay.yaml``: an answer sheet to replay, or an OpenAI-compatible
    ``url`` with its ``model`` (the project's other target settings kept)."""

    answers: Path | None = None
    url: str | None = None
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"


def target_for(config: ProjectConfig, choice: TargetChoice | None = None) -> Target:
    """The target of a new run: ``choice`` when given, else the project's ``target:``."""
    if choice is not None and choice.answers is not None:
        return AnswerSheetTarget(AnswerSheetConfig(path=choice.answers))
    if choice is not None and choice.url is not None:
        if not choice.model:
            raise ConfigError("--target-url needs --model", fix="pass --model NAME")
        base = config.target if isinstance(config.target, OpenAITargetConfig) else None
        fields = base.model_dump() if base else {}
        fields.update(base_url=choice.url, model=choice.model, api_key_env=choice.api_key_env)
        return OpenAITarget(OpenAITargetConfig(**fields))
    if config.target is None:
        raise ConfigError(
            "no target", fix="set target: in assay.yaml, or pass --target-url/--model or --answers"
        )
    return build_target(config.target)


def resumed_target(store: RunStore, run_id: str, config: ProjectConfig | None) -> Target:
    """The target a stored run was asked with, rebuilt from the spec it stored (every setting
    kept; the secrets, which were not stored, come from the project's own target)."""
    own = config.target if config is not None else None
    return build_target(stored_config(store.run(run_id).target, own, run=f"run {run_id}"))
