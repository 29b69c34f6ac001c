"""Step 3 of the encoder experiment (the project's venv): the weights ``finetune.py --final``
wrote, made into the package's ``encoder.npz`` and ``encoder.json`` (each matrix as its
difference from the image's own, int8 with a float32 scale per output row; biases, norms and the
head float32; no text).

    python export.py FINAL_epN.npz --image e5-small-q4.bin --out src/assay/judges/data/refusal \
        [--training training.json]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "src")]

from assay.judges.encoder.bert import LINEAR, NORMS  # noqa: E402
from assay.judges.encoder.cross import INFO, WEIGHTS, EncoderInfo  # noqa: E402
from assay.judges.encoder.image import Image  # noqa: E402


def quantize_rows(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and their float32 scales (``q * s[:, None]`` is the matrix loaded)."""
    peak = np.abs(w).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    return np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8), scale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path)
    parser.add_argument("--image", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--training", type=Path, help="JSON: what the model card says of training")
    args = parser.parse_args()
    image = Image(args.image)
    out: dict[str, np.ndarray] = {}
    h, ff = image.hidden, image.ffn
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    with np.load(args.weights) as src:
        trained = int(src["trained"])
        for j in range(trained):
            i = image.layers - trained + j
            for k in LINEAR:
                base = image.q4_matrix(f"l{i}.{k}.w", *shapes[k])
                q, s = quantize_rows(src[f"top.{j}.{k}.weight"].astype(np.float32) - base)
                out |= {f"l{i}.{k}.q": q, f"l{i}.{k}.s": s}
                out[f"l{i}.{k}.b"] = src[f"top.{j}.{k}.bias"].astype(np.float32)
            for k in NORMS:
                out[f"l{i}.{k}.w"] = src[f"top.{j}.{k}.weight"].astype(np.float32)
                out[f"l{i}.{k}.b"] = src[f"top.{j}.{k}.bias"].astype(np.float32)
        out["head.w"] = src["head.weight"].astype(np.float32).ravel()
        out["head.b"] = src["head.bias"].astype(np.float32).reshape(())
    buf = io.BytesIO()
    np.savez_compressed(buf, **out)
    data = buf.getvalue()
    training = json.loads(args.training.read_text("utf-8")) if args.training else {}
    info = EncoderInfo(
        image_sha256=image.sha256, trained_layers=trained, training=training,
        weights_sha256=hashlib.sha256(data).hexdigest(),
    )  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / WEIGHTS).write_bytes(data)
    text = json.dumps(info.model_dump(mode="json"), ensure_ascii=False, indent=1)
    (args.out / INFO).write_text(text + "\n", encoding="utf-8")
    print(f"{args.out / WEIGHTS}: {len(data) / 1e6:.1f} MB, {trained} layers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
