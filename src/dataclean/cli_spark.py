"""The CLI's engine options (``--engine``, ``--spark-master``, ``--spark-conf``) and the Spark
versions of ``validate``, ``clean``, ``dedupe`` and ``link``.

Kept apart from :mod:`dataclean.cli` so the command definitions there only call
:func:`add_engine_options` and hand over to :func:`run` when ``--engine spark`` is given. Importing
this module imports neither pyspark nor great-expectations.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dataclean.engines import ENGINES
from dataclean.exceptions import ConfigError

EXIT_OK, EXIT_GATE_FAILED = 0, 1


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--engine {pandas,duckdb,spark}``, ``--spark-master`` and ``--spark-conf`` to a
    subcommand. Without ``--engine`` the embedded engines run (pandas, and DuckDB for linkage)."""
    group = parser.add_argument_group("engine")
    group.add_argument(
        "--engine",
        choices=ENGINES,
        default=None,
        help="where to run: pandas/duckdb (embedded, the default) or spark",
    )
    group.add_argument(
        "--spark-master", default="local[*]", help="Spark master URL for --engine spark (default: local[*])"
    )
    group.add_argument(
        "--spark-conf",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Spark setting for --engine spark (repeatable), e.g. spark.driver.memory=8g",
    )


def wants_spark(args: argparse.Namespace) -> bool:
    return getattr(args, "engine", None) == "spark"


def run(command: str, args: argparse.Namespace, print_card: Any) -> int:
    """Run ``command`` on Spark; ``print_card`` is the CLI's scorecard printer."""
    from dataclean.engines import spark as engine

    spark = engine.get_session(master=args.spark_master, conf=engine.parse_conf(args.spark_conf))
    return {
        "validate": _validate,
        "clean": _clean,
        "dedupe": _dedupe,
        "link": _link,
    }[command](args, spark, print_card)


def _validate(args: argparse.Namespace, spark: Any, print_card: Any) -> int:
    from dataclean.engines import spark as engine

    sdf = engine.read_table(spark, args.data, delimiter=args.delimiter, encoding=args.encoding, sheet=args.sheet)
    failures = Path(args.output) / "failures.parquet" if args.output else None
    if failures is not None:
        failures.parent.mkdir(parents=True, exist_ok=True)
    report = engine.validate(
        sdf,
        args.suite,
        spark=spark,
        reference_date=args.reference_date,
        show_values=args.show_values,
        dedupe=False if args.no_dedupe else None,
        dataset=Path(args.data).name,
        failures_path=failures,
    )
    card = report.scorecard
    print_card(card)
    if args.output:
        paths = report.write(args.output, args.format)
        print(f"wrote {', '.join(str(p) for p in paths.values())}")
    passed = card.passed
    if args.fail_under is not None and (card.overall_score is None or card.overall_score < args.fail_under):
        print(f"  - overall score is below --fail-under {args.fail_under:.3f}")
        passed = False
    return EXIT_OK if passed else EXIT_GATE_FAILED


def _clean(args: argparse.Namespace, spark: Any, print_card: Any) -> int:
    from dataclean.engines import spark as engine

    if args.chunk_size:
        raise ConfigError("--chunk-size is for the pandas engine; Spark partitions the data itself")
    result = engine.clean(
        args.data,
        args.suite,
        spark=spark,
        output=args.output,
        dedupe=args.dedupe,
        reference_date=args.reference_date,
        show_values=args.show_values,
        formats=args.format,
    )
    print(result.summary_text())
    print_card(result.after)
    return EXIT_OK if result.after.passed else EXIT_GATE_FAILED


def _report_linkage(result: Any, files: int) -> None:
    s = result.summary()
    where = f" in {files} files" if files > 1 else ""
    print(
        f"{s['records']:,} records{where} -> {s['clusters']:,} persons; "
        f"{s['scored_pairs']:,} scored pairs, {s['review_pairs']:,} for review"
    )
    for k, v in s.items():
        print(f"  {k}: {v}")
    print(f"wrote {', '.join(str(p) for p in result.paths.values())}")


def _dedupe(args: argparse.Namespace, spark: Any, print_card: Any) -> int:
    from dataclean.cli import _linkage_config
    from dataclean.engines import spark as engine

    config = _linkage_config(args.suite, "dedupe")
    sdf = engine.read_table(spark, args.data)
    result = engine.run_linkage({"data": sdf}, config, "dedupe_only", spark=spark, output=args.output)
    _report_linkage(result, 1)
    return EXIT_OK


def _link(args: argparse.Namespace, spark: Any, print_card: Any) -> int:
    from dataclean.cli import _linkage_config
    from dataclean.engines import spark as engine

    if len(args.data) < 2:
        raise ConfigError("link needs at least two data files")
    if len(args.suite) not in (1, len(args.data)):
        raise ConfigError(
            f"give one --suite for all files or one per file ({len(args.data)} files, {len(args.suite)} suites)"
        )
    suites = args.suite * len(args.data) if len(args.suite) == 1 else args.suite
    names = [Path(p).stem for p in args.data]
    configs = {name: _linkage_config(s, "link") for name, s in zip(names, suites)}
    frames = {name: engine.read_table(spark, p) for name, p in zip(names, args.data)}
    link_type = "link_and_dedupe" if args.within else "link_only"
    result = engine.run_linkage(
        frames, configs[names[0]], link_type, spark=spark, source_configs=configs, output=args.output
    )
    _report_linkage(result, len(frames))
    return EXIT_OK
