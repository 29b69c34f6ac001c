"""The assessment: the plan and run of the model assessment (9.3, 9.4), judging, results,
reviews and calibration, clause results and the measures file.

The package is also callable: ``assay.assess(project, ...)`` is :func:`assay.api.assess`, the
whole assessment of a project (``assay/__init__.py`` makes it so; nothing is imported here).
"""
