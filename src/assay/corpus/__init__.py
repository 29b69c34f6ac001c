"""Corpus assessment: the source registry, streaming readers, per-source assessment (5.1, 5.2)."""
