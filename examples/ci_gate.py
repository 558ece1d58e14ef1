"""A CI quality gate in Python: exit 0 when the data passes the suite, 1 when it does not.

Run:  python examples/ci_gate.py [DATA_FILE] [SUITE]
The same gate on the command line is `dataclean validate DATA --suite SUITE` (see docs/ci.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import dataclean
from dataclean import validate
from dataclean.scorecard.render import to_markdown

data = sys.argv[1] if len(sys.argv) > 1 else Path(dataclean.__file__).parent / "data" / "example_people.csv"
suite = sys.argv[2] if len(sys.argv) > 2 else "social_care_person"
report = validate(data, suite, reference_date="2026-11-24")
print(to_markdown(report.scorecard))
sys.exit(0 if report.passed else 1)
