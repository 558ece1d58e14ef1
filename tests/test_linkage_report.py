"""linkage_report.html: written by `dataclean dedupe`, offline, identifiers masked, and its charts
drawn in headless Chromium without a console error."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dataclean import linkage
from dataclean.cli import main
from dataclean.linkage import dedupe, report
from dataclean.synth import example_path
from test_browser import CHROMIUM
from test_browser import FLAGS as BROWSER_FLAGS

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "expectations" / "social_care_person.yml"
# the same Chromium and flags as the scorecard's browser test, plus time for vega to draw
FLAGS = [*BROWSER_FLAGS, "--virtual-time-budget=20000"]
VENDOR = re.compile(r'<script class="dataclean-vendor"[^>]*>.*?</script>', re.S)
#: the example suite's dedupe block (match 0.95, review 0.5)
CONFIG = yaml.safe_load(SUITE.read_text(encoding="utf-8"))["dedupe"]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """`dataclean dedupe` on the bundled example; the output folder."""
    out = tmp_path_factory.mktemp("dedupe")
    args = ["dedupe", str(example_path("example_people.csv")), "--suite", str(SUITE), "--output", str(out)]
    assert main(args) == 0
    return out


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return pd.read_csv(example_path("example_people.csv"), dtype=str)


def _page_text(path: Path) -> str:
    """The report without the inlined Vega libraries (dataclean's own markup and chart data)."""
    return VENDOR.sub("", path.read_text(encoding="utf-8"))


def test_cli_writes_the_report_with_every_section(written):
    page = written / report.REPORT_NAME
    assert page.exists()
    text = _page_text(page)
    for heading in ("What the model learned", "Match probabilities", "Review queue", "Cluster sizes", "Fraud views"):
        assert f"<h2>{heading}</h2>" in text
    review = pd.read_csv(written / "review.csv", dtype=str)
    assert len(review) >= 1  # the bundled extract has pairs to review
    # one waterfall per review pair (the first 10), each a splink waterfall spec
    assert text.count("<h3>Pair ") == min(len(review), report.DEFAULT_WATERFALLS)
    assert text.count("Match weights waterfall chart") == min(len(review), report.DEFAULT_WATERFALLS)
    # the thresholds are drawn on the probability chart
    assert "review from 0.50" in text and "match from 0.95" in text
    # the 414 records are counted in the headline figures
    assert "<b>414</b><span>records</span>" in text


def test_report_is_offline(written):
    html = (written / report.REPORT_NAME).read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html, re.I)
    # the Vega libraries are inlined exactly once
    assert len(re.findall(r'<script class="dataclean-vendor"', html)) == 3
    assert html.count("vegaEmbed(") >= 3


def _raw_values(people: pd.DataFrame, ids: set[str]) -> dict[str, list[str]]:
    rows = people[people["record_id"].isin(ids)]
    assert len(rows) == len(ids)
    out: dict[str, list[str]] = {}
    for col in ("nhs_number", "nino", "surname", "forename", "date_of_birth", "postcode", "phone", "email", "address"):
        out[col] = [v for v in rows[col].dropna() if v.strip() and v.upper() != "UNKNOWN"]
    return out


def test_no_raw_identifier_of_a_review_pair_reaches_the_page(written, people):
    review = pd.read_csv(written / "review.csv", dtype=str)
    ids = set(review["record_id_l"]) | set(review["record_id_r"])
    values = _raw_values(people, ids)
    assert values["nhs_number"] and values["surname"] and values["date_of_birth"]
    html = (written / report.REPORT_NAME).read_text(encoding="utf-8")
    own = _page_text(written / report.REPORT_NAME)
    for nhs in values["nhs_number"]:
        assert re.sub(r"\D", "", nhs) not in html
    for dob in values["date_of_birth"]:
        iso = pd.to_datetime(dob, format="%d/%m/%Y" if "/" in dob else "%Y-%m-%d", errors="coerce")
        assert dob not in html
        if not pd.isna(iso):
            assert iso.strftime("%Y-%m-%d") not in html
    for name in values["surname"] + values["forename"]:
        assert not re.search(rf"\b{re.escape(name)}\b", own, re.I), name
    for col in ("nino", "email", "phone", "address"):
        for value in values[col]:
            assert value.upper() not in own.upper(), col
    for pc in values["postcode"]:
        compact = re.sub(r"\s", "", pc).upper()
        assert compact not in re.sub(r"\s", "", own).upper()
    # the waterfalls do show the (masked) values
    assert "***" in own


