"""Assay: security assessment toolkit for generative-AI services (TC260-003 / GB/T 45654-2025)."""

from assay.version import __version__

__all__ = ["__version__"]
