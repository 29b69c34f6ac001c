"""``target:`` in ``assay.yaml``: one typed config per kind, and one lazy registry that builds
the target a config describes (each kind's implementation and its HTTP client are imported
when a target of that kind is first built).

A run stores its target's config without secrets (:meth:`public` of each kind: header values
and credentials in a URL left out); :func:`stored_config` reads it back into the same typed
config, the secrets taken from the project's own target, so a resumed run asks the target it
started with, every setting kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import Field, TypeAdapter, ValidationError

from assay.errors import ConfigError
from assay.registry import Registry
from assay.targets.base import Target
from assay.targets.openai import OpenAITargetConfig
from assay.targets.sheet import AnswerSheetConfig

AnyTargetConfig = OpenAITargetConfig | AnswerSheetConfig
TargetConfig = Annotated[AnyTargetConfig, Field(discriminator="kind")]
Builder = Callable[[AnyTargetConfig, Path | None], Target]

_ADAPTER: TypeAdapter[AnyTargetConfig] = TypeAdapter(TargetConfig)
_CONFIGS: dict[str, type[AnyTargetConfig]] = {
    member.model_fields["kind"].default: member for member in get_args(AnyTargetConfig)
}


def _openai() -> Builder:
    def build(config: AnyTargetConfig, root: Path | None) -> Target:
        from assay.targets.openai import OpenAITarget

        assert isinstance(config, OpenAITargetConfig)
        return OpenAITarget(config)

    return build


def _answer_sheet() -> Builder:
    def build(config: AnyTargetConfig, root: Path | None) -> Target:
        from assay.targets.sheet import AnswerSheetTarget

        assert isinstance(config, AnswerSheetConfig)
        path = config.path if root is None or config.path.is_absolute() else root / config.path
        return AnswerSheetTarget(config.model_copy(update={"path": path}))

    return build


TARGETS: Registry[Builder] = Registry(
    "target kind", {"openai": _openai, "answer_sheet": _answer_sheet}
)


def build_target(config: AnyTargetConfig, root: Path | None = None) -> Target:
    """The target a config describes; relative paths are taken from ``root``."""
    return TARGETS.get(config.kind)(config, root)


def stored_config(
    stored: Mapping[str, Any], own: AnyTargetConfig | None = None, *, run: str = "the run"
) -> AnyTargetConfig:
    """The typed config of a target spec a run stored (see :meth:`public`), validated by the
    target union, with the secrets the store left out re-supplied from ``own`` (the
    project's target). Raises :class:`ConfigError` when a kind cannot be rebuilt (a Python
    callable) or a secret is not in ``own``; ``run`` names the run in messages."""
    kind = str(stored.get("kind"))
    config = _CONFIGS.get(kind)
    if config is None:
        raise ConfigError(
            f"{run} used a {kind} target, which cannot be rebuilt from its spec",
            fix="resume it from Python with the same target (assay.run(..., target=...))",
        )
    fields = config.restore(dict(stored), own, run)
    try:
        return _ADAPTER.validate_python(fields)
    except ValidationError as exc:
        raise ConfigError(
            f"{run} stored a {kind} target that is no longer valid: "
            f"{exc.errors()[0]['msg']} ({'.'.join(map(str, exc.errors()[0]['loc']))})",
            fix="resume it from Python with the target it needs (assay.run(..., target=...))",
        ) from None


__all__ = ["TARGETS", "AnyTargetConfig", "TargetConfig", "build_target", "stored_config"]
