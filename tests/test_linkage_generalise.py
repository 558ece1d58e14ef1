"""Linkage beyond the project's own data: planted phenomena, engine-neutral settings, training
modes, the threshold chosen from the model, coherence splits and the Linker kept on the result."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from dataclean import synth
from dataclean.linkage import LinkageConfig, dedupe
from dataclean.linkage.api import settings_creator, split_incoherent
from dataclean.linkage.prepare import FEATURES, prepare

ROLES = ("nhs_number", "forename", "surname", "date_of_birth", "postcode", "address", "phone", "email")
CONFIG = {"id_column": "record_id", "columns": {r: r for r in ROLES}}


def _row(record_id, forename, surname, dob, address, postcode, nhs=None, phone=None, email=None):
    return {
        "record_id": record_id,
        "nhs_number": nhs,
        "forename": forename,
        "surname": surname,
        "date_of_birth": dob,
        "postcode": postcode,
        "address": address,
        "phone": phone,
        "email": email,
    }


PLANTED = [
    # forename and surname transposed, no identifier, the later record at a new address
    _row("T1", "Harriet", "Quinlan", "1971-05-14", "12 Mill Lane, Witham", "CM8 1AB"),
    _row("T2", "Quinlan", "Harriet", "14/05/1971", "5 Kings Road, Basildon", "SS14 1AA"),
    # twins: same DOB, address and landline, different (alliterative) forenames, no NHS numbers
    _row("W1", "Imogen", "Ashdown", "2012-06-06", "3 Park Lane, Witham", "CM8 2ZZ", phone="020 7946 0555"),
    _row("W2", "Isobel", "Ashdown", "2012-06-06", "3 Park Lane, Witham", "CM8 2ZZ", phone="020 7946 0555"),
    _row("W3", "Isobel", "Ashdown", "06/06/2012", "3 Park Lane, Witham", "CM8 2ZZ"),
    # a same-named parent and child; two sparse records (no DOB, no NHS number) each sharing a
    # contact detail with one of them and everything else with each other: a chain of strong links
    _row(
        "P1",
        "Ambrose",
        "Kettering",
        "1958-03-30",
        "77 Grange Road, Harlow",
        "CM20 2PL",
        nhs="9990000026",
        email="a.kettering@example.org",
    ),
    _row(
        "P2",
        "Ambrose",
        "Kettering",
        "1989-11-02",
        "77 Grange Road, Harlow",
        "CM20 2PL",
        nhs="9990000034",
        phone="07700 900111",
    ),
    _row("P3", "Ambrose", "Kettering", None, "77 Grange Road, Harlow", "CM20 2PL", email="a.kettering@example.org"),
    _row("P4", "Ambrose", "Kettering", None, "77 Grange Road, Harlow", "CM20 2PL", phone="07700 900111"),
    # one person at an old and a new address, the later record without a date of birth
    _row(
        "M1",
        "Rosalind",
        "Featherstone",
        "1980-01-23",
        "9 Priory Way, Colchester",
        "CO1 1AA",
        phone="07700 900461",
        email="ros.featherstone@example.org",
    ),
    _row(
        "M2",
        "Rosalind",
        "Featherstone",
        None,
        "31 Castle Street, Braintree",
        "CM7 9ZZ",
        phone="07700 900461",
        email="ros.featherstone@example.org",
    ),
    # a person born in 1843 (historical records) at two addresses, and a namesake born in 1901
    _row("H1", "Ebenezer", "Throssell", "1843-03-12", "2 Chapel Row, Maldon", "CM9 5AA"),
    _row("H2", "Ebenezer", "Throssell", "12/03/1843", "8 Quay Street, Colchester", "CO2 8AA"),
    _row("H3", "Ebenezer", "Throssell", "1901-07-01", "14 Hill Road, Harlow", "CM17 0AA"),
]


@pytest.fixture(scope="module")
def planted():
    background = synth.records(900, seed=21).drop(columns=["person_id"])[[*CONFIG["columns"], "record_id"]]
    frame = pd.concat([background, pd.DataFrame(PLANTED)], ignore_index=True)
    result = dedupe(frame, CONFIG)
    return frame, result, result.clusters.set_index("record_id")["cluster_id"]


def test_transposed_names_are_linked(planted):
    _, _, cluster = planted
    assert cluster["T1"] == cluster["T2"]


def test_twins_with_different_forenames_are_kept_apart(planted):
    _, _, cluster = planted
    assert cluster["W1"] != cluster["W2"]
    assert cluster["W1"] != cluster["W3"]


def test_sparse_records_do_not_bridge_parent_and_child(planted):
    _, result, cluster = planted
    assert cluster["P1"] != cluster["P2"]
    assert cluster["P3"] == cluster["P1"]
    # what was split, and why, is reported (here at least the twins' cluster)
    assert result.splits is not None and len(result.splits) and (result.splits["reason"] != "").all()


def test_old_and_new_address_without_dob_are_linked(planted):
    _, _, cluster = planted
    assert cluster["M1"] == cluster["M2"]


def test_historical_dates_of_birth_are_compared(planted):
    frame, _, cluster = planted
    assert cluster["H1"] == cluster["H2"] != cluster["H3"]
    prepared = prepare(frame[frame["record_id"].isin(["H1", "H2"])], LinkageConfig.from_dict(CONFIG))
    assert prepared["dob"].tolist() == ["1843-03-12", "1843-03-12"]


def test_threshold_from_the_model_and_estimates(planted):
    _, result, _ = planted
    assert 0.5 <= result.match_threshold <= 0.99
    assert set(result.estimates) == {"precision", "recall", "f1"}
    assert all(0 < v <= 1 for v in result.estimates.values())
    assert result.model["dataclean"]["match_threshold"] == result.match_threshold
    fixed = LinkageConfig.from_dict(dict(CONFIG, thresholds={"match": 0.97, "review": 0.6}))
    assert fixed.match_threshold == 0.97
    assert LinkageConfig.from_dict(CONFIG).to_dict()["thresholds"]["match"] == "auto"


def test_linker_kept_on_the_result_and_not_written(planted, tmp_path):
    _, result, _ = planted
    assert result.linker is not None and hasattr(result.linker, "visualisations")
    assert result.predictions is not None
    chart = result.linker.visualisations.match_weights_chart()
    assert chart is not None
    paths = result.write(tmp_path)
    assert not any("linker" in p.name for p in tmp_path.iterdir())
    json.loads(paths["model"].read_text())  # the model is JSON; the Linker is not serialised


def test_untrained_levels_are_named(planted):
    _, result, _ = planted
    untrained = [n for n in result.notes if n.startswith("m probabilities not trained")]
    for note in untrained:
        assert re.search(r"\w+: [\w ,]+", note)


def test_split_on_weakest_link_reports_reason():
    config = LinkageConfig.from_dict(CONFIG)
    frame = pd.DataFrame(PLANTED[5:8])  # parent, child, sparse bridge
    prepared = prepare(frame, config)
    ids = prepared["unique_id"].astype(str)
    pairs = pd.DataFrame(
        [("P1", "P3", 0.999), ("P2", "P3", 0.97)], columns=["unique_id_l", "unique_id_r", "match_probability"]
    )
    before = pd.Series(["P1", "P1", "P1"], index=ids.to_numpy())
    after, splits = split_incoherent(ids, pairs, 0.9, before, prepared)
    assert after["P1"] == after["P3"] != after["P2"]  # the weaker link (to the child) is the one cut
    assert list(splits["record"]) == ["P2"]
    assert "different NHS numbers" in splits["reason"].iloc[0] or "years apart" in splits["reason"].iloc[0]


def test_settings_are_engine_neutral():
    features = set(FEATURES)
    config = LinkageConfig.from_dict(CONFIG)
    creator = settings_creator("dedupe_only", features, config)
    spark = creator.create_settings_dict("spark")
    sql = [lv["sql_condition"] for c in spark["comparisons"] for lv in c["comparison_levels"]]
    sql += [r["blocking_rule"] for r in spark["blocking_rules_to_generate_predictions"]]
    assert sql and not [s for s in sql if '"' in s], [s for s in sql if '"' in s]
    assert not [s for s in sql if "jaro_winkler_similarity" in s]
    assert any("jaro_winkler(" in s for s in sql)
    duck = creator.create_settings_dict("duckdb")
    duck_sql = [lv["sql_condition"] for c in duck["comparisons"] for lv in c["comparison_levels"]]
    assert any("jaro_winkler_similarity" in s for s in duck_sql)


def _frame_with_deterministic_cases():
    base = synth.records(700, seed=9, duplicate_rate=0.0).drop(columns=["person_id"])[[*CONFIG["columns"], "record_id"]]
    p = base.dropna(subset=["nhs_number", "date_of_birth"]).iloc[0]
    # same NHS number and DOB, everything else changed: deterministic rules link it
    changed = p.copy()
    changed["record_id"], changed["forename"], changed["surname"] = "D1", "Xanthe", "Ormsby-Gore"
    changed["address"], changed["postcode"], changed["phone"], changed["email"] = (
        "1 Nowhere Street, Leeds",
        "LS1 1AA",
        None,
        None,
    )
    # same mobile and name but no NHS number: NOT a deterministic match
    q = base.dropna(subset=["phone"]).iloc[5]
    same_phone = q.copy()
    same_phone["record_id"], same_phone["nhs_number"] = "D2", None
    frame = pd.concat([base, changed.to_frame().T, same_phone.to_frame().T], ignore_index=True)
    return frame, p["record_id"], q["record_id"]


def test_deterministic_training_links_only_identifier_plus_dob():
    frame, p_id, q_id = _frame_with_deterministic_cases()
    result = dedupe(frame, dict(CONFIG, training="deterministic"))
    cluster = result.clusters.set_index("record_id")["cluster_id"]
    assert cluster["D1"] == cluster[p_id]
    assert cluster["D2"] != cluster[q_id]  # same phone is not an identifier-plus-DOB rule
    prepared = prepare(frame, LinkageConfig.from_dict(CONFIG)).set_index("unique_id")
    left = prepared.loc[result.pairs["record_id_l"].astype(str)]
    right = prepared.loc[result.pairs["record_id_r"].astype(str)]
    assert len(result.pairs) >= 1
    assert (left["nhs"].to_numpy() == right["nhs"].to_numpy()).all()
    assert (left["dob"].to_numpy() == right["dob"].to_numpy()).all()


def test_hybrid_always_links_deterministic_matches():
    frame, p_id, q_id = _frame_with_deterministic_cases()
    unsupervised = dedupe(frame, CONFIG)
    hybrid = dedupe(frame, dict(CONFIG, training="hybrid"))
    cluster = hybrid.clusters.set_index("record_id")["cluster_id"]
    assert cluster["D1"] == cluster[p_id]
    both = hybrid.pairs["record_id_l"].isin(["D1", p_id]) & hybrid.pairs["record_id_r"].isin(["D1", p_id])
    pair = hybrid.pairs[both]
    assert (pair["match_probability"] == 1.0).all() and len(pair) == 1
    # probabilistic for the rest: the same-phone duplicate is still found by the model
    assert cluster["D2"] == cluster[q_id]
    assert len(hybrid.pairs) >= len(unsupervised.pairs)


def _nino_pair(second_forename: str, second_dob: str, second_nino: str) -> tuple[pd.Series, pd.Series]:
    """Two records linked above the threshold, the second NINO as given; after the coherence check."""
    roles = {"nino": "nino", "forename": "forename", "surname": "surname", "date_of_birth": "date_of_birth"}
    config = LinkageConfig.from_dict({"id_column": "record_id", "columns": roles})
    frame = pd.DataFrame(
        {
            "record_id": ["N1", "N2"],
            "nino": ["JX123456C", second_nino],
            "forename": ["Philippa", second_forename],
            "surname": ["Oakhurst", "Oakhurst"],
            "date_of_birth": ["1984-09-17", second_dob],
        }
    )
    prepared = prepare(frame, config)
    ids = prepared["unique_id"].astype(str)
    pairs = pd.DataFrame([("N1", "N2", 0.995)], columns=["unique_id_l", "unique_id_r", "match_probability"])
    return split_incoherent(ids, pairs, 0.9, pd.Series(["N1", "N1"], index=ids.to_numpy()), prepared)


def test_ninos_one_transposition_apart_with_the_same_dob_and_forename_are_one_person():
    after, splits = _nino_pair("Philippa", "17/09/1984", "JX123465C")  # two digits transposed
    assert after["N1"] == after["N2"]
    assert splits.empty


def test_ninos_one_typo_apart_with_another_dob_and_forename_are_two_people():
    after, splits = _nino_pair("Rowena", "1987-02-03", "JX123457C")  # one digit changed
    assert after["N1"] != after["N2"]
    assert list(splits["reason"]) == ["different NINOs"]


def test_ninos_further_apart_split_even_with_the_same_dob_and_forename():
    after, splits = _nino_pair("Philippa", "1984-09-17", "JX654321C")
    assert after["N1"] != after["N2"]
    assert list(splits["reason"]) == ["different NINOs"]


def test_nhs_guard_lets_one_typo_through_for_the_coherence_check_to_decide():
    from dataclean.linkage import cluster

    ids = ["A", "B", "C", "D"]
    pairs = pd.DataFrame(
        [("A", "B", 0.995), ("C", "D", 0.995)], columns=["unique_id_l", "unique_id_r", "match_probability"]
    )
    # A/B: one transposition apart (a mistyped number, maybe); C/D: clearly different numbers
    nhs = pd.Series(["9990000026", "9990000062", "9990000034", "9990001234"])
    labels = cluster(ids, pairs, 0.9, nhs=nhs)
    assert labels["A"] == labels["B"]
    assert labels["C"] != labels["D"]
