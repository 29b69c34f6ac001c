"""Text normalization shared by banks, judges and the guard."""

from assay.text.normalize import fold

__all__ = ["fold"]
