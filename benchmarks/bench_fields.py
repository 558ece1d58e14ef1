"""Field validators and standardisers on a 1,000,000-row messy extract, on realistic and on independent data.

Three profiles, each with the distinct count per column in the table:

* ``messy``: ``_data.messy_extract``, where values repeat a lot (a few thousand distinct phones);
* ``realistic``: ``realistic_data.realistic_people`` (Faker en_GB), where identifiers, phones,
  emails and addresses are nearly unique per person, read as Arrow-backed strings (what a
  pyarrow CSV reader gives). Target: phone and address >= 1,000,000 rows/s; date of birth at
  least 517,000 rows/s (its speed before a regression).
* ``independent``: ``independent_data.independent_people``, values as Faker en_GB's own
  providers write them (``address()`` as it comes, ``phone_number()``, ``ssn()``...), which we
  did not format ourselves; same targets. Per column it also counts the distinct values that
  took a slow path (the Python address parser, phonenumbers per key, the date fallback parser,
  the scalar name rules) in a separate, untimed run; ``--examples N`` prints N of each (the
  data are synthetic). ``--cache DIR`` keeps the generated rows as parquet (outside the repo).

The realistic profile also prints each field's seconds as a ratio to a plain pandas ``read_csv``
+ ``to_csv`` of the same file, measured in the same run (the floor of any file-to-file job).

For each field: rows/second for ``standardise_series`` (canonical value + status + reason) and for
``is_valid_series``, against the naive ``Series.map(scalar validate)`` measured in the same run.
The naive path is timed on a sample (``--naive-rows``, default 200,000) because per-row library
calls on 1M rows take minutes; rows/second is what is compared. Targets on a 2-core machine:
regex/checksum validators >= 5,000,000 rows/s and >= 20x naive; every standardiser >= 5x naive;
the whole field set on 1M rows in under 15 s.

    python benchmarks/bench_fields.py [--rows 1000000] [--naive-rows 200000] [--profile messy,realistic]
        [--fields phone,address]   # only these columns (default: all)
    python benchmarks/bench_fields.py --profile independent [--cache /tmp/dataclean-bench] [--examples 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _data import messy_extract

from dataclean import registry
from dataclean.exceptions import ValidationError

FIELDS = [  # (column, kind, regex/checksum validator?)
    ("nhs_number", "nhs_number", True),
    ("nino", "nino", True),
    ("postcode", "postcode", True),
    ("email", "email", True),
    ("uprn", "uprn", True),
    ("gender", "gender", True),
    ("ethnicity", "ethnicity", True),
    ("phone", "phone", False),
    ("date_of_birth", "date_of_birth", False),
    ("forename", "person_name", False),
    ("surname", "person_name", False),
    ("address", "address", False),
]


def naive(module):
    def one(value):
        try:
            return module.validate(value)
        except ValidationError:
            return None

    return one


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


REALISTIC_FIELDS = [  # (column, kind, target rows/s for standardise_series or None)
    ("nhs_number", "nhs_number", None),
    ("nino", "nino", None),
    ("postcode", "postcode", None),
    ("email", "email", None),
    ("gender", "gender", None),
    ("phone", "phone", 1e6),
    ("address", "address", 1e6),
    ("date_of_birth", "date_of_birth", 517_000),  # its speed before a regression (issue 9); ideally > 1M
    ("forename", "person_name", None),
    ("surname", "person_name", None),
]


def floor_seconds(df, repeat: int) -> float:
    """A plain pandas read_csv + to_csv of ``df`` written as CSV (best of ``repeat``)."""
    import os
    import tempfile

    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        path, out = os.path.join(tmp, "in.csv"), os.path.join(tmp, "out.csv")
        df.to_csv(path, index=False)

        def run():
            pd.read_csv(path, dtype="string").to_csv(out, index=False)

        return best_of(run, repeat)


def _table_start(df, fields, repeat: int, header: str):
    """(floor seconds, the frame as Arrow strings): the floor measured and printed, the field
    modules warmed (imports, lazily built tables), the table's header printed."""
    import pandas as pd

    floor = floor_seconds(df, repeat)
    print(f"plain pandas read_csv + to_csv of the same rows (floor): {floor:.2f} s")
    arrow = df.astype(pd.StringDtype("pyarrow"))
    for col, kind, *_ in fields:  # warm imports
        registry.get(kind).standardise_series(arrow[col].head(1000))
    print(header)
    print("-" * len(header))
    return floor, arrow


