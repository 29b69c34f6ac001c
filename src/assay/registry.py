"""One typed, lazy registry per plugin family (judges, targets, corpus engines, stores).

A family registers each plugin explicitly by name with a *loader*: a function that imports the
implementation when it is first asked for and returns it. Nothing heavy is imported when the
registry module is (a judge family that names a guard model does not import torch until a guard
judge is built). An unknown name raises :class:`~assay.errors.UnknownNameError` suggesting the
closest registered name.

.. code-block:: python

    def _guard() -> Builder:
        from assay.judges.guard import build  # imported on first use only
        return build

    JUDGES = Registry[Builder]("judge", {"guard": _guard, ...})
    JUDGES.get("guard")  # the builder; imports assay.judges.guard now
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Generic, TypeVar

from assay.errors import UnknownNameError

T = TypeVar("T")


class Registry(Generic[T]):
    """Names -> plugins of one family, each loaded (imported) the first time it is asked for."""

    def __init__(self, family: str, loaders: Mapping[str, Callable[[], T]]) -> None:
        self.family = family
        self._loaders = dict(loaders)

    def names(self) -> tuple[str, ...]:
        """The registered names, in registration order."""
        return tuple(self._loaders)

    def __contains__(self, name: object) -> bool:
        return name in self._loaders

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaders)

    def get(self, name: str, *, file: str | Path | None = None, line: int | None = None) -> T:
        """The plugin called ``name``; an unknown one raises the error that suggests the
        closest name (naming ``file`` and ``line`` when given)."""
        loader = self._loaders.get(name)
        if loader is None:
            raise UnknownNameError(self.family, name, self._loaders, file=file, line=line)
        return loader()  # the import system keeps the module: a second call costs a lookup
