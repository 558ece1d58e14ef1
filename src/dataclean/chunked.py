"""Moved to :mod:`dataclean.jobs.chunked` (issue 12); this path keeps working."""

from dataclean.jobs.chunked import (  # noqa: F401
    CROSS_ROW_UNIQUE,
    CROSS_ROW_WHOLE,
    SHAPE,
    _HashSpill,
    _Tally,
    clean_file_chunked,
    expectation_scope,
)
