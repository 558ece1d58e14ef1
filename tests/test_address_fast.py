"""The address column path (comma shape as DFA matches over the distinct texts, the postcode read
from the string bytes) gives the Python parser's answers: canonical line, status, reason and note.

The reference is the scalar parser (:func:`address.validate`, :func:`address.note`), run once per
distinct value; the data are the benchmarks' realistic and messy profiles, ``dataclean.synth``,
Faker and hypothesis-built addresses (odd spacing, commas, case, flats, named buildings, missing
and odd postcodes, PO boxes, placeholders).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _agreement import bench_module, faker_rows
from dataclean.fields import address
from dataclean.fields import postcode as postcode_field
from dataclean.fields._address_fast import (
    drop_tail_bytes,
    insert_bytes,
    keep_tail_bytes,
    lines_as_commas,
    nth_space,
    title_upper_bytes,
    trailing_postcodes,
)


def _expected(text: object) -> tuple[object, object, object]:
    """(canonical, reason, note) from the scalar parser."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None, "missing", None
    try:
        line = address.validate(text)
    except address.ValidationError as err:
        return None, err.reason, None
    return line, None, address.note(line)


def _comma_lines(text: pa.Array) -> tuple[np.ndarray, pa.ChunkedArray, np.ndarray]:
    """(decided, lines, no_postcode) of the comma fast path alone: a line at each decided row,
    null at the others (their lines come from the other paths)."""
    decided, pieces, no_postcode = address._comma_canonical(text)
    undecided = pa.nulls(int((~decided).sum()), pa.string())
    return decided, address._assembled(pieces, decided, undecided), no_postcode


def _row_lines(upper: pa.Array) -> tuple[np.ndarray, list, np.ndarray]:
    """``_comma_lines`` with its lines as a list: a line at each decided row, null
    at the others."""
    decided, lines, no_postcode = _comma_lines(upper)
    at_rows = lines.to_pylist()
    assert [line is not None for line in at_rows] == decided.tolist()
    return decided, at_rows, no_postcode


def _assert_column_agrees(texts: list, dtype: object = "string[pyarrow]") -> None:
    values = pd.Series(texts, dtype=dtype)
    r = address.standardise_series(values)
    expected = {t: _expected(t) for t in dict.fromkeys(texts)}
    for text, value, reason, note in zip(texts, r.value, r.reason, r.note):
        got = tuple(None if pd.isna(x) else x for x in (value, reason, note))
        assert got == expected[text], text


def test_realistic_profile_agrees_with_the_parser():
    texts = bench_module("realistic_data").realistic_people(50_000, seed=3)["address"].tolist()
    _assert_column_agrees(texts)


def test_messy_profile_agrees_with_the_parser():
    texts = bench_module("_data").messy_extract(20_000, seed=4)["address"].tolist()
    _assert_column_agrees(texts)
    _assert_column_agrees(texts[:3000], dtype=object)


def test_synth_agrees_with_the_parser():
    from dataclean import synth

    texts = synth.records(5000, seed=9)["address"].tolist() + synth.example_people()["address"].tolist()
    _assert_column_agrees(texts, dtype="string[python]")


def test_comma_shape_decides_most_realistic_texts_and_agrees():
    texts = bench_module("realistic_data").realistic_people(8000, seed=5)["address"].dropna().unique().tolist()
    upper = pa.array([t.upper() for t in texts], type=pa.string())
    decided, canonical, no_postcode = _row_lines(upper)
    assert decided.mean() > 0.8  # the fast path is not vacuous
    for text, done, line, nopc in zip(texts, decided, canonical, no_postcode):
        if done:
            assert line == address.validate(text), text
            assert nopc == (address.note(line) == "no_postcode"), text


def _faker_raw(n: int, seed: int) -> list[str]:
    """Faker en_GB ``address()`` as it comes (half start with ``Flat 12``/``Studio 3`` and an
    unnumbered street), and the same with commas, in upper case, and on one line without commas."""

    def render(fake: object, i: int) -> str:
        text = fake.address()
        if i % 4:
            text = text.replace("\n", ", ")
        return {2: text.upper(), 3: text.replace(",", "")}.get(i % 4, text)

    return faker_rows(n, seed, render)


