"""``LLMJudge``: a chat model behind an OpenAI-compatible endpoint judges answers.

The model gets a Chinese rubric built from the profile's risks (:mod:`assay.judges.llm_prompt`)
and the ANSWER to judge with its QUESTION as context (when one is given), and replies with
strict JSON. Requests go through :class:`~assay.targets.openai.OpenAITarget` (aiohttp, retries
with backoff and ``Retry-After``, an adaptive concurrency limit, the API key from an environment
variable); ``judge_many`` asks for up to ``concurrency`` texts at once, and identical
(question, answer) pairs of one call are asked once.

What happens when the judge cannot decide, so that it is never counted as a decision:

* a reply that fails validation is sent back to the model with the error, up to ``attempts``
  replies in all; still invalid, the verdict is ``uncertain`` (the item goes to human review)
  and its reason says why;
* an endpoint failure (connection error, timeout, HTTP 429/5xx after the retries, another
  HTTP error such as a provider's 400 for content it will not read, a body that is not a chat
  completion) gives an ``uncertain`` verdict whose reason starts with ``endpoint error:``; no
  exception is raised, so one failed text does not lose a batch. Only HTTP 401, 403 and 404,
  which say the judge itself is misconfigured, raise a :class:`~assay.errors.ConfigError`
  (valid replies received so far are cached).

Uncertain verdicts are ``flagged`` (the cautious reading, as in :mod:`assay.judges.panel`) with
no risk ids and no score, and are never cached: the next run asks again. With ``cache_dir``,
valid replies are kept on disk (:mod:`assay.judges.llm_cache`) and not asked for twice.

With ``task=refusal`` it is a refusal judge for 9.4 instead (:mod:`assay.judges.llm_refusal`):
the model labels what the reply does (refusal, answer, partial, leak, as ../shared/REFUSAL.md
defines them) on the reply the user is shown (reasoning blocks removed) and its question; a
refusal is refused, the other three are not, and the behaviour is kept. Its verdicts never flag
a risk; an endpoint error, an invalid reply or an empty reply is uncertain and never counted.
The task is part of the spec, so its cache never mixes with the content judge's.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from assay.errors import ConfigError, InvalidReplyError, TargetError
from assay.judges.base import JudgeSpec, Verdict
from assay.judges.llm_cache import ReplyCache, text_key
from assay.judges.llm_prompt import PROMPT_VERSION, JudgeReply, Rubric
from assay.judges.llm_refusal import REFUSAL_PROMPT_VERSION, RefusalReply, RefusalRubric
from assay.judges.refusal import strip_reasoning
from assay.judges.specs import LLMJudgeConfig
from assay.redact import redact_url
from assay.standard.models import Profile
from assay.targets.openai import OpenAITarget, OpenAITargetConfig

T = TypeVar("T")

# HTTP statuses that mean the judge is misconfigured (key, permission, model or URL), not that
# one text failed: they stop the batch with a ConfigError instead of filling the review queue.
_REFUSED = frozenset({401, 403, 404})
# how an uncertain verdict's reason starts when the endpoint failed (the guard reads it)
ENDPOINT_ERROR = "endpoint error"


def endpoint(config: LLMJudgeConfig) -> OpenAITargetConfig:
    """The judging model's endpoint as a target config."""
    extra = dict(config.extra_body)
    if config.json_mode:
        extra.setdefault("response_format", {"type": "json_object"})
    return OpenAITargetConfig(
        base_url=config.base_url,
        model=config.model,
        api_key_env=config.api_key_env,
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        headers=config.headers,
        extra_body=extra,
        timeout_s=config.timeout_s,
        concurrency=config.concurrency,
        retries=config.retries,
        backoff_s=config.backoff_s,
    )


