"""Read a saved ``scorecard.json`` back into a :class:`~dataclean.scorecard.model.Scorecard`.

Writing is :func:`dataclean.scorecard.render.write_scorecard` (it needs the renderers).
"""

from __future__ import annotations

import json
from pathlib import Path

from dataclean.exceptions import ConfigError
from dataclean.scorecard.model import Scorecard


def load_scorecard(path: str | Path) -> Scorecard:
    """Read a ``scorecard.json`` written by :func:`dataclean.scorecard.render.to_json`."""

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Scorecard.from_dict(data)
    except FileNotFoundError as exc:
        raise ConfigError("scorecard file not found", source=str(path)) from exc
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"not a dataclean scorecard.json ({exc.__class__.__name__}: {exc})", source=str(path)
        ) from exc
