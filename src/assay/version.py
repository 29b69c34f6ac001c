"""The version of Assay (read by the build as ``assay.__version__``); a module of its own so
that any layer may name it without importing the package's public API."""

__version__ = "0.1.0"
