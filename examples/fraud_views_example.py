"""Fraud views: persons with several benefit claims, persons linked to several properties.

Run:  python examples/fraud_views_example.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import dataclean
from dataclean import linkage
from dataclean.suite import load_suite
from dataclean.synth import example_path

frames = {
    "housing_benefit": dataclean.read_table(example_path("example_housing_benefit.csv")),
    "council_tax": dataclean.read_table(example_path("example_council_tax.csv")),
}
configs = {
    "housing_benefit": linkage.LinkageConfig.from_dict(load_suite("housing_benefit_claim").link),
    "council_tax": linkage.LinkageConfig.from_dict(load_suite("council_tax_account").link),
}
result = linkage.link_and_dedupe(frames, configs["housing_benefit"], source_configs=configs)
claims = result.persons_in_multiple_claims
props = result.persons_with_multiple_properties
print(f"{len(claims)} persons hold more than one housing benefit claim")
print(claims.head(10).to_string(index=False))
print(f"{len(props)} persons are linked to more than one property")
print(props.head(10).to_string(index=False))
out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/fraud")
paths = result.write(out)
print("wrote", ", ".join(sorted(p.name for p in paths.values())))
