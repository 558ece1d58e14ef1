"""Person names (a forename or surname column): clean case and spacing, split titles, flag
placeholders, and derive matching keys.

* Unicode composed (NFC), whitespace collapsed, curly apostrophes and backticks become ``'``,
  hyphens keep no spaces, dots after initials dropped (``J. Smith`` -> ``J Smith``).
* Case: each word capitalised (``mary-jane`` -> ``Mary-Jane``, ``O'BRIEN`` -> ``O'Brien``,
  ``d'arcy`` -> ``D'Arcy``); ``Mc`` always takes a capital after it (``McDonald``); ``Mac`` only
  for the short list :data:`MAC_NAMES` of established Scottish and Irish names (``MacDonald``,
  ``MacLeod``, ``MacKenzie``, ``MacGregor``...), so ``Machin``, ``Mack``, ``Macey``, ``Mace``,
  ``Mackie`` and ``Mackay`` stay as they are. Particles (``de``, ``van``, ``von``, ``da``, ``di``,
  ``le``, ``la``, ``du``, ``del``, ``der``, ``den``, ``ter``, ``dos``, ``das``) are lower case
  between two names (``Vincent van Gogh``) but capitalised first or last (``De la Cruz``, ``Kim
  Le``); families vary, so exact-match users should compare case-insensitively.
* Titles (``Mr``, ``Mrs``, ``Ms``, ``Miss``, ``Mx``, ``Dr``, ``Rev``, ``Revd``, ``Prof``, ``Sir``,
  ``Dame``, ``Lady``, ``Lord``, ``Master``, with or without a dot, several in a row) are split off
  when a name follows: the canonical value has no title; :func:`split_title` and
  :func:`split_title_series` return both parts.
* Placeholders are invalid with reason ``placeholder``: the shared tokens (``UNKNOWN``, ``NOT
  KNOWN``, ``N/A``, ``TEST``, ``XXX``, ``ZZZ``...), ``BABY``, ``BABY OF <mother>`` (the NHS newborn
  convention), ``BABY 1``, ``BABY BOY``, ``TWIN 1``, ``INFANT``, a courtesy title alone (``Mrs``)
  and single letters. Digits or other symbols (including a comma: ``SMITH, John`` is not
  reordered) give ``invalid_format``.

Matching keys (used by linkage): :func:`phonetic_keys_series` (Soundex, Metaphone and NYSIIS from
jellyfish), :func:`nickname_canonical_series` (Bob, Rob, Robert -> ``Robert``, from the
``nicknames`` package) and :func:`initial_series`. All per-value work runs once per distinct name.

>>> from dataclean.fields import person_name
>>> person_name.validate("  mary-jane  o'BRIEN ")
"Mary-Jane O'Brien"
>>> person_name.validate("MR. JOHN MCDONALD")
'John McDonald'
>>> person_name.is_valid("Baby of Smith")
False
"""

from __future__ import annotations

import functools
import re
import unicodedata
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from dataclean._core import (
    PLACEHOLDER_TOKENS,
    STRING,
    WHITESPACE,
    FieldColumns,
    StandardiseResult,
    factorize_text,
    make_is_valid,
    result_from_scalar,
    scalar_text,
    to_text,
)
from dataclean.exceptions import InvalidFormat, PlaceholderValue, ValidationError


class Reason(StrEnum):
    """Why a row failed: the ``reason`` column of :func:`standardise_series` and the ``reason`` of
    the :class:`~dataclean.exceptions.ValidationError` that :func:`validate` raises."""

    MISSING = "missing"
    INVALID_TYPE = "invalid_type"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    PLACEHOLDER = "placeholder"


class Note(StrEnum):
    """Notes on valid rows (the ``note`` column): this kind has none."""


NAME = "person_name"
DESCRIPTION = "Person name: case and spacing cleaned, titles split off, placeholders flagged"
MAX_LENGTH = 128

