"""UK person rows with realistic cardinality, built on Faker ``en_GB`` (independent of ``dataclean.synth``).

In a real extract nearly every person has their own NHS number, NI number, phone, email and
address; a person appears one to three times (re-referrals, duplicates across source systems),
written differently each time. This generator reproduces that:

* NHS numbers in the 999 test range (valid check digit), unique per person; NINOs unique per
  person; phones unique per person (mobiles ``07...`` and landlines with real UK area codes, so a
  share is in unassigned ranges that ``phonenumbers`` rejects); emails from the person's name and
  a number; addresses per household (number or flat or named building, a Faker street, sometimes
  a locality, a Faker town, a Faker postcode).
* Mess: case, extra and no-break spaces, ``+44`` / ``0044`` / ``+44 (0)`` / brackets / dashes /
  dots in phones, extensions, placeholders (``N/A``, ``UNKNOWN``, ``00000000000``), typos in
  identifiers, missing values, line breaks and missing commas in addresses.

Faker is slow per call, so it builds pools of names, streets, towns and postcodes once; numpy
combines them (1M rows in about 15 s).

    python benchmarks/realistic_data.py --rows 1000000 --output people.csv
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

COLUMNS = (
    "record_id",
    "nhs_number",
    "nino",
    "forename",
    "surname",
    "date_of_birth",
    "gender",
    "postcode",
    "address",
    "phone",
    "email",
)
_NINO_FIRST = np.array(list("ABCEGHJKLMNOPRSTWXYZ"))
_NINO_SECOND = np.array(list("ABCEGHJKLMNPRSTWXYZ"))
# real geographic area codes (national form, without the trunk 0) and their subscriber lengths
_AREA_CODES = np.array(
    ["20", "121", "113", "161", "141", "131", "117", "114", "115", "116", "118", "151", "191", "1245", "1206",
     "1223", "1865", "1904", "1482", "1603", "1632", "1752", "2890", "29", "23", "24", "1792", "1224", "1382"]
)  # fmt: skip
_DOMAINS = np.array(["gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com", "nhs.net",
                     "icloud.com", "live.co.uk", "sky.com", "example.org"])  # fmt: skip
_PHONE_JUNK = np.array(["N/A", "none", "00000000000", "01234567890", "ex-directory", "07911", "tbc", "0"])
_ADDRESS_JUNK = np.array(["UNKNOWN", "NFA", "No fixed abode", "N/A", "not known", "??"])


def _pool(faker, method: str, size: int) -> np.ndarray:
    getter = getattr(faker, method)
    return np.array(sorted({getter() for _ in range(size)}), dtype=object)


def _pick(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    return pool[rng.integers(0, len(pool), n)]


def _s(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def _nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct valid NHS numbers in the 999 test range."""
    body = rng.permutation(10**6)[: int(n * 1.2) + 10] + 999 * 10**6
    digits = (body[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    check = 11 - (digits @ np.arange(10, 1, -1)) % 11
    check = np.where(check == 11, 0, check)
    keep = check != 10
    out = (body[keep] * 10 + check[keep]).astype(str)
    if len(out) < n:
        raise ValueError("the 999 test range holds about 909,000 valid NHS numbers: use fewer people")
    return out[:n]


def _phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """National-form numbers (``07911123456``, ``01245123456``, ``02079460123``), mostly distinct."""
    mobile = rng.random(n) < 0.6
    mob = "07" + _s(rng.integers(100_000_000, 1_000_000_000, n)).astype(str)
    area = _pick(rng, _AREA_CODES, n).astype(object)
    sub_len = 10 - np.char.str_len(area.astype(str))  # 10 national digits in all
    subscriber = rng.integers(2 * 10 ** (sub_len - 1), 10**sub_len)  # no subscriber number starts 0 or 1
    land = "0" + _s(area) + _s(subscriber).astype(str)
    return np.where(mobile, mob, land).astype(object)


def _format_phones(rng: np.random.Generator, national: np.ndarray, habit: np.ndarray) -> np.ndarray:
    """Each row in one of a dozen spellings: the person's usual one (``habit``) 70% of the time."""
    s = _s(national)
    rest = s.str.slice(1)
    mob = s.str.startswith("07")
    lon = s.str.match(r"^02\d")
    # grouped national forms: 07911 123456, 020 7946 0123, 01245 123456
    grouped = np.where(
        mob,
        s.str.slice(0, 5) + " " + s.str.slice(5),
        np.where(
            lon,
            s.str.slice(0, 3) + " " + s.str.slice(3, 7) + " " + s.str.slice(7),
            s.str.slice(0, 5) + " " + s.str.slice(5),
        ),
    )
    g = _s(grouped)
    choices = [
        s,  # 07911123456
        g,  # 07911 123456
        "+44" + rest,  # +447911123456
        "+44 " + g.str.slice(1),  # +44 7911 123456
        "+44 (0)" + g.str.slice(1),  # +44 (0)7911 123456
        "0044 " + g.str.slice(1),  # 0044 7911 123456
        "(" + g.str.replace(" ", ") ", n=1),  # (01245) 123456
        g.str.replace(" ", "-"),  # 07911-123456
        g.str.replace(" ", "."),  # 07911.123456
        " " + g + " ",
        g + " ext " + _s(rng.integers(1, 999, len(s))).astype(str),
        "44" + rest,
    ]
    weights = np.array([25, 25, 10, 10, 4, 4, 6, 5, 3, 4, 2, 2], dtype=float)
    pick = rng.choice(len(choices), size=len(s), p=weights / weights.sum())
    pick = np.where(rng.random(len(s)) < 0.7, habit % len(choices), pick)
    out = np.empty(len(s), dtype=object)
    for i, c in enumerate(choices):
        sel = pick == i
        out[sel] = np.asarray(c, dtype=object)[sel]
    return out


def realistic_people(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` rows of UK person records, most values nearly unique per person (see module docs)."""
    from faker import Faker

    rng = np.random.default_rng(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    pool = max(200, min(20_000, n // 20))
    forenames = _pool(fake, "first_name", min(pool, 3000))
    surnames = _pool(fake, "last_name", min(pool, 3000))
    streets = _pool(fake, "street_name", pool)
    towns = _pool(fake, "city", max(100, pool // 5))
    localities = _pick(rng, _pool(fake, "city_prefix", 50), 60) + " " + _pick(rng, _pool(fake, "last_name", 60), 60)
    postcodes = _pool(fake, "postcode", pool * 2)
    buildings = (
        _pick(rng, _pool(fake, "last_name", 400), 400)
        + " "
        + _pick(
            rng, np.array(["House", "Court", "Cottage", "Lodge", "Farm", "Mill", "Barn", "Hall"], dtype=object), 400
        )
    )

    people = max(1, int(n * 0.55))
    households = max(1, int(people * 0.7))
    # --- per person
    nhs = _nhs_numbers(rng, people)
    nino = (
        _pick(rng, _NINO_FIRST, people).astype(object)
        + _pick(rng, _NINO_SECOND, people).astype(object)
        + _s(rng.permutation(10**6)[:people] if people <= 10**6 else rng.integers(0, 10**6, people))
        .astype(str)
        .str.zfill(6)
        .to_numpy()
        + _pick(rng, np.array(list("ABCD")), people).astype(object)
    )
    fore = _pick(rng, forenames, people)
    sur = _pick(rng, surnames, people)
    dob = pd.Timestamp("1925-01-01") + pd.to_timedelta(rng.integers(0, 98 * 365, people), unit="D")
    sex = _pick(rng, np.array(["M", "F"]), people)
    phone = _phones(rng, people)
    email_local = (
        _s(fore).str.lower()
        + np.where(rng.random(people) < 0.5, ".", "_")
        + _s(sur).str.lower().str.replace("'", "")
        + _s(rng.integers(1, 9999, people)).astype(str)
    )
    email = (email_local + "@" + _pick(rng, _DOMAINS, people)).to_numpy(dtype=object)
    hh = rng.integers(0, households, people)
    # --- per household
    number = _s(rng.integers(1, 300, households)).astype(str)
    number = np.where(rng.random(households) < 0.05, number + "A", number)
    street = _pick(rng, streets, households)
    town = _pick(rng, towns, households)
    postcode = _pick(rng, postcodes, households)
    kind = rng.random(households)
    first = np.where(
        kind < 0.12,
        "Flat " + _s(rng.integers(1, 40, households)).astype(str) + ", " + number + " " + street,
        np.where(kind < 0.18, _pick(rng, buildings, households) + ", " + street, number + " " + street),
    )
    with_locality = rng.random(households) < 0.15
    middle = np.where(with_locality, ", " + _pick(rng, localities, households) + ", ", ", ")
    address = _s(first) + _s(middle) + _s(town) + ", " + _s(postcode)

    # --- rows: every person once, then repeats of some people (re-referrals, other systems)
    p = np.concatenate([np.arange(min(people, n)), rng.integers(0, people, max(0, n - people))])
    p = p[rng.permutation(n)]
    h = hh[p]
    u = rng.random((n, 8))

    nhs_col = _s(nhs[p])
    spaced = nhs_col.str.slice(0, 3) + " " + nhs_col.str.slice(3, 6) + " " + nhs_col.str.slice(6)
    nhs_col = np.where(u[:, 0] < 0.3, spaced, nhs_col)
    typo = (u[:, 0] >= 0.3) & (u[:, 0] < 0.32)
    nhs_col[typo] = _s(nhs[p][typo]).str.slice(0, 9) + _s(rng.integers(0, 10, typo.sum())).astype(str)
    nhs_col = np.where((u[:, 0] >= 0.32) & (u[:, 0] < 0.36), None, nhs_col)

    nino_col = _s(nino[p])
    nino_col = np.where(u[:, 1] < 0.25, nino_col.str.lower(), nino_col)
    nino_col = np.where(
        (u[:, 1] >= 0.25) & (u[:, 1] < 0.35),
        _s(nino_col).str.replace(r"^(..)(..)(..)(..)(.)$", r"\1 \2 \3 \4 \5", regex=True),
        nino_col,
    )
    nino_col = np.where(u[:, 1] > 0.85, None, nino_col)

    fore_col = _s(fore[p])
    fore_col = np.where(u[:, 2] < 0.15, fore_col.str.upper(), np.where(u[:, 2] < 0.2, fore_col.str.lower(), fore_col))
    sur_col = _s(sur[p])
    sur_col = np.where(u[:, 2] > 0.8, sur_col.str.upper(), np.where(u[:, 2] > 0.75, " " + sur_col, sur_col))

    dob_p = pd.Series(dob[p])
    dob_col = np.where(
        u[:, 3] < 0.5,
        dob_p.dt.strftime("%Y-%m-%d"),
        np.where(u[:, 3] < 0.9, dob_p.dt.strftime("%d/%m/%Y"), dob_p.dt.strftime("%d %b %Y")),
    ).astype(object)
    dob_col = np.where(u[:, 3] > 0.99, None, np.where(u[:, 3] > 0.985, "01/01/1900", dob_col))
    gender_col = np.where(u[:, 4] < 0.7, sex[p], np.where(sex[p] == "M", "Male", "female"))
    gender_col = np.where(u[:, 4] > 0.97, "Unknown", gender_col)

    pc = _s(postcode[h])
    post_col = np.where(u[:, 5] < 0.2, pc.str.lower(), np.where(u[:, 5] < 0.3, pc.str.replace(" ", ""), pc))
    post_col = np.where(u[:, 5] > 0.98, None, post_col)

    addr = _s(address[h])
    u[:, 6] = np.where(rng.random(n) < 0.5, (p % 1000) / 1000, u[:, 6])  # half keep the person's usual spelling
    addr_col = np.where(u[:, 6] < 0.2, addr.str.upper(), np.where(u[:, 6] < 0.3, addr.str.lower(), addr))
    addr_col = np.where(
        (u[:, 6] >= 0.3) & (u[:, 6] < 0.36), _s(addr_col).str.replace(", ", "\n", regex=False), addr_col
    )
    addr_col = np.where((u[:, 6] >= 0.36) & (u[:, 6] < 0.4), _s(addr_col).str.replace(",", "", regex=False), addr_col)
    junk = (u[:, 6] >= 0.97) & (u[:, 6] < 0.98)
    addr_col[junk] = _pick(rng, _ADDRESS_JUNK, junk.sum())
    addr_col = np.where(u[:, 6] >= 0.98, None, addr_col)

    phone_col = _format_phones(rng, phone[p], p)
    junk = (u[:, 7] >= 0.9) & (u[:, 7] < 0.93)
    phone_col[junk] = _pick(rng, _PHONE_JUNK, junk.sum())
    phone_col = np.where(u[:, 7] >= 0.93, None, phone_col)

    em = _s(email[p])
    email_col = np.where(u[:, 5] < 0.1, em.str.upper(), np.where(u[:, 5] > 0.95, " " + em, em))
    email_col = np.where((u[:, 4] > 0.9) & (u[:, 4] < 0.93), "none", email_col)
    email_col = np.where((u[:, 4] >= 0.93) & (u[:, 4] < 0.95), None, email_col)

    df = pd.DataFrame(
        {
            "record_id": ("P" + _s(np.arange(n)).astype(str).str.zfill(8)).to_numpy(),
            "nhs_number": nhs_col,
            "nino": nino_col,
            "forename": fore_col,
            "surname": sur_col,
            "date_of_birth": dob_col,
            "gender": gender_col,
            "postcode": post_col,
            "address": addr_col,
            "phone": phone_col,
            "email": email_col,
        }
    )
    return df.astype("string")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--output", required=True)
    args = ap.parse_args()
    df = realistic_people(args.rows, seed=args.seed)
    df.to_csv(args.output, index=False)
    print(f"{len(df):,} rows; distinct: " + ", ".join(f"{c} {df[c].nunique():,}" for c in df.columns))


if __name__ == "__main__":
    main()


# --- helpers for the whole-CLI benchmarks (bench_validate.py, bench_clean.py) -------------------

FLOOR_CODE = "import sys, pandas as pd; pd.read_csv(sys.argv[1], dtype='string').to_csv(sys.argv[2], index=False)"


def timed_run(cmd: list[str], ok_codes: tuple[int, ...] = (0,)) -> float:
    """Seconds for one child process (interpreter start and imports included, as a user sees it)."""
    import subprocess
    import sys
    import time

    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if proc.returncode not in ok_codes:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return seconds


def floor_run(path, out) -> float:
    """The plain pandas floor: read_csv + to_csv of the same file, in its own process."""
    import sys

    return timed_run([sys.executable, "-c", FLOOR_CODE, str(path), str(out)])


def write_realistic(path, rows: int, seed: int = 0) -> dict[str, int]:
    """Write ``rows`` realistic rows to ``path`` (CSV); return the distinct count per column."""
    df = realistic_people(rows, seed=seed)
    df.to_csv(path, index=False)
    return {c: int(df[c].nunique()) for c in df.columns}


def write_realistic_pieces(path, rows: int, *, piece: int = 1_000_000, seed: int = 0) -> list[dict[str, int]]:
    """Write ``rows`` realistic rows to ``path`` (CSV) in pieces of at most ``piece`` rows, each
    generated with its own seed and appended, so the generator holds one piece at a time (a 5M
    file without 5M rows in memory). Returns the distinct count per column of each piece.

    Across pieces the values stay those of different people: record ids run on over the file
    (``P00000000`` ...), phones, emails, NINOs and addresses come from each piece's own draws and
    Faker pools. NHS numbers are the exception: the 999 test range holds about 909,000 valid
    numbers and a 1M-row piece uses about 550,000, so from the second piece on they recur across
    pieces (about 909,000 distinct in the whole file, however large)."""
    counts = []
    done = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        while done < rows:
            n = min(piece, rows - done)
            df = realistic_people(n, seed=seed + len(counts))
            df["record_id"] = ("P" + _s(np.arange(done, done + n)).astype(str).str.zfill(8)).astype("string")
            df.to_csv(fh, index=False, header=done == 0)
            counts.append({c: int(df[c].nunique()) for c in df.columns})
            done += n
            del df
    return counts


def draft_suite(data, suite) -> None:
    """``dataclean suite init`` on the data: the suite a new user starts from."""
    import sys

    timed_run(
        [sys.executable, "-m", "dataclean.cli", "--no-progress", "suite", "init", str(data), "--output", str(suite)]
    )
