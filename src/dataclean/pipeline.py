"""Moved to :mod:`dataclean.jobs.clean` (issue 12); this path keeps working."""

from dataclean.jobs.clean import *  # noqa: F403
from dataclean.jobs.clean import __all__  # noqa: F401
from dataclean.jobs.stages import audit as _audit  # noqa: F401  (used by dataclean.engines.spark)
from dataclean.jobs.stages import ids as _ids  # noqa: F401
from dataclean.jobs.stages import merge_duplicates as _merge_duplicates  # noqa: F401
from dataclean.jobs.stages import output_stem as _output_stem  # noqa: F401
from dataclean.jobs.stages import quarantine_mask as _quarantine_mask  # noqa: F401
