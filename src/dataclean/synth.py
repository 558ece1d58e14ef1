"""Seeded synthetic UK person records with known truth, for tests, examples and benchmarks.

Everything is vectorised numpy (a million records in seconds) and synthetic: NHS numbers are in
the 999 test range with valid check digits, landlines are in Ofcom's drama ranges
(020 7946 0xxx, 0161 496 0xxx), mobiles are random 07400-07499 numbers, UPRNs and NINOs random.

* :func:`people` - the truth: one row per person, in households (shared surname, address,
  postcode, landline), with twins (same date of birth and household, different forenames) and
  same-named parents and children (``Jr``/``Sr``: same names and address, births 20-40 years apart).
* :func:`records` - what agencies hold: each person appears in one or more sources, some more
  than once, with realistic noise: typos, nicknames, day/month swapped, married-name changes,
  moves, missing values, placeholders and formatting mess. ``person_id`` is the truth.
* :func:`write_examples` - the small bundled example files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

FORENAMES_M = np.array(
    "Oliver George Harry Jack Jacob Noah Charlie Thomas Oscar William James Henry Leo Alfie Joshua Freddie "
    "Archie Ethan Isaac Robert David Michael John Richard Christopher Peter Paul Mark Andrew Stephen Daniel "
    "Matthew Anthony Joseph Samuel Benjamin Edward Lewis Ryan Adam Mohammed Wojciech Chidi Declan Rhys Callum".split()
)
FORENAMES_F = np.array(
    "Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Isabella Sophie Ivy Freya Harper Willow "
    "Daisy Margaret Elizabeth Susan Patricia Linda Barbara Mary Jean Anne Sarah Helen Karen Julie Joanne Rebecca "
    "Victoria Katherine Jennifer Laura Emma Charlotte Hannah Aisha Priya Fatima Agnieszka Ngozi Siobhan Cerys".split()
)
SURNAMES = np.array(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker "
    "White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris "
    "Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young "
    "Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan "
    "Marshall Anderson Simpson Ellis Adams Singh Begum Ali Ahmed Hussain O'Brien McDonald MacLeod Nowak Okafor "
    "Mensah Fletcher Holmes Kaur Chapman Webb Rogers Gray Mason Hunt Palmer Mills Barnes Knight Lloyd Butler".split()
)
NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Liz",
    "Margaret": "Maggie",
    "Richard": "Rick",
    "Thomas": "Tom",
    "James": "Jim",
    "Michael": "Mike",
    "Christopher": "Chris",
    "Katherine": "Kate",
    "Jennifer": "Jenny",
    "Rebecca": "Becky",
    "Victoria": "Vicky",
    "Samuel": "Sam",
    "Benjamin": "Ben",
    "Edward": "Ted",
    "Joseph": "Joe",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Patricia": "Pat",
    "Susan": "Sue",
    "Andrew": "Andy",
    "Stephen": "Steve",
    "Joshua": "Josh",
    "Isabella": "Bella",
}
STREETS = np.array(
    "High Church Station Victoria Green Manor Park Queens Kings Grange Mill School New London Chapel Springfield "
    "Moulsham Broomfield Baddow Writtle Maldon Colchester Mersea Priory Abbey Castle Meadow Orchard Willow "
    "Beech Oak Elm Ash Rectory Vicarage Market Bridge".split()
)
STREET_TYPES = np.array(["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens"])
TOWNS = np.array(
    [
        "Chelmsford",
        "Colchester",
        "Braintree",
        "Witham",
        "Maldon",
        "Harlow",
        "Basildon",
        "Brentwood",
        "Southend-on-Sea",
        "Clacton-on-Sea",
    ]
)
AREAS = np.array(["CM", "CO", "SS", "RM", "CB", "IG"])
INWARD = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
NINO_FIRST = np.array(list("ABCEGHJKLMNPRSTWXYZ"))
NINO_SECOND = np.array(list("ABCEGHJKLMNPRSTWXY"))
SOURCES = ("social_care", "housing_benefit", "council_tax")


def _pick(rng: np.random.Generator, options: np.ndarray, n: int) -> np.ndarray:
    return options[rng.integers(0, len(options), n)]


def _distinct_ints(rng: np.random.Generator, n: int, high: int) -> np.ndarray:
    """``n`` distinct random integers below ``high`` (high >> n), in random order."""
    values = np.unique(rng.integers(0, high, int(n * 1.1) + 16))
    while len(values) < n:
        values = np.unique(np.concatenate([values, rng.integers(0, high, n)]))
    return rng.permutation(values)[:n]


def nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct valid NHS numbers in the 999 test range (as strings)."""
    if n > 900_000:
        raise ValueError("the 999 test range has about 900,000 valid numbers")
    base = rng.permutation(10**6)[: int(n * 1.2) + 10] + 999 * 10**6
    digits = (base[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    check = 11 - (digits @ np.arange(10, 1, -1)) % 11
    check = np.where(check == 11, 0, check)
    ok = check != 10
    numbers = base[ok] * 10 + check[ok]
    return numbers[:n].astype(str)


def _postcodes(rng: np.random.Generator, n: int) -> np.ndarray:
    out = (
        _pick(rng, AREAS, n).astype(object)
        + rng.integers(1, 30, n).astype(str).astype(object)
        + " "
        + rng.integers(0, 10, n).astype(str).astype(object)
        + _pick(rng, INWARD, n).astype(object)
        + _pick(rng, INWARD, n).astype(object)
    )
    return out.astype(str)


def _zfill(values: np.ndarray, width: int) -> np.ndarray:
    return pd.Series(values).astype(str).str.zfill(width).to_numpy(dtype=object)


def people(n: int, seed: int = 0) -> pd.DataFrame:
    """The truth: ``n`` people in households, with twins and same-named parents and children."""
    rng = np.random.default_rng(seed)
    n_households = max(int(n / 2.2), 1)
    household = np.sort(rng.integers(0, n_households, n))
    first_in_house = np.r_[True, household[1:] != household[:-1]]
    # household-level attributes
    hh_surname = _pick(rng, SURNAMES, n_households)
    hh_postcode = _postcodes(rng, n_households)
    hh_number = rng.integers(1, 250, n_households).astype(str)
    hh_street = _pick(rng, STREETS, n_households).astype(object) + " " + _pick(rng, STREET_TYPES, n_households)
    hh_town = _pick(rng, TOWNS, n_households)
    hh_uprn = (_distinct_ints(rng, n_households, 10**9) + 10**10).astype(str)
    hh_landline = np.where(
        rng.random(n_households) < 0.5,
        "020 7946 0" + _zfill(rng.integers(0, 1000, n_households), 3),
        "0161 496 0" + _zfill(rng.integers(0, 1000, n_households), 3),
    )

    sex = np.where(rng.random(n) < 0.5, "F", "M")
    forename = np.where(sex == "F", _pick(rng, FORENAMES_F, n), _pick(rng, FORENAMES_M, n))
    dob = pd.Timestamp("1930-01-01") + pd.to_timedelta(rng.integers(0, 88 * 365, n), unit="D")
    dob = dob.to_numpy()
    # twins: a second member of a household born the same day, different forename
    second = ~first_in_house
    twin = second & (rng.random(n) < 0.06)
    dob = np.where(twin, np.roll(dob, 1), dob)
    forename = np.where(twin & (forename == np.roll(forename, 1)), np.where(sex == "F", "Ruby", "Max"), forename)
    # same-named parent and child (Jr/Sr): same forename and sex, 20-40 years younger
    junior = second & ~twin & (rng.random(n) < 0.04)
    forename = np.where(junior, np.roll(forename, 1), forename)
    sex = np.where(junior, np.roll(sex, 1), sex)
    gap = pd.to_timedelta(rng.integers(20 * 365, 40 * 365, n), unit="D").to_numpy()
    dob = np.where(junior, np.roll(dob, 1) + gap, dob)
    dob = np.minimum(dob, np.datetime64("2025-06-30"))

    nino = (
        _pick(rng, NINO_FIRST, n).astype(object)
        + _pick(rng, NINO_SECOND, n).astype(object)
        + _zfill(rng.integers(0, 10**6, n), 6)
        + _pick(rng, np.array(list("ABCD")), n).astype(object)
    )
    mobile = (
        "07" + (400 + rng.integers(0, 100, n)).astype(str).astype(object) + " " + _zfill(rng.integers(0, 10**6, n), 6)
    )
    has_mobile = rng.random(n) < 0.8
    surname = hh_surname[household]
    email = (
        pd.Series(forename).str.lower()
        + "."
        + pd.Series(surname).str.lower().str.replace("'", "")
        + _zfill(rng.integers(0, 1000, n), 3)
        + "@example.org"
    ).to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "person_id": pd.Series(np.arange(n)).map("P{:07d}".format).to_numpy(),
            "household_id": household,
            "nhs_number": nhs_numbers(rng, n),
            "nino": nino.astype(str),
            "forename": forename,
            "surname": surname,
            "sex": sex,
            "date_of_birth": pd.Series(dob).dt.strftime("%Y-%m-%d").to_numpy(),
            "postcode": hh_postcode[household],
            "address": (
                hh_number[household].astype(object)
                + " "
                + hh_street[household]
                + ", "
                + hh_town[household].astype(object)
            ).astype(str),
            "uprn": hh_uprn[household],
            "landline": hh_landline[household],
            "mobile": np.where(has_mobile, mobile, None),
            "email": np.where(rng.random(n) < 0.7, email, None),
            "twin": twin | np.roll(twin, -1) & second[np.r_[1:n, 0]] if n > 1 else twin,
            "junior": junior,
        }
    )


