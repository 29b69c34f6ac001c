"""Personal information in text: mainland resident ID numbers (with the check digit), mobile
numbers, landlines with an area code and separator, bank card numbers (Luhn), PRC passport
numbers, e-mail addresses. Full-width digits and separators count. A number shaped like an ID
number (region code, birth date) with a wrong check digit is neither an ID number nor a card.

``mask`` replaces what it finds with a masked form that keeps the shape ("110***********123X",
"138****5678", "6222 **** **** 1234" → digits kept only at the ends, "a***@example.com").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_DIGIT = "[0-9０-９]"
_SEP = "[ \\-‐－]?"
_FULL = str.maketrans("０１２３４５６７８９ＸｘＡ－", "0123456789XxA-")

_ID = re.compile(rf"(?<![0-9０-９])({_DIGIT}{{17}}[0-9０-９XxＸｘ])(?![0-9０-９])")
# a mobile number: 1, then 3-9, then nine digits, in ASCII or full-width digits (or a mix)
_MOBILE = re.compile(
    rf"(?<![0-9０-９])(?:[+＋]?[8８][6６]{_SEP})?([1１][3-9３-９][0-9０-９](?:{_SEP}{_DIGIT}{{4}}){{2}})(?![0-9０-９])"
)
_CARD = re.compile(
    rf"(?<![0-9０-９])({_DIGIT}{{4}}(?:{_SEP}{_DIGIT}{{4}}){{2,3}}(?:{_SEP}{_DIGIT}{{1,3}})?)(?![0-9０-９])"
)
# a mainland landline with its area code and a separator: 010-12345678, 0755 1234567
_LANDLINE = re.compile(
    r"(?<![0-9０-９])([0０][1-9１-９][0-9０-９]{1,2}[\-－ ][2-9２-９][0-9０-９]{6,7})(?![0-9０-９])"
)
# a PRC passport number: E or G and 8 digits, or E, a letter (not I or O) and 7 digits
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])([EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7})(?![A-Za-z0-9])")
# A run of at least 7 digits and separators (a "+" may lead): every ID, card, mobile or landline
# number lies inside one of 11 or more characters and every passport number's digits inside one,
# so the exact patterns only run over these windows (one scan of the text), not the whole text.
_CANDIDATE = re.compile(r"[0-9０-９+＋][0-9０-９ \-‐－]{5,}[0-9０-９XxＸｘ]")
_LONG = 11  # the shortest window that can hold an ID, card, mobile or landline number
_LEAD = 2  # a passport number's letters before its digits
_EMAIL = re.compile(r"([A-Za-z0-9._%+\-]{1,64})@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Found:
    kind: str  # id_number / mobile / bank_card / landline / passport / email
    start: int
    end: int


def id_number_valid(text: str) -> bool:
    digits = text.translate(_FULL).upper()
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == digits[17]


# the first two digits of a mainland resident ID number: the province-level region
_REGIONS = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
    + [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
)


def id_number_shaped(text: str) -> bool:
    """18 characters that read as a resident ID number: a region code and a real birth date.
    With a wrong check digit it is not counted as an ID number (an order number may look like
    one), and never as a bank card either, even when it happens to pass the Luhn check."""
    digits = text.translate(_FULL).upper()
    if len(digits) != 18 or not digits[:17].isdigit() or int(digits[:2]) not in _REGIONS:
        return False
    try:
        born = date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def luhn_valid(text: str) -> bool:
    digits = [int(d) for d in text.translate(_FULL) if d.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card(text: str) -> bool:
    return luhn_valid(text) and not id_number_shaped(text)


def find(text: str) -> list[Found]:
    """Every piece of personal information found, without overlaps (IDs first, then cards,
    mobiles, landlines, e-mail addresses, passports)."""
    found: list[Found] = []

    def free(start: int, end: int) -> bool:
        return all(end <= f.start or start >= f.end for f in found)

    short = [(m.start(), m.end()) for m in _CANDIDATE.finditer(text)]
    if not short and "@" not in text:
        return found
    windows = [(start, end) for start, end in short if end - start >= _LONG]
    # lookbehinds still see the text before a window; the lookahead needs the next character
    for start, end in windows:
        for m in _ID.finditer(text, start, end + 1):
            if id_number_valid(m.group(1)):
                found.append(Found("id_number", m.start(1), m.end(1)))
    for start, end in windows:
        for m in _CARD.finditer(text, start, end + 1):
            if _card(m.group(1)) and free(m.start(1), m.end(1)):
                found.append(Found("bank_card", m.start(1), m.end(1)))
    for start, end in windows:
        for m in _MOBILE.finditer(text, start, end + 1):
            if free(m.start(1), m.end(1)):
                found.append(Found("mobile", m.start(1), m.end(1)))
    for start, end in windows:
        for m in _LANDLINE.finditer(text, start, end + 1):
            if free(m.start(1), m.end(1)):
                found.append(Found("landline", m.start(1), m.end(1)))
    if "@" in text:  # before passports: "E12345678@mail.com" is an e-mail address
        for m in _EMAIL.finditer(text):
            if free(m.start(), m.end()):
                found.append(Found("email", m.start(), m.end()))
    for start, end in short:
        for m in _PASSPORT.finditer(text, max(0, start - _LEAD), end + 1):
            if free(m.start(1), m.end(1)):
                found.append(Found("passport", m.start(1), m.end(1)))
    return sorted(found, key=lambda f: f.start)


def mask(text: str, found: list[Found] | None = None) -> str:
    """``text`` with personal information masked, keeping a few characters at the ends.

    ``found`` is what :func:`find` returned for this text, when the caller already has it."""
    out = []
    last = 0
    for f in find(text) if found is None else found:
        out.append(text[last : f.start])
        out.append(_masked(text[f.start : f.end], f.kind))
        last = f.end
    out.append(text[last:])
    return "".join(out)


def _masked(value: str, kind: str) -> str:
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "landline":  # the area code stays, the local number shows its last two digits
        cut = next(i for i, ch in enumerate(value) if not ch.isdigit())
        return value[: cut + 1] + _masked(value[cut + 1 :], "local")
    keep_head = {"id_number": 3, "mobile": 3, "bank_card": 4, "local": 0, "passport": 0}[kind]
    keep_tail = {"passport": 2, "local": 2}.get(kind, 4)
    digits_seen = 0
    total = sum(ch.isdigit() or ch in "XxＸｘ" for ch in value)
    chars = []
    for ch in value:
        if ch.isdigit() or ch in "XxＸｘ":
            digits_seen += 1
            hidden = keep_head < digits_seen <= total - keep_tail
            chars.append("*" if hidden else ch)
        else:
            chars.append(ch)
    return "".join(chars)
