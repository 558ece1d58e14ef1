from __future__ import annotations

import logging

import pandas as pd
import pytest

from dataclean.exceptions import DataFileError
from dataclean.io import iter_table_chunks, read_table, sniff_format, write_table


def test_leading_zeros_and_blanks_survive(tmp_path):
    p = tmp_path / "people.csv"
    p.write_text("phone,nhs_number,uprn\n01245 123456,0123456789,\n07400123456,,000123\n", encoding="utf-8")
    df = read_table(p)
    assert df["phone"].tolist() == ["01245 123456", "07400123456"]
    assert df["nhs_number"].tolist()[0] == "0123456789" and pd.isna(df["nhs_number"].tolist()[1])
    assert df["uprn"].tolist()[1] == "000123"
    assert all(isinstance(t, pd.StringDtype) for t in df.dtypes)


def test_header_only_gives_empty_frame(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("a,b\n")
    df = read_table(p)
    assert list(df.columns) == ["a", "b"] and len(df) == 0


def test_cp1252_fallback_is_logged(tmp_path, caplog):
    p = tmp_path / "legacy.csv"
    p.write_bytes("name,town\nRenée,Chelmsford\nO’Brien,£ Colchester\n".encode("cp1252"))
    with caplog.at_level(logging.WARNING, logger="dataclean.io"):
        df = read_table(p)
    assert df["name"].tolist() == ["Renée", "O’Brien"]
    assert "line 2" in caplog.text and "cp1252" in caplog.text
    assert "Renée" not in caplog.text  # no cell values in logs


def test_errors_name_the_file_and_problem(tmp_path):
    with pytest.raises(DataFileError, match=r"unsupported file type '\.json'"):
        read_table(tmp_path / "x.json")
    (tmp_path / "dup.csv").write_text("a,a\n1,2\n")
    with pytest.raises(DataFileError, match="duplicate column"):
        read_table(tmp_path / "dup.csv")
    (tmp_path / "ok.csv").write_text("nhs_number\n1\n")
    with pytest.raises(DataFileError, match="'nhs_numbr' \\(did you mean 'nhs_number'\\?\\)"):
        read_table(tmp_path / "ok.csv", columns=["nhs_numbr"])
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataFileError, match="not a readable Parquet file"):
        read_table(tmp_path / "bad.parquet")
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(DataFileError, match="not a readable Excel workbook"):
        read_table(tmp_path / "bad.xlsx")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(DataFileError, match="is a folder"):
        read_table(tmp_path / "folder.csv")


def test_ragged_row_names_the_line(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_text("a,b\n1,2\n3,4\n5,6,7\n")
    with pytest.raises(DataFileError) as info:
        read_table(p)
    assert "line 4 has 3 fields but the header has 2" in str(info.value)
    with pytest.raises(DataFileError, match="line 4"):
        list(iter_table_chunks(p, 2))


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_chunks_keep_global_row_positions(tmp_path, suffix):
    df = pd.DataFrame({"a": [str(i) for i in range(10)]})
    path = write_table(df, tmp_path / f"t{suffix}")
    chunks = list(iter_table_chunks(path, 4))
    assert [len(c) for c in chunks] == [4, 4, 2]
    assert [c.index[0] for c in chunks] == [0, 4, 8]
    assert pd.concat(chunks)["a"].astype(str).tolist() == df["a"].tolist()


def test_write_round_trips(tmp_path):
    df = pd.DataFrame({"phone": ["01245 123456"], "n": ["007"]}, dtype="string")
    for suffix in (".csv", ".parquet", ".xlsx", ".tsv"):
        path = write_table(df, tmp_path / f"t{suffix}")
        back = read_table(path)
        assert back.astype(str).values.tolist() == [["01245 123456", "007"]], suffix
    assert sniff_format("x.XLSX") == "excel"