def _typo(rng: np.random.Generator, s: pd.Series, rate: float) -> pd.Series:
    """Swap two neighbouring letters in about ``rate`` of the values (vectorised)."""
    hit = (rng.random(len(s)) < rate) & (s.str.len().fillna(0).to_numpy() > 3)
    if not hit.any():
        return s
    sub = s[hit]
    pos = (rng.random(len(sub)) * (sub.str.len().to_numpy() - 2)).astype(int) + 1
    chars = sub.to_numpy(dtype=object)
    out = [c[:p] + c[p + 1] + c[p] + c[p + 2 :] for c, p in zip(chars, pos)]
    s = s.copy()
    s[hit] = out
    return s


def records(
    n_people: int,
    *,
    sources: Sequence[str] = SOURCES,
    seed: int = 0,
    duplicate_rate: float = 0.3,
    noise: float = 1.0,
    truth: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Records that agencies hold about ``n_people`` people: ``record_id``, ``source`` and
    ``person_id`` (the truth), with identifiers and names in realistic mess.

    Each person appears in one source, and with probability ``duplicate_rate`` again (in the
    same or another source). ``noise`` scales every error rate (0 gives clean copies).
    """
    rng = np.random.default_rng(seed + 1)
    truth = people(n_people, seed=seed) if truth is None else truth
    n = len(truth)
    extra = rng.random(n) < duplicate_rate
    third = extra & (rng.random(n) < 0.2)
    idx = np.concatenate([np.arange(n), np.flatnonzero(extra), np.flatnonzero(third)])
    rng.shuffle(idx)
    base = truth.iloc[idx].reset_index(drop=True)
    copy = np.concatenate([np.zeros(n, bool), np.ones(extra.sum() + third.sum(), bool)])
    m = len(base)
    u = rng.random((m, 14))
    z = noise

    def noisy(col: int, rate: float) -> np.ndarray:
        return u[:, col] < rate * z

    out = pd.DataFrame(
        {
            "record_id": pd.Series(np.arange(m)).map("R{:07d}".format).to_numpy(),
            "source": _pick(rng, np.array(list(sources)), m),
            "person_id": base["person_id"],
        }
    )
    # names: nicknames, typos, upper case, married-name change
    fore = base["forename"].astype(object)
    nick = fore.map(NICKNAMES)
    fore = fore.where(~(noisy(0, 0.08) & nick.notna()), nick)
    fore = _typo(rng, pd.Series(fore, dtype="string"), 0.03 * z)
    fore = fore.where(~noisy(1, 0.15), fore.str.upper())
    sur = pd.Series(base["surname"], dtype="string")
    married = noisy(2, 0.03) & (base["sex"].to_numpy() == "F")
    sur = sur.where(~married, pd.Series(_pick(rng, SURNAMES, m), dtype="string"))
    sur = _typo(rng, sur, 0.03 * z)
    sur = sur.where(~noisy(3, 0.15), sur.str.upper())
    out["forename"] = fore
    out["surname"] = sur
    # dates of birth: formats, day/month swap, one digit wrong
    dob = pd.to_datetime(base["date_of_birth"])
    swap = noisy(4, 0.02) & (dob.dt.day <= 12).to_numpy() & (dob.dt.day != dob.dt.month).to_numpy()
    iso = dob.dt.strftime("%Y-%m-%d")
    swapped = dob.dt.strftime("%Y-%d-%m")
    iso = iso.where(~swap, swapped)
    uk = iso.str.slice(8, 10) + "/" + iso.str.slice(5, 7) + "/" + iso.str.slice(0, 4)
    out["date_of_birth"] = np.where(rng.random(m) < 0.5, iso, uk)
    # identifiers with formatting mess and gaps
    nhs = pd.Series(base["nhs_number"], dtype="string")
    spaced = nhs.str.slice(0, 3) + " " + nhs.str.slice(3, 6) + " " + nhs.str.slice(6)
    nhs = nhs.where(~(rng.random(m) < 0.3), spaced)
    out["nhs_number"] = nhs.where(~noisy(5, 0.10), pd.NA)
    nino = pd.Series(base["nino"], dtype="string")
    nino = nino.where(~(rng.random(m) < 0.3), nino.str.lower())
    out["nino"] = nino.where(~noisy(6, 0.25), pd.NA)
    # moves: a later copy at a new address
    moved = copy & noisy(7, 0.08)
    new_pc = pd.Series(_postcodes(rng, m), dtype="string")
    pc = pd.Series(base["postcode"], dtype="string").where(~moved, new_pc)
    pc = pc.where(~(rng.random(m) < 0.2), pc.str.lower().str.replace(" ", ""))
    out["postcode"] = pc.where(~noisy(8, 0.03), pd.NA)
    addr = pd.Series(base["address"], dtype="string")
    addr = addr.where(~moved, pd.Series(rng.integers(1, 200, m).astype(str), dtype="string") + " New Road, Witham")
    addr = addr.str.replace(" Road", " Rd", regex=False).where(rng.random(m) < 0.3, addr)
    out["address"] = addr.where(~noisy(9, 0.05), pd.NA)
    out["uprn"] = pd.Series(base["uprn"], dtype="string").where(~moved, pd.NA)
    mobile = pd.Series(base["mobile"], dtype="string")
    mobile = mobile.where(~(rng.random(m) < 0.3), "+44 " + mobile.str.slice(1))
    landline = pd.Series(base["landline"], dtype="string")
    out["phone"] = mobile.where(rng.random(m) < 0.6, landline).where(~noisy(10, 0.10), pd.NA)
    out["email"] = pd.Series(base["email"], dtype="string").where(~noisy(11, 0.2), pd.NA)
    out["gender"] = np.where(
        base["sex"] == "F", np.where(rng.random(m) < 0.5, "F", "Female"), np.where(rng.random(m) < 0.5, "M", "Male")
    )
    updated = pd.Timestamp("2026-10-01") - pd.to_timedelta(rng.integers(0, 700, m), unit="D")
    out["last_updated"] = updated.strftime("%Y-%m-%d")
    return out.astype({c: "string" for c in out.columns})


def pairs_from_truth(df: pd.DataFrame, id_column: str = "record_id", truth_column: str = "person_id") -> set:
    """All unordered record-id pairs that are the same person (for precision and recall)."""
    g = df[[id_column, truth_column]].astype(str)
    merged = g.merge(g, on=truth_column)
    merged = merged[merged[f"{id_column}_x"] < merged[f"{id_column}_y"]]
    return set(zip(merged[f"{id_column}_x"], merged[f"{id_column}_y"]))


# ---------------------------------------------------------------------------------------------
# bundled examples
# ---------------------------------------------------------------------------------------------


def example_people(seed: int = 7, n_people: int = 400) -> pd.DataFrame:
    """The bundled social care extract (the columns of ``expectations/social_care_person.yml``)."""
    rng = np.random.default_rng(seed)
    truth = people(n_people, seed=seed)
    recs = records(n_people, sources=("social_care",), seed=seed, duplicate_rate=0.04, noise=0.6, truth=truth)
    t = truth.set_index("person_id").loc[recs["person_id"]].reset_index()
    n = len(recs)
    ethnic = np.array(["A", "A", "A", "White British", "B", "C", "H", "J", "N", "M", "R", "Z", "Indian"])
    df = pd.DataFrame(
        {
            "record_id": pd.Series(np.arange(n)).map("SC{:05d}".format),
            "nhs_number": recs["nhs_number"],
            "nino": recs["nino"],
            "forename": recs["forename"],
            "surname": recs["surname"],
            "date_of_birth": recs["date_of_birth"],
            "gender": recs["gender"],
            "ethnicity": _pick(rng, ethnic, n),
            "postcode": recs["postcode"],
            "address": recs["address"],
            "phone": recs["phone"],
            "email": recs["email"],
            "uprn": recs["uprn"],
            "date_of_death": pd.Series(pd.NA, index=range(n), dtype="string"),
            "last_updated": recs["last_updated"],
        }
    ).astype("string")
    # NHS numbers are recorded for nearly everyone in social care
    df["nhs_number"] = df["nhs_number"].fillna(pd.Series(t["nhs_number"], dtype="string"))
    # planted defects (about 2 % of rows each), for the quarantine and the scorecard
    planted = rng.permutation(n)
    k = max(n // 60, 2)
    groups = np.array_split(planted[: 6 * k], 6)
    df.loc[groups[0], "nhs_number"] = df.loc[groups[0], "nhs_number"].str.replace(" ", "").str.slice(0, 9) + "0"
    df.loc[groups[1], "postcode"] = "ZZ99 3VZ"
    df.loc[groups[2], "date_of_birth"] = "01/01/1900"
    df.loc[groups[3], "forename"] = "UNKNOWN"
    df.loc[groups[4], "date_of_birth"] = "31/02/1984"
    dead = planted[6 * k : 8 * k]
    df.loc[dead, "date_of_death"] = "2025-03-01"
    df.loc[dead[:2], "date_of_death"] = "1901-01-01"  # before birth: a consistency failure
    return df


def example_property_register(seed: int = 7, n_extra: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 11)
    uprns = set(people(400, seed=seed)["uprn"])
    extra = (_distinct_ints(rng, n_extra, 10**9) + 2 * 10**10).astype(str)
    return pd.DataFrame({"uprn": sorted(uprns | set(extra))}, dtype="string")


def example_housing_benefit(seed: int = 7) -> pd.DataFrame:
    """Claims; some claimants hold two claims, and some claims are for unregistered properties."""
    rng = np.random.default_rng(seed + 1)
    truth = people(400, seed=seed)
    adults = truth[pd.to_datetime(truth["date_of_birth"]) < pd.Timestamp("2006-01-01")]
    claimants = adults.sample(140, random_state=seed)
    doubles = claimants.sample(8, random_state=seed + 1)
    rows = pd.concat([claimants, doubles], ignore_index=True)
    n = len(rows)
    start = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 2400, n), unit="D")
    ended = rng.random(n) < 0.25
    end = (start + pd.to_timedelta(rng.integers(30, 900, n), unit="D")).strftime("%Y-%m-%d")
    uprn = rows["uprn"].to_numpy(dtype=object).copy()
    # a double claim is for another property (the fraud pattern), mostly registered ones
    others = truth["uprn"].sample(n, random_state=seed + 2).to_numpy()
    is_double = np.r_[np.zeros(len(claimants), bool), np.ones(len(doubles), bool)]
    uprn = np.where(is_double, others, uprn)
    unregistered = rng.permutation(n)[:2]
    uprn[unregistered] = (rng.integers(3 * 10**10, 4 * 10**10, 2)).astype(str)
    df = pd.DataFrame(
        {
            "claim_id": pd.Series(np.arange(n)).map("HB{:05d}".format),
            "claimant_nino": rows["nino"].to_numpy(),
            "forename": np.where(
                rng.random(n) < 0.1,
                pd.Series(rows["forename"]).map(NICKNAMES).fillna(pd.Series(rows["forename"])).to_numpy(),
                rows["forename"].to_numpy(),
            ),
            "surname": rows["surname"].str.upper().to_numpy(),
            "date_of_birth": pd.to_datetime(rows["date_of_birth"]).dt.strftime("%d/%m/%Y").to_numpy(),
            "postcode": rows["postcode"].str.lower().to_numpy(),
            "address": rows["address"].to_numpy(),
            "uprn": uprn,
            "phone": rows["landline"].to_numpy(),
            "claim_status": np.where(ended, "ended", np.where(rng.random(n) < 0.1, "suspended", "active")),
            "claim_start": start.strftime("%Y-%m-%d"),
            "claim_end": np.where(ended, end, None),
            "weekly_award": rng.integers(40, 450, n).astype(str),
            "last_updated": (pd.Timestamp("2026-10-01") - pd.to_timedelta(rng.integers(0, 300, n), unit="D")).strftime(
                "%Y-%m-%d"
            ),
        }
    )
    return df.astype("string")


def example_council_tax(seed: int = 7) -> pd.DataFrame:
    """Accounts (one per property); single person discount must agree with adult occupants."""
    rng = np.random.default_rng(seed + 3)
    truth = people(400, seed=seed)
    lead = truth.drop_duplicates("household_id")
    lead = lead[pd.to_datetime(lead["date_of_birth"]) < pd.Timestamp("2006-01-01")]
    n = len(lead)
    occupants = truth.groupby("household_id").size().reindex(lead["household_id"]).to_numpy()
    occupants = np.clip(occupants, 1, 6)
    spd = np.where(occupants == 1, "Y", "N")
    wrong = rng.permutation(n)[:3]
    spd[wrong] = "Y"  # planted: single person discount claimed with several adults
    df = pd.DataFrame(
        {
            "account_id": pd.Series(np.arange(n)).map("CT{:05d}".format),
            "uprn": lead["uprn"].to_numpy(),
            "forename": lead["forename"].to_numpy(),
            "surname": lead["surname"].to_numpy(),
            "date_of_birth": lead["date_of_birth"].to_numpy(),
            "postcode": lead["postcode"].to_numpy(),
            "address": lead["address"].to_numpy(),
            "phone": lead["landline"].to_numpy(),
            "email": lead["email"].to_numpy(),
            "band": _pick(rng, np.array(list("ABCDEFGH")), n),
            "single_person_discount": spd,
            "adult_occupants": occupants.astype(str),
            "account_start": (
                pd.Timestamp("2010-01-01") + pd.to_timedelta(rng.integers(0, 5000, n), unit="D")
            ).strftime("%Y-%m-%d"),
            "last_updated": (pd.Timestamp("2026-10-01") - pd.to_timedelta(rng.integers(0, 300, n), unit="D")).strftime(
                "%Y-%m-%d"
            ),
        }
    )
    return df.astype("string")


EXAMPLES = {
    "example_people.csv": example_people,
    "example_housing_benefit.csv": example_housing_benefit,
    "example_council_tax.csv": example_council_tax,
    "example_property_register.csv": example_property_register,
}


def write_examples(directory: str | Path) -> dict[str, Path]:
    """Write the bundled example files into ``directory`` (regenerates ``dataclean/data``)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, make in EXAMPLES.items():
        path = out / name
        make().to_csv(path, index=False)
        paths[name] = path
    return paths


def example_path(name: str = "example_people.csv") -> Path:
    """Path of a bundled example file inside the installed package."""
    from importlib import resources

    return Path(str(resources.files("dataclean") / "data" / name))
