"""A pandas accessor so notebooks can write ``df.dataclean.standardise(...)``.

Registered when :mod:`dataclean` is imported. Every method returns new objects; the frame it is
called on is never modified.

>>> import pandas as pd, dataclean
>>> df = pd.DataFrame({"nhs": ["943 476 5919", "bad"]})
>>> df.dataclean.standardise({"nhs": "nhs_number"})["nhs"].tolist()
['9434765919', 'bad']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dataclean import registry
from dataclean._core import StandardiseResult


@pd.api.extensions.register_dataframe_accessor("dataclean")
class DatacleanAccessor:
    def __init__(self, df: pd.DataFrame) -> None:
        self._df = df

    def standardise_results(self, columns: Mapping[str, str]) -> dict[str, StandardiseResult]:
        """``{column: StandardiseResult}`` for each ``column: kind`` pair."""
        missing = [c for c in columns if c not in self._df.columns]
        if missing:
            from dataclean.exceptions import ConfigError

            raise ConfigError(
                f"no column(s) {', '.join(map(repr, missing))} in this frame; "
                f"columns are {', '.join(map(str, self._df.columns))}"
            )
        return {col: registry.get(kind).standardise_series(self._df[col]) for col, kind in columns.items()}

    def standardise(
        self, columns: Mapping[str, str] | None = None, *, suite: Any = None, invalid: str = "keep"
    ) -> pd.DataFrame:
        """A copy with the given columns (``{column: kind}``, or the suite's) in canonical form.

        ``invalid="keep"`` leaves values that are not valid as they were; ``"null"`` blanks them.
        """
        if columns is None:
            if suite is None:
                from dataclean.exceptions import ConfigError

                raise ConfigError("pass columns={column: kind} or suite=...")
            from dataclean.suite import Suite, load_suite

            s = suite if isinstance(suite, Suite) else load_suite(suite)
            columns = {c: s.columns[c].kind for c in s.standardise if s.columns[c].kind}
        out = self._df.copy()
        for col, res in self.standardise_results(columns).items():
            if invalid == "null":
                out[col] = res.value
            else:
                raw = (
                    self._df[col] if isinstance(self._df[col].dtype, pd.StringDtype) else self._df[col].astype("string")
                )
                out[col] = res.value.where(res.valid, raw)
        return out

    def is_valid(self, columns: Mapping[str, str]) -> pd.DataFrame:
        """A boolean frame: one column per ``column: kind`` pair."""
        return pd.DataFrame(
            {c: registry.get(k).is_valid_series(self._df[c]) for c, k in columns.items()},
            index=self._df.index,
        )

    def validate(self, suite: Any, **kwargs: Any) -> Any:
        """:func:`dataclean.validate` on this frame; the report shows itself as HTML in Jupyter."""
        from dataclean.jobs.validate import validate

        return validate(self._df, suite, **kwargs)

    def clean(self, suite: Any, **kwargs: Any) -> Any:
        """:func:`dataclean.clean` on this frame."""
        from dataclean.jobs.clean import clean

        return clean(self._df, suite, **kwargs)

    def profile(self) -> pd.DataFrame:
        """Guessed role, null share, distinct share and validity share per column."""
        from dataclean.profile import profile_columns

        return pd.DataFrame([p.__dict__ for p in profile_columns(self._df)])

    def pseudonymise(self, columns: Mapping[str, str | None], key: bytes, **kwargs: Any) -> pd.DataFrame:
        """Keyed HMAC-SHA256 tokens for the given ``{column: kind}`` columns."""
        from dataclean.pseudonymise import pseudonymise_frame

        return pseudonymise_frame(self._df, columns, key, **kwargs)

    def to_file(self, path: str | Path) -> Path:
        from dataclean.io import write_table

        write_table(self._df, path)
        return Path(path)