def test_charts_and_notebook_view(people):
    result = dedupe(people, CONFIG)
    charts = result.charts
    assert {"match_weights", "m_u_parameters", "match_probability_distribution", "cluster_sizes"} <= set(charts)
    waterfalls = sorted(n for n in charts if n.startswith("waterfall_"))
    assert len(waterfalls) == min(len(result.review), report.DEFAULT_WATERFALLS) > 0
    # the waterfall's records hold masked values only
    first = result.review.iloc[0]
    raw = _raw_values(people, {first["record_id_l"], first["record_id_r"]})
    data = json.dumps(charts[waterfalls[0]].chart_dict)
    assert raw["nhs_number"] and all(v not in data for v in raw["nhs_number"])
    assert all(v.upper() not in data.upper() for v in raw["surname"])
    # the waterfall's final weight is the pair's weight from the run
    final = [r for r in charts[waterfalls[0]].chart_dict["data"]["values"] if r["column_name"] == "Final score"]
    assert final and abs(final[0]["log2_bayes_factor"] - float(first["match_weight"])) < 1e-6
    # the probability histogram counts every scored pair
    bars = charts["match_probability_distribution"].chart_dict["layer"][0]["data"]["values"]
    assert sum(b["pairs"] for b in bars) == len(result.pairs)
    sizes = charts["cluster_sizes"].chart_dict["data"]["values"]
    assert sum(s["records"] * s["persons"] for s in sizes) == len(people)
    shown = result._repr_html_()
    assert "dataclean-vendor" in shown and shown.count("vegaEmbed(") >= 3
    assert "pairs to review" in shown
    # the caller's frame is untouched by drawing
    assert people.equals(pd.read_csv(example_path("example_people.csv"), dtype=str))


def test_report_without_a_model_says_what_is_missing(people, tmp_path):
    tiny = dedupe(people.head(1), CONFIG)
    assert tiny.linker is None
    paths = tiny.write(tmp_path / "tiny")
    text = _page_text(paths["report"])
    assert "No match weights chart: this result holds no splink model" in text
    assert "the review queue is empty" in text
    assert set(tiny.charts) == {"match_probability_distribution", "cluster_sizes"}

    rules = dedupe(people, {**CONFIG, "training": "deterministic"})
    text = report.to_html(rules)
    assert "No match weights chart: deterministic training" in text
    assert "<h2>Cluster sizes</h2>" in text


def test_report_from_a_saved_model(people, tmp_path):
    first = dedupe(people, CONFIG)
    saved = first.write(tmp_path / "first")["model"]
    again = dedupe(people, CONFIG, model=saved)
    text = _page_text(again.write(tmp_path / "again")["report"])
    assert "parameters loaded from a saved model" in text
    assert "Partial match weights" in text  # splink's match weights chart from the loaded model


def test_identifier_record_ids_are_masked(people):
    """When the id column is the NHS number, record ids are identifiers too."""
    frame = people.dropna(subset=["nhs_number"])
    frame = frame.assign(nhs_number=frame["nhs_number"].str.replace(r"\s", "", regex=True))
    frame = frame.drop_duplicates("nhs_number")
    result = dedupe(frame, {**CONFIG, "id_column": "nhs_number"})
    assert len(result.review) > 0  # ids are shown in the review table and waterfall headings
    text = report.to_html(result)
    assert not any(nhs in text for nhs in frame["nhs_number"])
    first = result.review.iloc[0]["nhs_number_l"]
    assert first[:2] + "*" * 6 + first[-2:] in text  # shown masked


