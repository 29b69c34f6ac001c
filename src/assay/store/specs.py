"""``store:`` in ``assay.yaml``: one typed spec per kind of run store, and one lazy registry
that opens the store a spec describes.

.. code-block:: yaml

    store: sqlite:///out/runs.sqlite              # short form of {kind: sqlite, path: ...}
    store: {kind: sqlite, path: out/runs.sqlite}
    store: postgresql://assay@db.example.com/assay  # short form of {kind: postgresql, url: ...}
    store: {kind: postgresql, url: "postgresql://assay@db.example.com/assay"}

A relative SQLite path is taken from the working folder, as in the URL form (``--store``).
This module imports nothing heavy: SQLAlchemy is imported when a store is opened, and the
PostgreSQL driver only when a PostgreSQL store is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from assay.registry import Registry
from assay.store import url as urls

if TYPE_CHECKING:
    from assay.store.runstore import RunStore


class SqliteStoreSpec(BaseModel):
    """A SQLite file (the default: ``out/runs.sqlite``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["sqlite"] = "sqlite"
    path: Path

    def to_url(self) -> str:
        """The SQLAlchemy URL, which is also the short form in ``assay.yaml``."""
        return f"sqlite:///{self.path}"


class PostgresStoreSpec(BaseModel):
    """A PostgreSQL database (the ``postgres`` extra): ``postgresql://USER@HOST:PORT/DB``, its
    alias ``postgres://`` or an explicit ``postgresql+psycopg://``. The password is best left
    out of the URL (``PGPASSWORD``, ``~/.pgpass``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["postgresql"] = "postgresql"
    url: str = Field(repr=False)  # may hold a password: never in a repr

    @field_validator("url")
    @classmethod
    def _postgres(cls, value: str) -> str:
        if urls.kind_of(value) != "postgresql":
            raise ValueError(f"{urls.mask(value)!r} is not a PostgreSQL URL")
        return value

    def to_url(self) -> str:
        return self.url


AnyStoreSpec = SqliteStoreSpec | PostgresStoreSpec
StoreSpec = Annotated[AnyStoreSpec, Field(discriminator="kind")]
Opener = Callable[[AnyStoreSpec], "RunStore"]
_ADAPTER: TypeAdapter[AnyStoreSpec] = TypeAdapter(StoreSpec)


def store_spec(value: object) -> AnyStoreSpec:
    """A store spec from its URL (the short form), its mapping, or a spec already; a URL of
    no known kind raises :class:`~assay.errors.ConfigError`."""
    if isinstance(value, str):
        if urls.kind_of(value) == "postgresql":
            return PostgresStoreSpec(url=value.strip())
        _, _, path = value.strip().partition(":///")
        return SqliteStoreSpec(path=Path(path or ":memory:"))
    return _ADAPTER.validate_python(value)


def _sqlite() -> Opener:
    def open_store(spec: AnyStoreSpec) -> RunStore:
        from assay.store.runstore import RunStore

        return RunStore(spec.to_url())

    return open_store


def _postgresql() -> Opener:
    def open_store(spec: AnyStoreSpec) -> RunStore:
        from assay.store.runstore import RunStore  # checks the driver (psycopg) is installed

        return RunStore(spec.to_url())

    return open_store


STORES: Registry[Opener] = Registry("store kind", {"sqlite": _sqlite, "postgresql": _postgresql})


def open_run_store(spec: AnyStoreSpec | str) -> RunStore:
    """The run store ``spec`` (or its URL) describes, opened (its tables created if new)."""
    typed = store_spec(spec) if isinstance(spec, str) else spec
    return STORES.get(typed.kind)(typed)


__all__ = [
    "STORES",
    "AnyStoreSpec",
    "PostgresStoreSpec",
    "SqliteStoreSpec",
    "StoreSpec",
    "open_run_store",
    "store_spec",
]
