"""A fast, seeded generator of a messy 15-column social care extract for the benchmarks.

Vectorised numpy throughout (1M rows in a few seconds). Values repeat the way real extracts do:
people are drawn from a pool, households share addresses, and each value is written in one of
several formats, with planted placeholders, sentinels and typos. Synthetic only: NHS numbers are
in the 999 test range; phone numbers are in Ofcom's ranges for drama (020 7946 0xxx and
0161 496 0xxx, which phonenumbers treats as valid).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FORENAMES = np.array(
    "Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James Henry Leo Alfie Joshua "
    "Freddie Archie Ethan Isaac Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Isabella "
    "Sophie Ivy Freya Harper Willow Daisy Margaret Elizabeth Robert Susan David Patricia Michael Linda John "
    "Barbara Richard Mary Peter Jean Anne Christopher Sarah Paul Helen Mark Karen Andrew Julie Stephen Joanne "
    "Aisha Priya Mohammed Fatima Wojciech Agnieszka Chidi Ngozi Siobhan Declan Rhys Cerys Callum Eilidh".split()
)
SURNAMES = np.array(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill "
    "Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker "
    "Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy "
    "Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Ali Ahmed Hussain O'Brien "
    "McDonald MacLeod O'Neill Smith-Jones D'Arcy Nowak Kowalski Okafor Mensah".split()
)
STREETS = np.array(
    "High Church Station Victoria Green Manor Park Queens Kings Grange Mill School New London Chapel "
    "Springfield Moulsham Broomfield Baddow Writtle Maldon Colchester Mersea Priory Abbey Castle".split()
)
SUFFIX_VARIANTS = np.array(["Road", "Rd", "Street", "St", "Lane", "Ln", "Avenue", "Ave", "Close", "Cl", "Drive"])
TOWNS = np.array(["Chelmsford", "Colchester", "Braintree", "Witham", "Maldon", "Harlow", "Basildon", "Brentwood"])
AREAS = np.array(["CM", "CO", "SS", "IG", "RM", "CB"])
INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
ETHNIC = np.array(
    [
        "A",
        "B",
        "C",
        "D",
        "H",
        "J",
        "K",
        "M",
        "N",
        "R",
        "S",
        "Z",
        "White British",
        "Indian",
        "Black African",
        "Not stated",
        "99",
    ]
)
GENDER = np.array(["M", "F", "Male", "female", "1", "2", "X", "Unknown", "f", "m"])
MONTHS = np.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])


def _choice(rng: np.random.Generator, options: np.ndarray, n: int) -> np.ndarray:
    return options[rng.integers(0, len(options), n)]


def _nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    out = np.empty(0, dtype="<U10")
    while len(out) < n:
        body = rng.integers(0, 10**6, 2 * n) + 999 * 10**6  # 999xxxxxx, test range
        digits = (body[:, None] // 10 ** np.arange(8, -1, -1)) % 10
        check = 11 - (digits @ np.arange(10, 1, -1)) % 11
        check = np.where(check == 11, 0, check)
        keep = check != 10
        out = np.concatenate([out, (body[keep] * 10 + check[keep]).astype(str)])
    return out[:n]


def _postcodes(rng: np.random.Generator, n: int) -> np.ndarray:
    area = _choice(rng, AREAS, n)
    district = rng.integers(1, 30, n).astype(str)
    sector = rng.integers(0, 10, n).astype(str)
    unit = _choice(rng, INWARD_LETTERS, n).astype(object) + _choice(rng, INWARD_LETTERS, n).astype(object)
    return (area.astype(object) + district.astype(object) + " " + sector.astype(object) + unit).astype(str)


def messy_extract(n: int, seed: int = 0, *, people: int | None = None) -> pd.DataFrame:
    """``n`` rows of a social care person extract with realistic mess and repetition."""
    rng = np.random.default_rng(seed)
    people = people or max(n // 3, 1)
    households = max(people // 2, 1)

    # --- people pool
    nhs = _nhs_numbers(rng, people)
    fore = _choice(rng, FORENAMES, people)
    sur = _choice(rng, SURNAMES, people)
    dob = pd.to_datetime("1925-01-01") + pd.to_timedelta(rng.integers(0, 95 * 365, people), unit="D")
    hh = rng.integers(0, households, people)
    hh_post = _postcodes(rng, households)
    hh_num = rng.integers(1, 200, households).astype(str)
    hh_street = (
        _choice(rng, STREETS, households).astype(object)
        + " "
        + _choice(rng, SUFFIX_VARIANTS, households).astype(object)
    )
    hh_town = _choice(rng, TOWNS, households)
    nino_letters = np.array(list("ABCEGHJKLMNPRSTWXYZ"))
    nino = (
        _choice(rng, nino_letters, people).astype(object)
        + _choice(rng, nino_letters, people).astype(object)
        + pd.Series(rng.integers(0, 10**6, people)).astype(str).str.zfill(6).to_numpy(dtype=object)
        + _choice(rng, np.array(list("ABCD")), people).astype(object)
    ).astype(str)
    land = "020 7946 0" + pd.Series(rng.integers(0, 1000, people)).astype(str).str.zfill(3)
    manc = "0161 496 0" + pd.Series(rng.integers(0, 1000, people)).astype(str).str.zfill(3)
    phone = np.where(rng.random(people) < 0.5, land.to_numpy(dtype=str), manc.to_numpy(dtype=str))
    uprn = rng.integers(10**8, 10**11, households).astype(str)

    # --- rows drawn from people (repetition = duplicates across the extract)
    p = rng.integers(0, people, n)
    h = hh[p]
    u = rng.random((n, 12))

    nhs_col = nhs[p].astype(object)
    spaced = (
        pd.Series(nhs_col).str.slice(0, 3)
        + " "
        + pd.Series(nhs_col).str.slice(3, 6)
        + " "
        + pd.Series(nhs_col).str.slice(6)
    )
    nhs_col = np.where(u[:, 0] < 0.25, spaced.to_numpy(dtype=object), nhs_col)
    nhs_col = np.where(
        (u[:, 0] >= 0.25) & (u[:, 0] < 0.28), pd.Series(nhs[p]).str.slice(0, 9).to_numpy() + "1", nhs_col
    )
    nhs_col = np.where((u[:, 0] >= 0.28) & (u[:, 0] < 0.30), None, nhs_col)
    nhs_col = np.where((u[:, 0] >= 0.30) & (u[:, 0] < 0.305), "UNKNOWN", nhs_col)

    post = pd.Series(hh_post[h])
    post_col = np.where(u[:, 1] < 0.2, post.str.lower(), np.where(u[:, 1] < 0.3, post.str.replace(" ", ""), post))
    post_col = np.where(u[:, 1] > 0.99, "ZZ99 3VZ", post_col)
    post_col = np.where((u[:, 1] > 0.98) & (u[:, 1] <= 0.99), None, post_col)

    dob_p = pd.Series(dob[p])
    iso = dob_p.dt.strftime("%Y-%m-%d")
    uk = dob_p.dt.strftime("%d/%m/%Y")
    mon = dob_p.dt.day.astype(str) + " " + MONTHS[dob_p.dt.month.to_numpy() - 1] + " " + dob_p.dt.year.astype(str)
    dob_col = np.where(u[:, 2] < 0.5, iso, np.where(u[:, 2] < 0.85, uk, mon))
    dob_col = np.where((u[:, 2] >= 0.97) & (u[:, 2] < 0.98), "01/01/1900", dob_col)
    dob_col = np.where((u[:, 2] >= 0.98) & (u[:, 2] < 0.985), "31/02/1984", dob_col)
    dob_col = np.where(u[:, 2] >= 0.99, None, dob_col)

    fore_col = pd.Series(fore[p])
    fore_col = np.where(u[:, 3] < 0.15, fore_col.str.upper(), np.where(u[:, 3] < 0.2, fore_col.str.lower(), fore_col))
    fore_col = np.where(u[:, 3] > 0.995, "UNKNOWN", fore_col)
    sur_col = pd.Series(sur[p])
    sur_col = np.where(u[:, 4] < 0.2, sur_col.str.upper(), np.where(u[:, 4] < 0.25, " " + sur_col + " ", sur_col))

    phone_p = pd.Series(phone[p])
    phone_col = np.where(
        u[:, 5] < 0.2,
        "+44 " + phone_p.str.slice(1),
        np.where(u[:, 5] < 0.3, phone_p.str.replace(" ", ""), phone_p),
    )
    phone_col = np.where(u[:, 5] > 0.97, "12345", phone_col)
    phone_col = np.where((u[:, 5] > 0.9) & (u[:, 5] <= 0.97), None, phone_col)

    addr = (
        pd.Series(hh_num[h]).to_numpy(dtype=object)
        + " "
        + hh_street[h]
        + ", "
        + hh_town[h].astype(object)
        + " "
        + hh_post[h].astype(object)
    )
    addr_col = np.where(u[:, 6] < 0.2, pd.Series(addr).str.lower(), addr)
    addr_col = np.where(u[:, 6] > 0.98, None, addr_col)

    email = pd.Series(fore[p]).str.lower() + "." + pd.Series(sur[p]).str.lower().str.replace("'", "") + "@example.org"
    email_col = np.where(u[:, 7] < 0.1, email.str.upper(), email)
    email_col = np.where(u[:, 7] > 0.95, None, np.where((u[:, 7] > 0.93) & (u[:, 7] <= 0.95), "none", email_col))

    uprn_col = np.where(u[:, 8] > 0.97, None, uprn[h])
    gender_col = _choice(rng, GENDER, n)
    eth_col = _choice(rng, ETHNIC, n)
    dod = np.where(
        u[:, 9] > 0.98,
        (dob_p + pd.to_timedelta(rng.integers(-400, 30000, n), unit="D")).dt.strftime("%Y-%m-%d"),
        None,
    )
    updated = (pd.Timestamp("2026-11-01") - pd.to_timedelta(rng.integers(0, 1200, n), unit="D")).strftime("%Y-%m-%d")
    nino_col = np.where(u[:, 10] < 0.3, pd.Series(nino[p]).str.lower(), nino[p])
    nino_col = np.where(u[:, 10] > 0.9, None, nino_col)

    df = pd.DataFrame(
        {
            "record_id": pd.Series(np.arange(n)).astype(str).radd("SC").to_numpy(),
            "nhs_number": nhs_col,
            "nino": nino_col,
            "forename": fore_col,
            "surname": sur_col,
            "date_of_birth": dob_col,
            "gender": gender_col,
            "ethnicity": eth_col,
            "postcode": post_col,
            "address": addr_col,
            "phone": phone_col,
            "email": email_col,
            "uprn": uprn_col,
            "date_of_death": dod,
            "last_updated": np.asarray(updated),
        }
    )
    return df.astype("string")