def test_faker_addresses_as_they_come_take_the_fast_path_and_agree():
    texts = _faker_raw(6000, seed=12)
    upper = pa.array([t.upper() for t in texts], type=pa.string())
    decided, canonical, _ = _row_lines(upper)
    # sub-building then named parts (``Flat 0\nFrancesca Plains\nTown\nSR08 7UX``): not the parser
    with_sub = np.array([t.upper().startswith(("FLAT ", "STUDIO ")) for t in texts])
    assert decided[with_sub].mean() > 0.8
    assert decided.mean() > 0.85
    for text, done, line in zip(texts, decided, canonical):
        if done:
            assert line == address.validate(text), text
    _assert_column_agrees(texts)


# --- hypothesis: built addresses in the comma shape and around it ---------------------------------

_WORDS = [
    "High", "Mill", "Joel", "Rose", "O'Brien", "McDonald", "Mca", "Smith-Jones", "Clacton-on-Sea", "Green",
    "Lane", "Road", "Rd", "St", "Street", "Ave", "Court", "Ct", "Park", "Flat", "Unit", "the", "of", "Upon",
    "Essex", "Kent", "Hill", "Gardens", "Gdns", "Close", "Cl", "Hse", "Flt", "Ground", "Floor", "Box", "PO",
    "Unknown", "NFA", "Saint", "Marys", "Crescent", "Way", "Walk", "Row", "Terr", "Newton-le-Willows",
    "Tyne", "and", "Wear", "West", "Sussex", "Berkshire", "Durham", "Studio", "Highway", "Farm", "A", "Mid",
    "North", "County",
]  # fmt: skip
_word = st.sampled_from(_WORDS)
_part = st.lists(_word, min_size=1, max_size=4).map(" ".join)
_number = st.builds(lambda n, letter: f"{n}{letter}", st.integers(1, 99999), st.sampled_from(["", "A", "b", "-2"]))
_sub = st.builds(
    lambda word, ident: f"{word} {ident}",
    st.sampled_from(["Flat", "FLAT", "Unit", "Apartment", "Studio", "Flt"]),
    st.sampled_from(["3", "12A", "B", "B12", "0", "123456"]),
)
_postcode = st.sampled_from(
    ["CM1 1QH", "cm11qh", "EC1A 1BB", "M1 1AA", "ZZ99 3VZ", "GX11 1AA", "QQ1 1AA", "CM1 1OH", "W1A 0AX", "BFPO 105",
     "GIR 0AA", "CM1", "AB12 3CD"]
)  # fmt: skip
_sep = st.sampled_from([", ", ",", "\n", "\r\n", " , ", ",  ", " "])


@st.composite
def _addresses(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(draw(_sub))
    parts += draw(st.lists(_part, max_size=2))
    if draw(st.integers(0, 3)):  # a numbered street, or named parts only (``Flat 0, Francesca Plains``)
        parts.append(f"{draw(_number)} {draw(_part)}")
    parts += draw(st.lists(_part, max_size=3))
    if not parts:
        parts.append(draw(_part))
    text = parts[0]
    for p in parts[1:]:
        text += draw(st.one_of(st.just(", "), _sep)) + p
    if draw(st.booleans()):
        text += draw(st.sampled_from([", ", " ", "\n"])) + draw(_postcode)
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    return case(text)


_odd = st.sampled_from(
    ["NFA", "No fixed abode", "UNKNOWN", "N/A", "??", "PO Box 12, Chelmsford CM1 1QH", "Rose Cottage, Essex",
     "12, High Street, Town", "Flat 3", "ZZ99 3VZ", "12 High Street Chelmsford Essex CM1 1QH", "", "  ", None,
     "Straße 5, Berlin", "12 High Street, Town, CM1 1QH, CM2 2AA"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_addresses(), _odd), min_size=1, max_size=40))
