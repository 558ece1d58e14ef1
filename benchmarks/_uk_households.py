"""An independently built, household-rich UK person generator for the linkage benchmark.

Built on Faker (en_GB) pools and numpy, NOT on ``dataclean.synth``, so the linkage presets are
not tuned to it. Realistic cardinality: NHS numbers (999 test range, valid check digits),
mobiles and emails are nearly unique per person; addresses are shared only by a household.
Households hold couples, children, twins (same date of birth, different forenames), a junior
with the parent's forename, lodgers with other surnames. Duplicate records carry typos,
nicknames, forename/surname transposed, day/month swapped, digit typos, missing fields,
changed formats, married names and moves to a new address.

    records, truth = generate(10_000, seed=1)   # truth: record_id -> person_id
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NICKNAMES = {
    "William": "Bill", "Robert": "Bob", "Elizabeth": "Liz", "Margaret": "Maggie", "James": "Jim",
    "Thomas": "Tom", "Richard": "Dick", "Katherine": "Kate", "Catherine": "Cathy", "Michael": "Mike",
    "Jennifer": "Jenny", "Samuel": "Sam", "Daniel": "Dan", "Joseph": "Joe", "Anthony": "Tony",
    "Alexander": "Alex", "Christopher": "Chris", "Rebecca": "Becky", "Victoria": "Vicky", "Jonathan": "Jon",
}
DOMAINS = np.array(["example.com", "example.org", "example.net", "mail.example.co.uk"])


def _pools(seed: int) -> dict[str, np.ndarray]:
    from faker import Faker
    from faker.providers.person.en_GB import Provider as Person

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    streets = np.array(sorted({fake.street_name() for _ in range(6000)}))
    towns = np.array(sorted({fake.city() for _ in range(800)}))
    postcodes = np.array(sorted({fake.postcode() for _ in range(60000)}))
    extra_surnames = [f"{a}{b}" for a, b in zip(list(Person.last_names)[::3], ("son", "ley", "ton", "ford") * 200)]
    return {
        "male": np.array(sorted(set(Person.first_names_male) | {k for k in NICKNAMES if k[0] < "K"})),
        "female": np.array(sorted(set(Person.first_names_female) | {"Elizabeth", "Margaret", "Katherine"})),
        "surname": np.array(sorted(set(Person.last_names) | set(extra_surnames))),
        "street": streets,
        "town": towns,
        "postcode": postcodes,
    }


def _nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct valid NHS numbers in the 999 range (mod 11 check digit)."""
    base = 999_000_000 + rng.permutation(1_000_000)[: int(n * 1.15) + 50]
    digits = (base[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    total = (digits * np.arange(10, 1, -1)).sum(axis=1)
    check = (11 - total % 11) % 11
    ok = check != 10
    numbers = base[ok] * 10 + check[ok]
    if len(numbers) < n:
        raise ValueError("too many people for the 999 range")
    return numbers[:n].astype(str)


def _typo(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """One keystroke error per value: swap two adjacent letters, drop one or double one."""
    out = values.astype(object).copy()
    for i, v in enumerate(out):
        if not isinstance(v, str) or len(v) < 4:
            continue
        k = int(rng.integers(1, len(v) - 2))
        kind = rng.integers(3)
        if kind == 0:
            out[i] = v[:k] + v[k + 1] + v[k] + v[k + 2 :]
        elif kind == 1:
            out[i] = v[:k] + v[k + 1 :]
        else:
            out[i] = v[:k] + v[k] + v[k:]
    return out


def generate(n_records: int, seed: int = 1) -> tuple[pd.DataFrame, pd.Series]:
    """About ``n_records`` records of people in households; the truth as record_id -> person_id."""
    rng = np.random.default_rng(seed)
    pools = _pools(seed)
    n_people = max(int(n_records / 1.3), 10)
    # households: sizes 1-6
    sizes = rng.choice([1, 2, 3, 4, 5, 6], p=[0.3, 0.32, 0.16, 0.14, 0.06, 0.02], size=n_people)
    sizes = sizes[np.cumsum(sizes) <= n_people]
    n_house = len(sizes)
    house = np.repeat(np.arange(n_house), sizes)
    rank = np.arange(len(house)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    n = len(house)
    street = rng.choice(pools["street"], n_house)
    number = rng.integers(1, 300, n_house)
    flat = np.where(rng.random(n_house) < 0.15, "Flat " + rng.integers(1, 40, n_house).astype(str) + ", ", "")
    town = rng.choice(pools["town"], n_house)
    postcode = rng.choice(pools["postcode"], n_house)
    address = np.char.add(np.char.add(flat.astype(str), np.char.add(number.astype(str), " ")), street.astype(str))
    address = np.char.add(np.char.add(address, ", "), town.astype(str))
    landline = np.where(
        rng.random(n_house) < 0.5, "01632 " + np.char.zfill(rng.integers(0, 10**6, n_house).astype(str), 6), ""
    )
    house_surname = rng.choice(pools["surname"], n_house)

    surname = house_surname[house].astype(object)
    lodger = (rank >= 2) & (rng.random(n) < 0.08)
    surname[lodger] = rng.choice(pools["surname"], int(lodger.sum()))
    female = rng.random(n) < 0.5
    forename = np.where(female, rng.choice(pools["female"], n), rng.choice(pools["male"], n)).astype(object)
    # adults (rank 0 and 1) 20-90; children 0-25 years younger than the household head
    today = np.datetime64("2026-01-01")
    head_age = rng.integers(25, 90, n_house)
    age_days = np.where(
        rank <= 1,
        (head_age[house] + rng.integers(-5, 6, n)) * 365 + rng.integers(0, 365, n),
        np.maximum(head_age[house] - rng.integers(20, 40, n), 0) * 365 + rng.integers(0, 365, n),
    )
    dob = today - age_days.astype("timedelta64[D]")
    # twins: the next child shares the date of birth and has a different forename
    twin = (rank >= 3) & (rng.random(n) < 0.25)
    twin[0] = False
    prev = np.flatnonzero(twin) - 1
    ok = house[prev] == house[np.flatnonzero(twin)]
    twin_idx = np.flatnonzero(twin)[ok]
    dob[twin_idx] = dob[twin_idx - 1]
    for i in twin_idx:
        pool = pools["female"] if female[i] else pools["male"]
        options = pool[pool != forename[i - 1]]
        forename[i] = options[rng.integers(len(options))]
    # juniors: a child named after the household head (same name, a generation younger)
    junior = (rank == 2) & (rng.random(n) < 0.1)
    head = np.flatnonzero(junior) - 2
    forename[junior] = forename[head]
    female[junior] = female[head]
    surname[junior] = surname[head]

    nhs = _nhs_numbers(rng, n)
    mobile = "07" + rng.choice(["4", "5", "7", "8", "9"], n).astype(object) + np.char.zfill(
        rng.permutation(10**8)[:n].astype(str), 8
    ).astype(object)
    mobile = np.where(rng.random(n) < 0.85, mobile, "")
    email = np.char.lower(
        np.char.add(np.char.add(forename.astype(str), "."), surname.astype(str)).astype(str)
    ).astype(object) + rng.integers(1, 9999, n).astype(str).astype(object) + "@" + rng.choice(DOMAINS, n)
    email = np.where(rng.random(n) < 0.7, email, "")
    people = pd.DataFrame(
        {
            "person_id": np.arange(n),
            "nhs_number": nhs,
            "forename": forename,
            "surname": surname,
            "dob": dob,
            "gender": np.where(female, "F", "M"),
            "address": address[house],
            "postcode": postcode[house],
            "landline": landline[house],
            "mobile": mobile,
            "email": email,
        }
    )

    # records: every person once, about 30% more as duplicates (1-3 extra)
    extra = np.where(rng.random(n) < 0.22, rng.choice([1, 1, 1, 2, 3], n), 0)
    reps = np.repeat(np.arange(n), 1 + extra)
    first = np.r_[True, reps[1:] != reps[:-1]]
    r = people.iloc[reps].reset_index(drop=True)
    m = len(r)
    dup = ~first
    u = rng.random((12, m))
    fn = r["forename"].to_numpy(dtype=object)
    sn = r["surname"].to_numpy(dtype=object)
    typo_fn = dup & (u[0] < 0.12)
    fn[typo_fn] = _typo(rng, fn[typo_fn])
    typo_sn = dup & (u[1] < 0.1)
    sn[typo_sn] = _typo(rng, sn[typo_sn])
    nick = dup & (u[2] < 0.08)
    fn[nick] = [NICKNAMES.get(v, v) for v in fn[nick]]
    swap = dup & (u[3] < 0.03)
    fn[swap], sn[swap] = sn[swap], fn[swap].copy()
    married = dup & (r["gender"].to_numpy() == "F") & (u[4] < 0.04)
    sn[married] = rng.choice(pools["surname"], int(married.sum()))
    dobs = pd.to_datetime(r["dob"])
    day, month, year = dobs.dt.day.to_numpy(), dobs.dt.month.to_numpy(), dobs.dt.year.to_numpy()
    dm_swap = dup & (u[5] < 0.04) & (day <= 12)
    day2, month2 = np.where(dm_swap, month, day), np.where(dm_swap, day, month)
    digit = dup & (u[6] < 0.04)
    day2 = np.where(digit & (day2 < 19), day2 + 10, day2)
    fmt = rng.integers(3, size=m)
    dd, mm, yy = (np.char.zfill(x.astype(str), w) for x, w in ((day2, 2), (month2, 2), (year, 4)))
    dob_text = np.where(
        fmt == 0,
        np.char.add(np.char.add(np.char.add(np.char.add(dd, "/"), mm), "/"), yy),
        np.where(
            fmt == 1,
            np.char.add(np.char.add(np.char.add(np.char.add(yy, "-"), mm), "-"), dd),
            np.char.add(np.char.add(np.char.add(np.char.add(dd, "-"), mm), "-"), yy),
        ),
    ).astype(object)
    dob_text[dup & (u[7] < 0.12)] = None
    addr = r["address"].to_numpy(dtype=object)
    pc = r["postcode"].to_numpy(dtype=object)
    moved = dup & (u[8] < 0.15)
    k = int(moved.sum())
    addr[moved] = (
        rng.integers(1, 300, k).astype(str).astype(object) + " " + rng.choice(pools["street"], k).astype(object)
        + ", " + rng.choice(pools["town"], k).astype(object)
    )
    pc[moved] = rng.choice(pools["postcode"], k)
    lower = u[9] < 0.3
    pc[lower] = [p.lower().replace(" ", "") for p in pc[lower]]
    nhs_col = r["nhs_number"].to_numpy(dtype=object)
    nhs_col[u[10] < 0.35] = None
    phone = np.where(u[11] < 0.6, r["mobile"].to_numpy(dtype=object), r["landline"].to_numpy(dtype=object))
    phone = np.where(phone == "", None, phone)
    email_col = np.where(r["email"].to_numpy(dtype=object) == "", None, r["email"].to_numpy(dtype=object))
    email_col[dup & (rng.random(m) < 0.4)] = None
    order = rng.permutation(m)
    records = pd.DataFrame(
        {
            "record_id": [f"U{i:07d}" for i in range(m)],
            "nhs_number": nhs_col[order],
            "forename": fn[order],
            "surname": sn[order],
            "date_of_birth": dob_text[order],
            "gender": r["gender"].to_numpy()[order],
            "address": addr[order],
            "postcode": pc[order],
            "phone": phone[order],
            "email": email_col[order],
        }
    )
    truth = pd.Series(r["person_id"].to_numpy()[order], index=records["record_id"], name="person_id")
    return records, truth
