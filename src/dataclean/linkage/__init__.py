"""Find the same person within one dataset and across several, on splink.

>>> from dataclean import linkage, synth
>>> records = synth.records(300, seed=1)
>>> result = linkage.dedupe(records.drop(columns=["person_id"]))
>>> {"clusters", "duplicate_rate"} <= set(result.summary())
True

See :mod:`dataclean.linkage.presets` for the UK comparisons and :mod:`dataclean.linkage.config`
for the ``dedupe:`` / ``link:`` block of a suite file.
"""

from dataclean.linkage.api import (
    LinkageResult,
    cluster,
    cluster_pairs,
    dedupe,
    link,
    link_and_dedupe,
    pairwise_scores,
    uniqueness_summary,
)
from dataclean.linkage.config import LinkageConfig

__all__ = [
    "LinkageConfig",
    "LinkageResult",
    "cluster",
    "cluster_pairs",
    "dedupe",
    "link",
    "link_and_dedupe",
    "pairwise_scores",
    "uniqueness_summary",
]
