"""General date parsing for cross-field and timeliness checks (UK day-first).

Date-of-birth *validation* lives in :mod:`dataclean.fields.date_of_birth`; this is the permissive
parser used when comparing two date columns or measuring record age: ISO dates and timestamps
take a vectorised fast path; anything else is parsed day-first once per distinct value.
"""

from __future__ import annotations

import pandas as pd

_FALLBACK_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%Y%m%d", "%d/%m/%y")


def parse_date_series(values: pd.Series) -> pd.Series:
    """Parse a column to ``datetime64[ns]`` (NaT where it does not parse). Never raises."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return out.astype("datetime64[ns]")
    text = values.astype("string").str.strip()
    iso = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    rest = iso.isna() & text.notna()
    if rest.any():
        codes, uniques = pd.factorize(text[rest])
        parsed = pd.Series(pd.NaT, index=range(len(uniques)), dtype="datetime64[ns]")
        remaining = pd.Series(uniques)
        for fmt in _FALLBACK_FORMATS:
            todo = parsed.isna()
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(remaining[todo], format=fmt, errors="coerce")
        iso[rest] = parsed.to_numpy()[codes]
    return iso.astype("datetime64[ns]")
