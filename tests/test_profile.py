"""suite init drafting: roles by name and by values, trimmed headers, the id, the dedupe block."""

from __future__ import annotations

import pandas as pd
import yaml

from dataclean.profile import draft_suite, draft_suite_yaml, profile_columns
from dataclean.suite import load_suite


def _febrl_like() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rec_id": ["rec-1-org", "rec-1-dup-0", "rec-2-org", "rec-3-org"],
            " given_name": [" lachlan", " lachlan", " deakin", " "],
            " surname": [" berry", " bery", " sondergeld", " waller"],
            " street_number": [" 69", " 69", " 48", " 6"],
            " address_1": [" giblin street", " giblin street", " goldfinch circuit", " tullaroop street"],
            " suburb": [" bittern", " bittern", " canterbury", " st james"],
            " postcode": [" 4814", " 4814", " 2776", " 4011"],
            " state": [" qld", " qld", " vic", " wa"],
            " date_of_birth": [" 19990219", " 19990219", " 19600210", " 19081209"],
            " soc_sec_id": [" 7364009", " 7364009", " 2635962", " 6988048"],
        }
    )


def test_headers_are_trimmed_and_roles_found_by_name():
    suite = draft_suite(_febrl_like(), name="febrl")
    assert list(suite["columns"]) == [c.strip() for c in _febrl_like().columns]
    block = suite["dedupe"]
    assert block["id_column"] == "rec_id"
    assert block["columns"] == {
        "identifier": "soc_sec_id",
        "forename": "given_name",
        "surname": "surname",
        "date_of_birth": "date_of_birth",
        "street_number": "street_number",
        "address": "address_1",
        "locality": "suburb",
        "postcode": "postcode",
        "attribute": "state",
    }
    # non-UK postcodes are kept as text in the suite (no UK validity expectation)
    assert suite["columns"]["postcode"]["role"] == "text"


def test_draft_yaml_loads_and_comments_each_guess(tmp_path):
    text = draft_suite_yaml(_febrl_like(), name="febrl")
    path = tmp_path / "s.yml"
    path.write_text(text)
    suite = load_suite(path)
    assert suite.dedupe["id_column"] == "rec_id"
    dedupe_lines = text.split("dedupe:")[1].splitlines()
    assert all("#" in line for line in dedupe_lines if ": " in line and "training" not in line and "thresh" not in line)
    assert yaml.safe_load(text)["dedupe"]["thresholds"]["match"] == "auto"


def test_historical_person_columns():
    df = pd.DataFrame(
        {
            "unique_id": [f"Q{i}" for i in range(6)],
            "full_name": ["john smith", "mr john smith", "mary jones", "mary jones", "ann lee", "bo li"],
            "first_name": ["john", "john", "mary", "mary", "ann", "bo"],
            "surname": ["smith", "smith", "jones", "jones", "lee", "li"],
            "dob": ["1843-03-12", "1843-03-12", "1901-01-02", "1901-01-02", "1850-05-05", "1860-06-06"],
            "birth_place": ["leeds", "leeds", "york", "york", "hull", "bath"],
            "postcode_fake": ["ls1 1aa", "ls1 1aa", "yo1 7hh", "yo1 7hh", "hu1 1aa", "ba1 1aa"],
            "gender": ["m", "m", "f", "f", "f", "m"],
            "occupation": ["miner", "miner", "teacher", "teacher", "nurse", "clerk"],
        }
    )
    block = draft_suite(df, name="hist")["dedupe"]
    assert block["id_column"] == "unique_id"
    cols = block["columns"]
    assert cols["forename"] == "first_name" and cols["surname"] == "surname" and cols["date_of_birth"] == "dob"
    assert cols["birth_place"] == "birth_place" and cols["postcode"] == "postcode_fake"
    assert cols["gender"] == "gender" and cols["attribute"] == "occupation"
    assert "full_name" not in cols  # forename and surname already carry it
    only_full = draft_suite(df.drop(columns=["first_name", "surname"]), name="hist")["dedupe"]["columns"]
    assert only_full["full_name"] == "full_name"


