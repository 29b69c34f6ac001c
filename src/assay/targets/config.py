"""``target:`` in ``assay.yaml``: one typed config per kind, and the function that builds them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from assay.targets.base import Target
from assay.targets.openai import OpenAITarget, OpenAITargetConfig
from assay.targets.sheet import AnswerSheetConfig, AnswerSheetTarget

TargetConfig = Annotated[OpenAITargetConfig | AnswerSheetConfig, Field(discriminator="kind")]


def build_target(
    config: OpenAITargetConfig | AnswerSheetConfig, root: Path | None = None
) -> Target:
    """The target a config describes; relative paths are taken from ``root``."""
    if isinstance(config, AnswerSheetConfig):
        path = config.path if root is None or config.path.is_absolute() else root / config.path
        return AnswerSheetTarget(config.model_copy(update={"path": path}))
    return OpenAITarget(config)
