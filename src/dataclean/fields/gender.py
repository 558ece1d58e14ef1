"""Person stated gender code (NHS Data Dictionary).

Codes: ``1`` male, ``2`` female, ``9`` indeterminate (unable to be classified), ``X`` not known
(not recorded). Free text is mapped to the code: ``M``, ``Male``, ``man``, ``boy`` -> ``1``;
``F``, ``Female``, ``woman``, ``girl`` -> ``2``; ``Indeterminate`` -> ``9``; ``Unknown``,
``Not known``, ``Not stated``, ``Prefer not to say`` -> ``X``. Older extracts use ``0`` for not
known: it becomes ``X`` with the note ``legacy_code``. ``X`` itself is valid with the note
``not_known`` (it is a code, but the completeness dimension may want to count it).

Reasons: ``missing``, ``invalid_type``, ``invalid_length``, ``placeholder`` (``N/A``, ``NULL``,
``TEST``, ``-``...), ``unknown_code`` (anything else, including ``Other`` and ``Non-binary``, which
are gender identities rather than person stated gender codes: they are reported, not guessed).

The codes, labels and synonyms are data: ``dataclean/refdata/gender.json`` (with their source and
licence); this module adds the notes and placeholders and takes its API from
:func:`dataclean._codes.field_api`.

>>> from dataclean.fields import gender
>>> gender.validate("Female")
'2'
>>> gender.LABELS[gender.validate("m")]
'Male'
"""

from __future__ import annotations

from dataclean import refdata
from dataclean._codes import CodeList, field_api, normalise_text, register
from dataclean._core import PLACEHOLDER_TOKENS

NAME = "gender"
DESCRIPTION = "NHS Data Dictionary person stated gender code: 1, 2, 9, X"
MAX_LENGTH = 64

_DATA = refdata.load(NAME)
LABELS = _DATA.table("codes").mapping("code", "label")
_SYNONYMS = _DATA.table("synonyms").mapping("text", "code")
_TABLE = CodeList(NAME, LABELS, _SYNONYMS).lookup()
_NOTES = {key: "not_known" for key, code in _TABLE.items() if code == "X"} | {"0": "legacy_code"}
#: Text that stands for "no data" (reason ``placeholder``) unless it is a spelling of a code.
PLACEHOLDERS = frozenset(normalise_text(t) for t in PLACEHOLDER_TOKENS) - _TABLE.keys()
CODES = register(
    CodeList(
        NAME,
        LABELS,
        _SYNONYMS,
        notes=_NOTES,
        max_length=MAX_LENGTH,
        extra_reasons=dict.fromkeys(PLACEHOLDERS, "placeholder"),
        messages={"placeholder": "The value stands for 'no gender recorded'."},
    )
)

_API = field_api(
    CODES,
    __name__,
    validate_doc="Return the code (``1``, ``2``, ``9`` or ``X``), or raise (``placeholder``, ``unknown_code``).",
    format_doc="The code's label (``Female``).",
    reason_doc="Reason code per row (notes ``not_known`` / ``legacy_code`` on valid rows).",
)
compact = _API.compact
validate = _API.validate
is_valid = _API.is_valid
format = _API.format
standardise_series = _API.standardise_series
is_valid_series = _API.is_valid_series
reason_series = _API.reason_series
