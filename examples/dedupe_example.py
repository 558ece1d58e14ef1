"""Find duplicate persons in a social care extract and write clusters, pairs, golden records.

Run:  python examples/dedupe_example.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from dataclean import linkage, synth

records = synth.records(2000, seed=3)  # synthetic records with the truth in person_id
result = linkage.dedupe(records.drop(columns=["person_id"]))
print(result.summary())
scores = linkage.pairwise_scores(linkage.cluster_pairs(result.clusters, "record_id"), synth.pairs_from_truth(records))
print(f"precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, F1 {scores['f1']:.3f}")
print(result.pairs.head(3).T)  # each pair explained comparison by comparison
paths = result.write(Path(sys.argv[1] if len(sys.argv) > 1 else "out/dedupe"))
print("wrote", ", ".join(sorted(p.name for p in paths.values())))
