"""Rules over pandas columns that need no great-expectations (the ``checks`` layer).

Each rule takes pandas Series and returns a boolean Series aligned with its input (True = the row
passes); none imports great-expectations, so they can be used and tested on their own. The GX
expectations in :mod:`dataclean.gx.expectations` are thin adapters that call them.

>>> import pandas as pd
>>> from dataclean import checks
>>> checks.number_between_mask(pd.Series(["£40", "1,250.50", "lots"]), 0, 1000).tolist()
[True, False, False]
>>> checks.age_matches_mask(pd.Series(["2000-06-01"]), pd.Series(["26"]), "2026-11-24").tolist()
[True]

* :mod:`~dataclean.checks.precomputed`: field results computed once per run and reused by rules.
* :mod:`~dataclean.checks.values`: placeholders, numbers in text, reference files.
* :mod:`~dataclean.checks.dates`: plausible date of birth, recency, date pairs, age vs date of birth.
* :mod:`~dataclean.checks.types`: the names of dataclean's expectation types.
"""

from __future__ import annotations

from dataclean.checks.dates import (
    age_matches_mask,
    as_date,
    chronological_mask,
    plausible_dob_mask,
    recent_mask,
)
from dataclean.checks.precomputed import cached, kind_reasons, kind_valid_mask, precomputed
from dataclean.checks.types import (
    DATE_AWARE_TYPES,
    KIND_CLASS_SUFFIX,
    KIND_OF_VALID_TYPE,
    PLACEHOLDER_REASONS,
    camel_to_snake,
    valid_kind_type,
)
from dataclean.checks.values import (
    clear_reference_cache,
    in_reference_mask,
    load_reference_values,
    number_between_mask,
    placeholder_mask,
)

__all__ = [
    "DATE_AWARE_TYPES",
    "KIND_CLASS_SUFFIX",
    "KIND_OF_VALID_TYPE",
    "PLACEHOLDER_REASONS",
    "age_matches_mask",
    "as_date",
    "cached",
    "camel_to_snake",
    "chronological_mask",
    "clear_reference_cache",
    "in_reference_mask",
    "kind_reasons",
    "kind_valid_mask",
    "load_reference_values",
    "number_between_mask",
    "placeholder_mask",
    "plausible_dob_mask",
    "precomputed",
    "recent_mask",
    "valid_kind_type",
]
