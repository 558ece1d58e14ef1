from __future__ import annotations

import pandas as pd
import pytest

from dataclean.cli import main
from dataclean.exceptions import ConfigError
from dataclean.pseudonymise import (
    ENV_VAR,
    Key,
    generate_key,
    load_key,
    pseudonymise_frame,
    pseudonymise_series,
    rotation_map,
)

KEY = Key(b"\x01" * 32)


def test_fixed_test_vector():
    """Tokens must never change between versions, or partners' files stop linking."""
    assert KEY.key_id == "72cd6e84"
    assert KEY.token("nhs_number", "9990000026") == "72cd6e84:765103f1e3ee5815cf530ba2df5de8a3"


def test_same_person_same_token_across_spellings_and_frames():
    a = pseudonymise_series(pd.Series(["999 000 0026", "943 476 5919"]), KEY, kind="nhs_number")["token"]
    b = pseudonymise_series(pd.Series(["9990000026"]), KEY, kind="nhs_number")["token"]
    assert a.iloc[0] == b.iloc[0] == "72cd6e84:765103f1e3ee5815cf530ba2df5de8a3"
    assert a.iloc[0] != a.iloc[1]


def test_invalid_values_get_no_token_and_a_reason():
    r = pseudonymise_series(pd.Series(["9434765918", None, "9434765919"]), KEY, kind="nhs_number")
    assert r["token"].isna().tolist() == [True, True, False]
    assert r["reason"].fillna("").tolist() == ["invalid_checksum", "missing", ""]


def test_different_keys_and_kinds_differ():
    other = Key(b"\x02" * 32)
    assert KEY.token("nhs_number", "1") != other.token("nhs_number", "1")
    assert KEY.token("nhs_number", "9990000026") != KEY.token("nino", "9990000026")


def test_frame_is_not_mutated_and_keeps_originals_on_request():
    df = pd.DataFrame({"nhs_number": ["943 476 5919"], "postcode": ["cm1 1qh"], "other": ["x"]})
    before = df.copy()
    out = pseudonymise_frame(df, {"nhs_number": "nhs_number", "postcode": "postcode"}, KEY)
    pd.testing.assert_frame_equal(df, before)
    assert out["nhs_number"].iloc[0].startswith("72cd6e84:") and out["other"].iloc[0] == "x"
    kept = pseudonymise_frame(df, {"nhs_number": "nhs_number"}, KEY, keep_originals=True)
    assert kept["nhs_number"].iloc[0] == "943 476 5919" and kept["nhs_number_token"].notna().all()
    with pytest.raises(ConfigError, match="'nhs'"):
        pseudonymise_frame(df, {"nhs": "nhs_number"}, KEY)


def test_key_never_leaks():
    secret = bytes(range(40))
    k = Key(secret)
    assert secret.hex() not in repr(k) and secret.hex() not in str(k)
    with pytest.raises(ConfigError) as info:
        Key(b"short")
    assert "short" not in str(info.value)


def test_key_loading(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(ConfigError, match="--key-file"):
        load_key()
    with pytest.raises(ConfigError, match="not found"):
        load_key(tmp_path / "missing.key")
    hexkey = generate_key()
    (tmp_path / "k.hex").write_text(hexkey + "\n")
    assert load_key(tmp_path / "k.hex").key_id == Key(bytes.fromhex(hexkey)).key_id
    (tmp_path / "k.bin").write_bytes(b"\xff" * 32)
    assert load_key(tmp_path / "k.bin").key_id == Key(b"\xff" * 32).key_id
    monkeypatch.setenv(ENV_VAR, hexkey)
    assert load_key().key_id == Key(bytes.fromhex(hexkey)).key_id
    (tmp_path / "weak.key").write_text("tooshort")
    with pytest.raises(ConfigError, match="at least 32"):
        load_key(tmp_path / "weak.key")


def test_rotation_map():
    values = pd.Series(["943 476 5919", "9434765919", "bad"])
    new = Key(b"\x03" * 32)
    m = rotation_map(values, KEY, new, kind="nhs_number")
    assert len(m) == 1
    assert m.iloc[0].tolist() == [KEY.token("nhs_number", "9434765919"), new.token("nhs_number", "9434765919")]


def test_cli_pseudonymise(tmp_path, monkeypatch, capsys):
    src = tmp_path / "people.csv"
    pd.DataFrame({"nhs_number": ["999 000 0026", "junk"], "name": ["A", "B"]}).to_csv(src, index=False)
    keyfile = tmp_path / "share.key"
    keyfile.write_bytes(b"\x01" * 32)
    out = tmp_path / "shared.csv"
    assert (
        main(
            [
                "pseudonymise",
                str(src),
                "--columns",
                "nhs_number:nhs_number",
                "--key-file",
                str(keyfile),
                "--output",
                str(out),
            ]
        )
        == 0
    )
    shared = pd.read_csv(out, dtype=str)
    assert shared["nhs_number"].tolist()[0] == "72cd6e84:765103f1e3ee5815cf530ba2df5de8a3"
    assert pd.isna(shared["nhs_number"].tolist()[1])
    printed = capsys.readouterr().out
    assert "0101010101" not in printed and "key_id: 72cd6e84" in printed
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert main(["pseudonymise", str(src), "--columns", "nhs_number", "--output", str(out)]) == 2
    assert "key-file" in capsys.readouterr().err
