"""Typed judge specs: what ``classifier:`` and ``refusal_judge:`` in ``assay.yaml`` name.

Each judge kind has a pydantic model with a ``kind`` tag; :data:`JudgeConfig` is their
discriminated union. In ``assay.yaml`` a judge is written either as a mapping or as the short
string form, which :func:`parse_judge` (the one parser) reads into the same model:

=====================================================  ==============================================
mapping                                                short form
=====================================================  ==============================================
``{kind: classifier}``                                 ``classifier``
``{kind: classifier, folder: models/clf}``             ``classifier:models/clf``
``{kind: keyword, path: banks/keywords.csv}``          ``keyword:banks/keywords.csv``
``{kind: llm, model: qwen-plus, base_url: URL,         ``llm:qwen-plus@URL;task=refusal``
task: refusal}``
``{kind: guard, format: qwen3guard, folder: m,         ``guard:qwen3guard:m;batch=4``
batch: 4}``
``{kind: refusal}`` / ``{kind: refusal, model: false}``  ``refusal`` / ``refusal:rules``
``{kind: refusal, encoder: false}``                   ``refusal:ngram``
=====================================================  ==============================================

The models import nothing heavy: :mod:`assay.judges.registry` builds the judge from its spec and
imports the implementation then.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from assay.errors import ConfigError, UnknownNameError, UserError
from assay.judges.guard_formats import FORMATS
from assay.judges.options import parse_options
from assay.redact import MASK, redact_url

Task = Literal["content", "refusal"]


class LLMJudgeConfig(BaseModel):
    """How to reach the judging model and how to ask it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str
    model: str
    api_key_env: str | None = "OPENAI_API_KEY"
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    json_mode: bool = False  # send response_format {"type": "json_object"}
    headers: dict[str, str] = Field(default_factory=dict)
    extra_body: dict[str, Any] = Field(default_factory=dict)
    timeout_s: float = Field(default=60.0, gt=0)
    concurrency: int = Field(default=8, ge=1)
    retries: int = Field(default=4, ge=0)  # per request, for connection errors, 429 and 5xx
    backoff_s: float = Field(default=0.5, ge=0)
    attempts: int = Field(default=3, ge=1)  # replies asked for per text until one is valid
    uncertain_below: float | None = Field(default=None, ge=0, le=1)  # confidence under it
    cache_dir: Path | None = None
    task: Task = "content"  # refusal: label replies for 9.4


class GuardOptions(BaseModel):
    """How a guard model runs. In a spec: ``;batch=8;max_new_tokens=32;device=cpu...``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    batch: int = Field(default=8, ge=1)  # prompts generated together
    max_new_tokens: int | None = Field(default=None, ge=1)  # None: the format's own
    device: str = "cpu"  # a torch device: cpu, cuda, cuda:1, mps
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    remote_code: bool = False  # trust_remote_code: run Python shipped in the model folder
    lang: Literal["zh", "en"] = "zh"  # ShieldLM: the language of its instructions
    base: str | None = None  # ShieldLM: qwen, internlm, baichuan, chatglm (default: config.json)
    task: Task = "content"  # refusal: a 9.4 refusal judge (qwen3guard)


class _Short:
    """A spec shows as its short string form (in messages: ``'llm:qwen@URL' does not ...``)."""

    def short(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.short()

    def public(self) -> dict[str, Any]:
        """The spec as a run stores it (no secrets: see :meth:`LLMSpec.public`)."""
        assert isinstance(self, BaseModel)
        return self.model_dump(mode="json")

    def unavailable(self) -> str | None:
        """What building this judge needs that is not here (a model folder, a file, an API
        key), said in a few words; None when nothing is missing."""
        return None


class ClassifierSpec(_Short, BaseModel):
    """The built-in classifier, or one trained with ``assay judges train --out FOLDER``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["classifier"] = "classifier"
    folder: Path | None = None  # None: the classifier shipped with Assay

    def short(self) -> str:
        return f"classifier:{self.folder}" if self.folder else "classifier"

    def unavailable(self) -> str | None:
        return _no_folder(self.folder)

    def rooted(self, root: Path) -> ClassifierSpec:
        return self.model_copy(update={"folder": _under(root, self.folder)})


class KeywordSpec(_Short, BaseModel):
    """A keyword library (CSV/TSV/JSONL/XLSX, native or filing layout)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["keyword"] = "keyword"
    path: Path

    def short(self) -> str:
        return f"keyword:{self.path}"

    def unavailable(self) -> str | None:
        return None if self.path.is_file() else f"its keyword library {self.path} is not there"

    def rooted(self, root: Path) -> KeywordSpec:
        return self.model_copy(update={"path": _under(root, self.path)})


class RefusalSpec(_Short, BaseModel):
    """The refusal judge of 9.4: its rules, with the built-in learned model unless ``model``
    is false, and beside that model the fine-tuned encoder unless ``encoder`` is false."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["refusal"] = "refusal"
    model: bool = True
    encoder: bool = True

    def short(self) -> str:
        if not self.model:
            return "refusal:rules"
        return "refusal" if self.encoder else "refusal:ngram"

    def rooted(self, root: Path) -> RefusalSpec:
        return self


