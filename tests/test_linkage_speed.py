"""The linkage speed-ups give the same answers as the slower code they replaced.

* the date-of-birth edit-distance levels compute Damerau-Levenshtein only for pairs that share a
  date part: the same level as the plain distance for every pair of ISO dates;
* the chaining guard's weak-link replay is a union-find: the same clusters as relabelling every
  record per merge;
* preparation keeps letters of any script and splits mobiles from landlines by phonenumbers'
  line type.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dataclean.linkage import LinkageConfig, cluster
from dataclean.linkage.api import _attach_weak
from dataclean.linkage.prepare import _text, prepare


def _dates(rng: np.random.Generator, n: int) -> list[str]:
    days = rng.integers(0, 40_000, n)
    return list(pd.Timestamp("1920-01-01") + pd.to_timedelta(days, unit="D"))


def _typo_pairs(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Date pairs one or two keystrokes apart (digit changed, adjacent swap), plus random pairs."""
    base = [d.strftime("%Y-%m-%d") for d in _dates(rng, n)]
    other = []
    for i, d in enumerate(base):
        chars = list(d)
        kind = i % 4
        digits = [k for k in range(10) if k not in (4, 7)]
        if kind == 0:  # one digit changed
            k = int(rng.choice(digits))
            chars[k] = str((int(chars[k]) + 1 + int(rng.integers(0, 8))) % 10)
        elif kind == 1:  # two digits changed in different parts
            for k in (int(rng.integers(0, 4)), int(rng.integers(8, 10))):
                chars[k] = str((int(chars[k]) + 3) % 10)
        elif kind == 2:  # adjacent characters swapped
            k = int(rng.choice([k for k in digits if k + 1 in digits]))
            chars[k], chars[k + 1] = chars[k + 1], chars[k]
        else:  # unrelated date
            chars = list(_dates(rng, 1)[0].strftime("%Y-%m-%d"))
        other.append("".join(chars))
    return pd.DataFrame({"dob_l": base, "dob_r": other})


def test_guarded_date_levels_equal_plain_damerau_levenshtein():
    duckdb = pytest.importorskip("duckdb")
    from dataclean.linkage import presets

    pairs = _typo_pairs(np.random.default_rng(3), 4000)
    pairs.loc[len(pairs)] = ["1980-01-02", "1980-1-02"]  # not ISO-shaped: the distance still decides
    levels = presets.date_of_birth().get_comparison("duckdb").as_dict()["comparison_levels"]
    guarded = {lv["label_for_charts"]: lv["sql_condition"] for lv in levels}
    con = duckdb.connect()
    con.register("p", pairs)
    for label, edits in (("one digit or transposition", 1), ("two digits", 2)):
        assert "substr" in guarded[label]  # the cheap test is there
        got = con.sql(f"select ({guarded[label]}) as g, damerau_levenshtein(dob_l, dob_r) <= {edits} as d from p").df()
        assert got["g"].tolist() == got["d"].tolist()
        assert got["d"].sum() > 500  # the pairs do exercise the level


def _reference_attach(labels: np.ndarray, left: list[int], right: list[int]) -> np.ndarray:
    """The previous implementation: relabel every record of the dropped component per merge."""
    labels = labels.copy()
    size = np.bincount(labels, minlength=len(labels))
    for lp, rp in zip(left, right):
        a, b = labels[lp], labels[rp]
        if a == b or (size[a] > 1 and size[b] > 1):
            continue
        keep, drop = (a, b) if size[a] >= size[b] else (b, a)
        labels[labels == drop] = keep
        size[keep] += size[drop]
        size[drop] = 0
    return labels


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weak_link_union_find_matches_relabelling(seed):
    rng = np.random.default_rng(seed)
    n = 400
    labels = np.arange(n)
    groups = rng.integers(0, n, 120)  # some records start in strong groups
    labels[groups] = np.minimum(labels[groups], groups[::-1])
    labels = np.minimum(labels, labels[labels])
    left = rng.integers(0, n, 300).tolist()
    right = rng.integers(0, n, 300).tolist()
    new, old = _attach_weak(labels, left, right), _reference_attach(labels, left, right)
    # the same partition (label values may differ)
    assert pd.Series(new).groupby(old).nunique().max() == 1
    assert pd.Series(old).groupby(new).nunique().max() == 1
    assert len(set(old)) < len(set(labels))  # weak links did attach records


def test_weak_links_attach_chains_of_lone_records_but_never_join_groups():
    ids = [f"r{i}" for i in range(6)]
    pairs = pd.DataFrame(
        [("r0", "r1", 0.999), ("r3", "r4", 0.999), ("r2", "r5", 0.98), ("r5", "r0", 0.97), ("r2", "r3", 0.96)],
        columns=["unique_id_l", "unique_id_r", "match_probability"],
    )
    c = cluster(ids, pairs, 0.95)
    # r2+r5 pair up first (both alone), then join r0's group (one side was a pair, not alone:
    # a group of two meeting a group of two is NOT joined), and r3's group stays apart
    assert c["r2"] == c["r5"]
    assert c["r0"] == c["r1"] and c["r0"] != c["r2"]
    assert c["r3"] == c["r4"] and c["r3"] != c["r2"]


