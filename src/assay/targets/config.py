"""``target:`` in ``assay.yaml``: one typed config per kind, and one lazy registry that builds
the target a config describes (each kind's implementation and its HTTP client are imported
when a target of that kind is first built)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from pydantic import Field

from assay.registry import Registry
from assay.targets.base import Target
from assay.targets.openai import OpenAITargetConfig
from assay.targets.sheet import AnswerSheetConfig

TargetConfig = Annotated[OpenAITargetConfig | AnswerSheetConfig, Field(discriminator="kind")]
Builder = Callable[[OpenAITargetConfig | AnswerSheetConfig, Path | None], Target]


def _openai() -> Builder:
    def build(config: OpenAITargetConfig | AnswerSheetConfig, root: Path | None) -> Target:
        from assay.targets.openai import OpenAITarget

        assert isinstance(config, OpenAITargetConfig)
        return OpenAITarget(config)

    return build


def _answer_sheet() -> Builder:
    def build(config: OpenAITargetConfig | AnswerSheetConfig, root: Path | None) -> Target:
        from assay.targets.sheet import AnswerSheetTarget

        assert isinstance(config, AnswerSheetConfig)
        path = config.path if root is None or config.path.is_absolute() else root / config.path
        return AnswerSheetTarget(config.model_copy(update={"path": path}))

    return build


TARGETS: Registry[Builder] = Registry(
    "target kind", {"openai": _openai, "answer_sheet": _answer_sheet}
)


def build_target(
    config: OpenAITargetConfig | AnswerSheetConfig, root: Path | None = None
) -> Target:
    """The target a config describes; relative paths are taken from ``root``."""
    return TARGETS.get(config.kind)(config, root)