class LLMSpec(_Short, LLMJudgeConfig):
    """A chat model behind an OpenAI-compatible endpoint (any field of
    :class:`LLMJudgeConfig`)."""

    kind: Literal["llm"] = "llm"

    def config(self) -> LLMJudgeConfig:
        return LLMJudgeConfig.model_validate(self.model_dump(exclude={"kind"}))

    def short(self) -> str:
        """``llm:MODEL@URL;k=v``, credentials in the URL masked (the form shows in messages)."""
        url = redact_url(self.base_url)
        return f"llm:{self.model}@{url}" + _options(self, exclude={"model", "base_url"})

    def public(self) -> dict[str, Any]:
        """Header names only (their values may be secrets), credentials in the URL masked;
        the API key is never in it (only its variable's name)."""
        data = self.model_dump(mode="json", exclude={"headers"})
        return {**data, "headers": sorted(self.headers), "base_url": redact_url(self.base_url)}

    def unavailable(self) -> str | None:
        if self.api_key_env and not os.environ.get(self.api_key_env):
            return (
                f"its endpoint's API key ${self.api_key_env} is not set (set it; to anything "
                "for an endpoint that takes no key)"
            )
        return None

    def rooted(self, root: Path) -> LLMSpec:
        return self  # cache_dir stays as written: it is where the judge is run from


class GuardSpec(_Short, GuardOptions):
    """A guard model on disk (``llamaguard3``, ``qwen3guard``, ``shieldlm``; extra ``ml``)."""

    kind: Literal["guard"] = "guard"
    format: str
    folder: Path

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in FORMATS:
            raise ValueError(str(UnknownNameError("guard format", value, FORMATS)))
        return value

    @model_validator(mode="after")
    def _able(self) -> GuardSpec:
        problem = guard_problem(self.format, self.task)
        if problem is not None:
            raise ValueError(str(problem))
        return self

    def options(self) -> GuardOptions:
        return GuardOptions.model_validate(self.model_dump(exclude={"kind", "format", "folder"}))

    def short(self) -> str:
        return f"guard:{self.format}:{self.folder}" + _options(self, exclude={"format", "folder"})

    def unavailable(self) -> str | None:
        return _no_folder(self.folder)

    def rooted(self, root: Path) -> GuardSpec:
        return self.model_copy(update={"folder": _under(root, self.folder)})


JudgeConfig = Annotated[
    ClassifierSpec | KeywordSpec | LLMSpec | GuardSpec | RefusalSpec,
    Field(discriminator="kind"),
]
JUDGE_KINDS = ("classifier", "keyword", "llm", "guard", "refusal")
_ADAPTER: TypeAdapter[JudgeConfig] = TypeAdapter(JudgeConfig)


def stored_judge(
    stored: dict[str, Any], own: Sequence[JudgeConfig] = (), *, run: str = "the run"
) -> JudgeConfig:
    """The typed spec of a judge as a run stored it (:meth:`public`), the secrets the store
    left out (an LLM judge's header values, credentials in its base_url) taken from the same
    judge among ``own`` (the project's): same model at the same URL once masked. Raises
    :class:`ConfigError` naming ``run`` when they are not there."""
    data = dict(stored)
    if data.get("kind") == "llm":
        data = _llm_secrets(data, own, run)
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(
            f"{run} stored a judge spec that is no longer valid: {first['msg']} "
            f"({'.'.join(map(str, first['loc']))})",
            fix="re-judge it with the project's judges (assay judge RUN --judges project)",
        ) from None


def _llm_secrets(data: dict[str, Any], own: Sequence[JudgeConfig], run: str) -> dict[str, Any]:
    url = str(data.get("base_url", ""))
    mine = next(
        (
            j
            for j in own
            if isinstance(j, LLMSpec) and j.model == data.get("model")
            and redact_url(j.base_url) == url
        ),
        None,
    )  # fmt: skip
    names = list(data.get("headers") or [])
    missing = [n for n in names if mine is None or n not in mine.headers]
    where = f"llm:{data.get('model')}@{url}"
    if missing:
        raise ConfigError(
            f"{run} was judged by {where} with the header(s) {', '.join(missing)}, whose "
            "values were not stored",
            fix="put the same judge, with its headers, in assay.yaml and try again",
        )
    if mine is None and MASK in url:
        raise ConfigError(
            f"{run} was judged by {where}, whose base_url credentials were not stored",
            fix="put the same judge (with its base_url) in assay.yaml and try again",
        )
    headers = {n: mine.headers[n] for n in names} if mine else {}
    return {**data, "headers": headers, "base_url": mine.base_url if mine else url}


