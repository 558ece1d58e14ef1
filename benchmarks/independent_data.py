"""UK person rows written by another generator: Faker ``en_GB``'s own providers, values as they come.

``realistic_data.py`` builds its values from Faker *pieces* (street names, towns, postcodes) and
formats them the way we chose; ``_data.py`` and ``dataclean.synth`` are ours entirely. A field
module tuned on those can still meet a shape it never saw in data written by someone else (Faker's
own ``address()``, ``"Flat 0\\nFrancesca Plains\\nSouth Joyceborough\\nSR08 7UX"``, once sent half
of a column to the Python parser). This module feeds each field values *as another generator
writes them*, with realistic cardinality:

* ``address`` (one Faker call per row, nearly unique), in five equal shares: ``address()`` as it
  comes (lines split by ``\\n``); its line breaks as ``", "``; upper case; one line without commas
  (line breaks as spaces); ``street_address()``, ``city()``, ``county()``, ``postcode()`` joined
  with ``", "`` (Faker's counties include Scottish and Welsh areas, ``Argyll and Bute``).
* ``phone``: ``phone_number()`` and ``cellphone_number()`` as they come, half each (Faker writes
  Ofcom drama ranges: ``(0191) 496 0244``, ``+44(0)7700 900 603``; so phones repeat more than in
  real data: about 1,000 numbers per area code).
* ``email``: ``free_email()``, ``email()`` and ``company_email()``, a third each, one call per row.
* ``forename``, ``surname``: ``first_name()``, ``last_name()`` drawn from a pool of Faker calls
  (names repeat in reality; the pool keeps Faker's own frequencies).
* ``date_of_birth``: ``date_of_birth()`` written as ``%Y-%m-%d``, ``%d/%m/%Y``, ``%d-%b-%Y`` and
  ``%d %B %Y`` (equal shares) plus Faker's ``date()`` string, from a pool of Faker calls (births
  repeat: about 36,500 days in a century).
* ``postcode``: ``postcode()`` as it comes, one call per row.
* ``nino``: en_GB Faker's ``ssn()`` as it comes: ``ZZ 43 97 29 T``, ``ZZ439729T``,
  ``ZZ 439729 T``. Faker keeps the prefix and suffix fixed on letters HMRC never issues, so
  *every* value is invalid by design (``ZZ`` prefix, ``T`` suffix): the column measures speed on
  distinct values and the rejection path, not acceptance.
* ``nhs_number``: Faker has no NHS number; ``dataclean.synth.nhs_numbers`` (the 999 test range,
  valid check digits) gives them, unique per row up to 850,000 rows, then repeats drawn from
  those (the test range holds about 900,000 valid numbers).

No missing values or placeholders are added: the point is Faker's own spellings.

Faker is slow per call (an address about 100 us): 1M rows take about four minutes to generate.
``--cache DIR`` (outside the repository) keeps the frame as parquet, keyed by rows and seed.

    python benchmarks/independent_data.py --rows 200000 --output /tmp/independent.csv
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

#: (column, role): each column's registry kind is ``dataclean.roles.kind_of(role)`` (see :data:`KINDS`).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("nhs_number", "nhs_number"),
    ("nino", "nino"),
    ("forename", "forename"),
    ("surname", "surname"),
    ("date_of_birth", "date_of_birth"),
    ("postcode", "postcode"),
    ("address", "address"),
    ("phone", "phone"),
    ("email", "email"),
)
ADDRESS_VARIANTS = ("as_it_comes", "comma_lines", "upper", "one_line", "joined_parts")
DOB_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y", "%d %B %Y")
NHS_UNIQUE = 850_000


def kinds() -> dict[str, str]:
    """Column -> registry kind, from the roles vocabulary (the same mapping suites use)."""
    from dataclean import roles

    out = {}
    for col, role in COLUMNS:
        kind = roles.kind_of(role)
        if kind is None:
            raise ValueError(f"column {col!r}: role {role!r} has no field kind")
        out[col] = kind
    return out


def _calls(method, n: int) -> np.ndarray:
    return np.array([method() for _ in range(n)], dtype=object)


def _variant(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """Each row's variant among ``k``, in equal shares (shuffled)."""
    return rng.permutation(np.arange(n) % k)