def test_link_report_explains_pairs_across_files(tmp_path):
    claims = pd.read_csv(example_path("example_housing_benefit.csv"), dtype=str)
    accounts = pd.read_csv(example_path("example_council_tax.csv"), dtype=str)
    claims_config = {
        "id_column": "claim_id",
        "thresholds": {"match": 0.95, "review": 0.5},
        "columns": {
            "nino": "claimant_nino",
            "forename": "forename",
            "surname": "surname",
            "date_of_birth": "date_of_birth",
            "postcode": "postcode",
            "address": "address",
            "uprn": "uprn",
            "claim_id": "claim_id",
        },
    }
    accounts_config = {
        "id_column": "account_id",
        "columns": {
            "forename": "forename",
            "surname": "surname",
            "date_of_birth": "date_of_birth",
            "postcode": "postcode",
            "address": "address",
            "uprn": "uprn",
        },
    }
    result = linkage.link_and_dedupe(
        {"housing_benefit": claims, "council_tax": accounts},
        claims_config,
        source_configs={"housing_benefit": claims_config, "council_tax": accounts_config},
    )
    assert len(result.review) > 0 and len(result.persons_in_multiple_claims) > 0
    text = _page_text(result.write(tmp_path)["report"])
    assert "<h3>Pair 1: " in text and "Persons in more than one claim" in text
    first = result.review.iloc[0]
    ids = [str(first[c]).split(":", 1)[1] for c in result.review.columns[:2]]
    rows = pd.concat([claims[claims["claim_id"].isin(ids)], accounts[accounts["account_id"].isin(ids)]])
    assert len(rows) == 2
    for col in ("surname", "date_of_birth", "postcode"):
        for value in rows[col].dropna():
            assert value.upper() not in text.upper(), col
    assert all(v not in text for v in rows["claimant_nino"].dropna())


# ------------------------------------------------------------------------------- in a browser
PROBE_HEAD = """<script>
window.__errors = [];
(function () {
  var original = console.error;
  console.error = function () {
    window.__errors.push(Array.prototype.map.call(arguments, String).join(' '));
    return original.apply(console, arguments);
  };
  window.addEventListener('error', function (e) { window.__errors.push('uncaught: ' + e.message); });
  window.addEventListener('unhandledrejection', function (e) { window.__errors.push('rejected: ' + e.reason); });
})();
</script>"""
PROBE_TAIL = """<script>
setTimeout(function () {
  var charts = Array.prototype.map.call(document.querySelectorAll('div.chart'), function (div) {
    var svg = div.querySelector('svg'), canvas = div.querySelector('canvas');
    var box = (svg || canvas || div).getBoundingClientRect();
    return {id: div.id, svg: !!svg, canvas: !!canvas, width: box.width, height: box.height,
            marks: svg ? svg.querySelectorAll('path, rect, line, text').length : 0,
            text: svg ? '' : div.textContent.slice(0, 300)};
  });
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify({errors: window.__errors, charts: charts});
  document.body.appendChild(pre);
}, 3000);
</script>"""


def _browser_probe(page: Path, tmp_path: Path) -> tuple[dict, str]:
    """Open a copy of ``page`` with a probe in headless Chromium; the probe records console errors,
    uncaught exceptions and rejected promises, and measures each chart's rendered SVG or canvas."""
    if CHROMIUM is None:
        missing = "headless Chromium is not installed (`apt-get install chromium`; .ci/run installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{missing}: CI must run the browser test")
        pytest.skip(missing)
    html = page.read_text(encoding="utf-8")
    probed = tmp_path / f"{page.stem}-probe.html"
    head, tail = html.rsplit("</body>", 1)  # the last one: vega-embed's source holds the word too
    probed.write_text(
        head.replace("<head>", "<head>" + PROBE_HEAD, 1) + PROBE_TAIL + "</body>" + tail, encoding="utf-8"
    )
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", probed.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, "the probe did not run: " + proc.stdout[-1000:]
    text = found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return json.loads(text), proc.stderr


def _console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]


@pytest.mark.browser
def test_report_renders_every_chart_in_chromium(written, tmp_path):
    probe, log = _browser_probe(written / report.REPORT_NAME, tmp_path)
    assert probe["errors"] == [] and _console_errors(log) == [], (probe["errors"], _console_errors(log))
    review = pd.read_csv(written / "review.csv", dtype=str)
    # match weights, m/u, probabilities, cluster sizes and one waterfall per review pair
    assert len(probe["charts"]) == 4 + min(len(review), report.DEFAULT_WATERFALLS)
    for chart in probe["charts"]:
        assert chart["svg"] or chart["canvas"], chart
        assert chart["width"] > 150 and chart["height"] > 100, chart
        assert chart["marks"] > 10, chart


@pytest.mark.browser
def test_browser_check_catches_a_chart_that_fails(written, tmp_path):
    """The check above can fail: a report whose chart spec is broken is caught."""
    html = (written / report.REPORT_NAME).read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    broken.write_text(html.replace('"mark": {"type": "bar", "color": "#54a24b"', '"mark": {"type": "nonsense"', 1))
    assert broken.read_text() != html
    probe, log = _browser_probe(broken, tmp_path)
    assert probe["errors"] or _console_errors(log)
    assert any(not (c["svg"] or c["canvas"]) or c["marks"] <= 10 for c in probe["charts"])
