"""The names of dataclean's expectation types, without great-expectations.

A suite names expectations by GX type (``expect_column_values_to_be_valid_nhs_number``); the
suite layer needs those names to generate and check suites, and must not import GX to get them.
The GX classes in :mod:`dataclean.gx.expectations` are named from the same table, and
``tests/test_gx.py`` checks that the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dataclean.exceptions import PlaceholderValue, SentinelDate

#: kind -> the class-name suffix of its validity expectation (the GX JSON type is derived from it).
KIND_CLASS_SUFFIX: dict[str, str] = {
    "nhs_number": "NhsNumber",
    "nino": "Nino",
    "postcode": "UkPostcode",
    "phone": "UkPhone",
    "email": "Email",
    "uprn": "Uprn",
    "date_of_birth": "DateOfBirth",
    "person_name": "PersonName",
    "gender": "NhsGenderCode",
    "ethnicity": "NhsEthnicCategory",
    "address": "UkAddress",
}

#: Reason codes that mean "a stand-in for missing data" rather than a malformed value.
PLACEHOLDER_REASONS = frozenset({PlaceholderValue.reason, SentinelDate.reason})

#: Expectation types that take a ``reference_date`` (a suite's ``reference_date`` fills it in).
DATE_AWARE_TYPES = frozenset(
    {
        "expect_column_values_to_be_plausible_date_of_birth",
        "expect_column_values_to_be_recent",
        "expect_column_pair_age_to_match_date_of_birth",
    }
)


def camel_to_snake(name: str) -> str:
    """GX's rule for an expectation class name -> its JSON type.

    >>> camel_to_snake("ExpectColumnValuesToBeValidUkPostcode")
    'expect_column_values_to_be_valid_uk_postcode'
    """
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def valid_kind_type(kind: str) -> str:
    """The GX expectation type that checks validity for ``kind``.

    >>> valid_kind_type("nhs_number")
    'expect_column_values_to_be_valid_nhs_number'
    """
    return camel_to_snake(f"ExpectColumnValuesToBeValid{KIND_CLASS_SUFFIX[kind]}")


#: Each kind's validity expectation type -> the kind
#: (``expect_column_values_to_be_valid_uk_postcode`` -> ``postcode``).
KIND_OF_VALID_TYPE: dict[str, str] = {valid_kind_type(kind): kind for kind in KIND_CLASS_SUFFIX}


def expectation_columns(kwargs: Mapping[str, Any]) -> tuple[str, ...]:
    """The columns an expectation reads, from its GX keyword arguments (``column``,
    ``column_A``/``column_B`` or ``column_list``); ``()`` for a table-level expectation."""
    if "column" in kwargs:
        return (kwargs["column"],)
    if "column_A" in kwargs:
        return (kwargs["column_A"], kwargs["column_B"])
    if "column_list" in kwargs:
        return tuple(kwargs["column_list"])
    return ()
