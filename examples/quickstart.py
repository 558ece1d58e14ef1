"""Quick start: check and standardise identifiers, then score a dataset against a suite.

Run from anywhere:  python examples/quickstart.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import dataclean
from dataclean import validate
from dataclean.fields import nhs_number, postcode
from dataclean.scorecard.render import write_scorecard

# 1. one value at a time
assert nhs_number.validate("943 476 5919") == "9434765919"
assert not nhs_number.is_valid("943 476 5918")  # wrong check digit
assert postcode.validate("sw1a1aa") == "SW1A 1AA"

# 2. whole columns: canonical values, a status and a reason per row
people = pd.DataFrame(
    {
        "nhs_number": ["943 476 5919", "9434765918", None, "999-000-0026"],
        "postcode": ["cm1 1qh", "ZZ99 3VZ", "CO1  1AA", "not known"],
    }
)
result = nhs_number.standardise_series(people["nhs_number"])
print(result.to_frame("nhs_number"))
print(postcode.standardise_series(people["postcode"]).to_frame("postcode"))

# 3. a whole extract against the shipped social care suite
data = Path(dataclean.__file__).parent / "data" / "example_people.csv"
extract = dataclean.read_table(data)
report = validate(extract, "social_care_person")
print(report.scorecard)  # masked examples only: no raw identifiers
out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/quickstart")
paths = write_scorecard(report.scorecard, out, ("json", "md", "html"))
report.failures.to_csv(out / "failures.csv", index=False)
print("wrote", ", ".join(str(p) for p in paths.values()))
