"""Reports: the canonical JSON of an assessment and its renderings."""
