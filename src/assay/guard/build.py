"""A :class:`Guard` built from a project: its keyword library, allowlist, normalization,
classifier (when ``guard.classifier`` is set) and the ``guard:`` policies."""

from __future__ import annotations

from pathlib import Path

from assay.assess.run import classifier_judge
from assay.banks.io import ReadOptions, load_allowlist, load_keywords
from assay.errors import ConfigError
from assay.guard.core import Guard
from assay.guard_config import GuardConfig
from assay.judges.keyword import library_digest
from assay.project import Project
from assay.text.keywords import KeywordEngine


def guard_config(project: Project) -> GuardConfig:
    """The project's ``guard:`` section (the defaults without a project file)."""
    return project.config.guard if project.config else GuardConfig()


def watched_files(project: Project) -> list[Path]:
    """The files a guard is built from and reloaded when they change: the keyword library
    and its allowlist."""
    source = project.config.banks.keywords if project.config else None
    if source is None:
        return []
    return [source.path, *([source.allow] if source.allow else [])]


def build_guard(project: Project) -> Guard:
    """The project's guard: keywords (with allowlist and normalization) always, the classifier
    when ``guard.classifier`` is true. Raises :class:`ConfigError` without a keyword library."""
    config = project.config
    source = config.banks.keywords if config else None
    if config is None or source is None:
        raise ConfigError(
            "the guard needs a keyword library",
            fix="name it under banks: keywords: in assay.yaml",
        )
    library, _ = load_keywords(
        source.path, project.profile, ReadOptions(encoding=source.encoding or "auto")
    )
    allow = load_allowlist(source.allow) if source.allow else []
    engine = KeywordEngine(library.entries, allow=allow, options=source.normalize)
    classifier = classifier_judge(config, project.profile) if config.guard.classifier else None
    return Guard(
        engine,
        project.profile,
        config.guard,
        classifier=classifier,
        version=library_digest(library, allow)[:12],
    )
