"""Targets: the model or service under assessment."""

from assay.errors import TargetError
from assay.targets.base import Target, TargetReply
from assay.targets.callable import CallableTarget
from assay.targets.config import TargetConfig, build_target
from assay.targets.openai import OpenAITarget, OpenAITargetConfig
from assay.targets.sheet import AnswerSheetConfig, AnswerSheetTarget

__all__ = [
    "AnswerSheetConfig",
    "AnswerSheetTarget",
    "CallableTarget",
    "OpenAITarget",
    "OpenAITargetConfig",
    "Target",
    "TargetConfig",
    "TargetError",
    "TargetReply",
    "build_target",
]
