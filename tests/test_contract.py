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


# ------------------------------------------------------------------ reasons and notes (issue 12)
#: values that give failures and notes across the kinds (synthetic; NHS numbers in the 999 range)
CORPUS = [
    *EXAMPLES.values(),
    "9990000018",
    "9434765918",
    "0000000000",
    "94347659",
    "CR 12 34 56 A",
    "AB123456",
    "TN 01 01 80 M",
    "QQ 12 34 56 C",
    "BG 12 34 56 A",
    "BFPO 1234",
    "ASCN 1ZZ",
    "ZZ99 3VZ",
    "CM1",
    "QQ1 1AA",
    "020 7946 0123",
    "07700 900123",
    "020 7946 0000 ext 12",
    "07911 123456 / 020 7946 0123",
    "+999 1234 5678",
    "01234567890",
    "jo@example.com",
    "jo.example.com",
    "none@none.com",
    "jo@localhost",
    "1.00012E+11",
    "0",
    "1234567890123",
    "01/01/1984",
    "07/03/84",
    "30748",
    "31/02/1984",
    "01/01/1900",
    "2099-01-01",
    "1850-05-05",
    "03/1984",
    "BABY OF SMITH",
    "0",
    "X",
    "Z",
    "99",
    "White",
    "banana",
    "N/A",
    "NO FIXED ABODE",
    "12 High St",
    "12 High St, QQ1 1QQ",
    "",
    None,
]


@pytest.mark.parametrize("kind", KINDS)
def test_reasons_are_failures_and_notes_are_on_valid_rows(kind):
    module = registry.get(kind)
    assert issubclass(module.Reason, str) and issubclass(module.Note, str)
    assert not {r.value for r in module.Reason} & {n.value for n in module.Note}
    result = module.standardise_series(pd.Series(CORPUS + JUNK, dtype=object))
    valid = result.valid.to_numpy(dtype=bool)
    assert result.reason[valid].isna().all() and result.reason[~valid].notna().all()
    assert result.note[~valid].isna().all()
    assert set(result.reason.dropna()) <= {r.value for r in module.Reason}
    assert set(result.note.dropna()) <= {n.value for n in module.Note}
    assert set(result.reason_counts()) == set(result.reason.dropna())
    assert set(result.note_counts()) == set(result.note.dropna())
    for value in CORPUS:
        try:
            module.validate(value)
        except ValidationError as err:
            assert err.reason in {r.value for r in module.Reason}, (kind, value, err.reason)


def test_some_kinds_do_report_notes():
    noted = {k for k in KINDS if registry.get(k).standardise_series(pd.Series(CORPUS, dtype=object)).note.notna().any()}
    assert {"nhs_number", "nino", "postcode", "phone", "email", "date_of_birth", "gender", "ethnicity"} <= noted


@pytest.mark.parametrize("kind", KINDS)
def test_column_functions_come_from_one_template(kind):
    module = registry.get(kind)
    s = pd.Series([EXAMPLES[kind], "zz", None, *CORPUS[:20]], dtype=object)
    result = module.standardise_series(s)
    assert module.is_valid_series(s).tolist() == result.valid.tolist()
    pd.testing.assert_series_equal(module.reason_series(s), result.reason, check_names=False)
    pd.testing.assert_series_equal(module.note_series(s), result.note, check_names=False)
    arrow = s.astype("string[pyarrow]").where(s.map(lambda v: isinstance(v, str)))
    assert module.is_valid_series(arrow).tolist() == module.standardise_series(arrow).valid.tolist()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("rows", [9, 3000])  # worked directly, and once per distinct value
def test_arrow_backed_input_gives_arrow_backed_results(kind, rows):
    """An Arrow-backed column stays in Arrow: on pandas 2 ``astype("string")`` copied canonical
    values to Python objects (pandas 2's default storage), and every later step (the comparison
    with the input, the scorecard's checks) then worked on objects."""
    values = pd.Series([EXAMPLES[kind], None, "#!?"] * (rows // 3), dtype="string[pyarrow]")
    result = registry.get(kind).standardise_series(values)
    for name in ("value", "reason", "note"):
        series = getattr(result, name)
        assert series.dtype.storage == "pyarrow", (kind, name)
    expected = registry.get(kind).validate(EXAMPLES[kind])
    assert result.value.iloc[0] == expected
    assert result.value.isna().tolist() == [False, True, True] * (rows // 3)
