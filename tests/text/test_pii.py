"""Personal-information detectors: the ID check digit, Luhn, full-width forms, and the windowed
search giving exactly what a whole-text search gives."""

from __future__ import annotations

import random

import pytest

from assay.text import pii
from assay.text.pii import Found, find, id_number_valid, luhn_valid, mask


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),
        ("110105194912310021", False),  # wrong check digit
        ("１１０１０５１９４９１２３１００２Ｘ", True),  # full-width
        ("11010519491231002", False),  # 17 digits
    ],
)
def test_resident_id_check_digit(number: str, valid: bool) -> None:
    assert id_number_valid(number) is valid


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4111111111111111", True),
        ("4111 1111 1111 1111", True),
        ("4111111111111112", False),
        ("6222021234567894", True),
        ("123456789012", False),  # too short for a card
    ],
)
def test_bank_card_luhn(number: str, valid: bool) -> None:
    assert luhn_valid(number) is valid


def test_forms_in_running_text() -> None:
    text = "电话：+86 138-1234-5678，卡号４１１１ １１１１ １１１１ １１１１。邮箱 a.b@example.cn"
    assert [f.kind for f in find(text)] == ["mobile", "bank_card", "email"]
    assert "1234-5678" not in mask(text)
    assert find("2024年营收 13800 万元，订单 12345678901234567890123") == []


def test_landlines_and_passports() -> None:
    text = "座机 010-62345678，深圳 0755 2234567，全角 ０２１－６２３４５６７８；护照 E12345678、EA1234567"
    assert [f.kind for f in find(text)] == ["landline"] * 3 + ["passport"] * 2
    masked = mask(text)
    assert "010-******78" in masked
    assert "０２１－******７８" in masked
    assert "E******78" in masked
    # not landlines or passports: a local number cannot start with 0 or 1; codes run on
    assert find("区间 2024-2025，010-12345678，型号 E1234567890，XE12345678") == []


def _whole_text(text: str) -> list[Found]:
    """The reference: each exact pattern over the whole text."""
    found: list[Found] = []

    def free(start: int, end: int) -> bool:
        return all(end <= f.start or start >= f.end for f in found)

    for m in pii._ID.finditer(text):
        if id_number_valid(m.group(1)):
            found.append(Found("id_number", m.start(1), m.end(1)))
    for m in pii._CARD.finditer(text):
        card = luhn_valid(m.group(1)) and not pii.id_number_shaped(m.group(1))
        if card and free(m.start(1), m.end(1)):
            found.append(Found("bank_card", m.start(1), m.end(1)))
    for m in pii._MOBILE.finditer(text):
        if free(m.start(1), m.end(1)):
            found.append(Found("mobile", m.start(1), m.end(1)))
    for m in pii._LANDLINE.finditer(text):
        if free(m.start(1), m.end(1)):
            found.append(Found("landline", m.start(1), m.end(1)))
    for m in pii._EMAIL.finditer(text):
        if free(m.start(), m.end()):
            found.append(Found("email", m.start(), m.end()))
    for m in pii._PASSPORT.finditer(text):
        if free(m.start(1), m.end(1)):
            found.append(Found("passport", m.start(1), m.end(1)))
    return sorted(found, key=lambda f: f.start)


def test_overlapping_finds_are_masked_once() -> None:
    assert mask("E12345678@mail.com") == "E***@mail.com"  # an e-mail address, not a passport
    assert [f.kind for f in find("写信给 E12345678@mail.com")] == ["email"]


def test_windowed_search_equals_whole_text_search() -> None:
    rng = random.Random(7)
    alphabet = list("0123456789０１２３４５６７８９ -－‐+Xx字a@.EGA") + [
        "86",
        "138",
        "11010519491231002X",
        "E1234567",
        "EA",
    ]
    hits = passports = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 60)))
        expected = _whole_text(text)
        assert find(text) == expected, text
        hits += bool(expected)
        passports += any(f.kind == "passport" for f in expected)
    assert hits > 300  # the random texts do hold personal information
    assert passports > 30


def test_full_width_mobile_numbers_are_found() -> None:
    """Regression (issue 12, item 18): _MOBILE began with an ASCII 1, so no full-width mobile
    number (０-９ throughout) was ever found."""
    for text in (
        "电话１３８１２３４５６７８。",
        "手机：１３８－１２３４－５６７８",
        "＋８６ １５９１２３４５６７８",
        "混写 1３8１２３４５６７８ 也算",
    ):
        (found,) = find(text)
        assert found.kind == "mobile", text
        assert "１２３４" not in mask(text)[found.start : found.end]


def test_a_mistyped_id_number_is_not_a_bank_card() -> None:
    """Regression (issue 12, item 18): an ID number with a wrong check digit that happens to
    pass Luhn was counted as a bank card. Like any ID-shaped number with a wrong check digit
    it is not counted as an ID number either (see tests/reports: an order number)."""
    mistyped = "110105194912310028"  # region 110105, born 1949-12-31, check digit 8 (not X)
    assert not id_number_valid(mistyped)
    assert luhn_valid(mistyped)
    assert find(f"身份证 {mistyped}") == []
    assert find("身份证 １１０１０５１９４９１２３１００２８") == []  # full-width
    assert [f.kind for f in find("卡号 6222021234567894")] == ["bank_card"]
    # an 18-digit card number that is no ID number (no region code / no real date) stays a card
    for card in ("622202123456789012", "110105194913310027"):  # Luhn, no ID check digit
        assert [f.kind for f in find(f"卡号 {card}")] == ["bank_card"]