def test_built_addresses_agree_with_the_parser(texts):
    _assert_column_agrees(texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(_addresses(), min_size=1, max_size=20), st.sampled_from(["string[python]", object]))
def test_built_addresses_agree_whatever_the_dtype(texts, dtype):
    _assert_column_agrees(texts, dtype=dtype)


def test_comma_shape_on_built_shapes():
    texts = [
        "Flat 3, 12 High Rd, Chelmsford, CM1 1QH",  # abbreviated street word expanded
        "FLAT 3 12 HIGH ROAD, CHELMSFORD, CM1 1QH",  # no comma after the sub-building
        "12 Joel Flat\nTown\ncm11qh",  # Faker's "Flat" street, line breaks, postcode without space
        "12 Joel Flat\r\nTown CM1 1QH",  # no comma before the postcode
        "7 mcdonald close, smith-on-sea, co1 1aa",
        "Rose Cottage, 5 Mill Lane, Great Baddow, Little Baddow, Chelmsford",  # no postcode: a note
        "12 High Road, Chelmsford, ZZ99 3VZ",  # pseudo postcode: left to the parser
        "12 High Road, Chelmsford, GX11 1AA",  # overseas: left to the parser (a note there)
        "12 High St, Chelmsford, CM1 1QH",  # St: left to the parser
        "12 High Road, Chelmsford Essex",  # a county: left to the parser
        "Rose Cottage, Mill Lane Farm, Chelmsford",  # named parts: a street word inside one
        "Rose Cottage, Mill Lane\nChelmsford cm2 8pd",  # named parts
        "MILL LANE, GREAT BADDOW",  # named parts, the street first
        "251 ronald rapids annettechester ex7e 3gf",  # one part: no street word, all street
        "Flat 12 16 Joel Ranch Jacquelinemouth M4 1GQ",  # one part after the sub-building
        "12 High Road Chelmsford CM1 1QH",  # one part cut after its street word: a comma put there
    ]
    upper = pa.array([t.upper() for t in texts], type=pa.string())
    decided, lines, no_postcode = _comma_lines(upper)
    assert decided.tolist() == [True] * 6 + [False] * 5 + [True] * 5
    assert lines.to_pylist()[6:11] == [None] * 5  # a line at each decided row, null at the others
    assert lines.to_pylist()[:6] == [
        "Flat 3, 12 High Road, Chelmsford, CM1 1QH",
        "Flat 3, 12 High Road, Chelmsford, CM1 1QH",
        "12 Joel Flat, Town, CM1 1QH",
        "12 Joel Flat, Town, CM1 1QH",
        "7 McDonald Close, Smith-on-Sea, CO1 1AA",
        "Rose Cottage, 5 Mill Lane, Great Baddow, Little Baddow, Chelmsford",
    ]
    assert lines.to_pylist()[11:] == [
        "Rose Cottage, Mill Lane, Chelmsford, CM2 8PD",
        "Mill Lane, Great Baddow",
        "251 Ronald Rapids Annettechester, EX7E 3GF",
        "Flat 12, 16 Joel Ranch Jacquelinemouth, M4 1GQ",
        "12 High Road, Chelmsford, CM1 1QH",
    ]
    assert no_postcode.tolist()[:6] == [False] * 5 + [True]
    _assert_column_agrees(texts)


def test_texts_needing_several_fixes_at_once():
    """A sub-building without its comma (put in by bytes before title case) with another fix
    (``Mc``, a hyphen, a small word, an abbreviated street word, the postcode's space), directly
    or after a rewriting: decided on the comma path, and what the parser writes."""
    texts = {
        "FLAT 3 12 MCDONALD RD, TOWN CM11QH": "Flat 3, 12 McDonald Road, Town, CM1 1QH",
        "Studio 4 7 Smith-Jones Close Clacton-on-Sea CO1 1AA": "Studio 4, 7 Smith-Jones Close, Clacton-on-Sea, CO1 1AA",
        "Flat 2 5 High Road, Stoke upon Trent, Essex, CM1 1QH": "Flat 2, 5 High Road, Stoke upon Trent, CM1 1QH",
        "Flat 2 5 McKay Road Farm, Newton le Willows, WA12 9AA": (
            "Flat 2, 5 McKay Road, Farm, Newton le Willows, WA12 9AA"
        ),
        "unit 7 9 Old Rd, Ware": "Unit 7, 9 Old Road, Ware",
        "Flat 1 2 High Road, Ware": "Flat 1, 2 High Road, Ware",
    }
    decided, lines, _ = _comma_lines(pa.array([t.upper() for t in texts], type=pa.string()))
    assert decided.all()
    assert lines.to_pylist() == list(texts.values())
    assert [address.validate(t) for t in texts] == list(texts.values())


