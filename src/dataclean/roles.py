"""Column roles: the one vocabulary shared by suites, profiling and linkage.

A role says what a column holds (``nhs_number``, ``forename``, ``attribute``...). Each role has
the field kind that validates and standardises it (``dataclean.registry``; None for free text,
ids and dates that are not dates of birth), whether a suite's ``columns:`` may give it, whether a
``dedupe:``/``link:`` block may give it, whether that block may list several columns for it,
whether it identifies a person for linkage (it provides comparison features), and whether its
values are identifiers to mask when they serve as record ids.

>>> ROLES["forename"].kind, ROLES["address"].multi, ROLES["full_name"].suite
('person_name', True, False)
>>> "identifier" in LINKAGE_ROLES and "identifier" not in SUITE_ROLES
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Role:
    """One column role (see the module docstring)."""

    name: str
    kind: str | None = None
    suite: bool = True
    linkage: bool = True
    multi: bool = False
    identifying: bool = False
    identifier: bool = False


_S, _L = dict(linkage=False), dict(suite=False)  # suite-only, linkage-only
_TABLE: tuple[Role, ...] = (
    # linkage roles, in the order a linkage block lists them
    Role("nhs_number", "nhs_number", identifying=True, identifier=True),
    Role("nino", "nino", identifying=True, identifier=True),
    Role("identifier", None, **_L, multi=True, identifying=True, identifier=True),
    Role("forename", "person_name", identifying=True),
    Role("surname", "person_name", identifying=True),
    Role("full_name", None, **_L, identifying=True),
    Role("date_of_birth", "date_of_birth", identifying=True),
    Role("postcode", "postcode", identifying=True),
    Role("address", "address", multi=True, identifying=True),
    Role("street_number", None, **_L, identifying=True),
    Role("locality", None, **_L, identifying=True),
    Role("birth_place", None, **_L, identifying=True),
    Role("attribute", None, **_L, multi=True, identifying=True),
    Role("phone", "phone", identifying=True, identifier=True),
    Role("email", "email", identifying=True, identifier=True),
    Role("gender", "gender", identifying=True),
    Role("uprn", "uprn", identifying=True),
    Role("claim_id"),
    Role("property_id"),
    Role("last_updated"),
    Role("source", None, **_L),
    # suite-only roles
    Role("id", None, **_S),
    Role("person_name", "person_name", **_S),
    Role("ethnicity", "ethnicity", **_S),
    Role("date", None, **_S),
    Role("date_of_death", None, **_S),
    Role("age", None, **_S),
    Role("category", None, **_S),
    Role("text", None, **_S),
    Role("number", None, **_S),
)

#: Every role by name.
ROLES: Mapping[str, Role] = MappingProxyType({r.name: r for r in _TABLE})
#: Roles a suite's ``columns:`` may give, and the field kind of each (None: no standardiser).
SUITE_ROLES: Mapping[str, str | None] = MappingProxyType({r.name: r.kind for r in _TABLE if r.suite})
#: Roles a ``dedupe:``/``link:`` block may give.
LINKAGE_ROLES: tuple[str, ...] = tuple(r.name for r in _TABLE if r.linkage)
#: Linkage roles that may name a list of columns (several identifiers, address lines, attributes).
MULTI_ROLES: tuple[str, ...] = tuple(r.name for r in _TABLE if r.multi)
#: Linkage roles that identify a person (they give comparison features; profiling drafts them).
IDENTIFYING_ROLES: tuple[str, ...] = tuple(r.name for r in _TABLE if r.identifying)
#: Roles whose values are identifiers: masked when such a column is also the record id.
IDENTIFIER_ROLES: tuple[str, ...] = tuple(r.name for r in _TABLE if r.identifier)


def kind_of(role: str | None) -> str | None:
    """The field kind of ``role`` (None for a role without one, or an unknown role).

    >>> kind_of("surname"), kind_of("claim_id"), kind_of(None)
    ('person_name', None, None)
    """
    found = ROLES.get(role) if role else None
    return found.kind if found else None
