"""Expert splink configurations, the peers dataclean is measured against on the same data.

Written as a splink user who knows the data would: light preparation with pandas (trim, lower
case, ISO dates), splink's library comparisons with term-frequency adjustments on names and
places, the prior from deterministic rules, u by random sampling, m by EM over several blocking
rules that together train every comparison, prediction blocking as a union of rules, clusters at
match probability 0.95.
"""

from __future__ import annotations

import pandas as pd


def _text(s: pd.Series) -> pd.Series:
    t = s.astype("string").str.strip().str.lower()
    return t.mask(t == "", pd.NA)


def _iso(s: pd.Series, fmt: str | None = None) -> pd.Series:
    text = _text(s)
    if fmt:
        d = pd.to_datetime(text, format=fmt, errors="coerce")
    else:
        d = pd.to_datetime(text, format="mixed", dayfirst=True, errors="coerce")
    return d.dt.strftime("%Y-%m-%d").astype("string")


def _run(frames: list[pd.DataFrame], settings, deterministic, em_rules, link_type: str) -> pd.DataFrame:
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI()
    tables = [db_api.register(f, dataset_display_name=f"peer_{i}") for i, f in enumerate(frames)]
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    return clusters.as_pandas_dataframe()


def febrl(frames: list[pd.DataFrame], link_type: str = "dedupe_only") -> pd.DataFrame:
    """FEBRL (raw columns with leading spaces in headers and values): clusters by ``rec_id``."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    prepared = []
    for f in frames:
        f = f.rename(columns=lambda c: str(c).strip())
        p = pd.DataFrame({c: _text(f[c]) for c in f.columns})
        p["unique_id"] = p["rec_id"]
        p["date_of_birth"] = _iso(f["date_of_birth"], "%Y%m%d")
        prepared.append(p.drop(columns=["rec_id"]))
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("state").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
            block_on("postcode", "surname"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    deterministic = [block_on("soc_sec_id", "date_of_birth"), block_on("given_name", "surname", "date_of_birth")]
    em_rules = [block_on("date_of_birth"), block_on("given_name", "surname"), block_on("postcode")]
    out = _run(prepared, settings, deterministic, em_rules, link_type)
    return out.rename(columns={"unique_id": "rec_id"})


def uk(frame: pd.DataFrame) -> pd.DataFrame:
    """UK person records (nhs_number, forename, surname, date_of_birth, address, postcode, phone,
    email): clusters by ``record_id``."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    p = pd.DataFrame({"unique_id": frame["record_id"].astype("string")})
    p["nhs_number"] = _text(frame["nhs_number"]).str.replace(r"\D", "", regex=True)
    p["forename"] = _text(frame["forename"])
    p["surname"] = _text(frame["surname"])
    p["date_of_birth"] = _iso(frame["date_of_birth"])
    p["postcode"] = _text(frame["postcode"]).str.upper().str.replace(" ", "", regex=False)
    p["postcode"] = p["postcode"].str.slice(0, -3) + " " + p["postcode"].str.slice(-3)
    p["address"] = _text(frame["address"])
    p["phone"] = _text(frame["phone"]).str.replace(r"\D", "", regex=True) if "phone" in frame else pd.NA
    p["email"] = _text(frame["email"]) if "email" in frame else pd.NA
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.DamerauLevenshteinAtThresholds("nhs_number", [1]),
            cl.NameComparison("forename").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.JaroWinklerAtThresholds("address", [0.95, 0.85]),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nhs_number"),
            block_on("date_of_birth", "surname"),
            block_on("forename", "surname"),
            block_on("postcode", "forename"),
            block_on("phone"),
            block_on("email"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    deterministic = [block_on("nhs_number", "date_of_birth"), block_on("forename", "surname", "date_of_birth")]
    em_rules = [block_on("nhs_number"), block_on("date_of_birth"), block_on("forename", "surname")]
    out = _run([p], settings, deterministic, em_rules, "dedupe_only")
    return out.rename(columns={"unique_id": "record_id"})
