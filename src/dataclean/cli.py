"""The ``dataclean`` command line: parse arguments, call the library, write files, set the exit code.

Exit codes: 0 passed; 1 quality gate failed; 2 usage, configuration or input-data error (one line
naming the file, line and column); 3 internal error (one line, the traceback only with ``-v``).
Library code never prints; this module owns all output (stdout for results, stderr for errors,
warnings and progress) and configures logging (``-v`` info, ``-vv`` debug, ``-q`` errors only).

Every command that reads data gets the same input options from :func:`add_data_options`
(``--input-format``, ``--delimiter``, ``--encoding``, ``--sheet``) and the same output options
(``-q``, ``-v``, ``--json``); a new command should call it rather than add its own.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from dataclean.cli_common import Console as _Console
from dataclean.cli_common import card_summary as _card_summary
from dataclean.cli_common import dataset_name as _dataset_name
from dataclean.cli_common import link_sources as _link_sources
from dataclean.cli_common import linkage_config as _linkage_config
from dataclean.cli_common import print_card as _print_card
from dataclean.cli_common import quality_gate
from dataclean.cli_common import read_data as _read
from dataclean.cli_spark import add_engine_options, wants_spark
from dataclean.exceptions import ConfigError, DatacleanError, DataFileError

EXIT_OK, EXIT_GATE_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
log = logging.getLogger("dataclean.cli")

EXIT_CODES = """\
exit codes:
  0  passed (or the command did its work)
  1  the quality gate failed (a critical expectation, a dimension or --fail-under); outputs are written
  2  usage, configuration or input-data error: one line names the file, line and column, and what to do
  3  internal error (a bug): one line; run again with -v for the traceback and report it
"""

EPILOG = (
    """\
examples:
  dataclean validate people.csv --suite social_care_person --output report/ --format json,html
  dataclean validate people.csv.gz --suite expectations/my_suite.yml --fail-under 92% --json
  cat people.csv | dataclean validate - --suite social_care_person --format json > scorecard.json
  dataclean clean people.csv --suite social_care_person --output out/ --dedupe
  dataclean clean big.csv --suite social_care_person --output out/ --chunk-size 250000
  dataclean suite init extract.xlsx --sheet Clients --output expectations/clients.yml
  dataclean scorecard diff baseline/scorecard.json report/scorecard.json

inputs: .csv .tsv .txt .psv (also .gz .bz2 .xz or a one-file .zip), .parquet, .xlsx; '-' reads stdin.
outputs are all-or-nothing: written under a hidden folder in the output folder, renamed into place
when the run succeeds, then _SUCCESS (a manifest with row counts and SHA-256 checksums) is written last.
identifiers are masked in every report, log and console line unless --reveal is given.