def realistic(args) -> None:
    from realistic_data import realistic_people

    t = time.perf_counter()
    df = realistic_people(args.rows, seed=1)
    print(f"\nrealistic profile: generated {len(df):,} rows x {df.shape[1]} columns in {time.perf_counter() - t:.1f} s")
    fields = [f for f in REALISTIC_FIELDS if args.fields is None or f[0] in args.fields]
    floor, arrow = _table_start(
        df,
        fields,
        args.repeat,
        f"{'field':<14}{'kind':<14}{'distinct':>9}{'std s':>8}{'std r/s':>12}{'cpu r/s':>12}"
        f"{'x floor':>9}{'python-str r/s':>16}  target",
    )
    for col, kind, target in fields:
        module = registry.get(kind)
        s, plain = arrow[col], df[col]
        c = time.process_time()
        t_std = best_of(lambda: module.standardise_series(s), args.repeat)  # noqa: B023
        cpu = (time.process_time() - c) / args.repeat
        t_plain = best_of(lambda: module.standardise_series(plain), 1)  # noqa: B023
        rate = len(s) / t_std
        verdict = "" if target is None else f">= {target:,.0f} r/s {'ok' if rate >= target else 'MISSED'}"
        print(
            f"{col:<14}{kind:<14}{s.nunique():>9,}{t_std:>8.2f}{rate:>12,.0f}{len(s) / cpu:>12,.0f}"
            f"{t_std / floor:>9.2f}{len(s) / t_plain:>16,.0f}  {verdict}"
        )
    print(
        "std r/s: wall clock, best of the repeats; cpu r/s: this process's CPU time (less sensitive to "
        "other load); python-str: the same column as pandas' python-backed strings"
    )
    if any(col == "phone" for col, _, _ in fields):
        phone_paths(arrow["phone"], args.repeat)


#: Per field kind, the slow paths to count: (module attribute, what a call is, "keys" or "rows").
#: The attribute is wrapped with a counter in the benchmark's untimed counting run only.
SLOW_PATHS = {
    "address": [("_validate_text", "keys to the Python parser", "keys")],
    "phone": [
        ("_standardise_distinct", "rows off the row path", "rows"),
        ("_parse_key", "keys to phonenumbers", "keys"),
    ],
    "date_of_birth": [("_analyse_text", "values to the fallback parser", "keys")],
    "person_name": [("validate", "values through the scalar rules", "keys")],
}
INDEPENDENT_TARGETS = {"phone": 1e6, "address": 1e6, "date_of_birth": 517_000}


class _Counter:
    """Wraps ``module.<name>``: counts calls (or rows of a Series argument) and keeps examples."""

    def __init__(self, module, name: str, unit: str, keep: int) -> None:
        self.module, self.name, self.unit, self.keep = module, name, unit, keep
        self.count, self.examples = 0, []
        self.original = getattr(module, name, None)

    def __enter__(self):
        if self.original is not None:
            original = self.original

            def counted(*args, **kwargs):
                first = args[0] if args else None
                if self.unit == "rows":
                    self.count += len(first)
                    if len(self.examples) < self.keep:
                        self.examples.extend(first.dropna().head(self.keep - len(self.examples)).tolist())
                else:
                    self.count += 1
                    if len(self.examples) < self.keep:
                        self.examples.append(first)
                return original(*args, **kwargs)

            setattr(self.module, self.name, counted)
        return self

    def __exit__(self, *exc) -> None:
        if self.original is not None:
            setattr(self.module, self.name, self.original)


def slow_path_counts(kind: str, s, keep: int = 0) -> list[tuple[str, str, int | None, list]]:
    """(label, unit, count or None when the module lacks the attribute, examples) per slow path of
    ``kind``, from one untimed ``standardise_series`` of ``s`` with counters in place."""
    module = registry.get(kind)
    counters = [_Counter(module, name, unit, keep) for name, _, unit in SLOW_PATHS.get(kind, [])]
    for c in counters:
        c.__enter__()
    try:
        module.standardise_series(s)
    finally:
        for c in reversed(counters):
            c.__exit__()
    return [
        (label, unit, c.count if c.original is not None else None, c.examples)
        for (_, label, unit), c in zip(SLOW_PATHS.get(kind, []), counters)
    ]


def independent(args) -> None:
    from independent_data import independent_people, kinds

    t = time.perf_counter()
    df = independent_people(args.rows, seed=1, cache=args.cache)
    print(
        f"\nindependent profile (Faker en_GB's own providers): {len(df):,} rows x {df.shape[1]} columns "
        f"in {time.perf_counter() - t:.1f} s"
    )
    kind_of = kinds()
    fields = [(c, kind_of[c]) for c in df.columns if args.fields is None or c in args.fields]
    floor, arrow = _table_start(
        df,
        fields,
        args.repeat,
        f"{'field':<14}{'kind':<14}{'rows':>10}{'distinct':>10}{'valid %':>8}{'std s':>8}{'std r/s':>12}"
        f"{'cpu r/s':>12}{'x floor':>9}{'slow':>9}{'slow %':>8}  slow path; target",
    )
    examples = []
    for col, kind in fields:
        module = registry.get(kind)
        s = arrow[col]
        distinct = s.nunique()
        c = time.process_time()
        t_std = best_of(lambda: module.standardise_series(s), args.repeat)  # noqa: B023
        cpu = (time.process_time() - c) / args.repeat
        valid = module.standardise_series(s).valid.mean() * 100
        rate = len(s) / t_std
        target = INDEPENDENT_TARGETS.get(col)
        verdict = "" if target is None else f">= {target:,.0f} r/s {'ok' if rate >= target else 'MISSED'}"
        paths = slow_path_counts(kind, s, args.examples)
        first = True
        for label, unit, count, ex in paths or [("", "keys", None, [])]:
            of = len(s) if unit == "rows" else distinct
            slow = "n/a" if count is None else f"{count:,}"
            share = "" if count is None else f"{count / of * 100:.2f}"
            lead = (
                f"{col:<14}{kind:<14}{len(s):>10,}{distinct:>10,}{valid:>8.1f}{t_std:>8.2f}{rate:>12,.0f}"
                f"{len(s) / cpu:>12,.0f}{t_std / floor:>9.2f}"
                if first
                else " " * 97
            )
            tail = "; ".join(x for x in (label + (f" (of {unit})" if label else ""), verdict if first else "") if x)
            print(f"{lead}{slow if label else '':>9}{share:>8}  {tail}")
            first = False
            if ex:
                examples.append((col, label, ex))
    print(
        "std r/s: wall clock, best of the repeats; cpu r/s: this process's CPU time; slow: distinct values "
        "(or rows) on the named slow path, counted in a separate untimed run; slow %: of the distinct values (rows)"
    )
    for col, label, ex in examples:
        print(f"\n{col}: {label}, e.g.")
        for v in ex:
            print(f"  {v!r}")