def test_rewritten_shapes_read_as_the_parser_reads_them():
    """A county part is dropped, a street cut after its first strong street word, small words
    inside a part in lower case: decided on the comma path, and what the parser reads."""
    texts = {
        "12 High Road, Chelmsford, Essex, CM1 1QH": "12 High Road, Chelmsford, CM1 1QH",
        "12 High Road, Newcastle, Tyne and Wear NE1 1AA": "12 High Road, Newcastle, NE1 1AA",
        "Flat 2, Mill Lane, Chelmsford, Essex": "Flat 2, Mill Lane, Chelmsford",
        "12 Mill Road Farm, Town, CM1 1QH": "12 Mill Road, Farm, Town, CM1 1QH",
        "8 ALLAN HIGHWAY ISLAND, EAST HUGHVIEW, N4 9EY": "8 Allan Highway, Island, East Hughview, N4 9EY",
        "Flat 3 Mill Road Farm, Town": "Flat 3, Mill Road, Farm, Town",
        "Studio 46\nClive Way Markfurt\nL0C 8YQ": "Studio 46, Clive Way, Markfurt, L0C 8YQ",
        "MILL ROAD FARM TOWN": "Mill Road, Farm Town",
        "12 High Road, Stoke upon the Hill, Town": "12 High Road, Stoke upon the Hill, Town",
        "12 HIGH ROAD, NEWTON LE WILLOWS, WA12 9AA": "12 High Road, Newton le Willows, WA12 9AA",
        "Rose Cottage, The Green, Argyll and Bute": "Rose Cottage, The Green, Argyll and Bute",
        "Flat 1, The Old Mill, Town Of": "Flat 1, The Old Mill, Town Of",
        "STUDIO 13, JENNA FLAT, NORTH ABBIEBOROUGH, W74 7DA": "Studio 13, Jenna Flat, North Abbieborough, W74 7DA",
        "Studio 8 Gibbs Green Suzannefurt N62 4LF": "Studio 8, Gibbs Green Suzannefurt, N62 4LF",
        "Flat Rose, Town": "Flat Rose, Town",
        "625 Stewart Oval, Georginaberg, Durham, CA6Y 3TY": "625 Stewart Oval, Georginaberg, Durham, CA6Y 3TY",
        "84 WATTS SHOAL, PAIGEPORT, WEST BERKSHIRE, L5 2HL": "84 Watts Shoal, Paigeport, L5 2HL",
        "57 ALEXANDRA FLAT NORTH KARENSTAD TA0B 2JL": "57 Alexandra Flat North Karenstad, TA0B 2JL",
        "12 High of Low, Town": "12 High of Low, Town",
        "12 The Green, Town": "12 The Green, Town",
    }
    upper = pa.array([t.upper() for t in texts], type=pa.string())
    decided, canonical, _ = _comma_lines(upper)
    assert decided.all()
    assert canonical.to_pylist() == list(texts.values())
    assert [address.validate(t) for t in texts] == list(texts.values())
    # left to the parser: the parser reads these otherwise than the rewriting would
    others = [
        "Rose Cottage, Mill Lane Farm, Chelmsford",  # the street is the second part: not cut
        "Mill Road Farm, 12 High Street, Town",  # the street is the numbered part: the first is a name
        "12 High Road, Chelmsford Essex, Essex",  # after the county part, another county
        "12 High Park Farm, Town",  # a weak street word inside: not cut here
        "Flat A Road X",  # Flat A, Road X
    ]
    decided, _, _ = _comma_lines(pa.array([t.upper() for t in others], type=pa.string()))
    assert not decided.any()
    _assert_column_agrees(list(texts) + others)


