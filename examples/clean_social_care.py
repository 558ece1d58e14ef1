"""Cleanse a social care extract: standardise, validate, quarantine, audit, score before and after.

Run:  python examples/clean_social_care.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import dataclean
from dataclean.pipeline import clean, write_outputs

source = Path(dataclean.__file__).parent / "data" / "example_people.csv"
extract = dataclean.read_table(source)
result = clean(extract, "social_care_person", reference_date="2026-11-24")

print(result.summary_text())
assert result.accounted  # every input row is clean, quarantined or merged
print(result.quarantine["quarantine_reasons"].value_counts().head(10))
print(result.audit.groupby("column").size())
print(result.after)

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/clean_social_care")
paths = write_outputs(result, source, out, formats=("json", "md", "html"))
print("wrote", ", ".join(sorted(p.name for p in paths.values())))
