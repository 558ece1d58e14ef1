"""Jobs: the orchestration layer (validate, clean, dedupe runs over files and frames).

Jobs read inputs, call the engines (GX adapter, linkage backends, Spark) and build scorecards
from their results; the CLI only parses arguments and prints. See docs/architecture.md.
"""
