"""One contract over every registered field kind (like python-stdnum's robustness test)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataclean import registry
from dataclean._core import StandardiseResult
from dataclean.exceptions import ValidationError

KINDS = registry.kinds()

JUNK = [
    None,
    float("nan"),
    pd.NA,
    pd.NaT,
    "",
    "   ",
    b"9434765919",
    bytearray(b"abc"),
    "😀",
    "😀" * 20,
    "x" * 10**6,
    "9" * 10**6,
    ["9434765919"],
    {"a": 1},
    object(),
    True,
    1.5,
    -1,
    math.inf,
    "\x00",
    "٣٤٥",
    "\u200b",
]

# one valid example per kind, written as users type it
EXAMPLES = {
    "nhs_number": "943 476 5919",
    "nino": "ab 12 34 56 c",
    "postcode": "sw1a1aa",
    "phone": "020 7946 0000",
    "email": "Jo.Bloggs@EXAMPLE.org",
    "uprn": "100012345678",
    "date_of_birth": "07/03/1984",
    "person_name": "  mary-jane  o'brien ",
    "gender": "female",
    "ethnicity": "White British",
    "address": "flat 3, 12 high st, chelmsford cm1 1qh",
}


def test_registry_lists_the_required_kinds():
    assert set(KINDS) >= {
        "nhs_number",
        "nino",
        "postcode",
        "phone",
        "email",
        "uprn",
        "date_of_birth",
        "person_name",
        "gender",
        "ethnicity",
        "address",
    }
    assert set(EXAMPLES) == set(KINDS)


def test_unknown_kind_suggests():
    from dataclean.exceptions import ConfigError

    with pytest.raises(ConfigError, match="Did you mean 'postcode'"):
        registry.get("postcod")


@pytest.mark.parametrize("kind", KINDS)
def test_module_satisfies_protocol(kind):
    module = registry.get(kind)
    assert isinstance(module, registry.FieldModule)
    assert kind == module.NAME
    assert isinstance(module.MAX_LENGTH, int)


@pytest.mark.parametrize("kind", KINDS)
def test_junk_is_invalid_never_an_exception(kind):
    module = registry.get(kind)
    for value in JUNK:
        assert module.is_valid(value) is False, (kind, repr(value)[:40])
        with pytest.raises(ValidationError) as info:
            module.validate(value)
        assert isinstance(info.value.reason, str) and info.value.reason
        assert "x" * 50 not in str(info.value)  # messages never echo the value
    s = pd.Series(JUNK, dtype=object)
    result = module.standardise_series(s)
    assert isinstance(result, StandardiseResult)
    assert not result.valid.any()
    assert result.reason.notna().all()
    assert list(result.value.index) == list(s.index)


@pytest.mark.parametrize("kind", KINDS)
def test_example_is_valid_and_canonical_is_stable(kind):
    module = registry.get(kind)
    canonical = module.validate(EXAMPLES[kind])
    assert module.is_valid(EXAMPLES[kind])
    assert module.validate(canonical) == canonical  # idempotent
    assert module.validate(module.format(EXAMPLES[kind])) == canonical
    assert module.compact(module.compact(EXAMPLES[kind])) == module.compact(EXAMPLES[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_series_versions_agree_and_keep_index(kind):
    module = registry.get(kind)
    s = pd.Series([EXAMPLES[kind], None, "zz", EXAMPLES[kind]], index=["a", "b", "c", "d"], name="col")
    before = s.copy()
    result = module.standardise_series(s)
    pd.testing.assert_series_equal(s, before)  # never mutates
    assert list(result.value.index) == ["a", "b", "c", "d"]
    assert list(module.is_valid_series(s)) == list(result.valid)
    pd.testing.assert_series_equal(module.reason_series(s), result.reason, check_names=False)
    assert result.value["a"] == module.validate(EXAMPLES[kind])
    assert list(result.status)[1] == "missing"


@pytest.mark.parametrize("kind", KINDS)
def test_empty_and_all_null_series(kind):
    module = registry.get(kind)
    assert len(module.standardise_series(pd.Series([], dtype=object))) == 0
    r = module.standardise_series(pd.Series([None, np.nan, pd.NA], dtype=object))
    assert list(r.status) == ["missing"] * 3


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.text(max_size=40), st.none(), st.integers(-10, 10**12)), max_size=12))
def test_column_agrees_with_scalar_on_arbitrary_input(kind, values):
    module = registry.get(kind)
    s = pd.Series(values, dtype=object)
    result = module.standardise_series(s)
    for i, v in enumerate(values):
        ok = module.is_valid(v)
        assert bool(result.valid.iloc[i]) == ok, (kind, v)
        if ok:
            assert result.value.iloc[i] == module.validate(v), (kind, v)


def test_package_exports_every_kind_and_entry_point():
    import dataclean

    assert set(registry.kinds()) <= set(dataclean.__all__)
    assert set(dataclean._LAZY) <= set(dataclean.__all__)
    assert dataclean.nhs_number is registry.get("nhs_number")


@pytest.mark.parametrize("kind", KINDS)
def test_distinct_value_path_matches_direct_path(kind):
    """Large string columns are standardised once per distinct value; results must not change."""
    module = registry.get(kind)
    base = [EXAMPLES[kind], None, "zz", " ", EXAMPLES[kind].upper(), "😀", "0000000000", "x" * 300]
    values = (base * 400)[: 3000]
    as_string = pd.Series(values, dtype="string", index=range(3000, 0, -1))
    as_object = pd.Series(values, dtype=object, index=range(3000, 0, -1))
    fast, direct = module.standardise_series(as_string), module.standardise_series(as_object)
    pd.testing.assert_series_equal(fast.value, direct.value, check_names=False)
    pd.testing.assert_series_equal(fast.reason, direct.reason, check_names=False)
    assert fast.status.tolist() == direct.status.tolist()
