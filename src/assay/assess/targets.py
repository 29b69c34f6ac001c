"""The target of a run: the project's, one given on the command line, or the one a stored run
used (``--resume``), rebuilt from the spec the store kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.config import ProjectConfig
from assay.errors import ConfigError
from assay.redact import MASK, redact_url
from assay.store.runstore import RunStore
from assay.targets.base import Target
from assay.targets.config import build_target
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
    """The target a stored run was asked with, rebuilt from its spec (secrets, which were not
    stored, come from the project's own target when it is the same one)."""
    spec: dict[str, Any] = dict(store.run(run_id).target)
    rebuild = _REBUILD.get(str(spec.get("kind")))
    if rebuild is None:
        raise ConfigError(
            f"run {run_id} used a {spec.get('kind')} target that cannot be rebuilt here",
            fix="resume it from Python with the same target (assay.run(..., target=...))",
        )
    return rebuild(spec, run_id, config)


def _sheet(spec: dict[str, Any], run_id: str, config: ProjectConfig | None) -> Target:
    return AnswerSheetTarget(AnswerSheetConfig(path=Path(spec["path"])))


def _openai(spec: dict[str, Any], run_id: str, config: ProjectConfig | None) -> Target:
    own = config.target if config and isinstance(config.target, OpenAITargetConfig) else None
    spec["headers"] = own.headers if own else {}
    spec.pop("concurrency", None)  # the run's concurrency governs
    if own is not None and redact_url(own.base_url) == spec.get("base_url"):
        spec["base_url"] = own.base_url  # the stored one had its credentials masked
    elif MASK in str(spec.get("base_url")):
        raise ConfigError(
            f"run {run_id} was asked at a base_url with credentials, which were not stored",
            fix="put the same target (with its base_url) in assay.yaml and resume again",
        )
    return OpenAITarget(OpenAITargetConfig(**spec))


_REBUILD: dict[str, Callable[[dict[str, Any], str, ProjectConfig | None], Target]] = {
    "answer_sheet": _sheet,
    "openai": _openai,
}
