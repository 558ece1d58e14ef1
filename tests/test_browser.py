"""The HTML scorecard in a real browser: headless Chromium renders it, screenshots it, and logs no
JavaScript errors. Chromium comes from Debian's `chromium` package (.ci/run installs it).

Without Chromium these tests are skipped with the reason on a developer's machine, and fail in CI
(``CI=true``), where .ci/run installs it and a silent skip would hide a broken check."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from dataclean import validate
from dataclean.scorecard.render import to_html

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--window-size=1200,1600",
]


def render(page: Path, tmp_path: Path) -> tuple[Path, str]:
    if CHROMIUM is None:
        missing = "headless Chromium is not installed (`apt-get install chromium`; .ci/run installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{missing}: CI must run the browser test")
        pytest.skip(missing)
    shot = tmp_path / f"{page.stem}.png"
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return shot, proc.stderr


def js_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_scorecard_renders_without_js_errors(planted, tmp_path):
    card = validate(planted, Path(__file__).parent / "data" / "planted_suite.yml").scorecard
    page = tmp_path / "scorecard.html"
    page.write_text(to_html(card), encoding="utf-8")
    shot, log = render(page, tmp_path)
    assert js_errors(log) == []
    width, height = png_size(shot)
    assert (width, height) == (1200, 1600)
    assert shot.stat().st_size > 20_000  # a real page, not a blank canvas


def test_detector_sees_a_js_error(tmp_path):
    """The check above can fail: a page with a script error is caught."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>")
    _, log = render(page, tmp_path)
    assert js_errors(log), log[-2000:]


# ------------------------------------------------------------------------ quality over time, diff
PROBE = """<script>
const out = [...document.querySelectorAll('svg')].map(s => {
  const box = s.getBBox(), rect = s.getBoundingClientRect(), line = s.querySelector('path.line');
  return {cls: s.getAttribute('class'), width: rect.width, height: rect.height, drawn_width: box.width,
          drawn_height: box.height, markers: s.querySelectorAll('.mk, circle.after').length,
          line: line ? line.getTotalLength() : 0};
});
const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"""


def rendered_svgs(page: Path, tmp_path: Path) -> list[dict]:
    """Lay the page out in Chromium and measure every SVG (size on screen, drawn extent, markers,
    length of the score line) with a probe script added to a copy of the page."""
    import json
    import re

    probe = tmp_path / f"{page.stem}-probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile-probe'}", "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert js_errors(proc.stderr) == [], js_errors(proc.stderr)
    found = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, "the probe did not run: " + proc.stdout[-1000:]
    return json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


def test_trend_page_renders_its_charts_without_errors(scorecard_runs, tmp_path):
    from dataclean.scorecard.history import load_history

    page = tmp_path / "trend.html"
    page.write_text(load_history(scorecard_runs).to_html(), encoding="utf-8")
    shot, log = render(page, tmp_path)
    assert js_errors(log) == [] and "CONSOLE" not in log  # the page has no scripts: no console output at all
    assert png_size(shot) == (1200, 1600) and shot.stat().st_size > 20_000
    charts = [s for s in rendered_svgs(page, tmp_path) if s["cls"] == "trend"]
    assert len(charts) == 5  # overall + the four assessed dimensions
    for chart in charts:
        assert chart["width"] >= 300 and chart["height"] >= 150  # laid out at a readable size
        assert chart["drawn_width"] > 0.8 * chart["width"] and chart["drawn_height"] > 0.6 * chart["height"]
        assert chart["markers"] == 8  # one per run
        assert chart["line"] > 0.5 * chart["width"]  # the score line was drawn across the runs


def test_diff_page_renders_its_chart_without_errors(scorecard_runs, tmp_path):
    from dataclean.scorecard.render import diff, load_scorecard

    page = tmp_path / "diff.html"
    page.write_text(diff(load_scorecard(scorecard_runs[4]), load_scorecard(scorecard_runs[5])).to_html())
    shot, log = render(page, tmp_path)
    assert js_errors(log) == [] and "CONSOLE" not in log
    assert shot.stat().st_size > 20_000
    (chart,) = [s for s in rendered_svgs(page, tmp_path) if s["cls"] == "change"]
    assert chart["width"] >= 600 and chart["drawn_height"] > 200
    assert chart["markers"] == 5  # the new score of overall and the four assessed dimensions


def test_probe_notices_an_empty_chart(tmp_path):
    """The measurement can fail: an SVG with nothing drawn has no extent and no markers."""
    page = tmp_path / "empty.html"
    page.write_text('<!DOCTYPE html><html><body><svg class="trend" width="400" height="200"></svg></body></html>')
    (chart,) = rendered_svgs(page, tmp_path)
    assert chart["drawn_width"] == 0 and chart["markers"] == 0 and chart["line"] == 0
