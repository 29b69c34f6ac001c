"""Assay: security assessment toolkit for generative-AI services (TC260-003 / GB/T 45654-2025)."""

__version__ = "0.1.0"
