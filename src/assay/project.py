"""A project as the library sees it: its ``assay.yaml`` (if any), the profile and the run store.

:func:`load_project` is the first call of the public API (``assay.load_project``); every other
call takes the :class:`Project` it returns. Nothing here prints: the command line warns about a
provisional profile, the library only loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assay.banks.io import ReadOptions, load_allowlist, load_keywords
from assay.config import CONFIG_NAME, ProjectConfig, load_config
from assay.errors import ConfigError
from assay.judges.keyword import KeywordJudge
from assay.standard.loader import load_profile
from assay.standard.models import Profile
from assay.stats.rates import DEFAULT_RULE, DecisionRule
from assay.store.runstore import RunStore, default_url
from assay.store.specs import AnyStoreSpec, open_run_store

DEFAULT_OUT = Path("out")  # where a project without ``store:`` keeps its runs (runs.sqlite)


@dataclass(frozen=True)
class Project:
    """The project file's config (None when a command runs without one), the profile in force
    and the file the config came from."""

    config: ProjectConfig | None
    profile: Profile
    path: Path | None = None

    @property
    def rule(self) -> DecisionRule:
        """The project's decision rule (standard when there is no project file)."""
        return self.config.decision_rule if self.config else DEFAULT_RULE

    def open_store(self, url: str | AnyStoreSpec | RunStore | None = None) -> RunStore:
        """The run store: ``url`` if given, else the project's ``store:``, else
        ``sqlite:///out/runs.sqlite`` (relative to the working folder)."""
        return open_store(url, self.config)

    def corpus_sources(self, path: Path | None = None) -> Path:
        """The corpus source registry: ``path``, else corpus.sources of assay.yaml, else
        ./sources.yaml; it must exist."""
        if path is None:
            corpus = self.config.corpus if self.config else None
            path = corpus.sources if corpus else Path("sources.yaml")
        if not path.is_file():
            raise ConfigError(
                "sources file not found", file=path, fix="write sources.yaml (see the README)"
            )
        return path

    def corpus_seed(self, seed: int | None = None) -> int:
        """``seed``, else the project's corpus.seed, else its run.seed (as assay assess uses),
        else 0 when the project has no corpus."""
        if seed is not None:
            return seed
        if self.config is None or self.config.corpus is None:
            return 0
        corpus = self.config.corpus
        return self.config.run.seed if corpus.seed is None else corpus.seed

    def inputs(self, store: RunStore | None = None) -> list[Path]:
        """The files the project reads (and so no output may overwrite): the project file, every
        file it names and the SQLite run store."""
        paths = list(self.config.input_files()) if self.config else []
        if self.path is not None:
            paths.append(self.path)
        database = store.engine.url.database if store is not None else None
        if database:
            paths.append(Path(database))
        return paths


def open_store(url: str | AnyStoreSpec | RunStore | None, config: ProjectConfig | None) -> RunStore:
    """The run store: ``url`` (or a typed spec) if given, else the project's ``store:``, else
    ``sqlite:///out/runs.sqlite`` (relative to the working folder)."""
    if isinstance(url, RunStore):
        return url
    if url:
        return open_run_store(url)
    if config and config.store:
        return open_run_store(config.store)
    return open_run_store(default_url(DEFAULT_OUT))


def find_config(path: Path | str | None) -> Path | None:
    """The project file given, else ``./assay.yaml`` when it exists, else None."""
    if path is not None:
        return Path(path)
    here = Path(CONFIG_NAME)
    return here if here.is_file() else None


def load_project(path: Path | str | None = None, *, profile: str | None = None) -> Project:
    """Load ``assay.yaml`` (default: the one in the working folder; none is fine) and its
    profile (``profile`` overrides the project's: a built-in name or a YAML file)."""
    file = find_config(path)
    config = load_config(file) if file is not None else None
    return Project(config=config, profile=profile_of(profile, config), path=file)


def require_config(project: Project) -> ProjectConfig:
    """The project's config; a command that needs ``assay.yaml`` raises without one."""
    if project.config is None:
        raise ConfigError(
            "no project file", fix="pass the path of assay.yaml or run in the folder that has it"
        )
    return project.config


def profile_of(name: str | None, config: ProjectConfig | None) -> Profile:
    """The profile asked for, else the project's, else the default one."""
    chosen = name or (config.profile if config else None)
    return load_profile(chosen) if chosen else load_profile()


def keyword_judge(project: Project, keywords: Path | None = None) -> KeywordJudge | None:
    """The keyword judge of ``keywords``, else of the project's keyword bank (with its allowlist
    and normalization); None when there is neither."""
    source = project.config.banks.keywords if project.config else None
    library_path = keywords or (source.path if source else None)
    if library_path is None:
        return None
    library, _ = load_keywords(library_path, project.profile, ReadOptions())
    own = source is not None and keywords is None
    allow = load_allowlist(source.allow) if own and source and source.allow else []
    return KeywordJudge(library, allow=allow, options=source.normalize if own and source else None)


__all__ = [
    "Project",
    "find_config",
    "keyword_judge",
    "load_project",
    "open_store",
    "profile_of",
]