def test_id_found_by_values_and_no_block_for_non_person_data():
    df = pd.DataFrame({"key_x": ["A-0001", "A-0002", "A-0003"], "amount": [1, 2, 3], "note": ["a", "b", "c"]})
    profiles = {p.column: p for p in profile_columns(df)}
    assert profiles["key_x"].role == "id" and profiles["key_x"].detected_by == "content"
    assert "dedupe" not in draft_suite(df, name="money")
    assert "No dedupe: block" in draft_suite_yaml(df, name="money")


def test_repeated_id_like_column_is_an_identifier_not_the_record_id():
    df = _febrl_like()
    profiles = {p.column: p for p in profile_columns(df)}
    assert profiles["soc_sec_id"].role == "identifier"
    assert profiles["rec_id"].role == "id"


def _people_without_telling_headers(names: tuple[str, str]) -> pd.DataFrame:
    forenames = "oliver amelia George ISLA harry Ava jack Mia noah Grace charlie Lily thomas Emily oscar".split()
    forenames += "Sophie william Ella james Ruby".split()
    surnames = "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Walker Evans Roberts".split()
    surnames += "Thompson Khan Hughes Edwards Green Hall Wood".split()
    return pd.DataFrame(
        {
            "PersonID": [f"H-{i:04d}" for i in range(20)],
            "status": ["Open", "Closed"] * 10,
            names[1]: surnames,
            names[0]: forenames,
            "birth_date": [f"{1950 + i}-0{1 + i % 9}-1{i % 9}" for i in range(20)],
            "pcode": ["LS1 4AP", "YO1 7HH"] * 10,
        }
    )


def test_fhir_style_given_and_family_headers_are_names():
    cols = draft_suite(_people_without_telling_headers(("given", "family")), name="fhir")["dedupe"]["columns"]
    assert cols["forename"] == "given" and cols["surname"] == "family"


def test_name_columns_found_by_their_values_when_headers_say_nothing():
    df = _people_without_telling_headers(("col_a", "col_b"))
    profiles = {p.column: p for p in profile_columns(df)}
    assert (profiles["col_a"].role, profiles["col_a"].detected_by) == ("forename", "content")
    # the nearest column of single name-shaped words; the two-value status column is not a name
    assert profiles["col_b"].role == "surname" and profiles["status"].role is None
    block = draft_suite(df, name="anon")["dedupe"]
    assert block["columns"]["forename"] == "col_a" and block["columns"]["surname"] == "col_b"
    text = draft_suite_yaml(df, name="anon")
    assert 'forename: "col_a"  # by its values' in text


def test_full_name_found_by_values():
    df = _people_without_telling_headers(("a", "b"))
    df = pd.DataFrame(
        {
            "PersonID": df["PersonID"],
            "who": ("Mr " + df["a"] + " " + df["b"]).where(df.index % 2 == 0, df["a"] + " " + df["b"]),
            "birth_date": df["birth_date"],
        }
    )
    profiles = {p.column: p for p in profile_columns(df)}
    assert profiles["who"].role == "full_name"
    assert draft_suite(df, name="full")["dedupe"]["columns"]["full_name"] == "who"


def test_a_unique_identifier_becomes_the_record_id_when_none_is_named_so():
    df = _people_without_telling_headers(("Forename", "Surname")).rename(columns={"PersonID": "Ref"})
    df["Case No"] = ["C1", "C2"] * 10  # repeated: an identifier to match on, not the record id
    profiles = {p.column: p for p in profile_columns(df)}
    assert profiles["Ref"].role == "id" and profiles["Case No"].role == "identifier"
    suite = draft_suite(df, name="council")
    assert suite["dataset"] == {"id_column": "Ref"} and suite["columns"]["Ref"]["unique"] is True
    assert suite["dedupe"]["id_column"] == "Ref"