def judge_config(value: object) -> JudgeConfig:
    """A judge spec from its short string form or its mapping (or a spec already)."""
    if isinstance(value, str):
        return parse_judge(value)
    return _ADAPTER.validate_python(value)


def parse_judge(text: str) -> JudgeConfig:
    """The one parser of the short string forms (``NAME`` or ``NAME:ARGUMENT``); raises
    :class:`~assay.errors.ConfigError` (an unknown name suggests the closest one)."""
    name, _, argument = (part.strip() for part in text.partition(":"))
    if name not in JUDGE_KINDS:
        raise UnknownNameError("judge", name, JUDGE_KINDS)
    if name == "classifier":
        return ClassifierSpec(folder=Path(argument) if argument else None)
    if name == "keyword":
        if not argument:
            raise ConfigError(
                "the keyword judge needs its library", fix="write keyword:PATH/TO/keywords.csv"
            )
        return KeywordSpec(path=Path(argument))
    if name == "refusal":
        if argument not in ("", "rules", "ngram"):
            raise ConfigError(
                f"unknown refusal judge option {argument!r}",
                fix="write refusal (rules, n-gram model and encoder), refusal:ngram (without "
                "the encoder) or refusal:rules (the rules alone)",
            )
        return RefusalSpec(model=argument != "rules", encoder=argument != "ngram")
    if name == "llm":
        return _llm(argument)
    return guard_spec(argument)


def _llm(argument: str) -> LLMSpec:
    head, *options = argument.split(";")
    model, at, base_url = head.partition("@")
    if not (model.strip() and at and base_url.strip()):
        raise ConfigError(
            f"the llm judge {argument!r} names no model and endpoint",
            fix="write llm:MODEL@BASE_URL, e.g. llm:qwen-plus@https://host/v1",
        )
    config = parse_options(
        options,
        LLMJudgeConfig,
        what="llm judge",
        spec=argument,
        given={"model": model.strip(), "base_url": base_url.strip()},
        none_words=True,
    )
    return LLMSpec.model_validate(config.model_dump())


def guard_spec(argument: str) -> GuardSpec:
    """``FORMAT:FOLDER[;KEY=VALUE...]``."""
    head, *pairs = argument.split(";")
    fmt, _, folder = (part.strip() for part in head.partition(":"))
    if not fmt or not folder:
        raise ConfigError(
            "a guard judge needs a format and a model folder",
            fix="write guard:FORMAT:FOLDER, e.g. guard:qwen3guard:models/Qwen3Guard-Gen-0.6B",
        )
    options = parse_options(pairs, GuardOptions, what="guard judge", spec=argument)
    problem = guard_problem(fmt, options.task)
    if problem is not None:
        raise problem
    try:
        return GuardSpec(format=fmt, folder=Path(folder), **options.model_dump())
    except ValidationError as exc:  # pragma: no cover - the options were validated above
        raise ConfigError(f"the guard judge {argument!r} is invalid: {exc}") from None


def guard_problem(fmt: str, task: Task) -> UserError | None:
    """Why a guard format cannot be used (unknown, or unable to judge refusal), if it cannot."""
    if fmt not in FORMATS:
        return UnknownNameError("guard format", fmt, FORMATS)
    if task == "refusal" and not FORMATS[fmt].supports_refusal:
        able = ", ".join(n for n, f in FORMATS.items() if f.supports_refusal)
        return ConfigError(
            f"the guard format {fmt!r} cannot judge refusal (task=refusal)",
            fix=f"use a format that says whether an answer refuses: {able}",
        )
    return None


def _options(spec: BaseModel, *, exclude: set[str]) -> str:
    """``;key=value`` for each field set away from its default. Short forms only carry
    scalars: a spec with headers or extra_body is written as a mapping, and in messages (which
    show the short form) those are left out, a header's value being a secret as a rule."""
    fields = type(spec).model_fields
    pairs = [
        f";{key}={'none' if value is None else value}"
        for key, value in spec.model_dump(exclude={"kind", *exclude}).items()
        if value != fields[key].get_default(call_default_factory=True)
        and not isinstance(value, dict | list)
    ]
    return "".join(pairs)


def _no_folder(folder: Path | None) -> str | None:
    if folder is None or folder.is_dir():
        return None
    return f"its model folder {folder} is not there"


def _under(root: Path, path: Path | None) -> Path | None:
    return root / path if path is not None and not path.is_absolute() else path
