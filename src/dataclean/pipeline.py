"""Moved to :mod:`dataclean.jobs.clean` (issue 12); this path keeps working."""

from dataclean.jobs.clean import *  # noqa: F403
from dataclean.jobs.clean import __all__  # noqa: F401