def test_text_keeps_letters_of_any_script_and_collapses_spaces():
    out = _text(pd.Series(["  Zoë  O'Brien-Smith, Flat 2/3 ", "naïve\u00a0café", " ", None], dtype=object))
    assert out.tolist()[:2] == ["ZOË O BRIEN-SMITH FLAT 2/3", "NAÏVE CAFÉ"]
    assert out.isna().tolist()[2:] == [True, True]


def test_mobiles_and_landlines_split_by_line_type():
    df = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "forename": ["Ann", "Bob", "Cy", "Di", "Ed"],
            "surname": ["Ray", "Ray", "Ode", "Lee", "Fox"],
            # GB mobile; London landline; Isle of Man mobile (+44 7624: a mobile outside GB's
            # own plan); GB personal number (070, not a mobile); empty
            "phone": ["07911 123456", "020 7946 0000", "07624 123456", "07000 123456", None],
        }
    )
    before = df.copy()
    cfg = LinkageConfig.from_dict(
        {"id_column": "id", "columns": {"forename": "forename", "surname": "surname", "phone": "phone"}}
    )
    p = prepare(df, cfg)
    assert p["mobile"].iloc[0] == "+447911123456" and p["mobile"].iloc[2] == "+447624123456"
    assert p["mobile"].notna().tolist() == [True, False, True, False, False]
    assert p["landline"].notna().tolist() == [False, True, False, True, False]
    assert p["landline"].iloc[1] == "+442079460000"
    pd.testing.assert_frame_equal(df, before)


def test_automatic_threshold_keeps_a_review_band():
    from dataclean.linkage.api import REVIEW_FLOOR, review_floor

    auto = LinkageConfig.from_dict({"id_column": "id", "columns": {"forename": "f", "surname": "s"}})
    assert auto.match_threshold is None and auto.review_threshold >= 0.5
    notes: list[str] = []
    # chosen at the bottom of its range (0.50): the uncertain pairs below it go to review
    assert review_floor(auto, 0.5, notes) == REVIEW_FLOOR
    assert notes and "go to review" in notes[0]
    # chosen above the suite's review threshold: the suite's band stands
    assert review_floor(auto, 0.9, []) == auto.review_threshold


def test_review_queue_not_empty_when_the_model_chooses_the_lowest_threshold():
    from dataclean import synth
    from dataclean.linkage import dedupe

    records = synth.records(1500, seed=5).drop(columns=["person_id"])
    roles = ("nhs_number", "forename", "surname", "date_of_birth", "postcode", "address")
    result = dedupe(records, {"id_column": "record_id", "columns": {r: r for r in roles}})
    assert result.review_threshold is not None
    p = result.pairs["match_probability"]
    expected = int(((p >= result.review_threshold) & (p < result.match_threshold)).sum())
    assert len(result.review) == expected
    if result.match_threshold <= 0.5:
        assert result.review_threshold == 0.3 and expected > 0


def _pairs(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


def test_clusters_do_not_depend_on_the_order_pairs_arrive_in():
    """The engine returns scored pairs in no fixed order (DuckDB's threads): a lone record weakly
    linked to two groups with the same probability joins the same group whichever pair comes
    first (ties broken by the pairs' record ids, as the Spark engine does, not by arrival)."""
    ids = ["C", "D", "E", "A", "B"]
    strong = [("A", "B", 0.999), ("C", "D", 0.999)]
    weak = [("E", "A", 0.96), ("E", "C", 0.96)]
    first = cluster(ids, _pairs(strong + weak), 0.95)
    second = cluster(ids, _pairs(strong + weak[::-1]), 0.95)
    assert first.equals(second)
    assert first["E"] == "A"  # the pair with the smaller record ids (A, E) comes first


def test_write_csv_matches_pandas_byte_for_byte(tmp_path):
    """Outputs written by DuckDB read back as pandas wrote them: shortest floats, NaN as empty,
    quotes only around commas and quotes, Arrow and object text alike."""
    from dataclean.linkage.api import write_csv

    frame = pd.DataFrame(
        {
            "record_id": pd.array(["R1", "R2", None, "R,4"], dtype=pd.StringDtype("pyarrow")),
            "name": ['Ann "Nan" Lee', None, "Zoë", "Bo"],
            "match_probability": [1.0, 0.9999999999999918, 1e-05, float("nan")],
            "records": [1, 2, 3, 4],
        }
    )
    write_csv(frame, tmp_path / "duckdb.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False)
    assert (tmp_path / "duckdb.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
