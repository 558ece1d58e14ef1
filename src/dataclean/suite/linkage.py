"""Linkage configuration: the ``dedupe:`` / ``link:`` block of a suite file, checked on load.

```yaml
dedupe:
  id_column: record_id
  columns:            # role -> column in the data (roles below); all optional but id
    nhs_number: nhs_number
    forename: forename
    surname: surname
    date_of_birth: date_of_birth
    postcode: postcode
    attribute: [gender, birth_place]   # identifier, address and attribute may list several columns
  training: unsupervised        # unsupervised | deterministic | hybrid
  thresholds: {match: auto, review: 0.5}   # auto: chosen from the trained model
  blocking: ["l.surname_key = r.surname_key and l.dob = r.dob"]   # extra rules (SQL on prepared columns)
  survivorship: {default: most_frequent, address: most_recent}
  source_priority: [social_care, housing_benefit]
```
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from dataclean.exceptions import ConfigError
from dataclean.roles import LINKAGE_ROLES, MULTI_ROLES

#: roles a linkage block may give, and those that may name a list of columns (several
#: identifiers, address lines, attributes): one vocabulary with the suite's, in dataclean.roles
ROLES = LINKAGE_ROLES
#: how the model is trained
Training = Literal["unsupervised", "deterministic", "hybrid"]
#: how a merged record picks each value (survivorship)
SurvivorshipRule = Literal["most_frequent", "most_recent", "most_complete", "source_priority"]
TRAINING: tuple[str, ...] = get_args(Training)
RULES: tuple[str, ...] = get_args(SurvivorshipRule)
_KEYS = (
    "id_column",
    "columns",
    "training",
    "thresholds",
    "blocking",
    "survivorship",
    "source_priority",
    "max_pairs_for_u",
    "max_comparisons",
    "description",
)


@dataclass(frozen=True)
class LinkageConfig:
    id_column: str = "record_id"
    columns: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    training: Training = "unsupervised"
    #: None ("auto"): chosen from the trained model's scores (see ``api.choose_threshold``)
    match_threshold: float | None = None
    review_threshold: float = 0.5
    blocking: tuple[str, ...] = ()
    survivorship: Mapping[str, SurvivorshipRule] = field(default_factory=lambda: {"default": "most_frequent"})
    source_priority: tuple[str, ...] = ()
    max_pairs_for_u: int = 1_000_000
    #: prediction comparison budget (None: 10 per record, at least 2 million)
    max_comparisons: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, *, source: str | None = None) -> LinkageConfig:
        """Check a ``dedupe:``/``link:`` block and build the config; ConfigError lists every problem."""
        data = dict(data or {})
        problems: list[str] = []
        for k in data:
            if k not in _KEYS:
                problems.append(f"linkage: unknown key {k!r}.{_near(k, _KEYS)} Allowed: {', '.join(_KEYS)}")
        columns = _columns(data.get("columns") or {}, problems)
        id_column = data.get("id_column", "record_id")
        if not isinstance(id_column, str):
            problems.append("linkage.id_column: must be a column name")
        training = data.get("training", "unsupervised")
        if training not in TRAINING:
            problems.append(
                f"linkage.training: {training!r} is not one of {', '.join(TRAINING)}.{_near(training, TRAINING)}"
            )
        match, review = _thresholds(data.get("thresholds") or {}, problems)
        blocking = data.get("blocking") or []
        if not isinstance(blocking, list) or not all(isinstance(b, str) for b in blocking):
            problems.append("linkage.blocking: must be a list of SQL conditions such as 'l.dob = r.dob'")
            blocking = []
        surv = _survivorship(data.get("survivorship") or {"default": "most_frequent"}, problems)
        priority = data.get("source_priority") or []
        if not isinstance(priority, list):
            problems.append("linkage.source_priority: must be a list of source names")
            priority = []
        if problems:
            raise ConfigError(problems, source=source)
        return cls(
            id_column=id_column,
            columns=columns,
            training=training,
            match_threshold=None if match is None else float(match),
            review_threshold=float(review),
            blocking=tuple(blocking),
            survivorship=surv,
            source_priority=tuple(priority),
            max_pairs_for_u=int(data.get("max_pairs_for_u", 1_000_000)),
            max_comparisons=int(data["max_comparisons"]) if data.get("max_comparisons") else None,
        )

    @classmethod
    def infer(cls, columns: list[str], *, id_column: str | None = None) -> LinkageConfig:
        """A config whose roles are the columns named like them (``forename`` -> forename...)."""
        roles = {r: r for r in ROLES if r in columns and r != "source"}
        ident = id_column or next((c for c in ("record_id", "id", "person_id") if c in columns), None)
        if ident is None:
            raise ConfigError(f"no id column: pass a config with id_column (columns are {', '.join(columns)})")
        return cls(id_column=ident, columns=roles)

    def role_columns(self, role: str) -> tuple[str, ...]:
        """The column(s) a role names (empty when the role is not configured)."""
        col = self.columns.get(role)
        if col is None:
            return ()
        return tuple(col) if isinstance(col, tuple | list) else (col,)

    def all_columns(self) -> list[str]:
        """Every column the roles name, in role order."""
        return [c for role in self.columns for c in self.role_columns(role)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id_column": self.id_column,
            "columns": {r: list(c) if isinstance(c, tuple) else c for r, c in self.columns.items()},
            "training": self.training,
            "thresholds": {
                "match": "auto" if self.match_threshold is None else self.match_threshold,
                "review": self.review_threshold,
            },
            "blocking": list(self.blocking),
            "survivorship": dict(self.survivorship),
            "source_priority": list(self.source_priority),
            "max_pairs_for_u": self.max_pairs_for_u,
            "max_comparisons": self.max_comparisons,
        }


def _near(word: str, options: tuple[str, ...] | list[str]) -> str:
    prefixed = [o for o in options if o.startswith(str(word)) or str(word).startswith(o)]
    close = prefixed[:1] or difflib.get_close_matches(str(word), list(options), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _columns(columns: Any, problems: list[str]) -> dict[str, str | tuple[str, ...]]:
    """The ``columns:`` mapping, role -> column (or a tuple of columns for a list role)."""
    if not isinstance(columns, Mapping):
        problems.append("linkage.columns: must be a mapping of role -> column name")
        return {}
    clean: dict[str, str | tuple[str, ...]] = {}
    for role, col in columns.items():
        if role not in ROLES:
            problems.append(f"linkage.columns.{role}: unknown role.{_near(role, ROLES)} Roles: {', '.join(ROLES)}")
        if role in MULTI_ROLES and isinstance(col, list | tuple):
            if not col or not all(isinstance(c, str) for c in col):
                problems.append(f"linkage.columns.{role}: must list column names, not {col!r}")
            clean[role] = tuple(col) if len(col) != 1 else col[0]
        elif not isinstance(col, str):
            many = " (or a list of them)" if role in MULTI_ROLES else ""
            problems.append(f"linkage.columns.{role}: must name a column (a string){many}, not {col!r}")
        else:
            clean[role] = col
    return clean


def _thresholds(th: Mapping[str, Any], problems: list[str]) -> tuple[Any, Any]:
    """(match, review) thresholds; match None for ``auto``."""
    match, review = th.get("match", "auto"), th.get("review", 0.5)
    if match in ("auto", None):
        match = None
    for name, value in (("match", match), ("review", review)):
        if name == "match" and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
            problems.append(f"linkage.thresholds.{name}: must be a probability between 0 and 1, not {value!r}")
    for k in th:
        if k not in ("match", "review"):
            problems.append(f"linkage.thresholds: unknown key {k!r} (use match and review)")
    if not problems and match is not None and review >= match:
        problems.append("linkage.thresholds: review must be below match")
    return match, review


def _survivorship(surv: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    out = dict(surv)
    for k, v in out.items():
        if v not in RULES:
            problems.append(f"linkage.survivorship.{k}: {v!r} is not one of {', '.join(RULES)}.{_near(v, RULES)}")
    out.setdefault("default", "most_frequent")
    return out
