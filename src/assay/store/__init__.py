"""The run store: every planned item, reply, verdict and review, written as it happens.

The names below are imported on first use: the store's spec (:mod:`assay.store.specs`, read
with ``assay.yaml``) must not import SQLAlchemy."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assay.store.runstore import ReplyRecord, ReviewRecord, RunStore, VerdictRecord
    from assay.store.specs import StoreSpec, open_run_store, store_spec

_LAZY = {
    "ReplyRecord": "assay.store.runstore",
    "ReviewRecord": "assay.store.runstore",
    "RunStore": "assay.store.runstore",
    "VerdictRecord": "assay.store.runstore",
    "StoreSpec": "assay.store.specs",
    "open_run_store": "assay.store.specs",
    "store_spec": "assay.store.specs",
}

__all__ = [
    "ReplyRecord",
    "ReviewRecord",
    "RunStore",
    "StoreSpec",
    "VerdictRecord",
    "open_run_store",
    "store_spec",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
