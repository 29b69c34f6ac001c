"""``KEY=VALUE`` options of a judge spec (``llm:…;temperature=0``, ``guard:…;batch=4``),
validated into the judge's pydantic options model with one clear error."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assay.errors import ConfigError, UnknownNameError

M = TypeVar("M", bound=BaseModel)


def parse_options(
    pairs: Iterable[str],
    model: type[M],
    *,
    what: str,
    spec: str,
    given: dict[str, Any] | None = None,
    none_words: bool = False,
) -> M:
    """``model`` from ``given`` and the ``KEY=VALUE`` ``pairs``; an unknown key names the
    closest, a key without a value asks for it. ``none_words``: "" or "none" give None."""
    fields: dict[str, Any] = dict(given or {})
    known = [f for f in model.model_fields if f not in fields]
    for pair in filter(None, (p.strip() for p in pairs)):
        key, eq, value = (part.strip() for part in pair.partition("="))
        if key not in known:
            raise UnknownNameError(f"{what} option", key, known)
        if not eq:
            raise ConfigError(f"the {what} option {key!r} has no value", fix=f"write {key}=VALUE")
        fields[key] = None if none_words and value.lower() in ("", "none") else value
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"the {what} {spec!r} is invalid: {problems}") from None
