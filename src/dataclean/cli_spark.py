"""The CLI's engine options (``--engine``, ``--spark-master``, ``--spark-conf``) and the Spark
versions of ``validate``, ``clean``, ``dedupe`` and ``link``.

Kept apart from :mod:`dataclean.cli` so the command definitions there only call
:func:`add_engine_options` and hand over to :func:`run` when ``--engine spark`` is given. Importing
this module imports neither pyspark nor great-expectations.
"""

from __future__ import annotations

import argparse
import sys
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


def run(command: str, args: argparse.Namespace, out: Any) -> int:
    """Run ``command`` on Spark; ``out`` is the CLI's console (``say``, ``summary``, ``quiet``)."""
    from dataclean.engines import spark as engine

    spark = engine.get_session(master=args.spark_master, conf=engine.parse_conf(args.spark_conf))
    return {
        "validate": _validate,
        "clean": _clean,
        "dedupe": _dedupe,
        "link": _link,
    }[command](args, spark, out)


_NATIVE = (".csv", ".tsv", ".txt", ".psv", ".parquet", ".pq")


def _read(args: argparse.Namespace, spark: Any, path: str, out: Any) -> Any:
    """Spark reads plain delimited text and Parquet itself (in parallel); stdin, compressed or
    zipped text and Excel go through the CLI's reader and are handed to Spark."""
    from dataclean.engines import spark as engine

    p = Path(path)
    fmt = getattr(args, "input_format", None)
    if path != "-" and fmt in (None, "csv", "parquet") and (p.is_dir() or p.suffix.lower() in _NATIVE):
        return engine.read_table(
            spark, p, delimiter=getattr(args, "delimiter", None), encoding=getattr(args, "encoding", None)
        )
    from dataclean.cli_common import read_data as read_pandas

    return engine.from_pandas(spark, read_pandas(args, path, out))


def _reveal(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "reveal", False) or getattr(args, "show_values", False))


def _dataset(path: str) -> str:
    return "stdin" if path == "-" else Path(path).name


def _staged(output: Any) -> Any:
    from dataclean.io import StagedOutput

    return StagedOutput(output)


def _written(output: Any, manifest: Any) -> list[str]:
    """The top-level outputs (a Parquet dataset is one output, however many part files)."""
    names = sorted({Path(n).parts[0] for n in manifest.get("files", {})})
    return [str(Path(output) / n) for n in names]


def _validate(args: argparse.Namespace, spark: Any, out: Any) -> int:
    from dataclean.cli_common import card_summary as _card_summary
    from dataclean.cli_common import print_card as _print_card
    from dataclean.cli_common import quality_gate
    from dataclean.jobs import spark as jobs

    sdf = _read(args, spark, args.data, out)
    report = jobs.validate(
        sdf,
        args.suite,
        spark=spark,
        reference_date=args.reference_date,
        show_values=_reveal(args),
        dedupe=False if args.no_dedupe else None,
        dataset=_dataset(args.data),
    )
    card = report.scorecard
    passed, reasons = quality_gate(card, args.fail_under)
    formats = tuple(args.format or ("json",))
    if args.output == "-" or (args.output is None and args.format is not None):
        from dataclean.scorecard.render import RENDERERS

        renderer = RENDERERS[formats[0]]
        sys.stdout.write(renderer(card) if callable(renderer) else str(renderer))
        sys.stdout.write("\n")
    else:
        _print_card(card, out)
        if not passed and card.passed:
            out.say(f"  - overall score is below --fail-under {args.fail_under:.3f}")
    out.summary.update(_card_summary(card))
    out.summary.update({"passed": passed, "failure_reasons": reasons, "engine": "spark"})
    if args.output and args.output != "-":
        with _staged(args.output) as stage:
            report.write(stage.stage, formats)
            manifest = stage.commit({"command": "validate", "rows_in": card.row_count, "passed": passed})
        written = _written(args.output, manifest)
        out.summary["outputs"] = written
        out.say(f"wrote {', '.join(written)}")
    return EXIT_OK if passed else EXIT_GATE_FAILED


def _clean(args: argparse.Namespace, spark: Any, out: Any) -> int:
    from dataclean.cli_common import print_card as _print_card
    from dataclean.jobs import spark as jobs

    if args.chunk_size:
        raise ConfigError("--chunk-size is for the pandas engine; Spark partitions the data itself")
    sdf = _read(args, spark, args.data, out)
    name = _dataset(args.data)
    with _staged(args.output) as stage:
        result = jobs.clean(
            sdf,
            args.suite,
            spark=spark,
            output=stage.stage,
            dedupe=args.dedupe,
            reference_date=args.reference_date,
            show_values=_reveal(args),
            formats=tuple(args.format),
            dataset=name,
            source_name=name.split(".")[0],
        )
        manifest = stage.commit({"command": "clean", **result.summary()})
    out.summary.update({**result.summary(), "engine": "spark", "outputs": _written(args.output, manifest)})
    out.say(result.summary_text())
    _print_card(result.after, out)
    return EXIT_OK if result.after.passed else EXIT_GATE_FAILED


def _report_linkage(s: dict[str, Any], files: int, output: Any, manifest: Any, out: Any) -> None:
    """Print a linkage run's summary (computed before the outputs moved to their final place:
    the result's frames read the staged Parquet datasets, which are gone after the commit)."""
    where = f" in {files} files" if files > 1 else ""
    written = _written(output, manifest)
    out.summary.update(
        {
            "rows_in": s["records"],
            "persons": s["clusters"],
            "pairs": s["scored_pairs"],
            "review": s["review_pairs"],
            "engine": "spark",
            "outputs": written,
        }
    )
    out.say(
        f"{s['records']:,} records{where} -> {s['clusters']:,} persons; "
        f"{s['scored_pairs']:,} scored pairs, {s['review_pairs']:,} for review"
    )
    for k, v in s.items():
        out.say(f"  {k}: {v}")
    out.say(f"wrote {', '.join(written)}")


def _dedupe(args: argparse.Namespace, spark: Any, out: Any) -> int:
    from dataclean.cli_common import linkage_config as _linkage_config
    from dataclean.engines import spark as engine

    config = _linkage_config(args.suite, "dedupe")
    sdf = _read(args, spark, args.data, out)
    with _staged(args.output) as stage:
        result = engine.run_linkage({"data": sdf}, config, "dedupe_only", spark=spark, output=stage.stage)
        summary = result.summary()
        manifest = stage.commit({"command": "dedupe", "rows_in": summary["records"]})
    _report_linkage(summary, 1, args.output, manifest, out)
    return EXIT_OK


def _link(args: argparse.Namespace, spark: Any, out: Any) -> int:
    from dataclean.cli_common import link_sources as _link_sources
    from dataclean.engines import spark as engine

    names, configs = _link_sources(args)
    frames = {name: _read(args, spark, p, out) for name, p in zip(names, args.data)}
    link_type = "link_and_dedupe" if args.within else "link_only"
    with _staged(args.output) as stage:
        result = engine.run_linkage(
            frames, configs[names[0]], link_type, spark=spark, source_configs=configs, output=stage.stage
        )
        summary = result.summary()
        manifest = stage.commit({"command": "link", "rows_in": summary["records"]})
    _report_linkage(summary, len(frames), args.output, manifest, out)
    return EXIT_OK
