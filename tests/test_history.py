"""Quality over time (`scorecard history`) and the HTML form of `scorecard diff`."""

from __future__ import annotations

import json
import re
import shutil
from xml.etree import ElementTree as ET

import pytest

from dataclean.cli import main
from dataclean.exceptions import ConfigError
from dataclean.scorecard.history import OVERALL, history_from_scorecards, load_history
from dataclean.scorecard.render import diff, diff_to_html, load_scorecard

SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def test_runs_are_ordered_by_time_and_dips_are_found(scorecard_runs):
    # given newest first and as a folder plus a file, the history is still oldest first, once each
    h = load_history([scorecard_runs[-1], *reversed(scorecard_runs[:-1])])
    assert [c.dataset for c in h.runs] == [f"people_2025-{i:02d}.csv" for i in range(1, 9)]
    assert h.labels()[0] == "2025-01-28"
    validity = h.series("validity")
    assert [p.score is not None for p in validity] == [True] * 8
    # runs 3 and 6 (index 2, 5) planted bad check digits: validity fell; 6 is below the 95 % threshold
    assert [p.regression for p in validity] == [False, False, True, False, False, True, False, False]
    assert [p.breach for p in validity] == [False, False, False, False, False, True, False, False]
    assert validity[5].score == pytest.approx(17 / 19, abs=1e-6)  # 2 bad of 19 non-null
    assert validity[5].delta == pytest.approx(17 / 19 - 1, abs=1e-6)  # JSON scores are rounded to 6 places
    timeliness = h.series("timeliness")
    assert [round(p.score, 2) for p in timeliness] == [1, 0.95, 0.95, 1, 1, 0.85, 1, 1]  # stale rows planted
    assert (5, "timeliness", pytest.approx(0.85)) in h.breaches
    assert all(p.score is None for p in h.series("accuracy"))
    overall = h.series(OVERALL)
    assert overall[5].regression and not overall[5].breach  # 93.3 % is above the 90 % threshold
    assert {(run, what) for run, what, _ in h.regressions} >= {(5, OVERALL), (5, "validity"), (2, "validity")}


def test_a_folder_is_searched_and_other_json_is_skipped(scorecard_runs, tmp_path):
    root = tmp_path / "artefacts"
    shutil.copytree(scorecard_runs[0].parents[1], root)
    (root / "run-01" / "package.json").write_text('{"name": "not a scorecard"}', encoding="utf-8")
    h = load_history([root])
    assert len(h.runs) == 8
    with pytest.raises(ConfigError, match="not a dataclean scorecard"):
        load_history([root / "run-01" / "package.json"])
    with pytest.raises(ConfigError, match="no such scorecard file"):
        load_history([tmp_path / "missing"])
    with pytest.raises(ConfigError, match="no scorecard JSON found"):
        (tmp_path / "empty").mkdir()
        load_history([tmp_path / "empty"])


def test_mixed_suites_need_a_choice(scorecard_runs, tmp_path):
    other = json.loads(scorecard_runs[0].read_text(encoding="utf-8"))
    other["suite"] = "housing"
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"2 suites \(housing, planted\); choose one with --suite"):
        load_history([*scorecard_runs, tmp_path / "other.json"])
    assert len(load_history([*scorecard_runs, tmp_path / "other.json"], suite="planted").runs) == 8
    assert len(load_history([*scorecard_runs, tmp_path / "other.json"], suite="housing").runs) == 1


def test_trend_page_is_self_contained_with_one_chart_per_assessed_series(scorecard_runs):
    h = load_history(scorecard_runs)
    page = h.to_html()
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    charts = SVG.findall(page)
    trends = [c for c in charts if 'class="trend"' in c]
    assert len(trends) == 1 + 4  # overall + completeness, uniqueness, timeliness, validity
    assert page.count("not assessed in any run") == 2  # consistency, accuracy
    for svg in charts:
        ET.fromstring(svg)  # well-formed SVG
    overall = trends[0]
    assert overall.count('class="mk') == 8  # a marker per run
    validity = next(c for c in trends if 'aria-label="validity score' in c)
    assert validity.count('class="mk reg"') == 2
    assert "below threshold, regression" in validity  # run 6's tooltip
    assert 'stroke-dasharray="5 4"' in validity  # threshold line
    assert "89.5%" in page and "&#9660;10.5" in page  # the runs table marks the fall


def test_history_from_scorecards_in_memory(scorecard_runs):
    cards = [load_scorecard(p) for p in scorecard_runs[:2]]
    h = history_from_scorecards(cards, tolerance=0.1)
    assert h.regressions == ()  # a 5-point timeliness fall is within a 10-point tolerance
    assert "2 runs of suite 'planted'" in h.summary()


def test_diff_html_marks_regressions_in_the_scorecard_style(scorecard_runs):
    before, after = load_scorecard(scorecard_runs[4]), load_scorecard(scorecard_runs[5])
    d = diff(before, after)
    page = diff_to_html(d)
    assert page == d.to_html()
    assert "<script" not in page and "https://" not in page
    assert 'class="dc-card"' in page  # the scorecard's stylesheet
    (chart,) = SVG.findall(page)
    ET.fromstring(chart)
    assert chart.count('class="after"') == 5 and chart.count('class="before"') == 5  # 5 assessed + overall
    assert "100.0% \u2192 89.5% (-10.5 pts) \u25bc regression" in chart
    assert page.count('<tr class="regression">') == len(d.regressions) == 7
    assert "critical expectation" in page  # why the new run failed
    same = diff_to_html(diff(before, before))
    assert "no regressions" in same and "no score changed" in same


def test_cli_history_and_diff_html(scorecard_runs, tmp_path, capsys):
    out = tmp_path / "site" / "trend.html"
    assert main(["scorecard", "history", str(scorecard_runs[0].parents[1]), "--output", str(out)]) == 0
    text = capsys.readouterr().out
    assert "8 runs of suite 'planted'" in text and f"wrote {out}" in text
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    page = tmp_path / "diff.html"
    code = main(["scorecard", "diff", str(scorecard_runs[4]), str(scorecard_runs[5]), "--format", "html",
                 "--output", str(page)])
    assert code == 1  # regressions
    assert "7 regression(s)" in capsys.readouterr().out
    assert "Scorecard change" in page.read_text(encoding="utf-8")
    assert main(["scorecard", "history", str(tmp_path / "nowhere"), "--output", str(out)]) == 2
    assert "no such scorecard file or folder" in capsys.readouterr().err
