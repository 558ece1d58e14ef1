"""UK comparison presets for splink: one-liners that compose into a model.

Each preset returns a splink comparison (a settings dict, so it names no SQL dialect beyond
standard functions DuckDB and Spark share) over the prepared columns of :mod:`prepare`, with
starting m and u probabilities used when a frame is too small to train on.

Household awareness: relatives share surname, address, postcode and landline, and twins share a
date of birth too. So address, postcode and landline form ONE comparison (:func:`household`), not
three independent pieces of evidence, and the decision is carried by what is personal: NHS
number, NINO, forename, date of birth and mobile phone. Twins differ in forename (and NHS
number); a same-named parent and child differ in date of birth.
"""

from __future__ import annotations

from typing import Any


def _level(sql: str, label: str, m: float, u: float, *, null: bool = False) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    else:
        level["m_probability"] = m
        level["u_probability"] = u
    return level


def _null(*cols: str) -> dict[str, Any]:
    return _level(" OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in cols), "null", 0, 0, null=True)


def _comparison(name: str, description: str, levels: list[dict[str, Any]]) -> dict[str, Any]:
    return {"output_column_name": name, "comparison_description": description, "comparison_levels": levels}


def nhs_number() -> dict[str, Any]:
    """Exact; one typo or a transposition (Damerau-Levenshtein 1); else (a strong negative)."""
    return _comparison(
        "nhs_number",
        "NHS number",
        [
            _null("nhs"),
            _level('"nhs_l" = "nhs_r"', "exact", 0.93, 1e-6),
            _level('damerau_levenshtein("nhs_l", "nhs_r") <= 1', "one typo or transposition", 0.04, 1e-5),
            _level("ELSE", "different", 0.03, 0.99999),
        ],
    )


def nino() -> dict[str, Any]:
    return _comparison(
        "nino",
        "National Insurance number",
        [
            _null("nino"),
            _level('"nino_l" = "nino_r"', "exact", 0.93, 1e-6),
            _level('damerau_levenshtein("nino_l", "nino_r") <= 1', "one typo or transposition", 0.04, 1e-5),
            _level("ELSE", "different", 0.03, 0.99999),
        ],
    )


def date_of_birth() -> dict[str, Any]:
    """Exact; day and month swapped; one digit different; same year; else."""
    swapped = (
        'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
        'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)'
    )
    return _comparison(
        "date_of_birth",
        "Date of birth",
        [
            _null("dob"),
            _level('"dob_l" = "dob_r"', "exact", 0.9, 0.0003),
            _level(swapped, "day and month swapped", 0.03, 1e-5),
            _level('levenshtein("dob_l", "dob_r") <= 1', "one digit different", 0.04, 0.003),
            _level('"dob_y_l" = "dob_y_r"', "same year", 0.02, 0.01),
            _level("ELSE", "different", 0.01, 0.986),
        ],
    )


def forename() -> dict[str, Any]:
    """Exact; nickname-equivalent (Bob / Robert); fuzzy (Jaro-Winkler >= 0.9); phonetic; initial; else."""
    return _comparison(
        "forename",
        "Forename",
        [
            _null("fn"),
            _level('"fn_l" = "fn_r"', "exact", 0.85, 0.01),
            _level('"fn_nick_l" = "fn_nick_r"', "nickname equivalent", 0.06, 0.002),
            _level('jaro_winkler_similarity("fn_l", "fn_r") >= 0.9', "fuzzy", 0.04, 0.003),
            _level('"fn_mp_l" = "fn_mp_r"', "sounds alike", 0.02, 0.005),
            _level('substr("fn_l", 1, 1) = substr("fn_r", 1, 1)', "same initial", 0.01, 0.05),
            # a true duplicate almost never has an unrelated forename (typos and nicknames are the
            # levels above), while a twin or sibling always has: a strong negative
            _level("ELSE", "different", 0.002, 0.93),
        ],
    )


def surname() -> dict[str, Any]:
    """Exact; fuzzy; phonetic; a hyphenated part in common; else (married names change: weak negative)."""
    return _comparison(
        "surname",
        "Surname",
        [
            _null("sn"),
            _level('"sn_l" = "sn_r"', "exact", 0.85, 0.01),
            _level('jaro_winkler_similarity("sn_l", "sn_r") >= 0.9', "fuzzy", 0.05, 0.002),
            _level('"sn_mp_l" = "sn_mp_r"', "sounds alike", 0.02, 0.003),
            _level(
                '"sn_first_l" = "sn_first_r" OR strpos("sn_l", "sn_r") > 0 OR strpos("sn_r", "sn_l") > 0',
                "hyphenated part",
                0.02,
                0.001,
            ),
            _level("ELSE", "different", 0.06, 0.984),
        ],
    )


def forename_surname_swapped() -> dict[str, Any]:
    return _comparison(
        "names_swapped",
        "Forename and surname swapped",
        [
            _null("fn", "sn"),
            _level('"fn_l" = "sn_r" AND "sn_l" = "fn_r" AND "fn_l" <> "sn_l"', "swapped", 0.01, 1e-6),
            _level("ELSE", "not swapped", 0.99, 0.999999),
        ],
    )


_SAME_SURNAME = '("sn_l" = "sn_r" OR jaro_winkler_similarity("sn_l", "sn_r") >= 0.9 OR "sn_mp_l" = "sn_mp_r")'
_SAME_ADDRESS = '("addr_l" = "addr_r" OR ("pc_l" = "pc_r" AND "landline_l" = "landline_r"))'


def household() -> dict[str, Any]:
    """ONE comparison for family and home: surname, address, postcode and landline together.

    Relatives share surname, address, postcode and landline, so "same surname at the same
    address" is one piece of evidence (its u is about that of the address alone), not four. Levels:
    same surname and address; same address, other surname (a married name, a lodger); same
    surname and postcode; same surname and sector; same surname elsewhere (a move); same postcode;
    same district; else.
    """
    return _comparison(
        "household",
        "Surname, address, postcode and landline together (shared by a family)",
        [
            _level(
                '("sn_l" IS NULL OR "sn_r" IS NULL) AND ("pc_l" IS NULL OR "pc_r" IS NULL) '
                'AND ("addr_l" IS NULL OR "addr_r" IS NULL)',
                "null",
                0,
                0,
                null=True,
            ),
            _level(f"{_SAME_ADDRESS} AND {_SAME_SURNAME}", "same surname, same address", 0.8, 0.001),
            _level(_SAME_ADDRESS, "same address, other surname", 0.03, 0.0005),
            _level(f'"pc_l" = "pc_r" AND {_SAME_SURNAME}', "same surname, same postcode", 0.04, 0.0002),
            _level(f'"pc_sector_l" = "pc_sector_r" AND {_SAME_SURNAME}', "same surname, same sector", 0.02, 0.0005),
            _level(_SAME_SURNAME, "same surname, elsewhere", 0.06, 0.01),
            _level('"pc_l" = "pc_r"', "same postcode, other surname", 0.005, 0.001),
            _level('"pc_district_l" = "pc_district_r"', "same district", 0.01, 0.04),
            _level("ELSE", "different", 0.035, 0.948),
        ],
    )


def postcode() -> dict[str, Any]:
    """Postcode alone (full, sector, district, area), when there is no address or landline."""
    return _comparison(
        "postcode",
        "Postcode",
        [
            _null("pc"),
            _level('"pc_l" = "pc_r"', "full", 0.85, 0.002),
            _level('"pc_sector_l" = "pc_sector_r"', "sector", 0.04, 0.01),
            _level('"pc_district_l" = "pc_district_r"', "district", 0.03, 0.04),
            _level('"pc_area_l" = "pc_area_r"', "area", 0.03, 0.15),
            _level("ELSE", "different", 0.05, 0.798),
        ],
    )


def mobile() -> dict[str, Any]:
    """Mobile phones are personal: agreement is strong evidence; disagreement is weak (numbers change)."""
    return _comparison(
        "mobile",
        "Mobile phone",
        [
            _null("mobile"),
            _level('"mobile_l" = "mobile_r"', "same mobile", 0.8, 1e-5),
            _level("ELSE", "different", 0.2, 0.99999),
        ],
    )


def email() -> dict[str, Any]:
    return _comparison(
        "email",
        "Email",
        [
            _null("email"),
            _level('"email_l" = "email_r"', "exact", 0.8, 1e-5),
            _level("ELSE", "different", 0.2, 0.99999),
        ],
    )


PRESETS = {"nhs": nhs_number, "nino": nino, "dob": date_of_birth, "fn": forename, "mobile": mobile, "email": email}


def uk_person(features: set[str]) -> list[dict[str, Any]]:
    """The default bundle for the features present.

    Surname, postcode, address and landline go into the one :func:`household` comparison when
    there is a location; with names only, :func:`surname` stands alone; with a location but no
    surname, :func:`postcode`.
    """
    comparisons = [make() for feature, make in PRESETS.items() if feature in features]
    location = bool({"pc", "addr"} & features)
    if location and "sn" in features:
        comparisons.append(household())
    elif "sn" in features:
        comparisons.append(surname())
    elif "pc" in features:
        comparisons.append(postcode())
    if {"fn", "sn"} <= features:
        comparisons.append(forename_surname_swapped())
    return comparisons


def blocking_rules(features: set[str]) -> list[str]:
    """Rules that find candidate pairs cheaply; each needs a personal field, so a household is
    never compared all-against-all on address alone."""
    rules = []
    if "nhs" in features:
        rules.append('l."nhs" = r."nhs"')
    if {"dob", "fn"} <= features:
        rules.append('l."dob" = r."dob" AND substr(l."fn", 1, 1) = substr(r."fn", 1, 1)')
    if {"dob", "sn_mp"} <= features:
        rules.append('l."dob" = r."dob" AND l."sn_mp" = r."sn_mp"')
    if {"fn_nick", "sn", "pc_district"} <= features:
        rules.append('l."fn_nick" = r."fn_nick" AND l."sn" = r."sn" AND l."pc_district" = r."pc_district"')
    if {"fn_nick", "dob_y", "pc"} <= features:
        rules.append('l."fn_nick" = r."fn_nick" AND l."dob_y" = r."dob_y" AND l."pc" = r."pc"')
    if "nino" in features:
        rules.append('l."nino" = r."nino"')
    if "mobile" in features:
        rules.append('l."mobile" = r."mobile"')
    if "email" in features:
        rules.append('l."email" = r."email"')
    return rules


def deterministic_rules(features: set[str]) -> list[str]:
    """Rules that on their own mean the same person (used by deterministic and hybrid training)."""
    rules = []
    if {"nhs", "dob"} <= features:
        rules.append('l."nhs" = r."nhs" AND l."dob" = r."dob"')
    if {"nino", "dob"} <= features:
        rules.append('l."nino" = r."nino" AND l."dob" = r."dob"')
    if {"fn", "sn", "dob", "pc"} <= features:
        rules.append('l."fn" = r."fn" AND l."sn" = r."sn" AND l."dob" = r."dob" AND l."pc" = r."pc"')
    return rules
