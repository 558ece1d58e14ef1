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

from dataclean.scorecard import validate
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
