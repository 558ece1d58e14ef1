"""The ``dataclean`` command line: parse arguments, call the library, write files, set the exit code.

Exit codes: 0 passed, 1 quality gate failed, 2 usage, configuration or input-file error.
Library code never prints; this module owns all output (stdout for results, stderr for errors and
progress) and configures logging (``-v`` for INFO, ``-vv`` for DEBUG).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from dataclean.cli_spark import add_engine_options, wants_spark
from dataclean.exceptions import ConfigError, DatacleanError, DataFileError

EXIT_OK, EXIT_GATE_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("dataclean.cli")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep our wording
        self.print_usage(sys.stderr)
        print(f"dataclean: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _formats(text: str) -> tuple[str, ...]:
    from dataclean.scorecard.render import RENDERERS

    fmts = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in fmts if f not in RENDERERS]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown format(s) {', '.join(bad)}; choose from {', '.join(RENDERERS)}")
    return fmts


def _score(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") or float(text.rstrip("%")) > 1 else 1)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a score (0-1 or a percentage such as 90%)") from exc
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is outside 0-1")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="dataclean", description="Validate, standardise, deduplicate and score UK person records.")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-v info, -vv debug)")
    p.add_argument("--no-progress", action="store_true", help="no progress display")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("validate", help="score a data file against a suite; exit 1 if the quality gate fails")
    v.add_argument("data", help="CSV, TSV, Parquet or Excel file")
    v.add_argument("--suite", required=True, help="suite file (.yml) or the name of a bundled suite")
    v.add_argument("--format", type=_formats, default=("json",), help="comma-separated: json,md,html,junit,txt")
    v.add_argument("--output", type=Path, help="directory for scorecard files and failures.csv")
    v.add_argument("--fail-under", type=_score, help="also fail when the overall score is below this")
    v.add_argument("--reference-date", help="evaluate as of this ISO date (default: the suite's, else today)")
    v.add_argument("--show-values", action="store_true", help="show raw failing values (default: masked)")
    v.add_argument("--no-dedupe", action="store_true", help="skip the suite's dedupe block")
    v.add_argument("--sheet", help="Excel sheet name")
    v.add_argument("--delimiter", help="CSV delimiter (default: sniffed)")
    v.add_argument("--encoding", help="text encoding (default: UTF-8, falling back to cp1252)")
    add_engine_options(v)

    s = sub.add_parser("suite", help="draft, check or compile suite files")
    ssub = s.add_subparsers(dest="suite_command", required=True, parser_class=_Parser)
    si = ssub.add_parser("init", help="draft a suite by profiling a data file")
    si.add_argument("data")
    si.add_argument("--name", help="suite name (default: from the file name)")
    si.add_argument("--output", type=Path, help="write the draft here (default: stdout)")
    si.add_argument("--force", action="store_true", help="overwrite --output if it exists")
    sc = ssub.add_parser("check", help="check a suite file and list its expectations")
    sc.add_argument("suite")
    sx = ssub.add_parser("compile", help="write the compiled great-expectations suite JSON")
    sx.add_argument("suite")
    sx.add_argument("--output", type=Path)

    sd = sub.add_parser("scorecard", help="work with scorecard.json files")
    sdsub = sd.add_subparsers(dest="scorecard_command", required=True, parser_class=_Parser)
    dd = sdsub.add_parser("diff", help="compare a baseline scorecard with a new one; exit 1 on regression")
    dd.add_argument("old", type=Path)
    dd.add_argument("new", type=Path)
    dd.add_argument("--format", choices=("text", "md"), default="text")
    dd.add_argument("--tolerance", type=float, default=0.001, help="score drop tolerated (0-1)")

    de = sub.add_parser("dedupe", help="find the same person within one file")
    de.add_argument("data")
    de.add_argument("--suite", required=True)
    de.add_argument("--output", type=Path, required=True)
    add_engine_options(de)

    li = sub.add_parser("link", help="link person records across two or more files")
    li.add_argument("data", nargs="+")
    li.add_argument(
        "--suite",
        required=True,
        action="append",
        help="suite with a link: block; give one per file when the files differ",
    )
    li.add_argument("--output", type=Path, required=True)
    add_engine_options(li)
    li.add_argument(
        "--within",
        action="store_true",
        help="also find duplicates within each file (link and dedupe), e.g. two claims by one person",
    )

    cl = sub.add_parser("clean", help="standardise, validate, quarantine, optionally dedupe; write clean data")
    cl.add_argument("data")
    cl.add_argument("--suite", required=True)
    cl.add_argument("--output", type=Path, required=True)
    cl.add_argument("--dedupe", action="store_true", help="also merge duplicate persons (suite dedupe block)")
    cl.add_argument("--reference-date")
    cl.add_argument("--format", type=_formats, default=("json", "md", "html"))
    cl.add_argument("--chunk-size", type=int, default=None, help="rows per chunk for files larger than memory")
    cl.add_argument("--show-values", action="store_true")
    add_engine_options(cl)

    ps = sub.add_parser("pseudonymise", help="replace identifiers with keyed HMAC-SHA256 tokens")
    ps.add_argument("data")
    ps.add_argument("--columns", required=True, help="column[:kind],... e.g. nhs_number:nhs_number,nino:nino")
    ps.add_argument("--output", type=Path, required=True)
    ps.add_argument("--key-file", type=Path, help="file holding the key (else $DATACLEAN_PSEUDONYMISATION_KEY)")

    ex = sub.add_parser("example", help="write the bundled synthetic example data to a directory")
    ex.add_argument("directory", type=Path, nargs="?", default=Path("dataclean-example"))
    return p


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, float], None]]:
    """A progress callback ``(stage, fraction)`` drawing a rich bar on stderr when it is a terminal."""
    if not enabled or not sys.stderr.isatty():

        def quiet(stage: str, fraction: float) -> None:
            log.info("%s (%.0f%%)", stage, 100 * fraction)

        yield quiet
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=1.0)

        def update(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=fraction)

        yield update


def _print_card(card: Any) -> None:
    from dataclean.scorecard.render import to_text

    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        colours = {"green": "green", "amber": "yellow", "red": "red", "not_assessed": "grey50"}
        t = Table(title=f"{card.dataset} [{card.suite}]: {'PASSED' if card.passed else 'FAILED'}")
        for c in ("dimension", "score", "threshold", "status"):
            t.add_column(c)
        for d in card.dimensions:
            t.add_row(
                d.name,
                "not assessed" if d.score is None else f"{100 * d.score:.1f}%",
                "-" if d.threshold is None else f"{100 * d.threshold:.1f}%",
                f"[{colours[d.status]}]{d.status}[/]",
            )
        t.add_row(
            "overall",
            f"{100 * (card.overall_score or 0):.1f}%",
            f"{100 * card.overall_threshold:.1f}%",
            f"[{colours[card.status]}]{card.status}[/]",
        )
        Console().print(t)
        for r in card.failure_reasons:
            print(f"  - {r}")
    else:
        print(to_text(card))


def _cmd_validate(args: argparse.Namespace) -> int:
    if wants_spark(args):
        from dataclean.cli_spark import run

        return run("validate", args, _print_card)
    from dataclean.io import read_table
    from dataclean.scorecard import validate

    df = read_table(args.data, sheet=args.sheet, delimiter=args.delimiter, encoding=args.encoding)
    with _progress(not args.no_progress) as progress:
        progress("validating", 0.1)
        report = validate(
            df,
            args.suite,
            reference_date=args.reference_date,
            show_values=args.show_values,
            dedupe=False if args.no_dedupe else None,
            dataset=Path(args.data).name,
        )
        progress("done", 1.0)
    card = report.scorecard
    _print_card(card)
    if args.output:
        paths = report.write(args.output, args.format)
        print(f"wrote {', '.join(str(p) for p in paths.values())}")
    passed = card.passed
    if args.fail_under is not None and (card.overall_score is None or card.overall_score < args.fail_under):
        print(f"  - overall score is below --fail-under {args.fail_under:.3f}")
        passed = False
    return EXIT_OK if passed else EXIT_GATE_FAILED


def _cmd_suite(args: argparse.Namespace) -> int:
    from dataclean.suite import load_suite

    if args.suite_command == "init":
        from dataclean.io import read_table
        from dataclean.profile import draft_suite_yaml

        df = read_table(args.data)
        text = draft_suite_yaml(df, name=args.name or Path(args.data).stem)
        if args.output:
            if args.output.exists() and not args.force:
                raise ConfigError(f"{args.output} exists; pass --force to overwrite it")
            args.output.write_text(text, encoding="utf-8")
            print(f"wrote draft suite {args.output}; review the roles and thresholds before use")
        else:
            sys.stdout.write(text)
        return EXIT_OK
    suite = load_suite(args.suite)
    if args.suite_command == "check":
        print(
            f"{suite.path}: suite {suite.name!r} is valid: {len(suite.columns)} columns, "
            f"{len(suite.expectations)} expectations"
        )
        for e in suite.expectations:
            print(f"  {e.key:<55} {e.dimension:<13} {e.severity}")
        return EXIT_OK
    import json

    text = json.dumps(suite.to_gx_json(), indent=2)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text)
    return EXIT_OK


def _cmd_scorecard(args: argparse.Namespace) -> int:
    from dataclean.scorecard.render import diff, load_scorecard

    d = diff(load_scorecard(args.old), load_scorecard(args.new), tolerance=args.tolerance)
    print(d.to_markdown() if args.format == "md" else d.to_text())
    return EXIT_GATE_FAILED if d.regressions else EXIT_OK


def _linkage_config(suite_path: str, block: str) -> Any:
    from dataclean.linkage.config import LinkageConfig
    from dataclean.suite import load_suite

    suite = load_suite(suite_path)
    raw = (suite.link or suite.dedupe) if block == "link" else suite.dedupe
    if raw is None:
        raise ConfigError(
            f"suite {suite.name!r} has no '{block}:' block; add one (see docs/linkage.md)", source=suite.path
        )
    return LinkageConfig.from_dict(raw, source=suite.path)


def _cmd_dedupe(args: argparse.Namespace) -> int:
    if wants_spark(args):
        from dataclean.cli_spark import run

        return run("dedupe", args, _print_card)
    from dataclean.io import read_table
    from dataclean.linkage import dedupe

    config = _linkage_config(args.suite, "dedupe")
    df = read_table(args.data)
    with _progress(not args.no_progress) as progress:
        result = dedupe(df, config, progress=progress)
    paths = result.write(args.output)
    summary = result.summary() if hasattr(result, "summary") else {}
    print(
        f"{len(df):,} records -> {result.clusters['cluster_id'].nunique():,} persons; "
        f"{len(result.pairs):,} scored pairs, {len(result.review):,} for review"
    )
    for k, v in summary.items():
        print(f"  {k}: {v}")
    print(f"wrote {', '.join(str(p) for p in (paths.values() if isinstance(paths, dict) else paths))}")
    return EXIT_OK


def _cmd_link(args: argparse.Namespace) -> int:
    if wants_spark(args):
        from dataclean.cli_spark import run

        return run("link", args, _print_card)
    from dataclean.io import read_table
    from dataclean.linkage import link, link_and_dedupe

    if len(args.data) < 2:
        raise ConfigError("link needs at least two data files")
    if len(args.suite) not in (1, len(args.data)):
        raise ConfigError(
            f"give one --suite for all files or one per file ({len(args.data)} files, {len(args.suite)} suites)"
        )
    suites = args.suite * len(args.data) if len(args.suite) == 1 else args.suite
    names = [Path(p).stem for p in args.data]
    configs = {name: _linkage_config(s, "link") for name, s in zip(names, suites)}
    frames = {name: read_table(p) for name, p in zip(names, args.data)}
    with _progress(not args.no_progress) as progress:
        run = link_and_dedupe if args.within else link
        result = run(frames, configs[names[0]], progress=progress, source_configs=configs)
    paths = result.write(args.output)
    total = sum(len(f) for f in frames.values())
    print(
        f"{total:,} records in {len(frames)} files -> {result.clusters['cluster_id'].nunique():,} persons; "
        f"{len(result.pairs):,} scored pairs, {len(result.review):,} for review"
    )
    print(f"wrote {', '.join(str(p) for p in (paths.values() if isinstance(paths, dict) else paths))}")
    return EXIT_OK


def _cmd_clean(args: argparse.Namespace) -> int:
    if wants_spark(args):
        from dataclean.cli_spark import run

        return run("clean", args, _print_card)
    from dataclean.pipeline import clean_file

    with _progress(not args.no_progress) as progress:
        result = clean_file(
            args.data,
            args.suite,
            args.output,
            dedupe=args.dedupe,
            reference_date=args.reference_date,
            formats=args.format,
            chunk_size=args.chunk_size,
            show_values=args.show_values,
            progress=progress,
        )
    print(result.summary_text())
    _print_card(result.after)
    return EXIT_OK if result.after.passed else EXIT_GATE_FAILED


def _cmd_pseudonymise(args: argparse.Namespace) -> int:
    from dataclean.pseudonymise import run_pseudonymise

    columns: dict[str, str | None] = {}
    for part in args.columns.split(","):
        if not part.strip():
            continue
        col, _, kind = part.strip().partition(":")
        columns[col] = kind or None
    summary = run_pseudonymise(args.data, args.output, columns, key_file=args.key_file)
    for k, v in summary.items():
        print(f"{k}: {v}")
    return EXIT_OK


def _cmd_example(args: argparse.Namespace) -> int:
    from dataclean.synth import write_examples

    paths = write_examples(args.directory)
    print("wrote " + ", ".join(str(p) for p in (paths.values() if isinstance(paths, dict) else paths)))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _cmd_validate,
    "suite": _cmd_suite,
    "scorecard": _cmd_scorecard,
    "dedupe": _cmd_dedupe,
    "link": _cmd_link,
    "clean": _cmd_clean,
    "pseudonymise": _cmd_pseudonymise,
    "example": _cmd_example,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if args.verbose < 2:
        for noisy in ("great_expectations", "splink", "py4j"):
            logging.getLogger(noisy).setLevel(logging.WARNING if args.verbose else logging.ERROR)
    os.environ.setdefault("TQDM_DISABLE", "1")
    try:
        return COMMANDS[args.command](args)
    except (ConfigError, DataFileError) as exc:
        print(f"dataclean: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DatacleanError as exc:
        print(f"dataclean: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover
        print("dataclean: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
