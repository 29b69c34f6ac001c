"""The assay command line (thin adapters over the library)."""