def test_lone_names_are_invalid_without_the_parser():
    """One part of names without a street (Faker's named buildings typed on one line) is
    ``invalid_format`` for the parser; found by one DFA match, not parsed in Python."""
    lone = [
        "JACKSON COURT PAIGE CORNER NORTH JOSHHAVEN RG03 7FQ",
        "ELLIS BARN PETER HAVEN NEW LEIGHVIEW",
        "ROSE",
        "O'BRIEN HALL SMITH-JONES TOWN CM1 1QH",
    ]
    parsed_by_python = [
        "ROSE COTTAGE MILL ROAD TOWN",  # a strong street word after the first: a street
        "ROSE COTTAGE BELL COURT",  # the last word a weak street word: a street
        "ROSE COTTAGE RD TOWN",  # an abbreviation (Road): the parser's
        "FLAT ROSE COTTAGE",  # a sub-building word
        "ROSE COTTAGE TOWN ZZ99 3VZ",  # pseudo postcode: no fixed abode first
        "ROSE COTTAGE TOWN CM1 1OH",  # a postcode the module corrects or rejects
        "NOT KNOWN",
    ]
    keys = pa.array(lone + parsed_by_python, type=pa.string())
    assert address._lone_names(keys).tolist() == [True] * len(lone) + [False] * len(parsed_by_python)
    for text in lone:
        with pytest.raises(address.ValidationError) as err:
            address.validate(text)
        assert err.value.reason == "invalid_format"
    _assert_column_agrees([t.lower() for t in lone] + lone + parsed_by_python + [" ".join(lone[0].split()[:3])])


def test_row_ranges_in_threads_give_the_same_answers(monkeypatch):
    """Large columns are worked in row ranges in threads: the same lines, in the same order."""
    from dataclean import _core

    texts = _faker_raw(3000, seed=21) + bench_module("realistic_data").realistic_people(3000, seed=8)[
        "address"
    ].dropna().tolist()
    upper = pa.array([t.upper() for t in texts], type=pa.string())
    whole = _comma_lines(upper)
    monkeypatch.setattr(address, "thread_ranges", lambda n: _core.thread_ranges(n, min_rows=700))
    assert len(address.thread_ranges(len(texts))) > 1
    ranged = _comma_lines(upper)
    assert ranged[0].tolist() == whole[0].tolist()
    assert ranged[1].to_pylist() == whole[1].to_pylist()
    assert ranged[2].tolist() == whole[2].tolist()


def test_rows_worked_without_a_hash_pass_give_the_same_result(monkeypatch):
    """A column whose values nearly never repeat skips the hash pass; the result is the same."""
    odd = ["  12 High Road, Town, CM1 1QH", "12 High Road, Town, CM1 1QH", None, "", "NFA"]
    texts = [*_faker_raw(2000, seed=23), *odd]
    values = pd.Series(texts * 3, dtype="string[pyarrow]", index=range(100, 100 + 3 * len(texts)))
    monkeypatch.setattr(address, "_nearly_all_distinct", lambda v: False)
    hashed = address.standardise_series(values)
    monkeypatch.setattr(address, "_nearly_all_distinct", lambda v: True)
    rows = address.standardise_series(values)
    for field in ("value", "status", "reason", "note"):
        pd.testing.assert_series_equal(getattr(hashed, field), getattr(rows, field))


def test_nearly_all_distinct_sees_repeats_wherever_they_stand():
    from dataclean import _core

    n = 4 * _core.PROBE_ROWS
    distinct = pd.Series([f"{i} High Road, Town" for i in range(n)], dtype="string[pyarrow]")
    assert address._nearly_all_distinct(distinct)
    twice = pd.Series([f"{i // 2} High Road, Town" for i in range(n)], dtype="string[pyarrow]")  # sorted pairs
    assert not address._nearly_all_distinct(twice)
    assert not address._nearly_all_distinct(twice.sample(frac=1, random_state=1))
    assert not address._nearly_all_distinct(distinct.astype(object))  # object columns: the hash pass
    assert not address._nearly_all_distinct(distinct.head(1000))  # small columns: the hash pass


