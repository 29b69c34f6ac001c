"""One streamed choice screened field by field: every text a user may see has its screener.

A streamed reply's deltas carry text in several fields: ``content``, the reasoning shown by
reasoning models (``reasoning_content``), a ``refusal``, and the arguments of each tool call
(``tool_calls[i].function.arguments``, streamed in pieces per call ``index``). Each field (each
tool call) is a stream of its own: :class:`ChoiceScreen` keeps a
:class:`~assay.guard.stream.Screener` for each, so a word split across chunks of one field is
caught and text of one field never joins another's. A block in any field cuts the whole choice.
"""

from __future__ import annotations

from typing import Any

from assay.guard.core import Decision, Guard
from assay.guard.stream import Screener

TEXT_FIELDS = ("content", "reasoning_content", "refusal")  # plain-string delta fields
_TEXT = frozenset(TEXT_FIELDS)


class ChoiceScreen:
    """The screeners of one choice: :meth:`delta` for each delta, :meth:`finish` at its end.
    After a block, :attr:`blocked` is the blocking decision and nothing more passes."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self.fields: dict[str, Screener] = {}
        self.calls: dict[int, Screener] = {}  # tool call index -> its arguments' screener
        self.blocked: Decision | None = None
        self.finished = False

    @property
    def done(self) -> bool:
        return self.finished or self.blocked is not None

    def _push(self, table: dict[Any, Screener], field: str | int, text: str) -> str:
        screener = table.get(field)
        if screener is None:
            screener = table[field] = Screener(self.guard, "output")
        if not text:
            return ""
        shown = screener.push(text)
        if screener.decision is not None and screener.decision.blocked:
            self.blocked = screener.decision
        return shown

    def delta(self, delta: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The delta to pass on, with each text replaced by what may be shown of it so far,
        and whether it says anything (False: it only held text back). Check :attr:`blocked`
        afterwards: when set, the delta must not be sent."""
        out = dict(delta)
        says = False
        for key, value in delta.items():
            if key in _TEXT:
                if isinstance(value, str):
                    out[key] = shown = self._push(self.fields, key, value)
                    says = says or bool(shown)
            elif key != "tool_calls":
                says = True  # the role, and whatever else a delta may carry
            elif isinstance(value, list):
                kept = [c for c in (self._call(call) for call in value) if c is not None]
                if kept:
                    out[key] = kept
                    says = True
                else:
                    del out[key]
        return out, says

    def _call(self, call: Any) -> Any:
        """One tool call's piece with its arguments screened; None when nothing of it is left
        to send (only held-back arguments)."""
        function = call.get("function") if isinstance(call, dict) else None
        arguments = function.get("arguments") if isinstance(function, dict) else None
        if not isinstance(arguments, str):
            return call
        assert isinstance(call, dict)
        assert isinstance(function, dict)
        shown = self._push(self.calls, int(call.get("index") or 0), arguments)
        if not shown and set(call) <= {"index", "function"} and set(function) <= {"arguments"}:
            return None
        return {**call, "function": {**function, "arguments": shown}}

    def finish(self) -> dict[str, Any]:
        """The choice is over: decide every field's held tail and return the delta that shows
        what of them may be shown (empty when nothing). Check :attr:`blocked` afterwards."""
        self.finished = True
        out: dict[str, Any] = {}
        for field, screener in self.fields.items():
            shown = screener.finish()
            if screener.blocked:
                self.blocked = screener.decision
                return {}
            if shown:
                out[field] = shown
        calls = []
        for index, screener in self.calls.items():
            shown = screener.finish()
            if screener.blocked:
                self.blocked = screener.decision
                return {}
            if shown:
                calls.append({"index": index, "function": {"arguments": shown}})
        if calls:
            out["tool_calls"] = calls
        return out

    def masked(self) -> list[str]:
        """The risks whose words were masked in any field (after :meth:`finish`)."""
        return sorted({r for d in self.decisions() if d.action == "mask" for r in d.risk_ids})

    def decisions(self) -> list[Decision]:
        """The decisions about each field's whole text (after :meth:`finish`)."""
        screeners = [*self.fields.values(), *self.calls.values()]
        return [s.decision for s in screeners if s.decision is not None]
