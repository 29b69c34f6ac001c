"""PDF from the HTML report, with WeasyPrint (optional: ``pip install 'assay[pdf]'``).

Chinese needs a CJK font on the machine (Debian: ``fonts-noto-cjk``); the report's CSS asks for
Noto Sans CJK SC first.
"""

from __future__ import annotations

from pathlib import Path

from assay.errors import MissingDependencyError


def write_pdf(html: str, target: Path) -> None:
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: the package is there but pango is not
        raise MissingDependencyError("weasyprint", "pdf") from None
    weasyprint.HTML(string=html).write_pdf(str(target))