def test_distinct_share_floor_bounds_the_distinct_share_from_below():
    from dataclean import _core

    rng = np.random.default_rng(5)
    n = 400_000
    for dup_share, copies in ((0.0, 2), (0.1, 2), (0.3, 2), (0.3, 5), (0.6, 10)):
        ids = np.arange(n)
        dups = rng.choice(n, size=int(dup_share * n), replace=False)
        ids[dups] = rng.integers(0, n // copies, size=len(dups))  # rows that copy another value
        values = pd.Series([f"v{i}" for i in ids], dtype="string[pyarrow]")
        share = values.nunique() / n
        floor = _core.distinct_share_floor(values)
        assert floor <= share + 0.01, (dup_share, copies, floor, share)
        if copies == 2:  # repeats in pairs: the bound is tight (not vacuous)
            assert floor >= share - 0.1, (dup_share, copies, floor, share)
    assert _core.distinct_share_floor(pd.Series(["x"] * 1000, dtype="string[pyarrow]")) is None


def test_thread_ranges_cover_the_rows_once(monkeypatch):
    from dataclean import _core

    for n in (0, 1, 99_999, 100_000, 250_001, 10**6):
        ranges = _core.thread_ranges(n)
        assert ranges[0][0] == 0 and ranges[-1][1] == n
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
        assert len(ranges) <= max(1, n // 100_000)
    monkeypatch.setenv("DATACLEAN_THREADS", "1")
    assert _core.thread_ranges(10**6) == [(0, 10**6)]


# --- the byte-level helpers --------------------------------------------------------------------


def test_trailing_postcodes_reads_the_last_postcode_and_its_separator():
    texts = ["1 A, TOWN, CM1 1QH", "1 A, TOWN\nCM11QH", "1 A, TOWN", "1 A, TOWN W1A 1AA", "1 A, B\r\nEC1A1BB"]
    tail = trailing_postcodes(pa.array(texts))
    assert tail.has.tolist() == [True, True, False, True, True]
    assert tail.spaced().to_pylist() == ["CM1 1QH", "CM1 1QH", None, "W1A 1AA", "EC1A 1BB"]
    assert tail.spaced_length.tolist() == [7, 7, 0, 7, 8]
    assert tail.length.tolist() == [7, 6, 0, 7, 7]
    assert tail.sep_length.tolist() == [2, 1, 0, 1, 2]
    assert tail.comma.tolist() == [True, False, False, False, False]
    assert tail.has_space.tolist() == [True, False, False, True, False]


@settings(max_examples=300, deadline=None)
@given(st.data(), st.lists(st.text(alphabet="AB1 ,", min_size=2, max_size=12), min_size=1, max_size=8))
def test_insert_bytes_puts_bytes_inside_strings(data, texts):
    pick = st.tuples(st.integers(0, len(texts) - 1), st.integers(1, 11), st.sampled_from(", "))
    picks = data.draw(st.lists(pick, max_size=10))
    picks = [(r, w, v) for r, w, v in picks if w < len(texts[r])]  # inside the string
    start = data.draw(st.integers(0, 2))
    arr = pa.array(["JUNK"] * start + texts, type=pa.string()).slice(start)
    expected = list(texts)
    for r in range(len(texts)):  # per string, right to left so positions stay those of the original
        # at one position, in the order given: inserted last first
        mine = sorted(((w, j, v) for j, (row, w, v) in enumerate(picks) if row == r), reverse=True)
        for w, _, v in mine:
            expected[r] = expected[r][:w] + v + expected[r][w:]
    rows = np.array([p[0] for p in picks], dtype=np.int64)
    where = np.array([p[1] for p in picks], dtype=np.int64)
    values = np.array([ord(p[2]) for p in picks], dtype=np.uint8)
    assert insert_bytes(arr, rows, where, values).to_pylist() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="AB ", max_size=12), min_size=1, max_size=8), st.integers(1, 3), st.integers(1, 14))
