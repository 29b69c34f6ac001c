"""Assay: security assessment toolkit for generative-AI services (TC260-003 / GB/T 45654-2025).

The public API (see "Use from Python" in the README)::

    import assay

    project = assay.load_project("examples/assay.yaml")
    assessment = assay.assess(project, out=Path("out/demo"))
    assay.report(assessment, ["json", "html"])

Each name is imported on first use, so ``import assay`` stays cheap.
"""

from __future__ import annotations

import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

from assay import assess as _assess_package  # an empty package: cheap
from assay.version import __version__

if TYPE_CHECKING:  # the names below, for type checkers and IDEs; imported lazily at run time
    from assay import corpus
    from assay.api import Assessment, assess, load_assessment, report
    from assay.assess.options import RunOptions
    from assay.assess.session import Judged, RunOutcome, judge, results, run
    from assay.assess.targets import TargetChoice
    from assay.project import Project, load_project

# public name -> the module that defines it
_LAZY = {
    "load_project": "assay.project",
    "Project": "assay.project",
    "load_assessment": "assay.api",
    "report": "assay.api",
    "Assessment": "assay.api",
    "run": "assay.assess.session",
    "judge": "assay.assess.session",
    "results": "assay.assess.session",
    "RunOutcome": "assay.assess.session",
    "Judged": "assay.assess.session",
    "RunOptions": "assay.assess.options",
    "TargetChoice": "assay.assess.targets",
}

__all__ = [
    "Assessment",
    "Judged",
    "Project",
    "RunOptions",
    "RunOutcome",
    "TargetChoice",
    "__version__",
    "assess",
    "corpus",
    "judge",
    "load_assessment",
    "load_project",
    "report",
    "results",
    "run",
]


def __getattr__(name: str) -> Any:
    if name == "corpus":
        return import_module("assay.corpus")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'assay' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


class _CallablePackage(types.ModuleType):
    """``assay.assess`` is the package ``assay/assess/`` and, called, the whole assessment
    (:func:`assay.api.assess`): the import system sets ``assay.assess`` to the package whenever
    a module of it is imported, so the function cannot simply sit under the same name."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return import_module("assay.api").assess(*args, **kwargs)


_assess_package.__class__ = _CallablePackage


def __dir__() -> list[str]:
    return sorted(__all__)
