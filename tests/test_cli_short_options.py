"""``-o`` is the short form of ``--output`` on every subcommand that writes somewhere."""

from __future__ import annotations

import argparse

import yaml

from dataclean.cli import build_parser, main


def _subparsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _subparsers(sub, (*path, name))
    yield path, parser


def test_every_output_option_has_the_short_form():
    checked = []
    for path, parser in _subparsers(build_parser()):
        for action in parser._actions:
            if "--output" in action.option_strings:
                assert "-o" in action.option_strings, f"dataclean {' '.join(path)}: --output has no -o"
                checked.append(path)
    # validate, clean, dedupe, link, suite init/compile, scorecard diff, pseudonymise, history ...
    assert len(checked) >= 8


def test_suite_init_writes_the_draft_with_o(tmp_path, capsys):
    data = tmp_path / "clients.csv"
    data.write_text(
        "Client Ref,NHS No.,Forename,Surname,D.O.B,Postcode\n"
        "C001,999 123 4568,Olivia,Hughes,12/03/1984,SW1A 1AA\n"
        "C002,9990001236,Jack,Patel,01/11/1990,LS1 4AP\n"
        "C003,,Amelia,Jones,23/07/1975,M1 1AE\n",
        encoding="utf-8",
    )
    out = tmp_path / "clients.yml"
    assert main(["suite", "init", str(data), "-o", str(out)]) == 0
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert draft["name"] == "clients"
    assert {"NHS No.", "Postcode"} <= set(draft["columns"])
    assert "wrote draft suite" in capsys.readouterr().out
