"""Deduplicate a person file with its own column names: draft the suite, then dedupe, untouched.

The file here has none of dataclean's column names (``case_ref``, `` given_name`` with a leading
space, ``family_name``, ``born``, ``town``, ``pupil_no``); ``suite init`` recognises them by name
and by values and drafts a working ``dedupe:`` block. Same as on the command line:

    dataclean suite init people.csv --output people.yml
    dataclean dedupe people.csv --suite people.yml --output linkage/

Run:  python examples/dedupe_any_person_file.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from dataclean import synth
from dataclean.cli import main

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/any_person_file")
out.mkdir(parents=True, exist_ok=True)
records = synth.records(1200, seed=4)
people = records.rename(
    columns={
        "record_id": "case_ref",
        "forename": " given_name",
        "surname": "family_name",
        "date_of_birth": "born",
        "nhs_number": "pupil_no",
    }
)[["case_ref", " given_name", "family_name", "born", "pupil_no", "postcode", "address", "email"]]
people.to_csv(out / "people.csv", index=False)

main(["suite", "init", str(out / "people.csv"), "--output", str(out / "people.yml"), "--force"])
print((out / "people.yml").read_text().split("dedupe:")[1])  # the drafted block, with its comments
main(["--no-progress", "dedupe", str(out / "people.csv"), "--suite", str(out / "people.yml"), "--output", str(out)])
