"""The ``guard:`` section of ``assay.yaml``: how the runtime guard treats what it finds.

.. code-block:: yaml

    guard:
      input:                          # what users send (the chat request, /v1/moderations)
        default: block                # block | mask | flag | allow: for a risk not named below
        risks: {A.1: block, A.3.b: mask, A.5.a: flag}  # a risk id or a category; the most
                                      # specific wins
      output: {default: block}        # what the model answers
      classifier: false               # also run the project's classifier (classifier:)
      refusal: {zh: 抱歉，这个问题我无法回答。, en: "Sorry, I can't help with that."}  # default:
                                      # the message catalogue's
      lang: auto                      # the refusal's language: auto (from the text), zh, en
      upstream:                       # the model service the chat endpoint forwards to
        base_url: http://127.0.0.1:8000/v1
        api_key_env: UPSTREAM_API_KEY # the key stays on the server, read from this variable
      api_keys_env: GUARD_API_KEYS    # comma-separated keys clients must send (Bearer); unset
                                      # or empty: no key asked
      abuse: {suspend_s: 86400, timezone: Asia/Shanghai}  # 7.g.1: the counts are the profile's
                                      # (also: max_users kept in memory, idle_s, refresh_s)
      rate_limit: {per_second: 10, per_minute: 300, burst: 20}  # per client key (token
                                      # buckets; either rate may be left out); unset: no limit
      max_body_bytes: 1048576         # larger request bodies are refused (413) unread
      log_text: false                 # put the screened text in the decision log lines
      reload: {watch: true, interval_s: 2}  # reload the keyword library when its file changes
      detectors:                      # more detectors (keywords always run; classifier above)
        guard_model:                  # a guard model behind an OpenAI-compatible endpoint,
          format: qwen3guard          # on the request path, input and output (qwen3guard,
          base_url: http://127.0.0.1:8001/v1  # llamaguard3: their chat template holds the
          model: Qwen3Guard-Gen-0.6B  # policy, the server applies it)
          on_error: {input: block, output: block}  # the endpoint failing: block (fail-closed,
                                      # the default) or allow (fail-open); counted and logged
        llm_judge: "llm:qwen-plus@https://host/v1"  # a project judge spec (kind llm): judges
                                      # what passed, after the reply, and only ever flags
        llm_queue: 1000               # texts waiting for the LLM judge; more are dropped

The numbers of the standard (7.g.1: 3 in a row, 5 in a day) come from the profile, never from
here; this file holds only the provider's own choices.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Action = Literal["block", "mask", "flag", "allow"]
Direction = Literal["input", "output"]


class PolicyConfig(BaseModel):
    """What the guard does with each risk found in one direction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Action = "block"
    risks: dict[str, Action] = Field(default_factory=dict)  # risk id or category -> action


class UpstreamConfig(BaseModel):
    """The OpenAI-compatible service ``/v1/chat/completions`` forwards to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str
    api_key_env: str | None = None  # the upstream key is read from this variable, never stored
    model: str | None = None  # sent upstream in place of the client's model, when given
    timeout_s: float = Field(default=120.0, gt=0)


class AbuseConfig(BaseModel):
    """7.g.1: users who keep entering banned content are suspended for ``suspend_s``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    suspend_s: float = Field(default=86400.0, gt=0)  # the suspension period (provider's choice)
    timezone: str = "Asia/Shanghai"  # where a day ("一天内") begins and ends
    max_users: int = Field(default=100_000, ge=1)  # users whose standing is kept in memory
    idle_s: float = Field(default=3600.0, gt=0)  # a user unseen this long is dropped from memory
    # how long a user's standing read from the store is trusted before it is read again: the
    # bound on what one worker may miss of another's counts when several share a store
    refresh_s: float = Field(default=1.0, ge=0)


class RateLimitConfig(BaseModel):
    """Requests each client (API key, else address) may make: a token bucket per rate given,
    refilled at that rate and holding ``burst`` requests (default: one second's or one
    minute's worth). A request over the limit is answered 429 with ``Retry-After``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    per_second: float | None = Field(default=None, gt=0)
    per_minute: float | None = Field(default=None, gt=0)
    burst: int | None = Field(default=None, ge=1)
    max_clients: int = Field(default=100_000, ge=1)  # buckets kept; the longest unused go first

    @model_validator(mode="after")
    def _names_a_rate(self) -> RateLimitConfig:
        if self.per_second is None and self.per_minute is None:
            raise ValueError("a rate limit names per_second, per_minute or both")
        return self


class ReloadConfig(BaseModel):
    """Hot reload of the keyword library (SIGHUP always reloads)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    watch: bool = True  # reload when the library or allowlist file changes
    interval_s: float = Field(default=2.0, gt=0)  # how often the files are looked at


class OnErrorConfig(BaseModel):
    """What the guard does with a text a detector on the request path could not judge (its
    endpoint down, slow past ``timeout_s``, or answering what cannot be read): ``block``
    (fail-closed) or ``allow`` (fail-open). Either way the failure is counted and logged, never
    taken for a clean verdict."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: Literal["block", "allow"] = "block"
    output: Literal["block", "allow"] = "block"


class GuardModelConfig(BaseModel):
    """A guard model (Qwen3Guard-Gen, Llama Guard 3) served by an OpenAI-compatible endpoint
    (vLLM, SGLang, ...), which applies the model's chat template: the guard sends the
    conversation and reads the model's verdict in its own output format."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["qwen3guard", "llamaguard3"]
    base_url: str
    model: str
    api_key_env: str | None = None  # the key is read from this variable, never stored
    timeout_s: float = Field(default=5.0, gt=0)  # on the request path: a failure past it
    on_error: OnErrorConfig = Field(default_factory=OnErrorConfig)
    controversial: Literal["unsafe", "safe"] = "unsafe"  # Qwen3Guard's third label (strict)
    # the model's categories mapped to risk ids (default: the format's own table)
    categories: dict[str, tuple[str, ...]] | None = None


class DetectorsConfig(BaseModel):
    """The detectors beyond the keywords (always) and the classifier (``guard.classifier``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    guard_model: GuardModelConfig | None = None
    # an LLM judge as the project's judges are written (``llm:MODEL@URL;...`` or {kind: llm,
    # ...}; read by assay.judges.specs): asynchronous, flag-only
    llm_judge: str | dict[str, Any] | None = None
    llm_queue: int = Field(default=1000, ge=1)
    llm_workers: int = Field(default=2, ge=1)


class GuardConfig(BaseModel):
    """The root of the ``guard:`` section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: PolicyConfig = Field(default_factory=PolicyConfig)
    output: PolicyConfig = Field(default_factory=PolicyConfig)
    classifier: bool = False
    refusal: dict[Literal["zh", "en"], str] = Field(default_factory=dict)
    lang: Literal["auto", "zh", "en"] = "auto"
    upstream: UpstreamConfig | None = None
    api_keys_env: str | None = None
    abuse: AbuseConfig = Field(default_factory=AbuseConfig)
    log_text: bool = False
    reload: ReloadConfig = Field(default_factory=ReloadConfig)
    rate_limit: RateLimitConfig | None = None
    max_body_bytes: int = Field(default=1_048_576, ge=1)  # larger request bodies: 413
    detectors: DetectorsConfig = Field(default_factory=DetectorsConfig)

    def policy(self, direction: Direction) -> PolicyConfig:
        return self.input if direction == "input" else self.output
