"""The note about trimmed header names names the columns that were trimmed, and only those."""

from __future__ import annotations

import pandas as pd

from dataclean.io import NOTES_ATTR, read_table


def test_trimmed_note_lists_only_the_trimmed_csv_headers(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Client Ref, First Name,Surname \nCR-1,Ann,Lee\n", encoding="utf-8")
    df = read_table(path)
    assert list(df.columns) == ["Client Ref", "First Name", "Surname"]
    assert df.attrs[NOTES_ATTR] == ["2 column name(s) had surrounding spaces, trimmed: ' First Name', 'Surname '"]


def test_trimmed_note_lists_only_the_trimmed_parquet_headers(tmp_path):
    path = tmp_path / "people.parquet"
    pd.DataFrame({"Client Ref": ["CR-1"], " First Name": ["Ann"]}).to_parquet(path)
    df = read_table(path)
    assert list(df.columns) == ["Client Ref", "First Name"]
    assert df.attrs[NOTES_ATTR] == ["1 column name(s) had surrounding spaces, trimmed: ' First Name'"]
