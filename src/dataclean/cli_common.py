"""What the command-line modules share: the console, the data reader, the scorecard printers and
the linkage-config checks. :mod:`dataclean.cli` (the pandas engine) and :mod:`dataclean.cli_spark`
(the Spark engine) both import it, so neither imports the other for these.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dataclean.exceptions import ConfigError

__all__ = [
    "Console",
    "card_summary",
    "dataset_name",
    "link_sources",
    "linkage_config",
    "print_card",
    "read_data",
]


class Console:
    """Where human text goes: stdout normally, nowhere with -q or --json (JSON goes to stdout)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.quiet = bool(args.quiet or args.json)
        self.json = bool(args.json)
        self.summary: dict[str, Any] = {"command": args.command}
        self.notes: list[str] = []

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text)

    def emit_json(self, status: str, code: int, **extra: Any) -> None:
        if self.json:
            doc = {**self.summary, "status": status, "exit_code": code, "notes": self.notes, **extra}
            print(json.dumps(doc, indent=2, default=str))


def print_card(card: Any, out: Console) -> None:
    from dataclean.scorecard.render import to_text

    if out.quiet:
        return
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


def quality_gate(card: Any, fail_under: float | None) -> tuple[bool, list[str]]:
    """(passed, reasons) of a scorecard under the suite's thresholds and ``--fail-under``."""
    passed, reasons = card.passed, list(card.failure_reasons)
    if fail_under is not None and (card.overall_score is None or card.overall_score < fail_under):
        reasons.append(f"overall score is below --fail-under {fail_under:.3f}")
        passed = False
    return passed, reasons


def card_summary(card: Any) -> dict[str, Any]:
    return {
        "dataset": card.dataset,
        "suite": card.suite,
        "rows": card.row_count,
        "passed": card.passed,
        "overall_score": card.overall_score,
        "overall_threshold": card.overall_threshold,
        "dimensions": {d.name: d.score for d in card.dimensions},
        "failure_reasons": list(card.failure_reasons),
    }


def read_data(args: argparse.Namespace, path: str, out: Console) -> Any:
    from dataclean.io import NOTES_ATTR, read_table

    sheet: Any = args.sheet
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)
    df = read_table(path, sheet=sheet, delimiter=args.delimiter, encoding=args.encoding, fmt=args.input_format)
    out.notes.extend(f"{path}: {n}" for n in df.attrs.get(NOTES_ATTR, []))
    return df


def dataset_name(path: str) -> str:
    return "stdin" if path == "-" else Path(path).name


def linkage_config(suite_path: str, block: str) -> Any:
    from dataclean.linkage.config import LinkageConfig
    from dataclean.suite import load_linkage_block

    name, raw, path = load_linkage_block(suite_path, block)  # the block only: no great-expectations
    if raw is None:
        raise ConfigError(f"suite {name!r} has no '{block}:' block; add one (see docs/linkage.md)", source=path)
    return LinkageConfig.from_dict(raw, source=path)


def link_sources(args: argparse.Namespace) -> tuple[list[str], dict[str, Any]]:
    """Source names (from the file names) and each source's linkage config, checked: two or more
    files, one suite for all or one per file, distinct names. Shared by every engine's ``link``."""
    if len(args.data) < 2:
        raise ConfigError("link needs at least two data files")
    if len(args.suite) not in (1, len(args.data)):
        raise ConfigError(
            f"give one --suite for all files or one per file ({len(args.data)} files, {len(args.suite)} suites)"
        )
    suites = args.suite * len(args.data) if len(args.suite) == 1 else args.suite
    names = [Path(p).name.split(".")[0] for p in args.data]
    if len(set(names)) != len(names):
        raise ConfigError(f"the data files need different names (sources are named after them): {', '.join(names)}")
    configs = {name: linkage_config(s, "link") for name, s in zip(names, suites)}
    return names, configs
