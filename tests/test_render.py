from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from dataclean import validate
from dataclean.scorecard import Scorecard
from dataclean.scorecard.render import (
    diff,
    json_schema,
    load_scorecard,
    to_html,
    to_json,
    to_junit,
    to_markdown,
    to_text,
    write_scorecard,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture
def card(planted) -> Scorecard:
    return validate(planted, DATA / "planted_suite.yml").scorecard


def test_json_follows_published_schema(card):
    doc = json.loads(to_json(card))
    jsonschema.validate(doc, json_schema())
    assert doc["overall"]["passed"] is False
    assert doc["dimensions"]["accuracy"]["score"] is None
    e = next(x for x in doc["expectations"] if x["key"] == "g_valid_nhs_number__nhs_number")
    assert (e["column"], e["dimension"], e["element_count"], e["unexpected_count"]) == (
        "nhs_number",
        "validity",
        20,
        2,
    )


def test_json_round_trip(card, tmp_path):
    paths = write_scorecard(card, tmp_path, ("json",))
    back = load_scorecard(paths["json"])
    assert back.to_dict() == json.loads(to_json(card))


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href") and v:
                self.urls.append(v)

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_parses(card, planted):
    page = to_html(card)
    p = _Collector()
    p.feed(page)
    assert p.tags[0] == "html" and "svg" in p.tags and "table" in p.tags
    assert p.urls == []  # no external CSS, scripts, fonts or images
    assert "script" not in p.tags
    text = " ".join(p.text)
    assert "validity" in text and "not assessed" in text
    for raw in planted["nhs_number"].dropna():
        assert raw not in page  # masked


def test_notebook_repr_is_html(card):
    assert card._repr_html_().startswith("<style>")


def test_junit_validates_against_schema(card):
    xml = to_junit(card)
    schema = xmlschema.XMLSchema(DATA / "junit.xsd")
    schema.validate(xml)
    doc = schema.to_dict(xml)
    gate = next(s for s in doc["testsuite"] if s["@name"].endswith(".gate"))
    assert gate["@failures"] == 1
    validity = next(s for s in doc["testsuite"] if s["@name"].endswith(".validity"))
    assert validity["@failures"] == 1 and validity["@tests"] == 1


def test_markdown_and_text(card):
    md = to_markdown(card)
    assert "FAILED" in md and "| validity |" in md and "Why it failed" in md
    assert "not assessed" in to_text(card)


def test_diff_flags_regressions(planted):
    suite = DATA / "planted_suite.yml"
    good = planted.iloc[:16].copy()
    before = validate(good, suite).scorecard
    after = validate(planted, suite).scorecard
    d = diff(before, after)
    regressed = {c.what for c in d.regressions}
    assert "overall" in regressed and "dimension:validity" in regressed
    assert "regression" in d.to_markdown()
    assert not diff(before, before).regressions
