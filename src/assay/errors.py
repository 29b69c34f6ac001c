"""One rooted exception hierarchy for Assay.

Every error a user can cause (a bad file, a bad profile, an unknown name, a missing optional
dependency) is an :class:`AssayError` subclass carrying the file, line and a fix, and maps to an
exit code. The CLI prints ``str(error)`` as one line; ``--debug`` adds the traceback.

Exit codes (documented in the README):

* 0 - success
* 1 - a check ran and found shortfalls (``assay banks check``)
* 2 - a usage or input error: bad file, bad profile or config, unknown name
* 3 - a missing optional dependency
* 70 - an internal error (a bug in Assay; please report it with ``--debug`` output)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from assay.messages import t

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_MISSING_DEPENDENCY = 3
EXIT_INTERNAL = 70


class AssayError(Exception):
    """Base of every error Assay raises on purpose."""

    exit_code: int = EXIT_INTERNAL

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.fix = fix

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        fix = f" (fix: {self.fix})" if self.fix else ""
        return f"{where}{self.message}{fix}"


class UserError(AssayError):
    """Something the user can fix: a file, a config value, an argument."""

    exit_code = EXIT_USAGE


class ConfigError(UserError):
    """A project config (assay.yaml) or command option is invalid."""


class ProfileError(ConfigError):
    """A profile of the standard is invalid or cannot be found."""


class InputFormatError(UserError):
    """An input file cannot be read at all (not one bad row: those are quarantined)."""


class BadRowError(InputFormatError):
    """A row of a bank file is invalid and ``--strict`` was asked for."""


class RowError(BadRowError):
    """One row is invalid, found by a row parser that knows neither file nor line: the reader
    quarantines it as a :class:`~assay.banks.models.BadRow` (or, with ``--strict``, raises a
    :class:`BadRowError` that names them)."""

    def __init__(self, reason: str, fix: str = "") -> None:
        super().__init__(reason, fix=fix or None)
        self.reason = reason
        self.fix = fix


class OutputPathError(UserError):
    """An output path leaves its output folder or would overwrite an input file."""


class UnknownNameError(UserError):
    """A name (risk, aspect, profile, format) is not known; suggests the closest one."""

    def __init__(
        self,
        what: str,
        name: str,
        known: Iterable[str],
        *,
        file: str | Path | None = None,
        line: int | None = None,
    ) -> None:
        known_list = list(known)
        close = difflib.get_close_matches(name, known_list, n=1, cutoff=0.5)
        fix = f"did you mean {close[0]!r}?" if close else _known_hint(known_list)
        super().__init__(f"unknown {what} {name!r}", file=file, line=line, fix=fix)
        self.name = name


class StoreError(UserError):
    """The run store cannot be opened or used: a connection mistake (wrong port, password or
    database, an unencoded ``@``), or a database that stayed away longer than a run waits."""


class RunLockedError(StoreError):
    """Another process is asking the questions of this run (a second ``--resume``)."""


class StoreUnavailableError(StoreError):
    """The run store stayed away longer than the run waits; the replies that arrived are kept
    in a local file and stored by the next resume."""


class ReviewError(UserError):
    """A review action that is not allowed: labelling an item others have finished, a second
    review by the item's first labeller, adjudicating an item one labelled or that is not in
    dispute, an unknown user, queue or role.

    Raised with a message key of the catalogue and the fix's key (both ``review.err.…``/
    ``review.fix.…``) and the fields they fill: ``str()`` and :attr:`message` are the English
    text (the CLI, the logs), :meth:`said` gives both in the reader's language (the web page).
    """

    def __init__(self, key: str, *, fix_key: str | None = None, **fields: object) -> None:
        super().__init__(
            t(key, "en", **fields), fix=t(fix_key, "en", **fields) if fix_key else None
        )
        self.key = key
        self.fix_key = fix_key
        self.fields = fields

    def said(self, lang: str) -> tuple[str, str]:
        """(message, fix) in ``lang``; the fix is empty when there is none."""
        fix = t(self.fix_key, lang, **self.fields) if self.fix_key else ""
        return t(self.key, lang, **self.fields), fix


class ReviewDeniedError(ReviewError):
    """The user's role or assignments do not allow what was asked (the web app answers 403)."""


class MissingDependencyError(UserError):
    """An optional dependency is not installed; the fix names the extra to install."""

    exit_code = EXIT_MISSING_DEPENDENCY

    def __init__(self, module: str, extra: str | None = None, package: str | None = None) -> None:
        fix = f"pip install 'assay[{extra}]'" if extra else f"pip install {package or module}"
        super().__init__(f"this feature needs the package {module!r}", fix=fix)


class NotSentError(AssayError):
    """A request to the target was not sent: a spend cap was reached, or the run was stopped
    (a dead endpoint). The execute stage catches it and leaves the question unasked, for a
    resume to ask; it never reaches the user."""


class TargetError(AssayError):
    """A call to the target failed. Never counted as an answer or a refusal: the execute stage
    records it with its reason, and with the tokens the failed reply billed (an empty reply of
    a reasoning model that ran out of tokens is paid for). ``server_message`` is the server's
    own words, when it sent any. It reaches the user only through a bug (exit code 70)."""

    def __init__(
        self,
        reason: str,
        *,
        status_code: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        server_message: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code
        self.retryable = retryable
        self.retry_after = retry_after
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.server_message = server_message


class TargetUnavailableError(UserError):
    """The run stopped early because the target refused every request (HTTP 401, 403, 404) or
    failed too many in a row; the message says why, with the server's own words."""


class InvalidReplyError(AssayError):
    """A judging model's reply is not what its prompt asks for. The LLM judge catches it, asks
    again, and in the end turns it into an uncertain verdict: it never reaches the user."""


def _known_hint(known: list[str]) -> str:
    shown = ", ".join(known[:8])
    more = f" and {len(known) - 8} more" if len(known) > 8 else ""
    return f"use one of: {shown}{more}"


class GuardRequestError(AssayError):
    """The guard service refuses a request (no or a wrong API key, a bad body, a suspended user,
    an unreachable upstream, a client over its rate): answered with ``status``, ``headers`` and
    an OpenAI-style error body whose ``code`` is ``code`` and ``type`` is ``kind`` (default:
    ``code``); it never reaches the command line."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str,
        *,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.kind = kind or code
        self.headers = headers or {}