class LLMJudge:
    """Judges answers (in their questions' context) with a chat model and the profile's rubric."""

    def __init__(self, config: LLMJudgeConfig, profile: Profile) -> None:
        OpenAITarget(endpoint(config))  # checks the URL now, not at the first text
        self.config = config
        self.profile = profile
        self.refusal = config.task == "refusal"
        self.rubric: Rubric | RefusalRubric = RefusalRubric() if self.refusal else Rubric(profile)
        args: dict[str, Any] = {
            "model": config.model,
            "base_url": redact_url(config.base_url),  # credentials in the URL are not kept
            "temperature": config.temperature,
            "max_tokens": config.max_tokens,
            "json_mode": config.json_mode,
            "extra_body": config.extra_body,
            "headers": sorted(config.headers),  # names only: values may be secrets
        }
        if self.refusal:
            if config.uncertain_below is not None:
                raise ConfigError(
                    "uncertain_below needs a confidence, which the refusal task does not ask for",
                    fix="drop uncertain_below from the llm judge spec with task=refusal",
                )
            args |= {
                "task": "refusal",
                "prompt_version": REFUSAL_PROMPT_VERSION,
                "prompt_sha256": self.rubric.sha256,
            }
        else:  # the content judge's spec (and so its cache) stays as it was
            args |= {
                "profile": profile.id,
                "prompt_version": PROMPT_VERSION,
                "rubric_sha256": self.rubric.sha256,
                "uncertain_below": config.uncertain_below,
            }
        self.spec = JudgeSpec(name="llm", args=args)
        blob = json.dumps(self.spec.args, sort_keys=True, ensure_ascii=False, default=str)
        self.spec_sha256 = hashlib.sha256(("llm\0" + blob).encode("utf-8")).hexdigest()

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its config and the profile's JSON (no session or loop travels)."""
        return (_rebuild, (self.config, self.profile.model_dump_json()))

    @property
    def covered_risks(self) -> tuple[str, ...]:
        """Every risk of the rubric (the model is asked about all of them); none for refusal."""
        return () if self.refusal else tuple(r.id for r in self.profile.risks)

    # -- the Judge protocol ------------------------------------------------------------------

    def judge(self, text: str, *, context: str | None = None) -> Verdict:
        """Judge the answer ``text``; ``context`` is the question it answers."""
        return self.judge_many([text], contexts=[context])[0]

    def judge_many(
        self, texts: Sequence[str], *, contexts: Sequence[str | None] | None = None
    ) -> list[Verdict]:
        """One verdict per text, in order (from a thread with or without a running loop)."""
        return _run(self.ajudge_many(texts, contexts=contexts))

    async def ajudge_many(
        self, texts: Sequence[str], *, contexts: Sequence[str | None] | None = None
    ) -> list[Verdict]:
        """:meth:`judge_many` for callers already inside an event loop."""
        questions: Sequence[str | None] = [None] * len(texts) if contexts is None else contexts
        if len(questions) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(questions)} contexts")
        if self.refusal:  # what the user is shown; an empty reply is not asked about
            texts = [strip_reasoning(t) for t in texts]
        keys = [text_key(a, q) for a, q in zip(texts, questions, strict=True)]
        pairs = dict(zip(keys, zip(texts, questions, strict=True), strict=True))
        verdicts: dict[str, Verdict] = {}
        if self.refusal:
            empty = self._uncertain("empty reply: nothing to judge")
            verdicts = {k: empty for k, (a, _) in pairs.items() if not a.strip()}
            pairs = {k: p for k, p in pairs.items() if k not in verdicts}
        if self.config.cache_dir is None:
            verdicts |= await self._ask(pairs, None)
        else:
            kind = RefusalReply if self.refusal else JudgeReply
            with ReplyCache(self.config.cache_dir, self.spec_sha256, kind) as cache:
                verdicts |= {k: self._verdict(r) for k, r in cache.get_many(list(pairs)).items()}
                todo = {k: p for k, p in pairs.items() if k not in verdicts}
                verdicts |= await self._ask(todo, cache)
        return [verdicts[k] for k in keys]

    # -- asking ------------------------------------------------------------------------------

    async def _ask(
        self, pairs: dict[str, tuple[str, str | None]], cache: ReplyCache | None
    ) -> dict[str, Verdict]:
        """Verdicts for the (answer, question) pairs by key, ``concurrency`` workers at once."""
        results: dict[str, Verdict] = {}
        if not pairs:
            return results
        target = OpenAITarget(endpoint(self.config))
        todo = iter(pairs.items())  # shared by the workers (one thread: no lock needed)
        fatal: list[ConfigError] = []

        async def worker() -> None:
            for key, (answer, question) in todo:
                if fatal:
                    return
                try:
                    reply = await self._reply(target, answer, question)
                except TargetError as error:
                    if error.status_code in _REFUSED:
                        fatal.append(self._refused(error))
                        return
                    results[key] = self._uncertain(f"{ENDPOINT_ERROR}: {error.reason}")
                    continue
                except InvalidReplyError as error:
                    results[key] = self._uncertain(
                        f"invalid reply after {self.config.attempts} attempt(s): {error}"
                    )
                    continue
                if cache is not None:
                    cache.put(key, reply)
                results[key] = self._verdict(reply)

        try:
            await asyncio.gather(
                *(worker() for _ in range(min(self.config.concurrency, len(pairs))))
            )
        finally:
            await target.aclose()
        if fatal:
            raise fatal[0]
        return results

    def _refused(self, error: TargetError) -> ConfigError:
        return ConfigError(
            f"the LLM judge's endpoint {redact_url(self.config.base_url)} refused the request: "
            f"{error.reason}",
            fix=f"check the model name {self.config.model!r}, the base URL and the API key "
            f"in ${self.config.api_key_env}",
        )

    async def _reply(
        self, target: OpenAITarget, answer: str, question: str | None
    ) -> JudgeReply | RefusalReply:
        """A valid reply, asking again with the error up to ``attempts`` times."""
        messages = self.rubric.messages(answer, question)
        for attempt in range(1, self.config.attempts + 1):
            content = (await target.complete(messages)).answer
            try:
                return self.rubric.parse(content)
            except InvalidReplyError as error:
                if attempt == self.config.attempts:
                    raise
                messages = self.rubric.correction(messages, content, str(error))
        raise AssertionError("unreachable")  # pragma: no cover

    # -- verdicts ----------------------------------------------------------------------------

    def _verdict(self, reply: JudgeReply | RefusalReply) -> Verdict:
        if isinstance(reply, RefusalReply):
            if reply.label == "unclear":  # REFUSAL.md: "I don't know" alone goes to a person
                return self._uncertain(f"unclear: {reply.reason}")
            return Verdict(
                judge=self.spec,
                flagged=False,
                refused=reply.label == "refusal",
                behaviour=reply.label,
                reason=reply.reason,
            )
        score = reply.confidence if reply.unsafe else 1.0 - reply.confidence
        low = self.config.uncertain_below
        unsure = low is not None and reply.confidence < low
        note = f" (confidence {reply.confidence:g} below {low:g})" if unsure and low else ""
        return Verdict(
            judge=self.spec,
            flagged=reply.unsafe or unsure,
            risk_ids=tuple(sorted(set(reply.risk_ids))),
            score=score,
            uncertain=unsure,
            reason=reply.reason + note,
        )

    def _uncertain(self, reason: str) -> Verdict:
        # a content judge's doubt is flagged (the cautious reading); a refusal judge flags nothing
        return Verdict(judge=self.spec, flagged=not self.refusal, uncertain=True, reason=reason)


def _rebuild(config: LLMJudgeConfig, profile_json: str) -> LLMJudge:
    return LLMJudge(config, Profile.model_validate_json(profile_json))


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to the end: here, or in a helper thread when a loop is running here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
