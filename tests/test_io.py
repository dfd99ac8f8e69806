"""Reading and writing tables (tabgan.io): dialects, encodings, gzip, types, atomic output."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import re
import stat
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from tabgan.errors import DataError, ParameterError
from tabgan.io import (
    CsvStyle,
    NumberFormat,
    TableWriter,
    check_writable,
    output_format,
    plain_number,
    read_table,
    write_table,
)

CSV = (
    "n;x;t;d;b;f\n1;1.5;x;2020-01-01;True;12.0\nNA;2.25;NA;2020-01-02;NA;NA\n"
    "3;NA;zé;NA;False;13.0\n"
)


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_csv_types_dialect_and_missing_token_round_trip_exactly(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(CSV, encoding="utf-8")
    frame, style = read_table(str(src))
    assert style == CsvStyle(delimiter=";", na_rep="NA", encoding="utf-8", formats=(NumberFormat("f", "%.1f"),))
    assert frame.dtypes.astype(str).to_dict() == {
        "n": "Int64",
        "x": "float64",
        "t": "object",
        "d": "object",
        "b": "boolean",
        "f": "float64",
    }
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == CSV


@pytest.mark.parametrize("plus, minus, style_infinities", [
    ("inf", "-inf", ()),
    ("Infinity", "-Infinity", (("price", "Infinity", "-Infinity"), ("ratio", "Infinity", "-inf"))),
])
def test_infinities_keep_a_columns_form_and_their_own_spelling(tmp_path, plus, minus, style_infinities):
    # Regression: one inf in a column of prices written 12.50 made it lose its form (12.5 came
    # back), and "Infinity" came back as "inf".
    text = f"price,ratio,n\n12.50,0.5,1\n{plus},1.25,2\n3.00,{plus},3\n{minus},,4\n"
    src = tmp_path / "in.csv"
    src.write_text(text)
    frame, style = read_table(str(src))
    assert frame["price"].tolist() == [12.5, np.inf, 3.0, -np.inf]
    assert style.formats == (NumberFormat("price", "%.2f"),) and style.infinities == style_infinities
    again = CsvStyle(**json.loads(json.dumps(dataclasses.asdict(style))))  # as a model file keeps it
    write_table(frame, str(tmp_path / "out.csv"), "csv", again)
    assert (tmp_path / "out.csv").read_text() == text


def test_plain_dtypes_when_nothing_is_missing(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("i,f,s,b\n1,0.5,a,True\n2,1.0,b,False\n")
    frame, style = read_table(str(src))
    assert frame.dtypes.astype(str).to_dict() == {
        "i": "int64",
        "f": "float64",
        "s": "object",
        "b": "bool",
    }
    assert style == CsvStyle(formats=(NumberFormat("f", "%.1f"),))
    out = tmp_path / "out.csv"
    write_table(frame, str(out), "csv", style)
    assert out.read_text() == src.read_text()


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, sep):
    src = tmp_path / "in.csv"
    src.write_text(
        sep.join(["a", "b c", "d"])
        + "\n"
        + "\n".join(sep.join([str(i), "x y", "1.5"]) for i in range(5))
    )
    frame, style = read_table(str(src))
    assert list(frame.columns) == ["a", "b c", "d"] and style.delimiter == sep


def test_single_column_csv(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("value\n1\n2\n3\n")
    frame, style = read_table(str(src))
    assert list(frame.columns) == ["value"] and style.delimiter == ","


def test_latin1_fallback_and_utf8_bom(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,v\nJosé,1\nZoë,2\n".encode("latin-1"))
    frame, style = read_table(str(latin))
    assert frame["name"].tolist() == ["José", "Zoë"] and style.encoding == "latin-1"
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_bytes() == latin.read_bytes()
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffname,v\nJosé,1\n".encode())
    frame, style = read_table(str(bom))
    assert list(frame.columns) == ["name", "v"] and style.encoding == "utf-8-sig"
    # Written back with its mark (Excel's "CSV UTF-8" has one, and without it Excel reads the
    # file as ANSI: "JosÃ©"); before 2026-12-03 it was dropped.
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_bytes() == bom.read_bytes()


def test_gzip_in_and_out(tmp_path):
    src = tmp_path / "in.csv.gz"
    src.write_bytes(gzip.compress(CSV.encode()))
    frame, style = read_table(str(src))
    out = tmp_path / "out.csv.gz"
    write_table(frame, str(out), "csv", style)
    assert gzip.decompress(out.read_bytes()).decode() == CSV


def test_parquet_keeps_dtypes_exactly(tmp_path):
    frame = pd.DataFrame(
        {
            "i": np.arange(4, dtype=np.int64),
            "i32": np.arange(4, dtype=np.int32),
            "ni": pd.array([1, None, 3, 4], dtype="Int64"),
            "f": [0.5, np.nan, 1.0, 2.0],
            "c": pd.Categorical(["a", "b", "a", None], categories=["b", "a", "z"]),
            "s": ["x", None, "y", "z"],
            "b": [True, False, True, True],
            "nb": pd.array([True, None, False, True], dtype="boolean"),
            "t": pd.to_datetime(
                ["2020-01-01", "2021-05-06 12:00:00", None, "2022-01-01 00:00:00"], format="ISO8601"
            ),
            "tz": pd.to_datetime(
                ["2020-01-01", "2021-05-06", "2021-05-07", "2022-01-01"]
            ).tz_localize("UTC"),
        }
    )
    path = tmp_path / "t.parquet"
    write_table(frame, str(path), "parquet")
    back, style = read_table(str(path))
    assert style is None
    pd.testing.assert_frame_equal(back, frame)


def test_a_parquet_files_named_index_is_read_as_columns_and_row_labels_are_dropped(tmp_path):
    # Before 2026-12-02 every index level was dropped: a table saved after set_index("customer")
    # lost its customers in what synth and sample wrote.
    frame = pd.DataFrame({"customer": ["a", "b", "c"], "region": ["x", "y", "x"], "v": [1.0, 2.0, 3.0]})
    path = tmp_path / "t.parquet"
    frame.set_index(["customer", "region"]).to_parquet(path)
    back, _ = read_table(str(path))
    pd.testing.assert_frame_equal(back, frame)
    frame.iloc[[2, 0]].to_parquet(path)  # row labels 2, 0 left by a filter: not data
    back, _ = read_table(str(path))
    pd.testing.assert_frame_equal(back, frame.iloc[[2, 0]].reset_index(drop=True))
    frame.set_index(["customer", pd.Index([7, 8, 9])]).to_parquet(path)  # one named, one not
    back, _ = read_table(str(path))
    pd.testing.assert_frame_equal(back, frame)
    frame.set_index(pd.Index(["p", "q", "r"], name="v")).to_parquet(path)
    with pytest.raises(DataError, match="an index level and a column both named 'v'"):
        read_table(str(path))


def test_parquet_writer_appends_row_groups_with_one_schema(tmp_path):
    path = tmp_path / "t.parquet"
    chunks = [pd.DataFrame({"a": [1, 2], "s": [None, None]}), pd.DataFrame({"a": [3], "s": ["x"]})]
    with TableWriter(str(path), "parquet") as writer:
        for chunk in chunks:
            writer.write(chunk)
    assert pq.ParquetFile(path).metadata.num_row_groups == 2
    back, _ = read_table(str(path))
    assert back["a"].tolist() == [1, 2, 3] and back["s"].tolist() == [None, None, "x"]


def test_csv_writer_writes_the_header_once(tmp_path):
    path = tmp_path / "t.csv"
    with TableWriter(str(path), "csv") as writer:
        writer.write(pd.DataFrame({"a": [1, 2]}))
        writer.write(pd.DataFrame({"a": [3]}))
    assert path.read_text() == "a\n1\n2\n3\n"


def test_an_error_while_writing_leaves_nothing_behind(tmp_path):
    for fmt, name in (("csv", "t.csv"), ("parquet", "t.parquet"), ("csv", "t.csv.gz")):
        path = tmp_path / name
        with pytest.raises(RuntimeError, match="boom"), TableWriter(str(path), fmt) as writer:
            writer.write(pd.DataFrame({"a": [1, 2]}))
            raise RuntimeError("boom")
        assert not path.exists()
    assert leftovers(tmp_path) == []


def test_an_existing_output_is_replaced_only_on_success(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("old\n")
    with pytest.raises(RuntimeError), TableWriter(str(path), "csv") as writer:
        writer.write(pd.DataFrame({"a": [1]}))
        raise RuntimeError("boom")
    assert path.read_text() == "old\n"
    write_table(pd.DataFrame({"a": [1]}), str(path), "csv")
    assert path.read_text() == "a\n1\n"


def test_stdin_and_stdout(monkeypatch, capsysbinary):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CSV.encode())))
    frame, style = read_table("-")
    assert style.delimiter == ";" and len(frame) == 3
    write_table(frame, "-", "csv", style)
    assert capsysbinary.readouterr().out.decode() == CSV
    write_table(frame, "-", "parquet")
    raw = capsysbinary.readouterr().out
    assert raw.startswith(b"PAR1") and pq.read_table(io.BytesIO(raw)).num_rows == 3


@pytest.mark.parametrize(
    "content, match",
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"a,b\n", "header but no rows"),
        (b"a,b\n1,2\n3,4,5,6\n", "not a readable CSV file"),
        (b'a,b\n"1,2\n', "not a readable CSV file"),
        (b"\x1f\x8b\x08\x00garbage", "not a readable gzip file"),
        (b"PAR1 not really parquet", "not a readable Parquet file"),
        # Before 2026-12-02 these were read as CSV: JSON lines became a model of JSON fragments.
        (b'{"a":0,"b":"x"}\n{"a":1,"b":"y"}\n', "holds JSON, not CSV"),
        (b'[{"a":0,"b":"x"},{"a":1,"b":"y"}]', "holds JSON, not CSV"),
        (b"PK\x03\x04\x14\x00\x06\x00", "is not a readable ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office file"),
    ],
)
def test_unreadable_tables_raise_data_errors(tmp_path, content, match):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        read_table(str(path))


@pytest.mark.parametrize(
    "name, error, says",
    [
        (".", IsADirectoryError, "is a folder"),
        ("missing/out.csv", FileNotFoundError, "does not exist"),
        ("file.csv/out.csv", NotADirectoryError, "is not a folder"),
    ],
)
def test_outputs_that_cannot_be_written_are_named(tmp_path, name, error, says):
    (tmp_path / "file.csv").write_text("a\n1\n")
    target = str(tmp_path / name)
    for attempt in (lambda: check_writable(target),
                    lambda: write_table(pd.DataFrame({"a": [1]}), target, "csv")):
        with pytest.raises(error) as err:
            attempt()
        assert err.value.filename == target and says in err.value.strerror
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.csv"]
    check_writable(str(tmp_path / "new.csv"))
    check_writable("-")  # stdout


def test_an_output_in_a_folder_without_write_permission_is_named(tmp_path, monkeypatch):
    # Before 2026-12-05 only missing folders were checked: a folder one may not write to failed
    # after the whole fit. (os.access as a user without the permission answers: root may write.)
    import tabgan.io

    target = str(tmp_path / "out.csv")
    monkeypatch.setattr(tabgan.io.os, "access", lambda path, mode: Path(path) != tmp_path)
    with pytest.raises(PermissionError) as err:
        check_writable(target)
    assert err.value.filename == target
    assert err.value.strerror == f"its folder {str(tmp_path)!r} cannot be written to (no permission)"
    check_writable("/dev/null")  # a device is written in place: its own permission counts


def test_missing_file_and_folder_raise_os_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_table(str(tmp_path / "nope.csv"))
    with pytest.raises(IsADirectoryError):
        read_table(str(tmp_path))


@pytest.mark.parametrize(
    "target, fmt, expected",
    [
        ("a.csv", None, "csv"),
        ("a.CSV.gz", None, "csv"),
        ("a.tsv", None, "csv"),
        ("a.parquet", None, "parquet"),
        ("a.pq", None, "parquet"),
        ("-", None, "csv"),
        ("-", "parquet", "parquet"),
        ("a.dat", "csv", "csv"),
    ],
)
def test_output_format(target, fmt, expected):
    assert output_format(target, fmt) == expected


def test_output_format_needs_a_known_extension_or_format():
    with pytest.raises(ParameterError, match="--format"):
        output_format("a.dat", None)
    with pytest.raises(ParameterError, match="format='xlsx'"):
        output_format("a.csv", "xlsx")


def test_codes_that_numbers_would_rewrite_stay_text(tmp_path):
    # Before 2026-12-02 zip codes and phone numbers were read as integers: "02139" came back
    # as 2139 and "+15551234" as 15551234.
    src = tmp_path / "in.csv"
    text = ("zip,phone,n,flag,b\n02139,+15551234,1,true,True\n10001,+15559876,2,false,False\n"
            "00501,,3,true,\n")
    src.write_text(text)
    frame, style = read_table(str(src))
    assert frame.dtypes.astype(str).to_dict() == {
        "zip": "object", "phone": "object", "n": "int64", "flag": "object", "b": "boolean"}
    assert frame["zip"].tolist() == ["02139", "10001", "00501"]
    assert frame["phone"].iloc[:2].tolist() == ["+15551234", "+15559876"]
    assert np.isnan(frame["phone"].iloc[2])
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text


def test_spaces_round_a_number_keep_it_a_number(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1, 2\n3, 4\n")
    frame, _ = read_table(str(src))
    assert frame.dtypes.astype(str).to_dict() == {"a": "int64", "b": "int64"}


def test_a_header_pandas_renames_is_written_back_as_the_file_had_it(tmp_path):
    # Before 2026-12-02 a blank header (DataFrame.to_csv's index) came back as "Unnamed: 0" and a
    # repeated one as "x.1".
    src = tmp_path / "in.csv"
    src.write_text(",x,x\n0,1,a\n1,2,b\n")
    frame, style = read_table(str(src))
    assert list(frame.columns) == ["Unnamed: 0", "x", "x.1"]
    assert style.header == ("", "x", "x")
    with TableWriter(str(tmp_path / "out.csv"), "csv", style) as writer:
        writer.write(frame.iloc[:1])
        writer.write(frame.iloc[1:])
    assert (tmp_path / "out.csv").read_text() == src.read_text()
    assert CsvStyle(header=["", "x"]).header == ("", "x")  # as a model file's JSON gives it


def test_a_trailing_delimiter_round_trips_through_a_model(tmp_path):
    from tabgan import ConditionalGAN

    src = tmp_path / "in.csv"
    src.write_text("a,b,\n" + "".join(f"{i},{'xy'[i % 2]},\n" for i in range(40)))
    frame, style = read_table(str(src))
    model = ConditionalGAN(epochs=1, batch_size=20, random_state=0).fit(frame)
    write_table(model.sample(5, random_state=0), str(tmp_path / "out.csv"), "csv", style)
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert lines[0] == "a,b," and all(line.endswith(",") for line in lines)


def test_floats_written_in_one_fixed_form_are_written_back_in_it(tmp_path):
    # Before 2026-12-02 prices written 12.50 came back as 12.5, and 4.80e-02 as 0.048.
    src = tmp_path / "in.csv"
    text = ("price,small,big,mixed,gaps,repr\n12.50,4.80e-02,1.5E+10,1.5,3.0,0.5\n"
            "3.00,1.25e-05,2.0E+03,2.25,,1.25\n7.25,-9.00e+00,3.1E-01,3,4.5,2.0\n")
    src.write_text(text)
    frame, style = read_table(str(src))
    assert frame.dtypes.astype(str).to_dict() == {
        "price": "float64", "small": "float64", "big": "float64", "mixed": "float64", "gaps": "float64",
        "repr": "float64"}
    assert {f.column: f.printf for f in style.formats} == {"price": "%.2f", "small": "%.2e", "big": "%.1E", "mixed": "shortest",
                                   "gaps": "%.1f"}
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text
    # New values take the same form; -0.0 is written without its sign, missing values as missing.
    out = pd.DataFrame({"price": [0.1, -0.0, np.nan], "small": [0.5, 1e-9, 2.0], "mixed": [4.0, 0.5, -0.0]})
    write_table(out, str(tmp_path / "new.csv"), "csv", style)
    assert (tmp_path / "new.csv").read_text() == (
        "price,small,mixed\n0.10,5.00e-01,4\n0.00,1.00e-09,0.5\n,2.00e+00,0\n")
    assert CsvStyle(formats=[{"column": "price", "printf": "%.2f", "point": ".", "group": ""}]
                    ).formats == (NumberFormat("price", "%.2f"),)  # as a model file's JSON gives it


@pytest.mark.parametrize("name", ["out.tsv", "OUT.TSV.gz"])
def test_a_tsv_output_holds_tabs_whatever_the_training_file_used(tmp_path, name):
    # Before 2026-12-02 `tabgan sample ... -o out.tsv` wrote commas (or the training file's ";").
    for text in (CSV, "preis;stadt\n12,50;Köln\n3,00;Berlin\n"):
        src = tmp_path / "in.csv"
        src.write_text(text)
        frame, style = read_table(str(src))
        out = tmp_path / name
        write_table(frame, str(out), "csv", style)
        raw = out.read_bytes()
        written = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode()
        assert written == text.replace(style.delimiter, "\t")
        back, back_style = read_table(str(out))
        pd.testing.assert_frame_equal(back, frame)
        assert back_style.delimiter == "\t"
        write_table(back, str(tmp_path / "again.csv"), "csv", back_style)  # a TSV's rows asked for CSV
        decimal_comma = "12,50" in text  # then semicolons, as such CSV files are written
        assert (tmp_path / "again.csv").read_text() == (text if decimal_comma else text.replace(";", ","))
    write_table(frame, str(tmp_path / "same.txt"), "csv", back_style)  # no CSV name: the file's tabs
    assert "\t" in (tmp_path / "same.txt").read_text()


def test_numbers_with_a_decimal_comma_are_floats_written_back_with_it(tmp_path):
    # Before 2026-12-02 "12,50" in a ";" file was text: a price column became categories or an id.
    src = tmp_path / "in.csv"
    text = ("preis;menge;umsatz;code;stadt\n12,50;3;1.234,5;1,2,3;Köln\n3,00;1;999,25;4;Berlin\n"
            ";2;-12.345.678;5,6;Köln\n")
    src.write_text(text)
    frame, style = read_table(str(src))
    assert frame.dtypes.astype(str).to_dict() == {
        "preis": "float64", "menge": "int64", "umsatz": "float64", "code": "object", "stadt": "object"}
    assert frame["preis"].iloc[:2].tolist() == [12.5, 3.0] and np.isnan(frame["preis"].iloc[2])
    assert frame["umsatz"].tolist() == [1234.5, 999.25, -12345678.0]
    assert style.formats == (NumberFormat("preis", "%.2f", ","), NumberFormat("umsatz", "shortest", ",", "."))
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text
    comma = tmp_path / "comma.csv"  # in a "," file a quoted "1,234" may be a thousand: left as text
    comma.write_text('a,b\n"1,5",x\n"2,25",y\n')
    assert read_table(str(comma))[0]["a"].tolist() == ["1,5", "2,25"]


def test_a_parquet_file_pandas_cannot_read_back_is_read_by_its_arrow_types(tmp_path):
    # Before 2026-12-02 a file pandas wrote from pyarrow's category type could not be read (nor
    # can pandas' read_parquet): its metadata names the dtype in a form pandas does not parse.
    import pyarrow as pa

    frame = pd.DataFrame({
        "c": pd.Series(["u", "v", None, "u"], dtype=pd.ArrowDtype(pa.dictionary(pa.int8(), pa.string()))),
        "p": pd.period_range("2020-01", periods=4, freq="M"),
        "n": pd.array([1, None, 3, 4], dtype="Int64"),
    }).set_index(pd.Index([10, 11, 12, 13], name="row"))
    frame.to_parquet(tmp_path / "in.parquet")
    with pytest.raises(ValueError):
        pd.read_parquet(tmp_path / "in.parquet")
    back, style = read_table(str(tmp_path / "in.parquet"))
    assert style is None
    assert back.dtypes.astype(str).to_dict() == {"row": "int64", "c": "category", "p": "period[M]", "n": "Int64"}
    assert back["c"].tolist()[:2] == ["u", "v"] and back["row"].tolist() == [10, 11, 12, 13]


def test_numbers_with_thousands_separators_or_signs_are_numbers_written_back_so(tmp_path):
    # Before 2026-12-02 "1,234.50", "$3.00" and "12.5%" were text: categories or an id.
    src = tmp_path / "in.csv"
    text = ('amount,qty,pct,price,code\n"1,234.50",1,12.5%,$3.00,A1\n999.25,"12,345",3%,$12.25,B2\n'
            '"-12,345,678.00",7,,$-1.50,C3\n')
    src.write_text(text)
    frame, style = read_table(str(src))
    assert frame.dtypes.astype(str).to_dict() == {
        "amount": "float64", "qty": "int64", "pct": "float64", "price": "float64", "code": "object"}
    assert frame["amount"].tolist() == [1234.5, 999.25, -12345678.0]
    assert frame["qty"].tolist() == [1, 12345, 7] and frame["price"].tolist() == [3.0, 12.25, -1.5]
    assert {f.column: (f.printf, f.group, f.prefix, f.suffix) for f in style.formats} == {
        "amount": ("%.2f", ",", "", ""), "qty": ("%d", ",", "", ""), "pct": ("shortest", "", "", "%"),
        "price": ("%.2f", "", "$", "")}
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text
    mixed = tmp_path / "mixed.csv"  # signs on some values only, or two forms: left as text
    mixed.write_text('a,b\n$1.50,"1,5"\n2.25,"1,234"\n')
    assert read_table(str(mixed))[0].dtypes.astype(str).tolist() == ["object", "object"]


def test_in_a_decimal_comma_file_points_between_thousands_are_thousands(tmp_path):
    # pandas reads 1.234 as one point two three four; in a file of decimal commas it is 1234.
    src = tmp_path / "in.csv"
    text = ("betrag;menge;anteil;satz;plz\n1,5;3;12,5 %;0.125;01067\n2,25;1.234;3 %;1.5;10115\n"
            ";12.345.678;;2.25;80331\n")
    src.write_text(text)
    frame, style = read_table(str(src))
    assert frame["menge"].tolist() == [3, 1234, 12345678] and frame["menge"].dtype == np.int64
    assert frame["anteil"].iloc[:2].tolist() == [12.5, 3.0]
    assert frame["satz"].tolist() == [0.125, 1.5, 2.25]  # no thousands there: left as pandas read it
    assert frame["plz"].tolist() == ["01067", "10115", "80331"]  # codes stay codes
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text


def test_windows_line_ends_are_written_back(tmp_path):
    # Before 2026-12-02 a CSV with \r\n line ends (Excel on Windows) came back with \n.
    src = tmp_path / "in.csv.gz"
    text = b"a,b\r\n1,x\r\n2,\"y\r\nz\"\r\n"
    src.write_bytes(gzip.compress(text))
    frame, style = read_table(str(src))
    assert style.newline == "\r\n" and frame["b"].tolist() == ["x", "y\r\nz"]
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_bytes() == text
    assert CsvStyle(**{k: v for k, v in style.__dict__.items() if k != "newline"}).newline == "\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_unicode_text_is_read_and_written_back_in_it(tmp_path, encoding):
    # Before 2026-12-02 Excel's "Unicode Text" (UTF-16, tab-delimited) was read as Latin-1: one
    # garbled column of missing values; and until a later fix that day big-endian text was
    # written back little-endian.
    src = tmp_path / "in.txt"
    text = "\ufeffname\tage\r\nZoë\t31\r\n张伟\t40\r\n"  # with its byte-order mark
    src.write_bytes(text.encode(encoding))
    frame, style = read_table(str(src))
    assert frame.to_dict("list") == {"name": ["Zoë", "张伟"], "age": [31, 40]}
    assert (style.encoding, style.delimiter, style.newline) == (encoding, "\t", "\r\n")
    for name in ("out.txt", "out.txt.gz"):
        write_table(pd.concat([frame[:1], frame[1:]]), str(tmp_path / name), "csv", style)
        raw = (tmp_path / name).read_bytes()
        assert (gzip.decompress(raw) if name.endswith(".gz") else raw) == text.encode(encoding)
    with TableWriter(str(tmp_path / "chunks.txt"), "csv", style) as writer:  # one mark, not one a chunk
        writer.write(frame[:1])
        writer.write(frame[1:])
    assert (tmp_path / "chunks.txt").read_bytes() == text.encode(encoding)


def test_text_with_nul_bytes_is_refused_naming_what_it_may_be(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes("a,b\n1,2\n".encode("utf-16-le"))  # no byte-order mark
    with pytest.raises(DataError, match="holds NUL bytes.*UTF-16"):
        read_table(str(src))


def test_thousands_before_a_decimal_point_are_read_in_any_file(tmp_path):
    src = tmp_path / "in.csv"
    text = "amount;n\n1,234.50;1\n999.25;2\n-12,345.00;3\n"
    src.write_text(text)
    frame, style = read_table(str(src))
    assert frame["amount"].tolist() == [1234.5, 999.25, -12345.0]
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text


def test_paths_with_a_tilde_are_under_the_home_folder(tmp_path, monkeypatch):
    # Before 2026-12-02 "~/t.csv" was read as a folder named "~" (pandas expands it).
    monkeypatch.setenv("HOME", str(tmp_path))
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    write_table(frame, "~/t.csv", "csv")
    check_writable("~/u.csv")
    pd.testing.assert_frame_equal(read_table("~/t.csv")[0], frame)
    assert (tmp_path / "t.csv").exists()


def test_a_number_or_date_column_with_one_text_of_its_own_reads_it_as_missing(tmp_path):
    # Before 2026-12-02 "?" (UCI tables) made a number column categorical, and "0000-00-00"
    # (MySQL exports) made a date column an id whose generated values were no dates
    # ("5479-44-31").
    rng = np.random.default_rng(0)
    n = 120
    age = rng.integers(18, 90, n).astype(str).astype(object)
    age[::9] = "?"
    score = np.round(rng.normal(50, 10, n), 2).astype(str).astype(object)
    score[::11] = "unknown"
    joined = pd.Series(pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D"))
    joined = joined.dt.strftime("%Y-%m-%d").astype(object)
    joined[::7] = "0000-00-00"
    city = rng.choice(["Rome", "Oslo", "unknown"], n).astype(object)  # words: a category
    with_na = rng.integers(0, 9, n).astype(str).astype(object)
    with_na[::5], with_na[1::5] = np.nan, "?"  # missing values of its own: "?" stays a category
    text = pd.DataFrame({"age": age, "score": score, "joined": joined, "city": city,
                         "visits": with_na}).to_csv(index=False, na_rep="NA")
    (tmp_path / "in.csv").write_text(text, encoding="utf-8")
    frame, style = read_table(str(tmp_path / "in.csv"))
    assert style.missing == (("age", "?"), ("score", "unknown"), ("joined", "0000-00-00"))
    assert style.na_rep == "NA"  # the other columns' token is not one of those
    assert frame.dtypes.astype(str).to_dict() == {"age": "Int64", "score": "float64", "joined": "object",
                                                  "city": "object", "visits": "object"}
    assert frame["age"].isna().sum() == len(age[::9]) and frame["joined"].isna().sum() == len(joined[::7])
    assert (frame["city"] == "unknown").any() and (frame["visits"] == "?").any()
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == text
    assert CsvStyle(**json.loads(json.dumps(dataclasses.asdict(style)))) == style  # as a model file holds it


def test_numbers_in_scientific_notation_with_one_text_read_it_as_missing(tmp_path):
    # Regression: 4.800e-02 did not look like a number, so "unknown" beside such values made the
    # column an id (random digits in their shape).
    rng = np.random.default_rng(0)
    values = [f"{v:.3e}" for v in rng.lognormal(-3, 1, 60)]
    values[::9] = ["unknown"] * len(values[::9])
    text = "x\n" + "\n".join(values) + "\n"
    (tmp_path / "in.csv").write_text(text)
    frame, style = read_table(str(tmp_path / "in.csv"))
    assert frame["x"].dtype == np.float64 and frame["x"].isna().sum() == 7
    assert style.missing == (("x", "unknown"),) and style.formats == (NumberFormat("x", "%.3e"),)
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text


def test_numbers_with_signs_beside_empty_cells_and_texts_are_numbers_and_keep_both(tmp_path):
    # Before 2026-12-03 percentages with "-" and empty cells, or dollars with "n/a" and "-", were
    # categories of their text.
    from tabgan.schema import infer_schema

    rng = np.random.default_rng(0)
    rows = [("-" if i % 9 == 0 else "" if i % 7 == 0 else f"{v:.1f}%",
             "n/a" if i % 8 == 0 else "-" if i % 5 == 0 else f"${int(v * 10)}")
            for i, v in enumerate(rng.lognormal(3, 1, 200))]
    text = "share,price\n" + "".join(f"{a},{b}\n" for a, b in rows)
    (tmp_path / "in.csv").write_text(text)
    frame, style = read_table(str(tmp_path / "in.csv"))
    assert frame["share"].iloc[:3].tolist() == ["-", "17.6", "38.1"] and frame["share"].isna().sum() > 0
    assert style.formats == (NumberFormat("share", "%.1f", suffix="%"), NumberFormat("price", "%d", prefix="$"))
    assert style.na_rep == "" and style.missing == (("price", "n/a"),)  # pandas reads n/a as missing
    assert {c.name: c.kind for c in infer_schema(frame).columns} == {"share": "numerical", "price": "numerical"}
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text
    generated = frame.assign(share=["12.3", "-", None, "inf"] * 50)  # as a model writes them
    write_table(generated, str(tmp_path / "gen.csv"), "csv", style)
    assert pd.read_csv(tmp_path / "gen.csv", dtype=str, keep_default_na=False)["share"][:4].tolist() == ["12.3%", "-", "", "inf"]


def test_numbers_missing_in_several_ways_pandas_reads_as_one_keep_each(tmp_path):
    # Before 2026-12-03 empty cells and "n/a" in one column were both NaN, written back as the
    # file's token: the n/a were lost.
    from tabgan.schema import infer_schema

    rng = np.random.default_rng(0)
    rows = [("" if i % 9 == 0 else "n/a" if i % 7 == 0 else f"{rng.normal(50, 10):.2f}",
             "NA" if i % 9 == 0 else "N/A" if i % 4 == 0 else str(rng.integers(0, 100)),
             "" if i % 5 == 0 else f"{rng.normal():.3f}") for i in range(200)]
    text = "a,b,c\n" + "".join(",".join(r) + "\n" for r in rows)
    (tmp_path / "in.csv").write_text(text)
    frame, style = read_table(str(tmp_path / "in.csv"))
    assert (frame["a"] == "n/a").sum() == sum(r[0] == "n/a" for r in rows) and frame["a"].isna().sum() == 23
    assert frame["c"].dtype == np.float64  # one way: numbers, as before
    assert style.na_rep == "" and style.missing == (("b", "N/A"),)  # b's commonest, none of them empty
    assert {c.name: c.kind for c in infer_schema(frame).columns} == {"a": "numerical", "b": "numerical", "c": "numerical"}
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text


def test_text_columns_missing_in_several_ways_pandas_reads_as_one_keep_each(tmp_path):
    # Before 2026-12-03 empty cells and "n/a" in a category, text-date or "$" column were both
    # NaN and came back as the file's commonest token: the empty cells were lost.
    from tabgan import ConditionalGAN
    from tabgan.schema import infer_schema

    rng = np.random.default_rng(0)

    def cell(i: int, value: str) -> str:
        return "" if i % 9 == 0 else "n/a" if i % 7 == 0 else value

    rows = [(cell(i, str(rng.choice(["red", "green", "blue"]))),
             cell(i, f"2021-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"),
             cell(i, f"${rng.integers(1, 999)}"),
             cell(i, "".join(rng.choice(list("abcdefghij"), 8))),
             cell(i, str(bool(rng.integers(0, 2)))),
             f"{rng.normal():.3f}") for i in range(300)]
    text = "color,day,price,name,flag,x\n" + "".join(",".join(r) + "\n" for r in rows)
    (tmp_path / "in.csv").write_text(text)
    frame, style = read_table(str(tmp_path / "in.csv"))
    assert style.na_rep == "n/a"  # the file's commonest: still missing, the empty cells text
    empty, na = sum(r[0] == "" for r in rows), sum(r[0] == "n/a" for r in rows)
    for column in ("color", "day", "price"):
        assert (frame[column] == "").sum() == empty and frame[column].isna().sum() == na, column
    for column in ("name", "flag"):  # an id and booleans: their missing values one kind, as before
        assert frame[column].isna().sum() == empty + na, column
    kinds = {c.name: c.kind for c in infer_schema(frame).columns}
    assert kinds == {"color": "categorical", "day": "datetime", "price": "numerical", "name": "id",
                     "flag": "boolean", "x": "numerical"}
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    written = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    original = pd.read_csv(tmp_path / "in.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(written[["color", "day", "price", "x"]], original[["color", "day", "price", "x"]])
    generated = ConditionalGAN(epochs=1, batch_size=50, random_state=0).fit(frame).sample(600, random_state=0)
    write_table(generated, str(tmp_path / "gen.csv"), "csv", style)
    out = pd.read_csv(tmp_path / "gen.csv", dtype=str, keep_default_na=False)
    for column in ("color", "day", "price"):
        assert {"", "n/a"} <= set(out[column]), column  # each way, generated and written as it was
    assert out["price"][~out["price"].isin(["", "n/a"])].str.fullmatch(r"\$[0-9]+").all()


def test_written_numbers_missing_in_several_ways_beside_a_text_keep_each(tmp_path):
    # Before 2026-12-05 "1,234", "$12.50" or "12.5%" numbers with empty cells and "n/a" kept both
    # only when no other text stood beside them: with one "-" too, the column looked like an id
    # to the check for several tokens, and its n/a were written back as empty cells.
    from tabgan.schema import infer_schema

    rng = np.random.default_rng(0)

    def cell(i: int, value: str) -> str:
        return "" if i % 5 == 0 else "n/a" if i % 7 == 0 else "-" if i % 11 == 0 else value

    rows = [(cell(i, f'"{int(v * 1000):,}"'), cell(i, f"${v:.2f}"), cell(i, f"{v:.1f}%"))
            for i, v in enumerate(rng.lognormal(3, 0.5, 200))]
    text = "count,price,share\n" + "".join(",".join(r) + "\n" for r in rows)
    (tmp_path / "in.csv").write_text(text)
    frame, style = read_table(str(tmp_path / "in.csv"))
    for column in ("count", "price", "share"):
        assert (frame[column] == "n/a").sum() == sum(r[0] == "n/a" for r in rows), column
        assert frame[column].isna().sum() == sum(r[0] == "" for r in rows), column
    assert {c.name: c.kind for c in infer_schema(frame).columns} == dict.fromkeys(("count", "price", "share"), "numerical")
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text


@pytest.mark.parametrize("dash", [False, True])
def test_digit_ids_missing_in_several_ways_keep_their_missing_values_one_kind(tmp_path, dash):
    # Digits in no number form tabgan reads (zip codes with a leading zero) are an id: its "n/a"
    # beside empty cells (and a "-") were kept as values, regenerated as random letters ("k/w").
    from tabgan.schema import infer_column
    from tabgan.transformers.simple import IdTransformer

    codes = np.random.default_rng(0).choice(10**6, 300, replace=False)

    def cell(i: int, code: int) -> str:
        return "" if i % 5 == 0 else "n/a" if i % 7 == 0 else "-" if dash and i % 11 == 0 else f"0{code:06d}"

    rows = [cell(i, c) for i, c in enumerate(codes)]
    (tmp_path / "in.csv").write_text("zip,y\n" + "".join(f"{z},{i % 3}\n" for i, z in enumerate(rows)))
    frame, _ = read_table(str(tmp_path / "in.csv"))
    assert infer_column(frame["zip"]).kind == "id"
    assert frame["zip"].isna().sum() == sum(z in ("", "n/a") for z in rows)
    fresh = IdTransformer().fit(frame["zip"], np.random.default_rng(0)).inverse_compact(
        np.zeros((300, 0)), np.random.default_rng(1))
    assert not pd.Series(fresh).dropna().str.contains("/").any()


def test_negative_numbers_before_a_currency_sign_or_in_parentheses_are_numbers_written_so(tmp_path):
    # Before 2026-12-05 a spreadsheet's negative currency (-$1,234.50) or an accountant's
    # parentheses ((1,234), ($12.50)) made the column an id: fresh random digits, never negative.
    from tabgan.schema import infer_schema

    def paren(text: str, v: float) -> str:
        return f"({text})" if v < 0 else text

    def quoted(field: str) -> str:
        return f'"{field}"' if "," in field else field

    values = np.random.default_rng(0).normal(0, 300, 200)
    rows = [(f"{'-' if v < 0 else ''}${abs(v) * 10:,.2f}", paren(f"{abs(round(v * 10)):,}", v),
             paren(f"${abs(v):.2f}", v), paren(f"{abs(v):.1f}%", v) if i % 9 else "-")
            for i, v in enumerate(values)]
    text = "balance,change,fee,share\n" + "".join(",".join(map(quoted, r)) + "\n" for r in rows)
    (tmp_path / "in.csv").write_text(text)
    frame, style = read_table(str(tmp_path / "in.csv"))
    assert frame.dtypes.astype(str).tolist() == ["float64", "int64", "float64", "float64"]
    assert style.missing == (("share", "-"),)  # its one text, a missing value
    assert (frame["balance"] < 0).sum() == (frame["fee"] < 0).sum() == (values < 0).sum() > 50
    assert [(f.prefix, f.suffix, f.negative) for f in style.formats] == [
        ("$", "", "-$"), ("", "", "()"), ("$", "", "()"), ("", "%", "()")]
    assert {c.name: c.kind for c in infer_schema(frame).columns} == dict.fromkeys(frame.columns, "numerical")
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    assert (tmp_path / "out.csv").read_text() == text
    generated = pd.DataFrame({"balance": [-1234.5, 7.0], "change": [-12345, 5], "fee": [-0.5, 2.0],
                              "share": [-3.5, np.nan]})
    write_table(generated, str(tmp_path / "gen.csv"), "csv", style)
    assert (tmp_path / "gen.csv").read_text().splitlines()[1:] == ['"-$1,234.50","(12,345)",($0.50),(3.5%)',
                                                                    "$7.00,5,$2.00,-"]


def test_negative_numbers_in_mixed_forms_or_all_in_parentheses_stay_text(tmp_path):
    mixed = [f"({v})" if v < 0 and k % 2 else str(v) for k, v in enumerate(range(-50, 50, 3))]
    frame = pd.DataFrame({"mixed": mixed, "all": [f"({k})" for k in range(len(mixed))]})
    (tmp_path / "in.csv").write_text(frame.to_csv(index=False))
    back, style = read_table(str(tmp_path / "in.csv"))
    assert back["mixed"].tolist() == mixed and back["all"].tolist() == frame["all"].tolist()
    assert style.formats == ()


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_rows_leaving_out_their_empty_last_fields_keep_the_delimiter(tmp_path, delimiter):
    # Before 2026-12-05 csv.Sniffer alone told the delimiter: rows that leave out their empty
    # last fields, beside a comma in a text, made it "," and the file one column (exit 0) or a
    # refusal naming ",".
    rows = [delimiter.join(["name", "city", "note"])]
    rows += [delimiter.join([f"n{i}", "Paris" if i % 3 else "Lyon", "a, b" if i % 4 else "x"][: 2 if i % 5 == 0 else 3])
             for i in range(40)]
    (tmp_path / "in.csv").write_text("\n".join(rows) + "\n")
    frame, style = read_table(str(tmp_path / "in.csv"))
    assert style.delimiter == delimiter and frame.columns.tolist() == ["name", "city", "note"]
    assert frame["note"].isna().sum() == 8 and (frame["note"] == "a, b").sum() == 24
    (tmp_path / "one.csv").write_text("a;b;c\n1;2\n3;4;5;6\n")  # a row too long: refused, not one column
    with pytest.raises(DataError, match="Expected 3 fields"):
        read_table(str(tmp_path / "one.csv"))


def test_two_odd_texts_or_odd_dates_leave_the_column_text(tmp_path):
    two = pd.DataFrame({"a": ["1", "2", "3", "?", "-", "4"],  # two texts: not one missing token
                        "d": ["2020-01-01", "2020-13-01", "2020-02-01", "x", "2020-03-01", "2020-04-01"]})
    (tmp_path / "in.csv").write_text(two.to_csv(index=False), encoding="utf-8")
    frame, style = read_table(str(tmp_path / "in.csv"))
    assert style.missing == () and frame["a"].tolist() == two["a"].tolist()
    assert frame["d"].tolist() == two["d"].tolist()


# ------------------------------------------------------------ found by a bug hunt, 2026-12-03
def test_a_trailing_delimiter_on_every_row_is_dropped_and_a_longer_row_refused(tmp_path):
    # Before 2026-12-03 rows one field longer than the header made pandas take their first
    # field as the index: every column shifted one name on (names under "id", "score" empty).
    path = tmp_path / "t.csv"
    path.write_text("id,name,score\n1,Bob,7.6,\n2,Ann,0.4,\n3,Cy,1.5,\n")
    frame, _ = read_table(str(path))
    assert frame.columns.tolist() == ["id", "name", "score"] and frame["name"].tolist() == ["Bob", "Ann", "Cy"]
    assert frame["id"].tolist() == [1, 2, 3] and frame["score"].tolist() == [7.6, 0.4, 1.5]
    for text in ("a,b\n1,2,3\n4,5,6\n", "a,b\n1,2,\n4,5,6\n", "name\nSmith, John\nLee, Ann\n"):
        path.write_text(text)
        with pytest.raises(DataError, match=r"its rows hold \d fields where its header names \d \(a field "
                                            r"holding the delimiter ',' unquoted\?\)"):
            read_table(str(path))


def test_a_pipe_given_as_a_path_is_read(tmp_path):
    # Before 2026-12-03 <(zcat t.csv.gz) and /dev/stdin failed: "File or stream is not seekable."
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b"a,b\n1,x\n2,y\n"), daemon=True)
    writer.start()
    frame, _ = read_table(str(fifo))
    writer.join(timeout=10)
    assert frame["a"].tolist() == [1, 2] and frame["b"].tolist() == ["x", "y"]


def test_a_utf8_mark_before_latin1_bytes_is_no_part_of_the_first_name(tmp_path):
    # Before 2026-12-03 the Latin-1 fallback read the mark as the text "ï»¿" of the first name.
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,caf\xe9\n2,x\n")
    frame, style = read_table(str(path))
    assert frame.columns.tolist() == ["a", "b"] and frame["b"].tolist() == ["café", "x"]
    assert style.encoding == "latin-1"


def test_as_text_reads_every_cell_as_written(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code,x\n100,1.50\n007,\n")
    frame, style = read_table(str(path), as_text=True)
    assert style is None and frame["code"].tolist() == ["100", "007"]
    assert frame["x"].iloc[0] == "1.50" and pd.isna(frame["x"].iloc[1])


def test_parquet_of_columns_labelled_by_numbers_is_written_and_empty_parquet_named(tmp_path):
    # Before 2026-12-03 writing raised KeyError "name '0' present in the specified schema is not
    # found"; a Parquet file of no rows said "the table has no rows", naming no file.
    path = tmp_path / "t.parquet"
    write_table(pd.DataFrame({0: [1, 2], 1: ["x", "y"]}), str(path), "parquet")
    assert pq.read_table(path).column_names == ["0", "1"]
    pd.DataFrame({"a": pd.Series([], dtype="int64")}).to_parquet(tmp_path / "empty.parquet")
    with pytest.raises(DataError, match="'.*empty.parquet' has no rows"):
        read_table(str(tmp_path / "empty.parquet"))


def test_outputs_to_devices_and_pipes_are_written_in_place_links_through_to_their_file(tmp_path):
    # Before 2026-12-03 every output was a temporary file renamed over the target: /dev/null (as
    # root) or a FIFO became a regular file, and a link was replaced by a file.
    import os
    import threading

    frame = pd.DataFrame({"a": [1, 2]})
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_table(frame, str(fifo), "csv")
    reader.join(timeout=10)  # a reader left waiting (the FIFO replaced by a file) fails below
    assert got == [b"a\n1\n2\n"] and fifo.is_fifo()
    (tmp_path / "real.csv").write_text("old\n")
    (tmp_path / "link.csv").symlink_to("real.csv")
    write_table(frame, str(tmp_path / "link.csv"), "csv")
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "real.csv").read_text() == "a\n1\n2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "pipe", "real.csv"]


def test_a_long_output_name_is_written_and_errors_name_the_target(tmp_path):
    # Before 2026-12-03 the temporary name added 19 characters (a 245-character name failed with
    # "File name too long" naming '.aaa....csv.26bdc6b70a71.tmp'), and gzip stored that name.
    long = tmp_path / ("a" * 245 + ".csv.gz")
    write_table(pd.DataFrame({"a": [1]}), str(long), "csv")
    data = long.read_bytes()
    assert data[3] & 0x08 == 0  # FNAME flag: no file name in the gzip header
    write_table(pd.DataFrame({"a": [1]}), str(tmp_path / "again.csv.gz"), "csv")
    assert (tmp_path / "again.csv.gz").read_bytes() == data  # the same bytes for the same rows
    from pathlib import Path

    from tabgan.io import atomic_output

    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux's /proc, a folder where no file can be made, even by root")
    with pytest.raises(OSError) as err, atomic_output("/proc/x.csv"):
        pass
    assert err.value.filename == "/proc/x.csv" and ".tmp" not in str(err.value)


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.bz2", ".csv.xz", ".tsv.xz"])
def test_bzip2_and_xz_tables_are_read_and_written_like_gzip(tmp_path, suffix):
    # Before 2026-12-03 .csv.bz2 and .csv.xz were refused as "NUL bytes ... UTF-16 text without
    # its byte-order mark?", and written uncompressed.
    import bz2
    import lzma

    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix[suffix.rindex("."):]]
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    write_table(frame, str(tmp_path / f"t{suffix}"), "csv")
    sep = "\t" if suffix.startswith(".tsv") else ","
    assert opener(tmp_path / f"t{suffix}", "rt").read() == f"a{sep}b\n1{sep}x\n2{sep}y\n3{sep}z\n"
    back, _ = read_table(str(tmp_path / f"t{suffix}"))
    pd.testing.assert_frame_equal(back, frame)
    with pytest.raises(ParameterError, match="Parquet compresses its own pages; name it .parquet"):
        output_format(str(tmp_path / f"t.parquet{suffix[suffix.rindex('.'):]}"), None)
    # Before 2026-12-05 --format parquet wrote plain Parquet under a name of gzip, bzip2 or xz.
    with pytest.raises(ParameterError, match="Parquet compresses its own pages; name it .parquet"):
        output_format(str(tmp_path / f"t{suffix}"), "parquet")
    assert output_format(str(tmp_path / f"t{suffix}"), "csv") == "csv"


def test_a_zip_of_one_table_is_read_and_other_zips_are_named(tmp_path):
    import zipfile

    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    with zipfile.ZipFile(tmp_path / "one.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("folder/", "")
        z.writestr("folder/table.csv", frame.to_csv(index=False))
    pd.testing.assert_frame_equal(read_table(str(tmp_path / "one.zip"))[0], frame)
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as z:
        z.writestr("a.csv", "a\n1\n")
        z.writestr("b.csv", "b\n2\n")
    with pytest.raises(DataError, match=r"is a ZIP archive of 2 files \('a.csv', 'b.csv'\); tabgan reads an "
                                        "archive of one table"):
        read_table(str(tmp_path / "two.zip"))
    with zipfile.ZipFile(tmp_path / "book.xlsx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DataError, match=r"is an Office document \(an Excel .xlsx workbook\?\)"):
        read_table(str(tmp_path / "book.xlsx"))
    with zipfile.ZipFile(tmp_path / "pq.zip", "w") as z:
        buffer = io.BytesIO()
        frame.to_parquet(buffer)
        z.writestr("t.parquet", buffer.getvalue())
    pd.testing.assert_frame_equal(read_table(str(tmp_path / "pq.zip"))[0], frame)


@pytest.mark.parametrize("text, values", [
    ("a\n1\n\n3\n", [1, None, 3]),
    ("a\n1\n2\n\n", [1, 2, None]),  # how pandas' to_csv writes a last value missing
    ("a\nx\n\ny\n", ["x", None, "y"]),
    ("a\n\n\n", [None, None]),
])
def test_a_blank_line_of_a_one_column_csv_is_a_missing_value(tmp_path, text, values):
    # Before 2026-12-04 pandas dropped the blank lines, and with them the rows: a one-column
    # table with missing values, written by pandas, came back shorter.
    (tmp_path / "in.csv").write_text(text)
    frame, style = read_table(str(tmp_path / "in.csv"))
    assert [None if pd.isna(v) else v for v in frame["a"]] == values
    write_table(frame, str(tmp_path / "out.csv"), "csv", style)
    again, _ = read_table(str(tmp_path / "out.csv"))
    pd.testing.assert_frame_equal(again, frame)


def test_a_blank_line_between_rows_of_several_columns_is_no_row(tmp_path):
    (tmp_path / "in.csv").write_text("a,b\n1,2\n\n3,4\n")
    frame, _ = read_table(str(tmp_path / "in.csv"))
    assert frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_parquet_ints_and_booleans_with_gaps_are_read_as_nullable_dtypes(tmp_path):
    # Before 2026-12-04 an int32 column with a gap was read as float64 (572 became 572.0), and a
    # uint64 past 2**53 lost its last digits on the way.
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"n": pa.array([1, None, 572], pa.int32()),
                             "u": pa.array([2**63 + 1, None, 2**63 + 7], pa.uint64()),
                             "b": pa.array([True, None, False]), "k": pa.array([1, 2, 3], pa.int16())}),
                   tmp_path / "t.parquet")
    frame, _ = read_table(str(tmp_path / "t.parquet"))
    assert frame.dtypes.astype(str).to_dict() == {"n": "Int32", "u": "UInt64", "b": "boolean", "k": "int16"}
    assert frame["u"].tolist() == [2**63 + 1, pd.NA, 2**63 + 7]
    # A named index level is one of the table's columns, converted as they are.
    pd.DataFrame({"a": [1.5, 2.0, 3.0]}, index=pd.Index(pd.array([2**63 + 1, None, 2**63 + 3], dtype="UInt64"),
                                                         name="acct")).to_parquet(tmp_path / "i.parquet")
    frame, _ = read_table(str(tmp_path / "i.parquet"))
    assert str(frame["acct"].dtype) == "UInt64" and frame["acct"].tolist() == [2**63 + 1, pd.NA, 2**63 + 3]


def test_parquet_chunks_are_written_in_the_schema_of_the_whole_table(tmp_path):
    # Before 2026-12-04 the schema was the first chunk's: a later chunk's decimals with one more
    # digit, or dates in a column the first chunk had none of, stopped the write (ArrowInvalid,
    # ArrowTypeError), and a column with no value in one chunk of one was written as text.
    import datetime
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    from tabgan.io import output_schema, read_table_and_schema, schema_from_text, schema_text

    whole = pd.DataFrame({"price": [decimal.Decimal("1.25"), decimal.Decimal("100.50")],
                          "shipped": pd.Series([None, datetime.date(2021, 1, 1)], dtype=object)})
    schema = schema_from_text(schema_text(output_schema(whole)))  # as a model file keeps it
    assert schema.field("price").type.scale == 2 and schema.field("shipped").type == pa.date32()
    with TableWriter(str(tmp_path / "o.parquet"), "parquet", schema=schema) as writer:
        writer.write(whole.iloc[[0]])
        writer.write(whole.iloc[[1]])
    assert pq.read_table(tmp_path / "o.parquet").to_pydict() == {
        "price": [decimal.Decimal("1.25"), decimal.Decimal("100.50")], "shipped": [None, datetime.date(2021, 1, 1)]}
    with TableWriter(str(tmp_path / "p.parquet"), "parquet") as writer:  # no schema: decimals get room
        writer.write(whole[["price"]].iloc[[0]])
        writer.write(whole[["price"]].iloc[[1]])
    # A Parquet file's own types are kept: its width of decimals, large_string, dictionary indices.
    pq.write_table(pa.table({"d": pa.array([decimal.Decimal("1.50")], pa.decimal128(10, 2)),
                             "s": pa.array(["a"], pa.large_string()),
                             "c": pa.array(["x"]).dictionary_encode()}), tmp_path / "in.parquet")
    frame, _, file_schema = read_table_and_schema(str(tmp_path / "in.parquet"))
    write_table(frame, str(tmp_path / "back.parquet"), "parquet", schema=output_schema(frame, file_schema))
    assert pq.read_schema(tmp_path / "back.parquet").remove_metadata().equals(file_schema.remove_metadata())
    with pytest.raises(ValueError, match="its arrow_schema is no Arrow schema"):
        schema_from_text("bm90IGEgc2NoZW1h")


@pytest.mark.parametrize("text, form, plain", [
    ("1.234,50", NumberFormat("c", "%.2f", point=",", group="."), "1234.50"),
    ("1.5", NumberFormat("c", "%.2f", point=",", group="."), "1.5"),  # no grouping: left as it is
    ("12,5 %", NumberFormat("c", "%.1f", point=",", suffix=" %"), "12.5"),
    ("($3.00)", NumberFormat("c", "%.2f", prefix="$", negative="()"), "-3.00"),
    ("-$3.00", NumberFormat("c", "%.2f", prefix="$", negative="-$"), "-3.00"),
    ("$-3.00", NumberFormat("c", "%.2f", prefix="$"), "-3.00"),
    ("(1,234)", NumberFormat("c", "%d", group=",", negative="()"), "-1234"),
    ("two", NumberFormat("c", "%d"), "two"),
])
def test_plain_number_reads_a_number_in_its_written_form(text, form, plain):
    # what --condition values in a file's number form are read through (before 2026-12-05: refused)
    assert plain_number(text, form) == plain


def test_a_model_file_given_as_a_table_is_named_so(tmp_path):
    # Before 2026-12-05 'tabgan fit m.tabgan -o ...' (arguments swapped) said the file "holds NUL
    # bytes, so it is no text table (UTF-16 text without its byte-order mark? ...)".
    from tabgan.persistence import MAGIC

    (tmp_path / "m.tabgan").write_bytes(MAGIC + b"\x10\x00\x00\x00\x00\x00\x00\x00{}")
    with pytest.raises(DataError, match=r"^'.*m.tabgan' is a tabgan model file, not a table; 'tabgan sample' "):
        read_table(str(tmp_path / "m.tabgan"))


def test_a_file_replaced_keeps_its_permissions(tmp_path):
    # Before 2026-12-05 the temporary file renamed over it took the umask's mode: a private
    # (0600) table of synthetic rows came back readable by everyone (0644).
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o600)
    old = os.umask(0o022)
    try:
        write_table(pd.DataFrame({"a": [1, 2]}), str(target), "csv")
        write_table(pd.DataFrame({"a": [1, 2]}), str(tmp_path / "new.csv"), "csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_text() == "a\n1\n2\n"
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644  # a new file: the umask's


@pytest.mark.parametrize("magic, kind", [(b"ARROW1\x00\x00", "an Arrow IPC (Feather) file"), (b"ORC\n", "an ORC file"),
                                         (b"Obj\x01\x04", "an Avro file"),
                                         (b"SQLite format 3\x00\x10", "an SQLite database")])
def test_binary_tables_of_other_formats_are_named(tmp_path, magic, kind):
    # Before 2026-12-05 they "held NUL bytes, so no text table (UTF-16 text without its byte-order mark?)".
    (tmp_path / "t.bin").write_bytes(magic + bytes(64))
    with pytest.raises(DataError, match=rf"^'.*t.bin' is {re.escape(kind)}, not a CSV or Parquet table; convert it to Parquet or CSV$"):
        read_table(str(tmp_path / "t.bin"))


def test_a_csv_whose_first_name_begins_like_a_magic_number_is_read(tmp_path):
    (tmp_path / "t.csv").write_text("ORCID,ARROW1\n0000-0001,1\n0000-0002,2\n")
    assert list(read_table(str(tmp_path / "t.csv"))[0].columns) == ["ORCID", "ARROW1"]
