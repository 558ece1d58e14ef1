"""Every ```python block in docs/ and README.md runs (blocks of one page share a namespace, in order)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def _pages() -> list[Path]:
    pages = [*DOCS.rglob("*.md"), ROOT / "README.md"]
    return sorted(p for p in pages if BLOCK.search(p.read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_page_code_runs(page: Path, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATACLEAN_DOCS_TMP", str(tmp_path))
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    for i, code in enumerate(BLOCK.findall(page.read_text(encoding="utf-8"))):
        try:
            exec(compile(code, f"{page}:block{i + 1}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - reported with the page and block
            raise AssertionError(f"{page.relative_to(ROOT)} block {i + 1} failed: {exc!r}") from exc
    assert os.getcwd() == str(ROOT)
