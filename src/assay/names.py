"""File names Assay looks for by convention (a leaf module: the CLI reads it to write its help
without importing the project loader)."""

CONFIG_NAME = "assay.yaml"
"""The project file a command reads from the current folder when ``--config`` is not given."""
