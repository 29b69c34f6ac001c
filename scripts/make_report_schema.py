"""Write src/assay/reports/report.schema.json, the published JSON Schema of report.json.

python scripts/make_report_schema.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assay.reports.model import SCHEMA_VERSION, Report

TARGET = Path(__file__).resolve().parents[1] / "src" / "assay" / "reports" / "report.schema.json"


def render() -> str:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://assay.example/schemas/report-{SCHEMA_VERSION}.json"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
