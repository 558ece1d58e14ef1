"""Comparison presets for splink: one-liners that compose into a model, on any engine.

Each preset returns a splink comparison built from splink's comparison-level library
(``ExactMatchLevel``, ``JaroWinklerLevel``, ``DamerauLevenshteinLevel``, ``ColumnsReversedLevel``,
``And``/``Or``...) or, for the few conditions the library has no level for, a ``CustomLevel``
written in DuckDB SQL with ``base_dialect_str="duckdb"`` so that splink transpiles it for the
engine in use. So one definition runs on DuckDB and on Spark (where ``jaro_winkler_similarity``
is ``jaro_winkler`` and a double-quoted name would be a string literal). Each level carries
starting m and u probabilities, used when a frame is too small to train on.

Household awareness: relatives share surname, address, postcode and landline, and twins share a
date of birth too. So address, postcode and landline form ONE comparison (:func:`household`), not
three independent pieces of evidence, and the decision is carried by what is personal: NHS
number, NINO or another identifier, forename, date of birth and mobile phone. Twins differ in
forename (and NHS number); a same-named parent and child differ in date of birth.

:data:`COLUMNS` names the prepared columns each comparison reads, so training can pick blocking
rules that leave every comparison trainable in at least one session.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on

#: prepared columns each comparison reads (EM cannot train a comparison on a block of its own columns)
COLUMNS: dict[str, frozenset[str]] = {
    "nhs_number": frozenset({"nhs"}),
    "nino": frozenset({"nino"}),
    "identifier": frozenset({"ident"}),
    "identifier_2": frozenset({"ident2"}),
    "date_of_birth": frozenset({"dob", "dob_y"}),
    "forename": frozenset({"fn", "fn_nick", "fn_mp", "sn"}),
    "surname": frozenset({"sn", "sn_mp", "sn_first"}),
    "full_name": frozenset({"nm"}),
    "household": frozenset({"sn", "sn_mp", "addr", "pc", "landline", "pc_sector", "pc_district"}),
    "postcode": frozenset({"pc", "pc_sector", "pc_district", "pc_area"}),
    "address": frozenset({"addr"}),
    "locality": frozenset({"loc"}),
    "birth_place": frozenset({"bplace"}),
    "mobile": frozenset({"mobile"}),
    "email": frozenset({"email"}),
    **{f"attribute_{i}": frozenset({f"attr{i}"}) for i in range(1, 5)},
}


def _lv(level: Any, label: str, m: float, u: float) -> Any:
    return level.configure(m_probability=m, u_probability=u, label_for_charts=label)


def _sql(condition: str, label: str, m: float, u: float) -> Any:
    """A level written in DuckDB SQL, transpiled by splink for other engines."""
    return _lv(cll.CustomLevel(condition, base_dialect_str="duckdb"), label, m, u)


def _null(*cols: str) -> Any:
    if len(cols) == 1:
        return cll.NullLevel(cols[0])
    return cll.Or(*(cll.NullLevel(c) for c in cols)).configure(is_null_level=True, label_for_charts="null")


def _comparison(name: str, description: str, levels: list[Any]) -> Any:
    return cl.CustomComparison(comparison_levels=levels, output_column_name=name, comparison_description=description)


def _else(m: float, u: float, label: str = "different") -> Any:
    return _lv(cll.ElseLevel(), label, m, u)


def identifier(column: str = "ident", name: str = "identifier", description: str = "Identifier") -> Any:
    """Exact; one typo or a transposition (Damerau-Levenshtein 1); two edits; else."""
    return _comparison(
        name,
        description,
        [
            _null(column),
            _lv(cll.ExactMatchLevel(column), "exact", 0.9, 1e-6),
            _lv(cll.DamerauLevenshteinLevel(column, 1), "one typo or transposition", 0.05, 1e-5),
            _lv(cll.LevenshteinLevel(column, 2), "two edits", 0.02, 1e-4),
            _else(0.03, 0.9999),
        ],
    )


def nhs_number() -> Any:
    return identifier("nhs", "nhs_number", "NHS number")


def nino() -> Any:
    return identifier("nino", "nino", "National Insurance number")


#: ISO dates of birth one or two edits apart share their year, month or day: one or two edits
#: (a digit changed, two adjacent characters swapped, or a digit moved within one part, since
#: both sides keep the yyyy-mm-dd shape) cannot touch all three parts. Damerau-Levenshtein is
#: costly on DuckDB (several seconds per million pairs), so it runs only where this cheap test
#: passes; any value not 10 characters long goes to the distance as before.
_Y, _M, _D = (f'substr("dob_l", {a}, {n}) = substr("dob_r", {a}, {n})' for a, n in ((1, 4), (6, 2), (9, 2)))
_NOT_ISO = 'length("dob_l") <> 10 OR length("dob_r") <> 10'
#: one edit touches at most one of the three parts, so two are shared
_DATE_PARTS_SHARED = {
    1: f"{_NOT_ISO} OR ({_Y} AND ({_M} OR {_D})) OR ({_M} AND {_D})",
    2: f"{_NOT_ISO} OR {_Y} OR {_M} OR {_D}",
}


def _dates_within(edits: int) -> Any:
    """Dates of birth at most ``edits`` Damerau-Levenshtein edits apart, the distance computed only
    for pairs sharing enough date parts (the same result, see :data:`_DATE_PARTS_SHARED`). A CASE,
    not an AND, so that the engine evaluates the distance only where the cheap test passed."""
    sql = f'CASE WHEN {_DATE_PARTS_SHARED[edits]} THEN damerau_levenshtein("dob_l", "dob_r") <= {edits} ELSE FALSE END'
    return cll.CustomLevel(sql, base_dialect_str="duckdb")


def date_of_birth() -> Any:
    """Exact; day and month swapped; one digit or a transposition; same year; within 5 years; else."""
    swapped = (
        'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
        'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)'
    )
    return _comparison(
        "date_of_birth",
        "Date of birth",
        [
            _null("dob"),
            _lv(cll.ExactMatchLevel("dob"), "exact", 0.85, 0.0003),
            _sql(swapped, "day and month swapped", 0.03, 1e-5),
            _lv(_dates_within(1), "one digit or transposition", 0.06, 0.003),
            _lv(cll.ExactMatchLevel("dob_y"), "same year", 0.03, 0.01),
            _lv(_dates_within(2), "two digits", 0.02, 0.02),
            _else(0.01, 0.966),
        ],
    )


def forename(*, transposition: bool = False) -> Any:
    """Exact (term-frequency adjusted); nickname-equivalent (Bob / Robert); fuzzy (Jaro-Winkler >=
    0.9); phonetic; forename and surname transposed; initial; else."""
    levels = [
        _null("fn"),
        _lv(cll.ExactMatchLevel("fn", term_frequency_adjustments=True), "exact", 0.85, 0.01),
        _lv(cll.ExactMatchLevel("fn_nick"), "nickname equivalent", 0.04, 0.002),
        _lv(cll.JaroWinklerLevel("fn", 0.9), "fuzzy", 0.05, 0.003),
        _lv(cll.ExactMatchLevel("fn_mp"), "sounds alike", 0.02, 0.005),
    ]
    if transposition:
        levels.append(_lv(cll.ColumnsReversedLevel("fn", "sn", symmetrical=True), "swapped with surname", 0.01, 1e-6))
    levels += [
        _sql('substr("fn_l", 1, 1) = substr("fn_r", 1, 1)', "same initial", 0.01, 0.05),
        # a true duplicate rarely has an unrelated forename (typos and nicknames are the levels
        # above), while a twin or sibling always has: a strong negative
        _else(0.02, 0.93),
    ]
    return _comparison("forename", "Forename", levels)


def surname() -> Any:
    """Exact (term-frequency adjusted); fuzzy; phonetic; a hyphenated part in common; else."""
    return _comparison(
        "surname",
        "Surname",
        [
            _null("sn"),
            _lv(cll.ExactMatchLevel("sn", term_frequency_adjustments=True), "exact", 0.85, 0.01),
            _lv(cll.JaroWinklerLevel("sn", 0.9), "fuzzy", 0.05, 0.002),
            _lv(cll.ExactMatchLevel("sn_mp"), "sounds alike", 0.02, 0.003),
            _lv(cll.ExactMatchLevel("sn_first"), "hyphenated part", 0.02, 0.001),
            _else(0.06, 0.984),
        ],
    )


def full_name() -> Any:
    """A full name compared as a set of words (order-insensitive, titles stripped): exact; fuzzy at
    Jaro-Winkler 0.92 and 0.8; first or last word in common; else."""
    return _comparison(
        "full_name",
        "Full name (words in any order)",
        [
            _null("nm"),
            _lv(cll.ExactMatchLevel("nm", term_frequency_adjustments=True), "exact", 0.8, 0.0005),
            _lv(cll.JaroWinklerLevel("nm", 0.92), "fuzzy", 0.1, 0.001),
            _lv(cll.JaroWinklerLevel("nm", 0.8), "similar", 0.05, 0.01),
            _lv(cll.Or(cll.ExactMatchLevel("nm_a"), cll.ExactMatchLevel("nm_b")), "a word in common", 0.03, 0.05),
            _else(0.02, 0.9385),
        ],
    )


def _same_surname() -> Any:
    return cll.Or(cll.ExactMatchLevel("sn"), cll.JaroWinklerLevel("sn", 0.9), cll.ExactMatchLevel("sn_mp"))


def household(features: set[str] | frozenset[str] = frozenset({"addr", "pc", "landline"})) -> Any:
    """ONE comparison for family and home: surname, address, postcode and landline together.

    Relatives share surname, address, postcode and landline, so "same surname at the same
    address" is one piece of evidence (its u is about that of the address alone), not four. Levels:
    same surname and address; same address, other surname (a married name, a lodger); similar
    address and surname (a typo in the address); same surname and postcode; same surname and
    sector; same surname elsewhere (a move); same postcode; same district; else.
    """
    addr, pc, landline = "addr" in features, "pc" in features, "landline" in features
    same_address_parts = []
    if addr:
        same_address_parts.append(cll.ExactMatchLevel("addr"))
    if pc and landline:
        same_address_parts.append(cll.And(cll.ExactMatchLevel("pc"), cll.ExactMatchLevel("landline")))

    def same_address() -> Any:
        return same_address_parts[0] if len(same_address_parts) == 1 else cll.Or(*same_address_parts)

    null_parts = [cll.NullLevel("sn")] + [cll.NullLevel(c) for c in ("pc", "addr") if c in features]
    levels = [cll.And(*null_parts).configure(is_null_level=True, label_for_charts="null")]
    if same_address_parts:
        levels += [
            _lv(cll.And(same_address(), _same_surname()), "same surname, same address", 0.75, 0.001),
            _lv(same_address(), "same address, other surname", 0.03, 0.0005),
        ]
    if addr:
        levels.append(
            _lv(
                cll.And(cll.JaroWinklerLevel("addr", 0.9), _same_surname()), "same surname, similar address", 0.05, 2e-4
            )
        )
    if pc:
        levels += [
            _lv(cll.And(cll.ExactMatchLevel("pc"), _same_surname()), "same surname, same postcode", 0.04, 0.0002),
            _lv(cll.And(cll.ExactMatchLevel("pc_sector"), _same_surname()), "same surname, same sector", 0.02, 5e-4),
        ]
    levels.append(_lv(_same_surname(), "same surname, elsewhere", 0.06, 0.01))
    if pc:
        levels += [
            _lv(cll.ExactMatchLevel("pc"), "same postcode, other surname", 0.005, 0.001),
            _lv(cll.ExactMatchLevel("pc_district"), "same district", 0.01, 0.04),
        ]
    elif addr:
        levels.append(_lv(cll.JaroWinklerLevel("addr", 0.9), "similar address, other surname", 0.005, 0.001))
    levels.append(_else(0.035, 0.948))
    return _comparison("household", "Surname, address, postcode and landline together (shared by a family)", levels)


def postcode() -> Any:
    """Postcode alone (full, sector, district, area; prefixes for non-UK postcodes)."""
    return _comparison(
        "postcode",
        "Postcode",
        [
            _null("pc"),
            _lv(cll.ExactMatchLevel("pc", term_frequency_adjustments=True), "full", 0.85, 0.002),
            _lv(cll.ExactMatchLevel("pc_sector"), "sector", 0.04, 0.01),
            _lv(cll.ExactMatchLevel("pc_district"), "district", 0.03, 0.04),
            _lv(cll.ExactMatchLevel("pc_area"), "area", 0.03, 0.15),
            _else(0.05, 0.798),
        ],
    )


def address() -> Any:
    """Address alone (no surname to pair it with): exact; fuzzy; else."""
    return _comparison(
        "address",
        "Address",
        [
            _null("addr"),
            _lv(cll.ExactMatchLevel("addr"), "exact", 0.8, 0.0005),
            _lv(cll.JaroWinklerLevel("addr", 0.9), "fuzzy", 0.1, 0.002),
            _else(0.1, 0.9975),
        ],
    )


def categorical(column: str, name: str, description: str, *, fuzzy: bool = False) -> Any:
    """A categorical attribute (birth place, town, gender, occupation): exact with a
    term-frequency adjustment (agreeing on a rare value says more than on a common one); else."""
    levels = [_null(column), _lv(cll.ExactMatchLevel(column, term_frequency_adjustments=True), "exact", 0.9, 0.05)]
    if fuzzy:
        levels.append(_lv(cll.JaroWinklerLevel(column, 0.9), "fuzzy", 0.05, 0.01))
    levels.append(_else(0.05 if fuzzy else 0.1, 0.94 if fuzzy else 0.95))
    return _comparison(name, description, levels)


def mobile() -> Any:
    """Mobile phones are personal: agreement is strong evidence; disagreement is weak (numbers change)."""
    return _comparison(
        "mobile",
        "Mobile phone",
        [_null("mobile"), _lv(cll.ExactMatchLevel("mobile"), "same mobile", 0.8, 1e-5), _else(0.2, 0.99999)],
    )


def email() -> Any:
    return _comparison(
        "email",
        "Email",
        [
            _null("email"),
            _lv(cll.ExactMatchLevel("email"), "exact", 0.8, 1e-5),
            _lv(cll.JaroWinklerLevel("email", 0.95), "fuzzy", 0.05, 1e-4),
            _else(0.15, 0.99989),
        ],
    )


def uk_person(features: set[str]) -> list[Any]:
    """The comparisons for the features present.

    Surname, postcode, address and landline go into the one :func:`household` comparison when
    there is a location; with names only, :func:`surname` stands alone; with a location but no
    surname, :func:`postcode` and :func:`address`. A full name is compared as a set of words.
    """
    comparisons = []
    if "nhs" in features:
        comparisons.append(nhs_number())
    if "nino" in features:
        comparisons.append(nino())
    if "ident" in features:
        comparisons.append(identifier())
    if "ident2" in features:
        comparisons.append(identifier("ident2", "identifier_2", "Second identifier"))
    if "dob" in features:
        comparisons.append(date_of_birth())
    if "fn" in features:
        comparisons.append(forename(transposition="sn" in features))
    if "nm" in features:
        comparisons.append(full_name())
    location = {"pc", "addr"} & features
    if location and "sn" in features:
        comparisons.append(household(features))
    else:
        if "sn" in features:
            comparisons.append(surname())
        if "pc" in features:
            comparisons.append(postcode())
        if "addr" in features:
            comparisons.append(address())
    if "loc" in features:
        comparisons.append(categorical("loc", "locality", "Locality or town", fuzzy=True))
    if "bplace" in features:
        comparisons.append(categorical("bplace", "birth_place", "Place of birth", fuzzy=True))
    for i in range(1, 5):
        if f"attr{i}" in features:
            comparisons.append(categorical(f"attr{i}", f"attribute_{i}", f"Attribute {i}"))
    if "mobile" in features:
        comparisons.append(mobile())
    if "email" in features:
        comparisons.append(email())
    return comparisons


def comparison_columns(comparisons: list[Any]) -> dict[str, frozenset[str]]:
    """Output name -> prepared columns read, for the comparisons given."""
    out = {}
    for c in comparisons:
        name = c.create_output_column_name()
        out[name] = COLUMNS.get(name, frozenset())
    return out


#: Candidate prediction blocking rules, strongest first: (columns, why). Each needs something
#: personal, so a household is never compared all-against-all on its address alone.
_PREDICTION_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("nhs",), "same NHS number"),
    (("nino",), "same NINO"),
    (("ident",), "same identifier"),
    (("ident2",), "same second identifier"),
    (("dob", "fn_i"), "same date of birth and initial"),
    (("dob", "sn_mp"), "same date of birth and surname sound"),
    (("dob", "nm_a"), "same date of birth and a name word"),
    (("dob", "nm_b"), "same date of birth and a name word"),
    (("fn_nick", "sn", "pc_district"), "same name in the district"),
    (("fn_nick", "dob_y", "pc"), "same forename, birth year and postcode"),
    (("fn", "sn"), "same forename and surname"),
    (("nm",), "same full name"),
    (("sn", "pc"), "same surname and postcode"),
    (("fn", "pc"), "same forename and postcode"),
    (("stno", "pc"), "same street number and postcode"),
    (("dob", "pc"), "same date of birth and postcode"),
    (("dob", "loc"), "same date of birth and locality"),
    (("fn", "addr"), "same forename and address"),
    (("mobile",), "same mobile"),
    (("email",), "same email"),
    (("fn_mp", "sn_mp", "dob_y"), "same name sounds and birth year"),
    (("nm_a", "nm_b", "bplace"), "same name words and birth place"),
)


def blocking_rule_candidates(features: set[str]) -> list[tuple[Any, str]]:
    """Prediction blocking rules for the features present, strongest first (a union: a pair is
    compared if any rule finds it). The caller trims the list to a comparison budget."""
    from splink.blocking_rule_library import CustomRule

    out = []
    for cols, why in _PREDICTION_RULES:
        if set(cols) <= features:
            out.append((block_on(*cols), why))
        if cols == ("dob", "sn_mp") and {"dob", "fn", "sn"} <= features:
            # forename and surname transposed between the records (both directions)
            for a, b in (("fn", "sn"), ("sn", "fn")):
                rule = CustomRule(f'l."{a}" = r."{b}" AND l."dob" = r."dob"', sql_dialect="duckdb")
                out.append((rule, "names transposed, same date of birth"))
    return out


def blocking_rules(features: set[str]) -> list[Any]:
    """Every candidate prediction rule for the features present (see :func:`blocking_rule_candidates`)."""
    return [rule for rule, _ in blocking_rule_candidates(features)]


#: EM sessions, in order of preference: (columns blocked on, why). Blocks on a household field
#: alone (postcode, address) would hand EM a sample dominated by relatives and teach it that
#: "same household" means "same person", so each block holds something personal.
_EM_RULES: tuple[tuple[str, ...], ...] = (
    ("nhs",),
    ("nino",),
    ("ident",),
    ("dob", "fn"),
    ("fn", "sn", "dob_y"),
    ("dob", "nm_a"),
    ("nm", "dob_y"),
    ("nm",),
    ("fn", "sn"),
    ("dob", "sn"),
    ("mobile",),
    ("email",),
    ("fn", "pc"),
    ("dob", "pc"),
)


def em_rule_plan(features: set[str], columns_by_comparison: dict[str, frozenset[str]]) -> list[tuple[str, ...]]:
    """EM blocking rules that together leave every comparison trainable in some session.

    A comparison is not trained in a session whose blocking columns it reads, so rules are taken
    in order of preference while they train a comparison no earlier rule could (at most four).
    """
    untrained = set(columns_by_comparison)
    plan = []
    for cols in _EM_RULES:
        if not set(cols) <= features:
            continue
        trains = {name for name in untrained if not (columns_by_comparison[name] & _expand(cols))}
        if trains:
            plan.append(cols)
            untrained -= trains
        if not untrained or len(plan) >= 4:
            break
    return plan


def _expand(cols: tuple[str, ...]) -> set[str]:
    """Blocking on a column also fixes the columns derived from it (same dob -> same year)."""
    derived = {
        "dob": {"dob_y"},
        "fn": {"fn_i", "fn_nick", "fn_mp"},
        "sn": {"sn_mp", "sn_first"},
        "nm": {"nm_a", "nm_b"},
    }
    out = set(cols)
    for c in cols:
        out |= derived.get(c, set())
    return out


def deterministic_rules(features: set[str]) -> list[Any]:
    """Rules that on their own mean the same person: an exact strong identifier plus an exact date
    of birth (used for the prior, and by deterministic and hybrid training)."""
    return [block_on(ident, "dob") for ident in deterministic_keys(features)]


def deterministic_keys(features: set[str]) -> list[str]:
    """The identifiers that, with the date of birth, make a deterministic rule."""
    if "dob" not in features:
        return []
    return [ident for ident in ("nhs", "nino", "ident") if ident in features]


def prior_rules(features: set[str]) -> tuple[list[Any], float]:
    """Rules for estimating the prior (the probability two random records match) and their
    assumed recall: identifier plus date of birth when there is one, else full name plus date of
    birth (plus postcode when present)."""
    rules = deterministic_rules(features)
    if rules:
        return rules, 0.7
    for cols in (("fn", "sn", "dob"), ("nm", "dob")):
        if set(cols) <= features:
            return [block_on(*cols)], 0.6
    return [], 0.0
