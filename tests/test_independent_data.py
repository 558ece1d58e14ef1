"""The field modules on data another generator wrote: Faker en_GB's own providers, values as they come
(``benchmarks/independent_data.py``). Each column agrees with its scalar API value by value, and
the address and phone fast paths decide most values without the per-value fallback."""

from __future__ import annotations

import pandas as pd
import pytest

from _agreement import assert_agrees_with_scalar, bench_module
from dataclean import registry
from dataclean.fields import address, phone

ROWS = 3000


independent_data = bench_module("independent_data")


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return independent_data.independent_people(ROWS, seed=7).astype(pd.StringDtype("pyarrow"))


def test_columns_map_to_registry_kinds():
    kinds = independent_data.kinds()
    assert kinds["forename"] == kinds["surname"] == "person_name"
    for col, kind in kinds.items():
        assert kind == registry.get(kind).NAME, col


def test_values_as_faker_writes_them_with_realistic_cardinality(people):
    assert len(people) == ROWS and list(people.columns) == [c for c, _ in independent_data.COLUMNS]
    assert not people.isna().any().any()
    distinct = people.nunique()
    for col in ("address", "postcode", "email", "nhs_number", "nino"):
        assert distinct[col] >= 0.98 * ROWS, col
    assert distinct["phone"] >= 0.8 * ROWS
    assert distinct["forename"] < ROWS // 4 and distinct["surname"] < ROWS // 4  # names repeat
    addr = people["address"]
    assert addr.str.contains("\n", regex=False).mean() > 0.3  # address() as it comes, and upper case
    assert (addr == addr.str.upper()).mean() > 0.15
    assert addr.str.contains(r"^(?:Flat|Studio) \w+\n", regex=True).any()  # Faker's sub-building line
    assert people["nino"].str.match(r"^ZZ ?\d\d ?\d\d ?\d\d ?T$").all()  # Faker's ssn(): never issued
    assert people["date_of_birth"].str.match(r"^\d\d [A-Z][a-z]+ \d{4}$").any()  # %d %B %Y


def test_generation_is_seeded(people):
    again = independent_data.independent_people(ROWS, seed=7).astype(pd.StringDtype("pyarrow"))
    pd.testing.assert_frame_equal(people, again)


@pytest.mark.parametrize("col", [c for c, _ in independent_data.COLUMNS])
def test_column_agrees_with_scalar(people, col):
    module = registry.get(independent_data.kinds()[col])
    values = people[col].tolist()
    result = module.standardise_series(people[col])
    assert_agrees_with_scalar(result, values, module.validate)


def test_faker_nino_is_rejected_as_never_issued(people):
    from dataclean.fields import nino

    assert not nino.standardise_series(people["nino"]).valid.any()


def _count_calls(monkeypatch, module, name: str, rows: bool = False) -> list[int]:
    count = [0]
    original = getattr(module, name)

    def counted(*args, **kwargs):
        count[0] += len(args[0]) if rows else 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return count


def test_address_fast_path_is_not_vacuous(people, monkeypatch):
    parsed = _count_calls(monkeypatch, address, "_validate_text")
    result = address.standardise_series(people["address"])
    assert result.valid.mean() > 0.95
    assert parsed[0] < 0.03 * people["address"].nunique()  # keys left to the Python parser


def test_phone_fast_path_is_not_vacuous(people, monkeypatch):
    off_row_path = _count_calls(monkeypatch, phone, "_standardise_distinct", rows=True)
    library = _count_calls(monkeypatch, phone, "_parse_key")
    result = phone.standardise_series(people["phone"])
    assert result.valid.any() and not result.valid.all()  # Faker's 07700 900xxx are not allocated
    assert off_row_path[0] < 0.05 * ROWS
    assert library[0] < 0.01 * people["phone"].nunique()


@pytest.mark.parametrize(
    "text",
    [
        "1 Hodgson Plain, Port Lisafort, West Berkshire, M81 5NH",
        "1 HODGSON PLAIN, PORT LISAFORT, WEST BERKSHIRE, M81 5NH",
        "Flat 27n\nGerald Islands, New Kirsty, West Berkshire, B04 6WH",
    ],
)
def test_a_two_word_county_is_not_split_into_town_and_county(text):
    """A compass word alone before a county names an area (West Berkshire), dropped with it; it
    was read as the town 'West' and the real town became the locality."""
    parts = address.parse(text)
    assert parts["town"] in {"Port Lisafort", "New Kirsty"}
    assert ", West," not in address.validate(text)
