"""Write the character tables of ``assay.text`` (run once; the outputs are committed).

* ``src/assay/text/data/unicode.json``: the NFKC, case-folding and accent (base letter)
  changes and the character classes (space, separator, invisible, mark) of the Unicode database of the running Python,
  so that building the normalization tables at run time takes milliseconds, not a scan of all
  1.1 million code points.
* ``src/assay/text/data/t2s.tsv``: traditional to simplified Chinese, one character to one
  character, from OpenCC's ``t2s``, ``tw2s`` and ``hk2s`` conversions (Apache-2.0, see NOTICE).
  Needs ``pip install opencc``.

    python scripts/make_text_tables.py
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "assay" / "text" / "data"
HAN_RANGES = [(0x2E80, 0x2FE0), (0x3400, 0xA000), (0xF900, 0xFB00), (0x20000, 0x323B0)]
WHITESPACE_CONTROLS = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x85}
# letters and symbols that render as nothing and are used to hide text
INVISIBLE_EXTRA = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F}


def raw_class(cp: int) -> str | None:
    if cp in INVISIBLE_EXTRA:
        return "invisible"
    if cp in WHITESPACE_CONTROLS:
        return "space"
    category = unicodedata.category(chr(cp))
    if category.startswith("Z"):
        return "space"
    if category in ("Cc", "Cf"):
        return "invisible"
    if category in ("Mn", "Me"):
        return "mark"
    if category[0] in ("P", "S"):
        return "separator"
    return None


def unicode_tables() -> dict[str, object]:
    nfkc: dict[str, str] = {}
    casefold: dict[str, str] = {}
    bases: dict[str, str] = {}
    ranges: list[list[object]] = []
    current: list[object] | None = None
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            current = None
            continue
        ch = chr(cp)
        normal = unicodedata.normalize("NFKC", ch)
        if normal != ch:
            nfkc[f"{cp:x}"] = normal
        parts = unicodedata.normalize("NFD", ch)
        if len(parts) > 1 and all(unicodedata.category(c) in ("Mn", "Me") for c in parts[1:]):
            bases[f"{cp:x}"] = parts[0]  # a letter with accents: its base letter
        folded = ch.casefold()
        if folded != ch:
            casefold[f"{cp:x}"] = folded
        cls = raw_class(cp)
        if current is not None and current[2] == cls and current[1] == cp:
            current[1] = cp + 1
        elif cls is not None:
            current = [cp, cp + 1, cls]
            ranges.append(current)
        else:
            current = None
    return {
        "unidata_version": unicodedata.unidata_version,
        "nfkc": nfkc,
        "casefold": casefold,
        "bases": bases,
        "classes": ranges,
    }


def t2s_table() -> list[tuple[str, str]]:
    import opencc

    converters = [opencc.OpenCC(name) for name in ("t2s", "tw2s", "hk2s")]
    pairs: dict[str, str] = {}
    for start, end in HAN_RANGES:
        for cp in range(start, end):
            ch = chr(cp)
            for converter in converters:
                out = converter.convert(ch)
                if out != ch and len(out) == 1 and ch not in pairs:
                    pairs[ch] = out
    return sorted(pairs.items())


def main() -> int:
    DATA.mkdir(parents=True, exist_ok=True)
    tables = unicode_tables()
    (DATA / "unicode.json").write_text(
        json.dumps(tables, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    lines = ["# traditional\tsimplified (from OpenCC t2s/tw2s/hk2s, Apache-2.0; see NOTICE)"]
    lines += [f"{t}\t{s}" for t, s in t2s_table()]
    (DATA / "t2s.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {DATA / 'unicode.json'} and {DATA / 't2s.tsv'} ({len(lines) - 1} pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
