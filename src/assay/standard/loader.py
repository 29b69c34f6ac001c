"""Find and load profiles: a built-in name (``tc260-003-2024``) or a path to a YAML file.

A profile file may start with ``extends: <name or path>``: its values are then merged over the
base (mappings merged key by key, lists of entries with an ``id`` merged by id), so an in-house
profile can change one number without copying the rest.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assay.errors import ProfileError, UnknownNameError
from assay.standard.models import Profile
from assay.yamlfile import LineMap, load_yaml, validation_error

DEFAULT_PROFILE = "tc260-003-2024"
_MAX_EXTENDS_DEPTH = 8


def builtin_profiles() -> list[str]:
    """Names of the profiles shipped with Assay."""
    data = resources.files("assay.standard") / "data"
    return sorted(p.name.removesuffix(".yaml") for p in data.iterdir() if p.name.endswith(".yaml"))


def profile_path(name_or_path: str | Path) -> Path:
    """The file of a built-in profile name, or the given path if it is a file."""
    text = str(name_or_path)
    if text in builtin_profiles():
        return Path(str(resources.files("assay.standard") / "data" / f"{text}.yaml"))
    path = Path(text)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        if not path.is_file():
            raise ProfileError("profile file not found", file=path, fix="check the path")
        return path
    raise UnknownNameError("profile", text, builtin_profiles())


CUSTOM_NOTICE_ZH = "自定义档案（{file}）：不是随 Assay 发布的标准档案，其数值由使用者设定。"
CUSTOM_NOTICE_EN = (
    "custom profile ({file}): not a profile shipped with Assay; its values are the user's own."
)


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE) -> Profile:
    """Load and validate a profile; any problem is a :class:`ProfileError` naming file and line.

    A profile read from a file of the user's (a copy, or ``extends:``) is marked ``custom``,
    whatever its file says, and every parameter it changes through ``extends`` is tagged ``I``
    (the user's value, not a number seen in the standard).
    """
    path = profile_path(name_or_path)
    builtin = str(name_or_path) in builtin_profiles()
    if builtin:  # shipped with Assay, so trusted: the C parser, lines only if it fails
        try:
            return Profile.model_validate(read_shipped(path))
        except ValidationError:
            pass  # read again below to say where
    data, lines = _load_merged(path, depth=0)
    if not builtin:
        data["status"] = "custom"
        data["notice_zh"] = CUSTOM_NOTICE_ZH.format(file=path)
        data["notice_en"] = CUSTOM_NOTICE_EN.format(file=path)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, lines, ProfileError) from None


def read_shipped(path: Path) -> Any:
    """A profile shipped with Assay, read with libyaml when present (a sixth of the time of
    the line-tracking reader that user files need). Shipped profiles do not use ``extends``."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text("utf-8"), Loader=loader)
    if not isinstance(data, dict) or "extends" in data:
        raise ProfileError("a shipped profile must be a plain mapping", file=path, line=1)
    return data


def profile_hash(name_or_path: str | Path) -> str:
    """SHA-256 of the resolved profile content (after ``extends``), for manifests."""
    profile = load_profile(name_or_path)
    blob = profile.model_dump_json().encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def dump_profile(profile: Profile) -> str:
    """The profile as a complete YAML document, suitable for copying and editing."""
    data = profile.model_dump(mode="json", exclude_defaults=False)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def _load_merged(path: Path, depth: int) -> tuple[dict[str, Any], LineMap]:
    data, lines = load_yaml(path, ProfileError)
    if not isinstance(data, dict):
        raise ProfileError("a profile must be a YAML mapping", file=path, line=1)
    base_name = data.pop("extends", None)
    if base_name is None:
        return data, lines
    if depth >= _MAX_EXTENDS_DEPTH:
        raise ProfileError("too many nested 'extends'", file=path, line=lines.line(("extends",)))
    _tag_overrides(data.get("parameters"))
    base_ref = str(base_name)
    if base_ref not in builtin_profiles() and not Path(base_ref).is_absolute():
        candidate = path.parent / base_ref
        base_ref = str(candidate) if candidate.exists() else base_ref
    try:
        base, _ = _load_merged(profile_path(base_ref), depth + 1)
    except UnknownNameError as exc:
        exc.file, exc.line = str(path), lines.line(("extends",))
        raise
    return merge(base, data), lines


def _tag_overrides(parameters: Any) -> None:
    """A parameter changed through ``extends`` without its own provenance is the user's value."""
    if not isinstance(parameters, dict):
        return
    for group in parameters.values():
        if not isinstance(group, dict):
            continue
        for param in group.values():
            if isinstance(param, dict) and "value" in param and "prov" not in param:
                param["prov"] = ["I"]
                param.setdefault("note", "changed in a custom profile")


def merge(base: Any, over: Any) -> Any:
    """Merge ``over`` onto ``base``: mappings key by key, id-keyed lists by id, else replace."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    if _is_id_list(base) and _is_id_list(over):
        out_list = list(base)
        index = {item["id"]: i for i, item in enumerate(out_list)}
        for item in over:
            if item["id"] in index:
                pos = index[item["id"]]
                out_list[pos] = merge(out_list[pos], item)
            else:
                out_list.append(item)
        return out_list
    return over


def _is_id_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(i, dict) and "id" in i for i in value)
    )