def _addresses(fake, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` addresses (one Faker call chain per row) and each row's variant index."""
    variant = _variant(rng, n, len(ADDRESS_VARIANTS))
    out = np.empty(n, dtype=object)
    joined = variant == ADDRESS_VARIANTS.index("joined_parts")
    street, city, county, postcode = fake.street_address, fake.city, fake.county, fake.postcode
    out[joined] = [", ".join((street(), city(), county(), postcode())) for _ in range(int(joined.sum()))]
    out[~joined] = _calls(fake.address, int((~joined).sum()))
    s = pd.Series(out, dtype=object)
    comma = s.str.replace("\n", ", ", regex=False)
    out = np.where(variant == ADDRESS_VARIANTS.index("comma_lines"), comma, out)
    out = np.where(variant == ADDRESS_VARIANTS.index("upper"), s.str.upper(), out)
    out = np.where(variant == ADDRESS_VARIANTS.index("one_line"), s.str.replace("\n", " ", regex=False), out)
    return out.astype(object), variant


def _mixed(rng: np.random.Generator, n: int, methods: list) -> np.ndarray:
    """One call per row, the methods in equal shares."""
    which = _variant(rng, n, len(methods))
    out = np.empty(n, dtype=object)
    for i, method in enumerate(methods):
        sel = which == i
        out[sel] = _calls(method, int(sel.sum()))
    return out


def _dates_of_birth(fake, rng: np.random.Generator, n: int) -> np.ndarray:
    pool_size = max(100, min(n, 40_000))
    births = pd.Series(pd.to_datetime(_calls(fake.date_of_birth, pool_size)))
    dates = pd.Series(_calls(fake.date, pool_size), dtype=object)  # Faker's own string (%Y-%m-%d)
    spellings = [births.dt.strftime(f).to_numpy(dtype=object) for f in DOB_FORMATS] + [dates.to_numpy(dtype=object)]
    which = _variant(rng, n, len(spellings))
    pick = rng.integers(0, pool_size, n)
    out = np.empty(n, dtype=object)
    for i, pool in enumerate(spellings):
        sel = which == i
        out[sel] = pool[pick[sel]]
    return out


def _nhs(rng: np.random.Generator, n: int) -> np.ndarray:
    from dataclean.synth import nhs_numbers

    unique = nhs_numbers(rng, min(n, NHS_UNIQUE))
    if n <= len(unique):
        return unique.astype(object)
    extra = unique[rng.integers(0, len(unique), n - len(unique))]
    return rng.permutation(np.concatenate([unique, extra])).astype(object)


def independent_people(n: int, seed: int = 0, *, cache: str | Path | None = None) -> pd.DataFrame:
    """``n`` rows of UK person fields as Faker ``en_GB`` writes them (see the module docs), as
    ``string`` columns. ``cache``: a directory (outside the repository) to keep the frame in as
    parquet, reused for the same ``n`` and ``seed``."""
    if cache is not None:
        path = Path(cache) / f"independent_{n}_{seed}.parquet"
        if path.exists():
            return pd.read_parquet(path).astype("string")
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    name_pool = max(200, min(n, 20_000))
    forenames = _calls(fake.first_name, name_pool)
    surnames = _calls(fake.last_name, name_pool)
    address, _ = _addresses(fake, rng, n)
    df = pd.DataFrame(
        {
            "nhs_number": _nhs(rng, n),
            "nino": _calls(fake.ssn, n),
            "forename": forenames[rng.integers(0, name_pool, n)],
            "surname": surnames[rng.integers(0, name_pool, n)],
            "date_of_birth": _dates_of_birth(fake, rng, n),
            "postcode": _calls(fake.postcode, n),
            "address": address,
            "phone": _mixed(rng, n, [fake.phone_number, fake.cellphone_number]),
            "email": _mixed(rng, n, [fake.free_email, fake.email, fake.company_email]),
        }
    ).astype("string")
    if cache is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_parquet(path, index=False)
    return df


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", default=None, help="directory (outside the repository) for a parquet copy")
    ap.add_argument("--output", required=True, help="CSV file to write")
    args = ap.parse_args()
    df = independent_people(args.rows, seed=args.seed, cache=args.cache)
    df.to_csv(args.output, index=False)
    print(f"{len(df):,} rows; distinct: " + ", ".join(f"{c} {df[c].nunique():,}" for c in df.columns))


if __name__ == "__main__":
    main()