def test_nth_space_is_the_index_of_the_nth_space_in_the_head(texts, nth, width):
    def expected(t: str) -> int:
        spaces = [i for i, c in enumerate(t[:width]) if c == " "]
        return spaces[nth - 1] if len(spaces) >= nth else -1

    assert nth_space(pa.array(texts, type=pa.string()), nth, width).tolist() == [expected(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="AB1 ,\n", max_size=14), min_size=1, max_size=8), st.integers(0, 3))
def test_tail_matrix_is_the_last_bytes_padded_with_spaces(texts, start):
    """The (n, 10) tail matrix read from the buffers is each text's last 10 bytes, shorter texts
    padded on the left with spaces (also for sliced arrays and empty texts)."""
    arr = pa.array(["JUNK"] * start + texts, type=pa.string()).slice(start)
    tail = trailing_postcodes(arr)
    expected = [t[-10:].rjust(10).encode() for t in texts]
    assert [bytes(row) for row in tail.tail] == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="AB\r\n ,", max_size=8), min_size=1, max_size=10), st.integers(0, 2))
def test_lines_as_commas_is_replacing_line_breaks(texts, start):
    arr = pa.array(texts, type=pa.string()).slice(min(start, len(texts) - 1))
    expected = [t.replace("\r\n", ", ").replace("\n", ", ") for t in arr.to_pylist()]
    assert lines_as_commas(arr).to_pylist() == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda head, compass, county, sep, code: f"{head}, {compass}{county}{sep}{code}",
            st.sampled_from(["12 HIGH ROAD, TOWN", "FLAT 3, ROSE COURT", "A"]),
            st.sampled_from(["", "WEST ", "MID "]),
            st.sampled_from(["ESSEX", "TYNE AND WEAR", "KENT", "WEST SUSSEX"]),
            st.sampled_from(["", ", ", " "]),
            st.sampled_from(["", "CM1 1QH", "CM11QH", "EC1A 1BB"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_county_part_cut_by_bytes_is_the_capturing_replacement(texts):
    texts = [t.rstrip(", ") if t.endswith((", ", " ")) else t for t in texts]
    arr = pa.array(texts, type=pa.string())
    found = pc.match_substring_regex(arr, address._COUNTY_PART).to_pylist()
    arr = arr.filter(pa.array(found))
    expected = pc.replace_substring_regex(arr, address._COUNTY_PART, r"\1").to_pylist()
    assert address._without_county_part(arr).to_pylist() == expected


def test_keep_tail_bytes():
    arr = pa.array(["ABCDEF", "XY", "", "PQRS"]).slice(0)
    assert keep_tail_bytes(arr, np.array([3, 0, 0, 4])).to_pylist() == ["DEF", "", "", "PQRS"]
    assert keep_tail_bytes(arr.slice(1), np.array([2, 0, 1])).to_pylist() == ["XY", "", "S"]


def test_drop_tail_bytes():
    arr = pa.array(["abc, de", "x", "hello"]).slice(0)
    assert drop_tail_bytes(arr, np.array([4, 0, 5])).to_pylist() == ["abc", "x", ""]
    assert drop_tail_bytes(pa.array(["ab", "cd", "ef"]).slice(1), np.array([1, 0])).to_pylist() == ["c", "ef"]


def test_title_upper_bytes_keeps_the_postcode_in_upper_case():
    arr = pa.array(["FLAT 36, 267 O'NEIL-ROAD, EX7E 3GF", "X", "", "AB", "12 MCDONALD ST\nME2W3XL"])
    got = title_upper_bytes(arr, np.array([8, 1, 0, 0, 7])).to_pylist()
    assert got == ["Flat 36, 267 O'Neil-Road, EX7E 3GF", "X", "", "Ab", "12 Mcdonald St\nME2W3XL"]
    # a slice (offsets not at the buffer's start) and no kept bytes
    assert title_upper_bytes(arr.slice(3), np.zeros(2, dtype=int)).to_pylist() == ["Ab", "12 Mcdonald St\nMe2W3Xl"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ABCXYZ019 ,'-\n\r\t.", max_size=20), min_size=1, max_size=6))
def test_title_upper_bytes_is_arrows_ascii_title(texts):
    arr = pa.array(texts)
    assert title_upper_bytes(arr, np.zeros(len(texts), dtype=int)).to_pylist() == pc.ascii_title(arr).to_pylist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="ABCXYZ019 ,'-", max_size=12), min_size=1, max_size=8),
    st.integers(1, 9),
    st.integers(0, 8),
)
def test_title_upper_bytes_across_blocks(texts, block, keep):
    """The buffer is worked in blocks: a letter pair across a block edge, a string's first byte
    and the kept tail come out as in one block."""
    import dataclean.fields._address_fast as fast

    arr = pa.array(texts)
    keeps = np.minimum(np.full(len(texts), keep), [len(t) for t in texts])
    whole = title_upper_bytes(arr, keeps).to_pylist()
    saved = fast._BLOCK
    fast._BLOCK = block
    try:
        assert title_upper_bytes(arr, keeps).to_pylist() == whole
    finally:
        fast._BLOCK = saved
    titled = pc.ascii_title(arr).to_pylist()
    assert whole == [t[: len(t) - k] + o[len(o) - k :] if k else t for t, o, k in zip(titled, texts, keeps)]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}\Z"))
