"""Each shipped suite on its bundled synthetic example, whose planted defects are known.

The examples are made by ``dataclean.synth.write_examples`` (seeded); the defects planted there
are: in the social care extract, bad NHS check digits, ``UNKNOWN`` forenames, ``ZZ99 3VZ``
postcodes, ``01/01/1900`` and ``31/02/1984`` dates of birth (6 rows each; one altered check digit
happened to stay valid), 2 deaths recorded before birth, and duplicate persons; in the housing
benefit claims, 2 claims for properties missing from the property register; in council tax, 3
single person discounts on homes with several adults.
"""

from __future__ import annotations

import pytest

from dataclean import validate
from dataclean.synth import example_path

REF = "2026-11-24"


def counts(card):
    return {e.key: e.unexpected_count for e in card.expectations if e.unexpected_count}


@pytest.fixture(scope="module")
def social_care():
    return validate(example_path("example_people.csv"), "social_care_person", reference_date=REF).scorecard


def test_social_care_planted_defects(social_care):
    got = counts(social_care)
    assert got["g_valid_nhs_number__nhs_number"] == 5
    assert got["g_valid_person_name__forename"] == 6
    assert got["g_not_placeholder__forename"] == 6
    assert got["g_valid_postcode__postcode"] == 6
    assert got["g_plausible_dob__date_of_birth"] == 12  # 6 sentinel + 6 impossible
    assert got["x01_column_pair_values_to_be_chronological__date_of_birth__date_of_death"] == 2
    assert got["g_duplicate_persons"] == 13  # found by linkage
    assert social_care.expectation("g_valid_postcode__postcode").reasons == {"placeholder": 6}
    assert social_care.expectation("g_valid_nhs_number__nhs_number").reasons == {"invalid_checksum": 5}


def test_social_care_scores(social_care):
    dims = {d.name: d.score for d in social_care.dimensions}
    assert dims["accuracy"] is None  # no reference data in this suite
    assert dims["consistency"] == pytest.approx((10 / 12 + 1.0) / 2)  # death-before-birth; record dates fine
    v = [e for e in social_care.expectations if e.dimension == "validity"]
    expected_validity = sum(e.score * e.weight for e in v) / sum(e.weight for e in v)
    assert dims["validity"] == pytest.approx(expected_validity)
    assert not social_care.passed  # raw extract: duplicates and consistency fail the gate


def test_housing_benefit_accuracy_from_reference_data():
    card = validate(example_path("example_housing_benefit.csv"), "housing_benefit_claim", reference_date=REF).scorecard
    assert counts(card)["x05_column_values_to_be_in_reference_data__uprn"] == 2
    assert card.dimension("accuracy").score == pytest.approx(1 - 2 / 148)
    assert card.passed


def test_council_tax_discount_consistency():
    card = validate(example_path("example_council_tax.csv"), "council_tax_account", reference_date=REF).scorecard
    assert counts(card) == {"x02_column_pair_values_to_be_in_set__single_person_discount__adult_occupants": 3}
    assert card.dimension("consistency").score == pytest.approx((1 - 3 / 140 + 1.0) / 2)
    assert not card.passed  # a critical consistency rule failed


def test_bundled_examples_are_what_synth_writes(tmp_path):
    """The committed example files are reproducible from the seeded generator."""
    from dataclean import synth

    paths = synth.write_examples(tmp_path)
    for name, path in paths.items():
        assert path.read_bytes() == example_path(name).read_bytes(), name
