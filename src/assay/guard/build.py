"""A :class:`Guard` built from a project: its keyword library, allowlist, normalization,
classifier (when ``guard.classifier`` is set) and the ``guard:`` policies; and built again for
a reload, only from files read whole (:func:`rebuild_guard`, :class:`Watch`)."""

from __future__ import annotations

import os
from pathlib import Path

from assay.assess.run import classifier_judge
from assay.banks.io import ReadOptions, load_allowlist, load_keywords
from assay.errors import ConfigError, InputFormatError
from assay.guard.core import Guard
from assay.guard_config import GuardConfig
from assay.judges.keyword import library_digest
from assay.messages import t
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


def build_guard(project: Project, *, strict: bool = False) -> Guard:
    """The project's guard: keywords (with allowlist and normalization) always, the classifier
    when ``guard.classifier`` is true. Raises :class:`ConfigError` without a keyword library;
    with ``strict``, a bad row of the library is an error instead of being quarantined."""
    config = project.config
    source = config.banks.keywords if config else None
    if config is None or source is None:
        raise ConfigError(
            "the guard needs a keyword library",
            fix="name it under banks: keywords: in assay.yaml",
        )
    library, _ = load_keywords(
        source.path, project.profile, ReadOptions(encoding=source.encoding or "auto", strict=strict)
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


Stamp = tuple[int, int, int] | None  # a file's inode, size and modification time; None: missing


def file_stamps(files: list[Path]) -> list[Stamp]:
    stamps: list[Stamp] = []
    for file in files:
        try:
            info = os.stat(file)
        except OSError:
            stamps.append(None)
            continue
        stamps.append((info.st_ino, info.st_size, info.st_mtime_ns))
    return stamps


def rebuild_guard(project: Project) -> Guard:
    """The project's guard built again for a reload, only from files read whole: a bad row
    (a line cut short by a writer not done yet) fails the build rather than being left out,
    and so does a file that changed while it was read. The caller keeps the guard in force
    when this raises."""
    files = watched_files(project)
    before = file_stamps(files)
    guard = build_guard(project, strict=True)
    after = file_stamps(files)
    if after != before:
        changed = next(f for f, a, b in zip(files, after, before, strict=True) if a != b)
        raise InputFormatError(
            t("guard.changed_while_read", "en"),
            file=changed,
            fix=t("guard.write_then_rename", "en"),
        )
    return guard


class Watch:
    """When to reload a guard's files: :meth:`look` at them now and then; it says yes once
    they differ from those loaded and have not changed since the last look (a file still
    being written is not read)."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.loaded = self.last = file_stamps(files)

    def look(self) -> bool:
        now = file_stamps(self.files)
        settled, self.last = now == self.last, now
        if settled and now != self.loaded:
            self.loaded = now
            return True
        return False