def test_postcode_rules_agree_with_the_postcode_module(code):
    ok = bool(address._postcode_ok(pa.array([code]))[0])
    spaced = f"{code[:-3]} {code[-3:]}"
    texts = [f"1 A, TOWN, {spaced}", f"1 A, TOWN\n{code}", f"1 A, TOWN {spaced}", f"1 A, B\r\n{code}"]
    tail = trailing_postcodes(pa.array(texts))
    assert tail.has.all()
    assert address._tail_postcode_ok(tail).tolist() == [ok] * 4, code
    try:
        canonical = postcode_field.validate(code)
        note = postcode_field.standardise_series(pd.Series([code], dtype="string")).note.iloc[0]
        expected = pd.isna(note)
    except postcode_field.ValidationError:
        canonical, expected = None, False
    assert ok == expected, code
    if ok:
        assert address._postcodes(pa.array([code]))[1].to_pylist() == [canonical]


@pytest.mark.parametrize(
    "code",
    [
        *["ZZ993VZ", "GX111AA", "CM11QH", "ASCN1ZZ", "W1A0AX", "EC1A1BB", "M11AE"],
        *["QA11AA", "AZ11AA", "A9I1AA", "AA9C1AA", "BX11CI", "ZZ991AA"],
    ],
)
def test_postcode_rules_on_known_codes(code):
    test_postcode_rules_agree_with_the_postcode_module.hypothesis.inner_test(code)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.text(alphabet="ABCXYZ019 ,'-é", max_size=14), st.integers(0, 8)), min_size=1, max_size=10),
    st.integers(0, 2),
)
def test_title_upper_bytes_keeps_each_rows_own_tail(rows, start):
    """Each row keeps its own last bytes (0 to 8; strings shorter or longer than 8 bytes, next to
    each other), the rest as Arrow's ascii_title writes it; a slice of a larger array."""
    texts = [t for t, _ in rows]
    keeps = [min(k, len(t.encode())) for t, k in rows]
    keeps = [k if t.encode()[len(t.encode()) - k :].isascii() else 0 for t, k in zip(texts, keeps)]  # whole characters
    arr = pa.array(["PAD"] * start + texts).slice(start)
    got = title_upper_bytes(arr, np.array(keeps)).to_pylist()
    titled = pc.ascii_title(arr).to_pylist()
    assert got == [o[: len(o) - k] + t[len(t) - k :] if k else o for o, t, k in zip(titled, texts, keeps)]


def test_title_upper_bytes_keeps_eight_bytes_at_most():
    with pytest.raises(ValueError, match="8 bytes at most"):
        title_upper_bytes(pa.array(["ABCDEFGHIJ"]), np.array([9]))
