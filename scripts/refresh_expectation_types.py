"""Write ``src/dataclean/schemas/expectation-types.json``: the expectation types a suite may name.

Suites load without great-expectations (GX), so the names of GX's expectation types and of their
arguments are kept as data. Run this after upgrading GX (or adding a dataclean expectation):

    python scripts/refresh_expectation_types.py          # rewrite the file
    python scripts/refresh_expectation_types.py --check  # exit 1 if the file is out of date

``tests/test_gx.py`` fails when the file and the installed GX disagree.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

TARGET = Path(__file__).resolve().parents[1] / "src" / "dataclean" / "schemas" / "expectation-types.json"


def build() -> dict[str, Any]:
    """The table, from the GX registry with dataclean's expectations registered."""
    import great_expectations
    from great_expectations.expectations.registry import (
        get_expectation_impl,
        list_registered_expectation_implementations,
    )

    from dataclean.gx import ensure_registered

    ensure_registered()
    fields: dict[str, dict[str, bool]] = {}
    for name in sorted(list_registered_expectation_implementations()):
        cls = get_expectation_impl(name)
        fields[name] = {f: bool(info.required) for f, info in cls.__fields__.items()}
    common = sorted(set.intersection(*(set(f) for f in fields.values())))
    types = {
        name: {
            "arguments": [f for f in f_required if f not in common],
            "required": [f for f, req in f_required.items() if req],
        }
        for name, f_required in fields.items()
    }
    return {
        "meta": {
            "title": "Expectation types and their arguments, as registered in great-expectations",
            "generated_by": "scripts/refresh_expectation_types.py",
            "great_expectations": great_expectations.__version__,
            "notes": "common: arguments every expectation takes; per type: its own arguments and the required ones",
        },
        "common": common,
        "types": types,
    }


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report whether the file is current; write nothing")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{TARGET} is current")
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