"""
    + EXIT_CODES
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep our wording
        self.print_usage(sys.stderr)
        print(f"dataclean: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=100)


def _formats(text: str) -> tuple[str, ...]:
    from dataclean.scorecard.render import RENDERERS

    fmts = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in fmts if f not in RENDERERS]
    if bad or not fmts:
        raise argparse.ArgumentTypeError(
            f"unknown format(s) {', '.join(bad) or '(none)'}; choose from {', '.join(RENDERERS)}"
        )
    return fmts


def _score(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") or float(text.rstrip("%")) > 1 else 1)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a score (0-1 or a percentage such as 90%)") from exc
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is outside 0-1")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def add_output_options(p: argparse.ArgumentParser) -> None:
    """``-q``, ``-v`` and ``--json``, on every subcommand (and before it)."""
    g = p.add_argument_group("output")
    g.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="more logging on stderr (-v info and tracebacks, -vv debug)",
    )
    g.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print nothing but errors")
    g.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one machine-readable JSON summary on stdout instead of the human report",
    )


def add_data_options(p: argparse.ArgumentParser, *, nargs: str | None = None, what: str = "data file") -> None:
    """The data argument and the input options shared by every command that reads data.

    Adds ``data`` (``nargs`` as given), ``--input-format``, ``--delimiter``, ``--encoding``,
    ``--sheet`` and the output options of :func:`add_output_options`.
    """
    p.add_argument(
        "data",
        nargs=nargs,
        help=f"{what}: CSV/TSV/TXT/PSV (optionally .gz/.bz2/.xz/.zip), Parquet or Excel; '-' reads stdin",
    )
    g = p.add_argument_group("input")
    g.add_argument(
        "--input-format",
        choices=("csv", "parquet", "excel"),
        help="read the input as this format (default: from the file name; for stdin, from the content)",
    )
    g.add_argument("--delimiter", help="CSV delimiter, one character or 'tab' (default: sniffed among , ; TAB |)")
    g.add_argument(
        "--encoding",
        help="text encoding, e.g. utf-8, cp1252, latin-1 (default: BOM, else UTF-8, else cp1252 with a warning)",
    )
    g.add_argument("--sheet", help="Excel sheet name or 0-based number (default: the first sheet)")
    add_output_options(p)


def _sub(sub: Any, name: str, help_text: str, description: str | None = None) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=help_text,
        description=description or help_text[0].upper() + help_text[1:] + ".",
        epilog=EXIT_CODES,
        formatter_class=_Formatter,
    )


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("dataclean")
    except Exception:  # not installed: the source tree's version
        from dataclean import __version__

        return __version__


def build_parser() -> argparse.ArgumentParser:
    """The ``dataclean`` parser: global options, then one subcommand per command."""
    p = _Parser(
        prog="dataclean",
        description="Validate, standardise, deduplicate and score UK person records.",
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    p.add_argument("--version", action="version", version=f"dataclean {_version()}", help="print the version")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-v info, -vv debug)")
    p.add_argument("-q", "--quiet", action="store_true", default=False, help="print nothing but errors")
    p.add_argument("--json", action="store_true", default=False, help="machine-readable JSON summary on stdout")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    _add_validate(sub)
    _add_suite(sub)
    _add_scorecard(sub)
    _add_linkage(sub)
    _add_clean(sub)
    _add_other(sub)
    return p


def _add_validate(sub: Any) -> None:
    v = _sub(sub, "validate", "score a data file against a suite; exit 1 if the quality gate fails")
    add_data_options(v)
    v.add_argument("--suite", required=True, help="suite file (.yml) or the name of a bundled suite")
    v.add_argument(
        "--format",
        type=_formats,
        default=None,
        help="scorecard formats, comma-separated: json,md,html,junit,txt (default json; without --output "
        "the first format is printed on stdout)",
    )
    v.add_argument(
        "-o", "--output", help="folder for scorecard files and failures.csv; '-' prints the first --format on stdout"
    )
    v.add_argument(
        "--fail-under", type=_score, help="also fail (exit 1) when the overall score is below this (0.9 or 90%%)"
    )
    v.add_argument(
        "--reference-date", help="evaluate as of this ISO date YYYY-MM-DD (default: the suite's, else today)"
    )
    v.add_argument(
        "--reveal",
        "--show-values",
        dest="reveal",
        action="store_true",
        help="show raw identifiers in examples and failures (default: masked); see docs/cli.md for who should",
    )
    v.add_argument("--no-dedupe", action="store_true", help="skip the suite's dedupe block (faster)")
    add_engine_options(v)


def _add_suite(sub: Any) -> None:
    s = _sub(sub, "suite", "draft, check or compile suite files")
    ssub = s.add_subparsers(dest="suite_command", required=True, parser_class=_Parser, metavar="SUBCOMMAND")
    si = _sub(ssub, "init", "draft a suite by profiling a data file")
    add_data_options(si)
    si.add_argument("--name", help="suite name (default: from the file name)")
    si.add_argument("-o", "--output", help="write the draft here (default or '-': stdout)")
    si.add_argument("--force", action="store_true", help="overwrite --output if it exists")
    sc = _sub(ssub, "check", "check suite files and list their expectations (exit 2 if any is wrong)")
    sc.add_argument("suite", nargs="+", help="suite files (.yml) or bundled suite names (pre-commit passes several)")
    add_output_options(sc)
    sx = _sub(ssub, "compile", "write the compiled great-expectations suite JSON")
    sx.add_argument("suite", help="suite file (.yml) or the name of a bundled suite")
    sx.add_argument("-o", "--output", help="file to write (default or '-': stdout)")
    add_output_options(sx)


def _add_scorecard(sub: Any) -> None:
    sd = _sub(sub, "scorecard", "work with scorecard.json files")
    sdsub = sd.add_subparsers(dest="scorecard_command", required=True, parser_class=_Parser, metavar="SUBCOMMAND")
    dd = _sub(sdsub, "diff", "compare a baseline scorecard with a new one; exit 1 on regression")
    dd.add_argument("old", type=Path, help="baseline scorecard.json")
    dd.add_argument("new", type=Path, help="new scorecard.json")
    dd.add_argument(
        "--format", choices=("text", "md", "html"), default="text", help="text (default), md (Markdown) or html"
    )
    dd.add_argument("-o", "--output", type=Path, help="write the comparison here (default: stdout)")
    dd.add_argument("--tolerance", type=float, default=0.001, help="score drop tolerated, 0-1 (default 0.001)")
    add_output_options(dd)
    add_scorecard_history_parser(sdsub)


def _add_linkage(sub: Any) -> None:
    """``dedupe`` (within one file) and ``link`` (across files)."""
    de = _sub(sub, "dedupe", "find the same person within one file")
    add_data_options(de)
    de.add_argument("--suite", required=True, help="suite with a dedupe: block (file or bundled name)")
    de.add_argument("-o", "--output", type=Path, required=True, help="output folder: clusters, pairs, golden records")
    add_engine_options(de)

    li = _sub(sub, "link", "link person records across two or more files")
    add_data_options(li, nargs="+", what="data files (two or more)")
    li.add_argument(
        "--suite",
        required=True,
        action="append",
        help="suite with a link: block; give one per file when the files differ",
    )
    li.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    li.add_argument(
        "--within",
        action="store_true",
        help="also find duplicates within each file (link and dedupe), e.g. two claims by one person",
    )
    add_engine_options(li)


def _add_clean(sub: Any) -> None:
    cl = _sub(sub, "clean", "standardise, validate, quarantine, optionally dedupe; write clean data")
    add_data_options(cl)
    cl.add_argument("--suite", required=True, help="suite file (.yml) or the name of a bundled suite")
    cl.add_argument("-o", "--output", type=Path, required=True, help="output folder (created; written all-or-nothing)")
    cl.add_argument("--dedupe", action="store_true", help="also merge duplicate persons (suite dedupe block)")
    cl.add_argument(
        "--reference-date", help="evaluate as of this ISO date YYYY-MM-DD (default: the suite's, else today)"
    )
    cl.add_argument(
        "--format",
        type=_formats,
        default=("json", "md", "html"),
        help="scorecard formats, comma-separated: json,md,html,junit,txt (default json,md,html)",
    )
    cl.add_argument(
        "--chunk-size",
        type=_positive,
        default=None,
        help="stream the file in chunks of this many rows (bounded memory, for files larger than memory)",
    )
    cl.add_argument(
        "--reveal",
        "--show-values",
        dest="reveal",
        action="store_true",
        help="raw identifiers in audit.csv and scorecard examples (default: masked)",
    )
    add_engine_options(cl)


def _add_other(sub: Any) -> None:
    """``pseudonymise`` and ``example``."""
    ps = _sub(sub, "pseudonymise", "replace identifiers with keyed HMAC-SHA256 tokens")
    add_data_options(ps)
    ps.add_argument("--columns", required=True, help="column[:kind],... e.g. nhs_number:nhs_number,nino:nino")
    ps.add_argument("-o", "--output", required=True, help="output data file (format from its suffix)")
    ps.add_argument("--key-file", type=Path, help="file holding the key (else $DATACLEAN_PSEUDONYMISATION_KEY)")

    ex = _sub(sub, "example", "write the bundled synthetic example data to a directory")
    ex.add_argument(
        "directory", type=Path, nargs="?", default=Path("dataclean-example"), help="folder (default dataclean-example)"
    )
    add_output_options(ex)


# ------------------------------------------------------------------------------------------ output
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


# ------------------------------------------------------------------------------------------ commands
def _cmd_validate(args: argparse.Namespace, out: _Console) -> int:
    if wants_spark(args):
        from dataclean.cli_spark import run

        return run("validate", args, out)
    from dataclean.io import StagedOutput
    from dataclean.jobs.validate import validate
    from dataclean.scorecard.render import RENDERERS

    df = _read(args, args.data, out)
    with _progress(not args.no_progress and not out.quiet) as progress:
        progress("validating", 0.1)
        report = validate(
            df,
            args.suite,
            reference_date=args.reference_date,
            show_values=args.reveal,
            dedupe=False if args.no_dedupe else None,
            dataset=_dataset_name(args.data),
        )
        progress("done", 1.0)
    card = report.scorecard
    passed, reasons = quality_gate(card, args.fail_under)
    to_stdout = args.output == "-" or (args.output is None and args.format is not None)
    if to_stdout:
        fmt = (args.format or ("json",))[0]
        renderer = RENDERERS[fmt]
        sys.stdout.write(renderer(card) if callable(renderer) else str(renderer))
        if not sys.stdout.isatty():
            sys.stdout.write("\n")
    else:
        _print_card(card, out)
        if args.fail_under is not None and not passed and card.passed:
            out.say(f"  - overall score is below --fail-under {args.fail_under:.3f}")
    out.summary.update(_card_summary(card))
    out.summary["passed"] = passed
    out.summary["failure_reasons"] = reasons
    if args.output and args.output != "-":
        with StagedOutput(args.output) as stage:
            report.write(stage.stage, args.format or ("json",))
            manifest = stage.commit({"command": "validate", "rows_in": len(df), "passed": passed})
        written = [str(Path(args.output) / n) for n in manifest["files"]]
        out.summary["outputs"] = written
        out.say(f"wrote {', '.join(written)}")
    return EXIT_OK if passed else EXIT_GATE_FAILED


def _write_text(text: str, target: str | None, *, force: bool = True) -> None:
    if target in (None, "-"):
        sys.stdout.write(text)
        return
    path = Path(str(target))
    if path.exists() and not force:
        raise ConfigError(f"{path} exists; pass --force to overwrite it")
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _cmd_suite(args: argparse.Namespace, out: _Console) -> int:
    from dataclean.suite import load_suite

    if args.suite_command == "init":
        from dataclean.profile import draft_suite_yaml

        df = _read(args, args.data, out)
        name = args.name or (Path(args.data).name.split(".")[0] if args.data != "-" else "stdin")
        text = draft_suite_yaml(df, name=name)
        _write_text(text, args.output, force=args.force)
        if args.output not in (None, "-"):
            out.say(f"wrote draft suite {args.output}; review the roles and thresholds before use")
            out.summary.update({"outputs": [str(args.output)], "columns": len(df.columns), "rows": len(df)})
        return EXIT_OK
    if args.suite_command == "check":
        failed = 0
        for name in args.suite:
            try:
                suite = load_suite(name)
            except ConfigError as exc:  # report every file, then fail
                print(f"dataclean: error: {exc}", file=sys.stderr)
                failed += 1
                continue
            out.say(
                f"{suite.path}: suite {suite.name!r} is valid: {len(suite.columns)} columns, "
                f"{len(suite.expectations)} expectations"
            )
            for e in suite.expectations:
                out.say(f"  {e.key:<55} {e.dimension:<13} {e.severity}")
        if failed and len(args.suite) > 1:
            print(f"dataclean: {failed} of {len(args.suite)} suite files have problems", file=sys.stderr)
        out.summary.update({"suites": len(args.suite), "failed": failed})
        return EXIT_USAGE if failed else EXIT_OK
    suite = load_suite(args.suite)
    out.summary.update({"suite": suite.name, "columns": len(suite.columns), "expectations": len(suite.expectations)})
    text = json.dumps(suite.to_gx_json(), indent=2)
    if args.output in (None, "-"):
        if not out.json:
            print(text)
    else:
        _write_text(text, args.output)
    return EXIT_OK


def _cmd_scorecard(args: argparse.Namespace, out: _Console) -> int:
    if args.scorecard_command == "history":
        return run_scorecard_history(args, out)
    from dataclean.scorecard.diff import diff
    from dataclean.scorecard.io import load_scorecard

    d = diff(load_scorecard(args.old), load_scorecard(args.new), tolerance=args.tolerance)
    text = {"md": d.to_markdown, "html": d.to_html}.get(args.format, d.to_text)()
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        out.say(f"{d.to_text()}\nwrote {args.output}")
        out.summary["outputs"] = [str(args.output)]
    else:
        out.say(text)
    out.summary["regressions"] = [str(r) for r in d.regressions]
    return EXIT_GATE_FAILED if d.regressions else EXIT_OK


# ---- `dataclean scorecard history` (self-contained: a parser hook and a runner) ----------------
def add_scorecard_history_parser(scorecard_subparsers: Any) -> argparse.ArgumentParser:
    """Register ``dataclean scorecard history DIR_OR_FILES... --output trend.html``."""
    h = _sub(
        scorecard_subparsers, "history", "draw each dimension and the overall score over runs (self-contained HTML)"
    )
    h.add_argument("paths", nargs="+", type=Path, help="scorecard JSON files, or folders searched for *.json")
    h.add_argument("-o", "--output", type=Path, required=True, help="the HTML page to write, e.g. trend.html")
    h.add_argument("--suite", help="the suite to draw when the scorecards are of more than one")
    h.add_argument("--tolerance", type=float, default=0.001, help="fall since the previous run tolerated (0-1)")
    add_output_options(h)
    return h


def run_scorecard_history(args: argparse.Namespace, out: _Console) -> int:
    """Write the trend page; exit 0 (a report, not a gate: use ``scorecard diff`` to gate)."""
    from dataclean.scorecard.history import load_history

    if not 0 <= args.tolerance < 1:
        raise ConfigError(f"--tolerance {args.tolerance} is outside 0-1")
    hist = load_history(args.paths, suite=args.suite, tolerance=args.tolerance)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(hist.to_html(), encoding="utf-8")
    out.say(hist.summary())
    out.say(f"wrote {args.output}")
    out.summary["outputs"] = [str(args.output)]
    return EXIT_OK


def _write_linkage(result: Any, output: Path, rows_in: int) -> list[str]:
    from dataclean.io import StagedOutput

    with StagedOutput(output) as stage:
        result.write(stage.stage)
        manifest = stage.commit({"rows_in": rows_in})
    return [str(output / n) for n in manifest["files"]]


def _cmd_dedupe(args: argparse.Namespace, out: _Console) -> int:
    if wants_spark(args):
        from dataclean.cli_spark import run

        return run("dedupe", args, out)
    from dataclean.linkage import dedupe

    config = _linkage_config(args.suite, "dedupe")
    df = _read(args, args.data, out)
    with _progress(not args.no_progress and not out.quiet) as progress:
        result = dedupe(df, config, progress=progress)
    written = _write_linkage(result, args.output, len(df))
    persons = int(result.clusters["cluster_id"].nunique())
    out.summary.update(
        {"rows_in": len(df), "persons": persons, "pairs": len(result.pairs), "review": len(result.review)}
    )
    out.summary["outputs"] = written
    out.say(
        f"{len(df):,} records -> {persons:,} persons; "
        f"{len(result.pairs):,} scored pairs, {len(result.review):,} for review"
    )
    summary = result.summary() if hasattr(result, "summary") else {}
    for k, v in summary.items():
        out.say(f"  {k}: {v}")
    out.say(f"wrote {', '.join(written)}")
    return EXIT_OK


def _cmd_link(args: argparse.Namespace, out: _Console) -> int:
    if wants_spark(args):
        from dataclean.cli_spark import run

        return run("link", args, out)
    from dataclean.linkage import link, link_and_dedupe

    names, configs = _link_sources(args)
    frames = {name: _read(args, p, out) for name, p in zip(names, args.data)}
    with _progress(not args.no_progress and not out.quiet) as progress:
        run = link_and_dedupe if args.within else link
        result = run(frames, configs[names[0]], progress=progress, source_configs=configs)
    total = sum(len(f) for f in frames.values())
    written = _write_linkage(result, args.output, total)
    persons = int(result.clusters["cluster_id"].nunique())
    out.summary.update(
        {"rows_in": total, "files": len(frames), "persons": persons, "pairs": len(result.pairs), "outputs": written}
    )
    out.say(
        f"{total:,} records in {len(frames)} files -> {persons:,} persons; "
        f"{len(result.pairs):,} scored pairs, {len(result.review):,} for review"
    )
    out.say(f"wrote {', '.join(written)}")
    return EXIT_OK


def _cmd_clean(args: argparse.Namespace, out: _Console) -> int:
    if wants_spark(args):
        from dataclean.cli_spark import run

        return run("clean", args, out)
    from dataclean.jobs.clean import clean_file

    sheet: Any = args.sheet
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)
    with _progress(not args.no_progress and not out.quiet) as progress:
        result = clean_file(
            args.data,
            args.suite,
            args.output,
            dedupe=args.dedupe,
            reference_date=args.reference_date,
            formats=args.format,
            chunk_size=args.chunk_size,
            show_values=args.reveal,
            progress=progress,
            read_options={
                "sheet": sheet,
                "delimiter": args.delimiter,
                "encoding": args.encoding,
                "fmt": args.input_format,
            },
        )
    out.notes.extend(result.notes)
    out.summary.update(result.summary())
    out.summary["outputs"] = [str(p) for p in result.outputs]
    out.say(result.summary_text())
    _print_card(result.after, out)
    return EXIT_OK if result.after.passed else EXIT_GATE_FAILED


def _cmd_pseudonymise(args: argparse.Namespace, out: _Console) -> int:
    from dataclean.io import write_table
    from dataclean.pseudonymise import load_key, pseudonymise_frame

    columns: dict[str, str | None] = {}
    for part in args.columns.split(","):
        if not part.strip():
            continue
        col, _, kind = part.strip().partition(":")
        columns[col.strip()] = kind.strip() or None
    key = load_key(args.key_file)
    df = _read(args, args.data, out)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataFileError(
            f"{args.data}: no column {', '.join(map(repr, missing))}; columns are {', '.join(df.columns)}"
        )
    result = pseudonymise_frame(df, columns, key)
    if args.output == "-":
        from dataclean.io import write_csv

        write_csv(result, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        target = Path(args.output)
        tmp = target.with_name(f".{target.name}.partial")
        try:
            write_table(result, tmp, like=target)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    summary: dict[str, Any] = {"rows": len(df), "key_id": key.key_id, "output": str(args.output)}
    for col in columns:
        summary[f"{col}_tokens"] = int(result[col].notna().sum())
    out.summary.update(summary)
    if args.output != "-":
        for k, v in summary.items():
            out.say(f"{k}: {v}")
    return EXIT_OK


def _cmd_example(args: argparse.Namespace, out: _Console) -> int:
    from dataclean.synth import write_examples

    paths = write_examples(args.directory)
    written = [str(p) for p in (paths.values() if isinstance(paths, dict) else paths)]
    out.summary["outputs"] = written
    out.say("wrote " + ", ".join(written))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, _Console], int]] = {
    "validate": _cmd_validate,
    "suite": _cmd_suite,
    "scorecard": _cmd_scorecard,
    "dedupe": _cmd_dedupe,
    "link": _cmd_link,
    "clean": _cmd_clean,
    "pseudonymise": _cmd_pseudonymise,
    "example": _cmd_example,
}


def _where(exc: BaseException) -> str:
    """``module.py:123 in function`` of the innermost dataclean frame (no values, safe to print)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "dataclean" in f.filename] or traceback.extract_tb(
        exc.__traceback__
    )
    if not frames:
        return "unknown place"
    f = frames[-1]
    return f"{Path(f.filename).name}:{f.lineno} in {f.name}"


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="dataclean: %(levelname)s: %(message)s", stream=sys.stderr, force=True)
    if verbose < 2:
        for noisy in ("great_expectations", "splink", "py4j", "numexpr"):
            logging.getLogger(noisy).setLevel(logging.WARNING if verbose else logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name, default in (("verbose", 0), ("quiet", False), ("json", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    _configure_logging(args.verbose, args.quiet)
    os.environ.setdefault("TQDM_DISABLE", "1")
    out = _Console(args)
    try:
        code = COMMANDS[args.command](args, out)
        out.emit_json("passed" if code == EXIT_OK else "failed", code)
        return code
    except (ConfigError, DataFileError, DatacleanError) as exc:
        message = str(exc)
        if args.verbose:
            traceback.print_exc(file=sys.stderr)
        print(f"dataclean: error: {message}", file=sys.stderr)
        out.emit_json("error", EXIT_USAGE, error=message)
        return EXIT_USAGE
    except (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError) as exc:
        message = f"{exc.filename or ''}: {exc.strerror or exc.__class__.__name__}".lstrip(": ")
        print(f"dataclean: error: {message}", file=sys.stderr)
        out.emit_json("error", EXIT_USAGE, error=message)
        return EXIT_USAGE
    except RecursionError:  # a YAML alias that refers to itself, or absurd nesting in an input file
        message = "an input file nests too deeply or refers to itself (a recursive YAML alias?); simplify it"
        print(f"dataclean: error: {message}", file=sys.stderr)
        out.emit_json("error", EXIT_USAGE, error=message)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader of our stdout went away (| head): not an error
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush quiet
        return EXIT_OK
    except KeyboardInterrupt:
        print("dataclean: interrupted; no output was written under a final name", file=sys.stderr)
        return 130
    except MemoryError:
        print(
            "dataclean: error: out of memory; for clean, pass --chunk-size (e.g. 250000) to stream the file",
            file=sys.stderr,
        )
        out.emit_json("error", EXIT_INTERNAL, error="out of memory")
        return EXIT_INTERNAL
    except OSError as exc:  # disk full, read-only folder...
        message = f"{exc.filename or ''}: {exc.strerror or exc.__class__.__name__}".lstrip(": ")
        print(f"dataclean: error: {message}", file=sys.stderr)
        out.emit_json("error", EXIT_USAGE, error=message)
        return EXIT_USAGE
    except Exception as exc:
        if args.verbose:
            traceback.print_exc(file=sys.stderr)
        where = _where(exc)
        print(
            f"dataclean: internal error: {exc.__class__.__name__} at {where}; "
            "run with -v for details and report it (no output was written under a final name)",
            file=sys.stderr,
        )
        out.emit_json("error", EXIT_INTERNAL, error=f"internal error: {exc.__class__.__name__} at {where}")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
