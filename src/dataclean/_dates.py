"""Compatibility name for the one date parser, :func:`dataclean.fields.date_of_birth.parse_series`.

dataclean had a second, permissive parser here that read ``07/03/30`` as 2030 where the cleaner
read 1930 and did not know ``07MAR1984`` or Excel serials, so before/after scorecards could
contradict the cleaner. It now delegates; new code should call ``parse_series`` directly.
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from dataclean.fields.date_of_birth import parse_series


def parse_date_series(values: pd.Series, *, pivot: str = "recent", reference_date: _dt.date | None = None) -> pd.Series:
    """Parse a column to ``datetime64[ns]`` (NaT where it does not parse). Never raises.

    ``pivot="recent"`` (the default: any date that is not a date of birth) or ``"birth"``; see
    :func:`dataclean.fields.date_of_birth.parse_series`.
    """
    return parse_series(values, pivot=pivot, reference_date=reference_date)