def phone_paths(s, repeat: int) -> None:
    """The phone column through the row path (what ``standardise_series`` does) and through the
    distinct-value path it replaced for mostly distinct columns, measured in the same run."""
    from dataclean.fields import phone

    distinct_path = getattr(phone, "_standardise_distinct", None)
    if distinct_path is None:  # a version without the row path
        return
    print("\nphone routes on the same column (wall s, CPU rows/s):")
    for label, fn in (("row path", phone.standardise_series), ("distinct-value path", distinct_path)):
        c = time.process_time()
        t = best_of(lambda: fn(s), repeat)  # noqa: B023
        cpu = (time.process_time() - c) / repeat
        print(f"  {label:<22}{t:>7.2f} s{len(s) / t:>12,.0f} r/s{len(s) / cpu:>12,.0f} cpu r/s")


def messy(args) -> None:
    t = time.perf_counter()
    df = messy_extract(args.rows, seed=1)
    print(f"generated {len(df):,} rows x {df.shape[1]} columns in {time.perf_counter() - t:.1f} s")
    sample = df.sample(min(args.naive_rows, len(df)), random_state=0)
    fields = [f for f in FIELDS if args.fields is None or f[0] in args.fields]
    for col, kind, _ in fields:  # warm imports (phonenumbers metadata, jellyfish, ...)
        registry.get(kind).standardise_series(df[col].head(1000))

    header = (
        f"{'field':<14}{'kind':<14}{'distinct':>9}{'standardise r/s':>17}{'is_valid r/s':>14}"
        f"{'naive r/s':>12}{'std x':>8}{'valid x':>9}  target"
    )
    print(header)
    print("-" * len(header))
    total = 0.0
    for col, kind, regex in fields:
        module = registry.get(kind)
        s = df[col]
        t_std = best_of(lambda: module.standardise_series(s), args.repeat)  # noqa: B023
        t_val = best_of(lambda: module.is_valid_series(s), args.repeat)  # noqa: B023
        t_naive = best_of(lambda: sample[col].map(naive(module)), 1)  # noqa: B023
        total += t_std
        std_rate, val_rate, naive_rate = len(s) / t_std, len(s) / t_val, len(sample) / t_naive
        target = ">=5M r/s & >=20x" if regex else ">=5x"
        ok = (val_rate >= 5e6 and val_rate / naive_rate >= 20) if regex else std_rate / naive_rate >= 5
        print(
            f"{col:<14}{kind:<14}{s.nunique():>9,}{std_rate:>17,.0f}{val_rate:>14,.0f}{naive_rate:>12,.0f}"
            f"{std_rate / naive_rate:>8.1f}{val_rate / naive_rate:>9.1f}  {target} {'ok' if ok else 'MISSED'}"
        )
    print("-" * len(header))
    if len(fields) == len(FIELDS):
        print(
            f"whole field set (standardise_series, all {len(FIELDS)} columns) on {len(df):,} rows: {total:.2f} s "
            f"(target < 15 s: {'ok' if total < 15 else 'MISSED'})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--naive-rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--profile", default="messy,realistic", help="comma-separated: messy, realistic, independent")
    ap.add_argument("--fields", default=None, help="comma-separated column names (default: all)")
    ap.add_argument("--cache", default=None, help="independent profile: directory (outside the repo) for the rows")
    ap.add_argument("--examples", type=int, default=0, help="independent profile: example values per slow path")
    args = ap.parse_args()
    args.fields = None if args.fields is None else set(args.fields.split(","))
    profiles = args.profile.split(",")
    if "messy" in profiles:
        messy(args)
    if "realistic" in profiles:
        realistic(args)
    if "independent" in profiles:
        independent(args)


if __name__ == "__main__":
    main()