TITLES = frozenset(
    {"MR", "MRS", "MS", "MISS", "MX", "DR", "REV", "REVD", "PROF", "SIR", "DAME", "LADY", "LORD", "MASTER"}
)
PARTICLES = frozenset({"de", "van", "von", "da", "di", "le", "la", "du", "del", "der", "den", "ter", "dos", "das"})
MAC_NAMES = frozenset(
    {
        "macdonald",
        "macleod",
        "mackenzie",
        "macgregor",
        "macintyre",
        "macmillan",
        "maclean",
        "macpherson",
        "macarthur",
        "macaulay",
        "macneil",
        "macrae",
        "macdougall",
        "macfarlane",
        "mackinnon",
        "maclennan",
        "macdonnell",
        "macbride",
        "maccarthy",
        "maccallum",
        "macinnes",
        "maclachlan",
        "macalister",
    }
)
#: Titles that are never a name on their own (``Lord``, ``Lady``, ``Dame`` and ``Sir`` alone are
#: kept: Lord and Dame are surnames).
BARE_TITLE_PLACEHOLDERS = TITLES - {"LORD", "LADY", "DAME", "SIR"}
NAME_PLACEHOLDERS = frozenset(
    PLACEHOLDER_TOKENS
    | {"BABY", "INFANT", "NEWBORN", "UNNAMED", "NONAME", "NO NAME", "FORENAME", "SURNAME", "NAME", "PATIENT", "CLIENT"}
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
_ALLOWED = re.compile(r"^[^\W\d_]+(?:['\- ][^\W\d_]+)*'?$")
_BABY = re.compile(r"^(?:BABY|TWIN|TRIPLET|INFANT|NEWBORN)(?: OF\b.*| ?[0-9IVX]+| [AB]| BOY| GIRL)?$")
_SPACES = re.compile(f"[{re.escape(WHITESPACE)}]+")


def compact(value: Any) -> str:
    """Trim, collapse internal whitespace, normalise apostrophes and hyphen spacing; no checks."""
    text = unicodedata.normalize("NFC", scalar_text(value, max_length=MAX_LENGTH)).translate(_APOSTROPHES)
    text = _SPACES.sub(" ", text).strip()
    return re.sub(r" ?- ?", "-", text)


def _split_title(text: str) -> tuple[str | None, str]:
    """(titles, rest) of compacted text: leading titles (``Prof Sir``) while a name word follows."""
    parts = text.split(" ")
    titles = []
    while len(parts) > 1 and parts[0].rstrip(".").upper() in TITLES:
        titles.append(parts.pop(0).rstrip(".").capitalize())
    return (" ".join(titles) or None), " ".join(parts)


def _case_word(word: str, first: bool, last: bool = False) -> str:
    low = word.lower()
    if not first and not last and low in PARTICLES:  # "Kim Le": a particle precedes a name
        return low
    if "'" in low:  # O'Brien, D'Arcy, but "Jones'" stays
        head, _, tail = low.partition("'")
        return _case_word(head, first) + "'" + (tail[:1].upper() + tail[1:] if tail else "")
    if low.startswith("mc") and len(low) > 2:
        return "Mc" + low[2].upper() + low[3:]
    if low in MAC_NAMES:
        return "Mac" + low[3].upper() + low[4:]
    return low[:1].upper() + low[1:]


def _case(name: str) -> str:
    words = name.split(" ")
    out = []
    for i, word in enumerate(words):
        parts = word.split("-")
        out.append(
            "-".join(
                _case_word(part, i == 0 and j == 0, i == len(words) - 1 and j == len(parts) - 1)
                for j, part in enumerate(parts)
            )
        )
    return " ".join(out)


@functools.lru_cache(maxsize=65536)
def _standardise_text(text: str) -> str:
    """The canonical name of compacted text, or raise. Cached: names repeat across columns."""
    _, name = _split_title(text)
    upper = name.upper()
    bare = upper.rstrip(".")
    if upper in NAME_PLACEHOLDERS or bare in NAME_PLACEHOLDERS or bare in BARE_TITLE_PLACEHOLDERS or _BABY.match(upper):
        raise PlaceholderValue("The value stands for a missing name.")
    # dots after initials and abbreviations (J. Smith, St. John) are dropped
    name = " ".join(re.sub(r"(?<=[^\W\d_])\.", " ", name).split())
    if len(name.replace("'", "").replace("-", "").replace(" ", "")) == 1:
        raise PlaceholderValue("A single letter is not a name.")
    if not _ALLOWED.match(name):
        raise InvalidFormat("A name has letters, spaces, hyphens and apostrophes only.")
    return _case(name)


def validate(value: Any) -> str:
    """Return the cleaned name without a title, or raise (``placeholder``, ``invalid_format``)."""
    return _standardise_text(compact(value))


is_valid = make_is_valid(validate)


def format(value: Any) -> str:
    """The display form, which is the canonical form."""
    return validate(value)


def standardise_series(values: pd.Series) -> StandardiseResult:
    """Cleaned names, status and reason per row (the casing rules run once per distinct name)."""
    return result_from_scalar(values, validate, max_length=MAX_LENGTH)


_COLUMNS = FieldColumns(standardise_series)


def is_valid_series(values: pd.Series) -> pd.Series:
    """Boolean mask of valid names, aligned to ``values``."""
    return _COLUMNS.is_valid_series(values)


def reason_series(values: pd.Series) -> pd.Series:
    """Failure reason per row, a :class:`Reason` code (``<NA>`` on valid rows; notes are in
    :func:`note_series`)."""
    return _COLUMNS.reason_series(values)


def note_series(values: pd.Series) -> pd.Series:
    """Note per valid row, a :class:`Note` code (``<NA>`` elsewhere)."""
    return _COLUMNS.note_series(values)


def split_title(value: Any) -> tuple[str | None, str]:
    """``(title, name)``: the leading title(s) (``Mr``, ``Prof Sir``... or None) and the cleaned name.

    Raises like :func:`validate` when the name is not valid.
    """
    text = compact(value)
    title, _ = _split_title(text)
    return title, _standardise_text(text)


def split_title_series(values: pd.Series) -> pd.DataFrame:
    """``title`` (``Mr``, ``Dr``... or <NA>) and ``name`` (the cleaned name, as :func:`validate`)
    per row; both <NA> where the name is not valid. Once per distinct value."""
    col = to_text(values, max_length=MAX_LENGTH)
    codes, uniques = factorize_text(col.text)
    table = np.full((len(uniques) + 1, 2), None, dtype=object)  # last row answers NA
    for i, text in enumerate(uniques):
        try:
            table[i] = split_title(text)
        except ValidationError:
            continue
    rows = table[np.where(codes < 0, len(uniques), codes)]
    return pd.DataFrame(
        {
            "title": pd.Series(rows[:, 0], index=values.index, dtype=STRING),
            "name": pd.Series(rows[:, 1], index=values.index, dtype=STRING),
        },
        index=values.index,
    )


def _per_distinct(values: pd.Series, func: Any, columns: tuple[str, ...]) -> pd.DataFrame:
    """Apply ``func`` (canonical name -> tuple) once per distinct valid name."""
    canonical = standardise_series(values).value
    codes, uniques = factorize_text(canonical)
    rows = [func(u) for u in uniques] + [tuple(None for _ in columns)]
    table = pd.DataFrame(rows, columns=list(columns), dtype=object)
    out = table.iloc[np.where(codes < 0, len(uniques), codes)].set_axis(values.index, axis=0)
    return out.astype(STRING)


def phonetic_keys_series(values: pd.Series) -> pd.DataFrame:
    """Soundex, Metaphone and NYSIIS keys of each cleaned name (``<NA>`` where not valid)."""
    import jellyfish

    def keys(name: str) -> tuple[str | None, str | None, str | None]:
        # accents folded (Renée -> RENEE) so they do not drop letters from the key
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        letters = re.sub(r"[^A-Za-z]", "", folded).upper()
        if not letters:
            return None, None, None
        return jellyfish.soundex(letters), jellyfish.metaphone(letters), jellyfish.nysiis(letters)

    return _per_distinct(values, keys, ("soundex", "metaphone", "nysiis"))


@functools.lru_cache(maxsize=1)
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


#: Names kept as they are although the ``nicknames`` table lists them under another name too.
KEEP_AS_CANONICAL = frozenset(
    {
        "mary",
        "john",
        "william",
        "james",
        "thomas",
        "elizabeth",
        "margaret",
        "robert",
        "richard",
        "charles",
        "edward",
        "henry",
        "george",
        "catherine",
        "katherine",
        "anne",
        "ann",
        "jane",
        "sarah",
        "susan",
        "david",
        "michael",
        "peter",
        "paul",
        "helen",
        "anthony",
        "andrew",
        "alexander",
        "christopher",
        "nicholas",
        "stephen",
        "daniel",
        "joseph",
        "matthew",
        "rebecca",
        "victoria",
        "samuel",
        "patricia",
        "deborah",
    }
)
#: Corrections where the table's best-connected canonical name is not the usual British one.
PREFERRED = {"bill": "william", "billy": "william", "will": "william", "willy": "william", "harry": "henry"}


def nickname_canonical(name: str) -> str:
    """The canonical form of a forename for matching (``Bob``, ``Rob``, ``Bobby`` -> ``Robert``).

    Rule (deterministic), on the first word (first part of a hyphenated name), lower-cased:

    1. a name in :data:`KEEP_AS_CANONICAL` (common British full names) stays;
    2. :data:`PREFERRED` corrections apply (``Bill`` -> ``William``, ``Harry`` -> ``Henry``);
    3. if the ``nicknames`` table lists the name under names in :data:`KEEP_AS_CANONICAL`, the
       alphabetically first of those (``Tom`` -> ``Thomas``, ``Polly`` -> ``Mary``);
    4. else the canonical name it is listed under that has the most nicknames itself, if that has
       at least twice as many nicknames as the name in hand;
    5. else the name itself.

    The result is capitalised (``Robert``). The table's literal "canonical" lists are not used
    alone because they are symmetric and noisy (``Bob`` is listed as canonical for ``Bobby``, and
    ``Rob``'s alphabetically first canonical name is ``bob``).
    """
    nn = _nicknamer()
    low = name.split(" ")[0].split("-")[0].lower()
    if low in KEEP_AS_CANONICAL:
        return low.capitalize()
    if low in PREFERRED:
        return PREFERRED[low].capitalize()
    preferred = sorted(c for c in nn.canonicals_of(low) if c in KEEP_AS_CANONICAL)
    if preferred:  # Tom -> Thomas, Polly -> Mary, Tony -> Anthony
        return preferred[0].capitalize()
    own = len(nn.nicknames_of(low))
    candidates = sorted(nn.canonicals_of(low), key=lambda c: (-len(nn.nicknames_of(c)), c))
    if candidates and len(nn.nicknames_of(candidates[0])) >= max(2 * own, 1):
        return candidates[0].capitalize()
    return low.capitalize()


def nickname_canonical_series(values: pd.Series) -> pd.Series:
    """Column version of :func:`nickname_canonical` on cleaned names (``<NA>`` where not valid)."""
    return _per_distinct(values, lambda n: (nickname_canonical(n),), ("nickname",))["nickname"]


def initial_series(values: pd.Series) -> pd.Series:
    """The first letter of each cleaned name, upper case."""
    return standardise_series(values).value.str.slice(0, 1).str.upper()
