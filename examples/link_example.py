"""Link housing benefit claims with council tax accounts (different files, different columns).

Run:  python examples/link_example.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import dataclean
from dataclean import linkage
from dataclean.suite import load_suite
from dataclean.synth import example_path

claims = dataclean.read_table(example_path("example_housing_benefit.csv"))
accounts = dataclean.read_table(example_path("example_council_tax.csv"))
configs = {
    "housing_benefit": linkage.LinkageConfig.from_dict(load_suite("housing_benefit_claim").link),
    "council_tax": linkage.LinkageConfig.from_dict(load_suite("council_tax_account").link),
}
result = linkage.link(
    {"housing_benefit": claims, "council_tax": accounts}, configs["housing_benefit"], source_configs=configs
)
print(result.summary())
print(result.clusters.groupby("cluster_id")["source"].nunique().value_counts().rename("sources per person"))
paths = result.write(Path(sys.argv[1] if len(sys.argv) > 1 else "out/link"))
print("wrote", ", ".join(sorted(p.name for p in paths.values())))
