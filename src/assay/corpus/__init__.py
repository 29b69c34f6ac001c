"""Corpus assessment: the source registry, streaming readers, per-source assessment (5.1, 5.2).

``assay.corpus.filter(project, out, ...)`` writes the cleaned corpus (5.2 a)): the module
:mod:`assay.corpus.filter` is callable (:func:`assay.corpus.filter.filter_project`).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["filter"]


def __getattr__(name: str) -> Any:
    if name == "filter":  # imported on first use: it sets itself on this package
        return import_module("assay.corpus.filter")
    raise AttributeError(f"module 'assay.corpus' has no attribute {name!r}")
