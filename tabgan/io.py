"""Reading and writing tables for the command line: CSV and Parquet, files or ``-`` (stdio).

Reading keeps types the way the file wrote them:

- CSV: the delimiter is sniffed (``,`` ``;`` tab ``|``), the text is UTF-8 (a BOM is dropped),
  UTF-16 or UTF-32 (told by their BOM) or else Latin-1; gzip, bzip2 and xz are recognised by
  their magic bytes (``.csv.gz``, ``.csv.bz2``, ``.csv.xz``), as is a ZIP archive of one table. Integer columns with
  missing values become ``Int64`` (so they are written back as ``12``, not ``12.0``), floats stay
  ``float64``, text stays ``object`` (text dates stay text: the schema remembers their format),
  ``True``/``False`` columns become ``bool`` (``boolean`` with missing values). Codes a number
  or bool type would write back differently stay text, character for character: leading zeros
  (zip codes ``02139``), signs (``+15551234``), lower-case ``true``/``false``. The token the file
  used for missing values (empty, ``NA``, ``null`` ...) and its delimiter and encoding are kept
  in a :class:`CsvStyle`, so output can be written the same way, as is the fixed form of a float
  column written with a constant number of decimals (``12.50``, ``3.00``) or digits in scientific
  notation (``4.80e-02``). Numbers pandas leaves as text are numbers, written back as they were:
  thousands separated by ``,`` (``"1,234.50"``), a decimal comma in a file not delimited by ``,``
  (``12,50``, ``1.234,50``; there whole numbers written ``1.234`` are thousands too), one
  currency or percent sign on every value (``$3.00``, ``12.5%``); negative ones also with the
  sign before the currency sign (``-$3.00``) or in parentheses (``(1,234)``, ``($3.00)``). A column of numbers or of
  dates in one format but for one text that is neither (``?`` in UCI tables, ``0000-00-00`` in
  MySQL exports, ``unknown``) reads that text as a missing value of a number or date column,
  and the style writes it back in that column (``CsvStyle.missing``).
- Parquet (pyarrow): dtypes are exactly those pandas stored.

Writing is atomic: rows go to a temporary file in the target's folder, renamed over the target
only when everything was written; on any error the temporary file is removed, so no partial
output is ever left where a pipeline would pick it up. ``-`` streams CSV to stdout; Parquet for
stdout is assembled in a temporary file first (its footer comes last) and then copied out.
"""

from __future__ import annotations

import bz2
import csv
import errno
import gzip
import io
import json
import lzma
import os
import secrets
import shutil
import sys
import stat
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Literal, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tabgan.errors import DataError, ParameterError

__all__ = [
    "FORMATS",
    "CsvStyle",
    "NumberFormat",
    "Format",
    "TableWriter",
    "atomic_output",
    "check_writable",
    "is_file_or_new",
    "local_path",
    "output_format",
    "output_schema",
    "plain_number",
    "read_table",
    "read_table_and_schema",
    "schema_from_text",
    "schema_text",
    "write_table",
]

Format = Literal["csv", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "parquet")
STDIO = "-"
INF_TEXTS = ("inf", "-inf")  # how pandas writes infinities


def local_path(target: str | os.PathLike[str]) -> Path:
    """``target`` as a path, ``~`` expanded (as pandas and the shell do): every path a user gives
    tabgan (tables, model files, metadata, reports) is read through this one rule."""
    return Path(os.fspath(target)).expanduser()


_GZIP_MAGIC = b"\x1f\x8b"
# Compressions told by their magic bytes, and the standard library's file classes that read and
# write each (gzip's writer is made apart: no file name, no time in its header).
_COMPRESSED = {"gzip": _GZIP_MAGIC, "bzip2": b"BZh", "xz": b"\xfd7zXZ\x00"}
_COMPRESSION_FILES = {"gzip": lambda raw: gzip.GzipFile(fileobj=raw), "bzip2": bz2.BZ2File, "xz": lzma.LZMAFile}
_COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}
_UTF8_BOM = b"\xef\xbb\xbf"
_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_MODEL_MAGIC = b"TABGAN\x00"  # persistence.MAGIC without its version byte
# Binary tables of other formats, by their magic bytes: named, not read as text with NUL bytes.
_OTHER_TABLES = {b"ARROW1": "an Arrow IPC (Feather) file", b"ORC": "an ORC file", b"Obj\x01": "an Avro file",
                 b"SQLite format 3\x00": "an SQLite database"}
_SNIFF_BYTES = 64 * 1024
# Byte-order marks of wide Unicode text, UTF-32 first (its little-endian mark starts as UTF-16's),
# and the byte order each names, kept so that output is written in it (with its mark).
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
              (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class NumberFormat:
    """How a CSV file wrote the numbers of one column, when pandas would write them otherwise.

    printf: ``"%.2f"`` for prices written 12.50 (repr: 12.5), ``"%.2e"`` for 4.80e-02 (repr:
    0.048), :data:`SHORTEST` for whole numbers written bare among others (1.5 and 3, where
    repr writes 3.0), ``"%d"`` for an integer column. point: the decimal mark ("," in files
    written as 12,50). group: the thousands separator the file put in whole parts ("." in
    1.234,50, "," in "1,234.50"), or "". prefix, suffix: what every value of the column was
    written with before or after the number ("$" in $12.50, "%" in 12.5%). negative: how a
    negative number is written: "-" a sign before its digits (-12.50, $-12.50), "-$" a sign
    before the prefix (-$12.50, as spreadsheets write currency), "()" in parentheses around
    the number and its affixes (accounting: (1,234), ($12.50)).
    """

    column: str
    printf: str
    point: str = "."
    group: str = ""
    prefix: str = ""
    suffix: str = ""
    negative: str = "-"

    def __post_init__(self) -> None:  # a model file's JSON: a form the writer knows, or refused
        if self.negative not in NEGATIVE_FORMS:
            raise DataError(f"the number format of column {self.column!r} writes negatives as "
                            f"{self.negative!r}; known forms are {', '.join(map(repr, NEGATIVE_FORMS))}")


NEGATIVE_FORMS = ("-", "-$", "()")  # see NumberFormat.negative


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV file is written: its delimiter, its missing-value token, its text encoding,
    when pandas renamed columns on reading, its header as written (a blank name, which pandas
    calls "Unnamed: 0", as ``pd.DataFrame.to_csv`` writes an index; "x" twice, read as "x" and
    "x.1"), the :class:`NumberFormat` of number columns written in a form of their own, its
    line ends ("\r\n" as Windows tools write them, or "\n"), ``missing``: (column, text)
    for each number or date column that wrote its missing values as a text of its own ("?",
    "0000-00-00"), which its missing values are written as instead of ``na_rep``, and
    ``infinities``: (column, text of inf, text of -inf) for each number column that wrote them
    otherwise than pandas does ("Infinity", "-Infinity" of Java and JavaScript; "inf", "-inf")."""

    delimiter: str = ","
    na_rep: str = ""
    encoding: str = "utf-8"
    header: tuple[str, ...] | None = None
    formats: tuple[NumberFormat, ...] = ()
    newline: str = "\n"
    missing: tuple[tuple[str, str], ...] = ()
    infinities: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:  # lists and dicts, from a model file's JSON
        if self.header is not None:
            object.__setattr__(self, "header", tuple(self.header))
        object.__setattr__(self, "formats", tuple(
            f if isinstance(f, NumberFormat) else NumberFormat(**f) for f in self.formats))
        object.__setattr__(self, "missing", tuple((str(c), str(t)) for c, t in self.missing))
        object.__setattr__(self, "infinities", tuple((str(c), str(p), str(m)) for c, p, m in self.infinities))


# ---------------------------------------------------------------------------------------- reading
def read_table(source: str, as_text: bool = False) -> tuple[pd.DataFrame, CsvStyle | None]:
    """The table at ``source`` (a path or ``-`` for stdin) and, for CSV, how it was written.

    as_text: a CSV's cells as the text they are (no style then), for a caller that types them
    itself (a table of conditions, typed like the model's columns: "100" stays the code "100").

    Raises DataError for an empty, unparsable or non-table file, OSError for a file that cannot
    be opened (missing, a folder, no permission).
    """
    frame, style, _ = read_table_and_schema(source, as_text)
    return frame, style


def read_table_and_schema(source: str, as_text: bool = False
                          ) -> tuple[pd.DataFrame, CsvStyle | None, pa.Schema | None]:
    """``read_table``'s table and style, and for a Parquet file its Arrow schema (None for CSV):
    what ``output_schema`` keeps the file's types from."""
    name = "stdin" if source == STDIO else repr(source)
    with _open_source(source) as raw:
        return _read_opened(raw, name, as_text)


def _read_opened(raw: IO[bytes], name: str, as_text: bool = False
                 ) -> tuple[pd.DataFrame, CsvStyle | None, pa.Schema | None]:
    head = raw.read(_SNIFF_BYTES)
    raw.seek(0)
    if not head:
        raise DataError(f"{name} is empty")
    if head.startswith(_ZIP_MAGIC):
        raw, head = _zip_member(raw, name)
    if head.startswith(_PARQUET_MAGIC):
        frame, schema = _read_parquet(raw, name)
        return frame, None, schema
    kind = next((k for k, magic in _COMPRESSED.items() if head.startswith(magic)), None)
    if kind is not None:
        raw = _COMPRESSION_FILES[kind](raw)
        try:
            head = raw.read(_SNIFF_BYTES)
            raw.seek(0)
        except (OSError, EOFError, lzma.LZMAError) as err:
            raise DataError(f"{name} is not a readable {kind} file: {err}") from None
        if not head:
            raise DataError(f"{name} is empty")
        if head.startswith(_PARQUET_MAGIC):  # a compressed Parquet file: read whole
            frame, schema = _read_parquet(io.BytesIO(raw.read()), name)
            return frame, None, schema
    wide = next((e for bom, e in _WIDE_BOMS if head.startswith(bom)), None)
    if wide is not None:  # UTF-16/32 text (Excel's "Unicode Text"): read as UTF-8, written back so
        try:
            raw = io.BytesIO(raw.read().decode(wide[:6]).encode("utf-8"))  # utf-16: by its mark
        except UnicodeDecodeError as err:
            raise DataError(f"{name} is not readable {wide} text: {err}") from None
        head = raw.read(_SNIFF_BYTES)
        raw.seek(0)
    _refuse_other_formats(head, name)
    frame, style = _read_csv(raw, head, name, as_text)
    return frame, style if wide is None or style is None else replace(style, encoding=wide), None


def _zip_member(raw: IO[bytes], name: str) -> tuple[IO[bytes], bytes]:
    """The one file of a ZIP archive (a table zipped for mail), read into memory, and its head.
    An Office document (a ZIP of XML parts: .xlsx) or an archive of several files is refused."""
    try:
        archive = zipfile.ZipFile(raw)
        files = [info for info in archive.infolist() if not info.is_dir()]
        if "[Content_Types].xml" in archive.namelist():
            raise DataError(f"{name} is an Office document (an Excel .xlsx workbook?), not a CSV or "
                            "Parquet table; save it as CSV")
        if len(files) != 1:
            listed = ", ".join(repr(f.filename) for f in files[:3]) + (", ..." if len(files) > 3 else "")
            raise DataError(f"{name} is a ZIP archive of {len(files)} files ({listed}); tabgan reads an "
                            "archive of one table: unzip it and name the table")
        member = io.BytesIO(archive.read(files[0]))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as err:
        raise DataError(f"{name} is not a readable ZIP archive: {err}") from None
    return member, member.getvalue()[:_SNIFF_BYTES]


def _refuse_other_formats(head: bytes, name: str) -> None:
    """DataError for files that are tables in a format this reader does not take: read as CSV
    they became a table of one garbled row, or a model of JSON fragments."""
    if head.startswith(_ZIP_MAGIC):
        raise DataError(f"{name} is a ZIP archive inside a ZIP archive, not a CSV or Parquet table")
    if head.startswith(_OLE_MAGIC):
        raise DataError(f"{name} is an old Office file (an Excel .xls workbook?), not a CSV or "
                        "Parquet table; save it as CSV")
    if head.startswith(_MODEL_MAGIC):  # tabgan fit m.tabgan ...: "holds NUL bytes" before 2026-12-05
        raise DataError(f"{name} is a tabgan model file, not a table; 'tabgan sample' and 'tabgan diagnose' "
                        "read models")
    kind = next((k for magic, k in _OTHER_TABLES.items() if head.startswith(magic)), None)
    if kind is not None and b"\x00" in head:  # binary (a CSV may begin "ORCID,"); before 2026-12-05:
        # "holds NUL bytes ... UTF-16 text without its mark?"
        raise DataError(f"{name} is {kind}, not a CSV or Parquet table; convert it to Parquet or CSV")
    if b"\x00" in head:
        raise DataError(f"{name} holds NUL bytes, so it is no text table (UTF-16 text without its "
                        "byte-order mark? save it as UTF-8 CSV)")
    start = head.lstrip()[:2]
    if start in (b"[{", b'{"', b"[]"):
        raise DataError(f"{name} holds JSON, not CSV; convert it, for example with pandas: "
                        "read_json (lines=True for one record a line), then to_csv or to_parquet")


def _open_source(source: str) -> IO[bytes]:
    """A seekable handle on ``source``: stdin, and a pipe given as a path (``<(zcat t.csv.gz)``,
    ``/dev/stdin``, a FIFO), are read into memory, since reading sniffs the head and reads again."""
    if source == STDIO:
        return io.BytesIO(sys.stdin.buffer.read())
    path = local_path(source)
    if path.is_dir():
        raise IsADirectoryError(f"{source!r} is a folder, not a table")
    handle = path.open("rb")
    if handle.seekable():
        return handle
    with handle:
        return io.BytesIO(handle.read())


def _read_parquet(raw: IO[bytes], name: str) -> tuple[pd.DataFrame, pa.Schema]:
    """The table of a Parquet file, and the file's Arrow schema. Integers and booleans with
    missing values are pandas' nullable dtypes (as a CSV's are), not floats and objects: an
    int32 column with a gap was float64, and a uint64 past 2**53 lost its last digits."""
    try:
        table = pq.read_table(raw)
    except (pa.ArrowException, OSError) as err:
        raise DataError(f"{name} is not a readable Parquet file: {err}") from None
    try:
        frame = table.to_pandas()
    except (TypeError, ValueError):
        frame = _without_unknown_dtypes(table).to_pandas()
    if frame.shape[0] == 0:
        raise DataError(f"{name} has no rows")
    frame = _named_index_as_columns(frame, name)  # a named index level is a column, converted too
    for i, field in enumerate(table.schema):  # a loop over columns
        nullable = _NULLABLE.get(field.type)
        if nullable is not None and table.column(i).null_count and field.name in frame.columns \
                and frame[field.name].dtype in (np.float64, object):  # pandas' metadata may give it already
            frame[field.name] = table.column(i).to_pandas(types_mapper={field.type: nullable}.get).array
    return frame, table.schema


# Arrow's integer and boolean types as pandas' dtypes that hold missing values.
_NULLABLE = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
             pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
             pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype()}


def output_schema(frame: pd.DataFrame, file_schema: pa.Schema | None = None) -> pa.Schema:
    """The Arrow schema Parquet output of a table like ``frame`` is written in: each column's type
    in ``file_schema`` (the training Parquet file's: int32, decimal128(10, 2), large_string and
    dictionaries stay so), else what all of ``frame``'s values make (not a first chunk's: its
    decimals may be fewer digits than a later one's, a column may have no value in it); a column
    with no value at all is text. No pandas metadata: the output has no index."""
    names = [str(c) for c in frame.columns]
    known = {f.name: f for f in file_schema} if file_schema is not None else {}
    rest = [c for c in names if c not in known]
    if rest:  # the types the values make, of the columns the file does not type
        known.update({f.name: f for f in _parquet_schema(frame.set_axis(names, axis=1)[rest])})
    return pa.schema([known[c] for c in names])


def schema_text(schema: pa.Schema) -> str:
    """``schema`` as text a model file's JSON holds (Arrow's IPC bytes, base64): no pickle."""
    import base64

    return base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")


def schema_from_text(text: str) -> pa.Schema:
    """The schema ``schema_text`` wrote; ValueError when ``text`` is none."""
    import base64
    import binascii

    try:
        return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text, validate=True)))
    except (binascii.Error, pa.ArrowException, TypeError) as err:
        raise ValueError(f"its arrow_schema is no Arrow schema: {err}") from None


def _named_index_as_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` with its named index levels as its first columns: a table written after
    ``set_index("customer")`` stores the customers as a column, and they are the table's data.
    Unnamed levels (row numbers left by a filter or a split) are row labels, not data: dropped.

    NOTE: until 2026-12-02 every index level was dropped, so such a column was missing from
    what ``tabgan synth`` and ``sample`` wrote.
    """
    named = [level for level in frame.index.names if level is not None]
    if not named:
        return frame.reset_index(drop=True)
    clash = sorted(str(level) for level in set(named) & set(frame.columns))
    if clash:
        raise DataError(f"{name} has an index level and a column both named {clash[0]!r}; "
                        "rename one of them")
    unnamed = [i for i, level in enumerate(frame.index.names) if level is None]
    return frame.reset_index(level=unnamed, drop=True).reset_index() if unnamed else frame.reset_index()


def _without_unknown_dtypes(table: pa.Table) -> pa.Table:
    """``table`` with its pandas metadata forgetting the dtypes pandas cannot rebuild from their
    names: a file pandas wrote from pyarrow's category type names it "dictionary<values=string,
    ...>[pyarrow]", which read_parquet itself refuses. Such a column is read by its Arrow type
    (a dictionary becomes a category); every other column keeps its pandas dtype."""
    meta = table.schema.pandas_metadata
    for column in meta.get("columns", []):
        try:
            pd.api.types.pandas_dtype(column.get("numpy_type") or "object")
        except (TypeError, ValueError):
            column["numpy_type"] = "object"
    return table.replace_schema_metadata({**table.schema.metadata, b"pandas": json.dumps(meta).encode()})


def _read_csv(raw: IO[bytes], head: bytes, name: str, as_text: bool = False
              ) -> tuple[pd.DataFrame, CsvStyle | None]:
    marked = head.startswith(_UTF8_BOM)
    encoding = "utf-8-sig" if marked else "utf-8"
    delimiter = _sniff_delimiter(head.decode("latin-1"))
    try:
        frame = _parse_csv(raw, delimiter, encoding, name, as_text)
    except UnicodeDecodeError:
        raw.seek(0)
        if marked:  # a UTF-8 mark before Latin-1 bytes: the mark is no text of the first name
            raw = io.BytesIO(raw.read()[len(_UTF8_BOM):])
        encoding = "latin-1"
        frame = _parse_csv(raw, delimiter, encoding, name, as_text)
    frame = _plain_dtypes(frame)
    if frame.shape[0] == 0:
        raise DataError(f"{name} has a header but no rows")
    if as_text:
        return frame, None
    frame, missing = _missing_texts(frame)
    tokens = _tokens(raw, frame, delimiter, encoding)
    frame = _keep_written_form(frame, tokens)
    na_rep = _na_token(frame, tokens, skip=set(missing))
    missing.update(_own_na_tokens(frame, tokens, na_rep, skip=set(missing)))  # the tokens as read
    frame = _several_na_tokens(frame, tokens, na_rep, missing, delimiter)
    header = _written_header(head.decode(encoding, errors="replace"), delimiter, frame)
    frame, marks = _written_numbers(frame, tokens, delimiter)
    newline = "\r\n" if head.split(b"\n", 1)[0].endswith(b"\r") else "\n"  # as the header's line
    # "utf-8-sig" writes the mark back: Excel's "CSV UTF-8" has one, and reads a file without it
    # as ANSI ("JosÃ©").
    return frame, CsvStyle(delimiter, na_rep, encoding,
                           header, _number_formats(frame, tokens, marks), newline,
                           tuple(missing.items()), _infinity_texts(frame, tokens))


def _missing_texts(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Text columns of numbers, or of dates in one format, but for one text that is neither
    (``?``, ``0000-00-00``, ``unknown``), with that text as missing values (numbers pandas reads
    become numbers); and {column: that text}. A column with missing values of its own stays
    text (two kinds of missing would be one on the way back; ``schema.text_number_form`` reads
    such numbers, each kind a slot of its own), as does one with fewer than two other distinct
    values."""
    found: dict[str, str] = {}
    for column in frame.columns:  # a loop over columns
        s = frame[column]
        if s.dtype != object or s.isna().any():
            continue
        head = _distinct_text(s.iloc[:1000].to_numpy())  # a first look: most text is words
        if head is None or not pc.any(pc.match_substring_regex(head, r"[0-9]")).as_py():
            continue
        distinct = _distinct_text(s.to_numpy())
        odd = None if distinct is None or len(distinct) < 3 else _odd_text(distinct)
        if odd is not None:
            found[column] = odd
    if not found:
        return frame, found
    frame = frame.copy(deep=False)  # a new frame of the same arrays, but those replaced
    for column, text in found.items():
        s = frame[column]
        s = s.where(s.astype(str).str.strip() != text, np.nan)
        numbers = pd.to_numeric(s, errors="coerce")
        if numbers.notna().sum() == s.notna().sum():  # plain numbers, which pandas reads
            whole = not s.dropna().str.contains(r"[.eE]").any()
            s = numbers.astype("Int64") if whole else numbers.astype("float64")
        frame[column] = s
    return frame, found


def _odd_text(distinct: pa.Array) -> str | None:
    """The one text among the (u,) distinct trimmed texts of a column that is no number or date
    like the others, or None when there is no such one text."""
    number_like = pc.match_substring_regex(distinct, _NUMBER_LIKE)
    odd = pc.filter(distinct, pc.invert(number_like))
    if len(odd) == 1:
        return odd[0].as_py()
    if len(odd) < len(distinct) - 1:  # several numbers, several texts: no date column either
        return None
    from tabgan.schema import odd_date_text

    found = odd_date_text(pd.Series(distinct.to_numpy(zero_copy_only=False), dtype=object))
    return None if found is None or len(found[1]) != 1 else found[1][0]


def _written_header(text: str, delimiter: str, frame: pd.DataFrame) -> tuple[str, ...] | None:
    """The header row as the file wrote it, when pandas named the columns otherwise (blank or
    repeated names); None when the names are the file's own."""
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None
    names = [str(c) for c in frame.columns]
    return tuple(header) if len(header) == len(names) and header != names else None


def _parse_csv(raw: IO[bytes], delimiter: str, encoding: str, name: str, as_text: bool = False
               ) -> pd.DataFrame:
    options = dict(sep=delimiter, encoding=encoding, dtype_backend="numpy_nullable", encoding_errors="strict",
                   dtype=str if as_text else None)
    try:
        frame = pd.read_csv(raw, **options)
        if frame.shape[1] == 1:  # a blank line of a one-column file is its missing value, as written
            raw.seek(0)
            frame = pd.read_csv(raw, skip_blank_lines=False, **options)
        if type(frame.index) is pd.RangeIndex:
            return frame
        # Rows one field longer than the header: pandas made their first field the index and
        # shifted every name one column on. A trailing delimiter (its last field empty on every
        # row) is dropped; anything else would lose or shift data.
        if frame.shape[1] and frame.iloc[:, -1].isna().all():
            raw.seek(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", pd.errors.ParserWarning)  # the empty fields go
                return pd.read_csv(raw, index_col=False, **options)
        fields = frame.shape[1]
        raise DataError(f"{name} is not a readable CSV file: its rows hold {fields + 1} fields where its header "
                        f"names {fields} (a field holding the delimiter {delimiter!r} unquoted?)")
    except pd.errors.EmptyDataError:
        raise DataError(f"{name} is empty: no columns to read") from None
    except pd.errors.ParserError as err:
        reason = str(err).strip().splitlines()[-1]
        raise DataError(f"{name} is not a readable CSV file: {reason}") from None
    except (EOFError, gzip.BadGzipFile, lzma.LZMAError) as err:
        raise DataError(f"{name} is not a readable compressed file: {err}") from None
    except OSError as err:
        if err.errno is not None:  # the file itself: a disk error, not its content
            raise
        raise DataError(f"{name} is not a readable compressed file: {err}") from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the first lines; ``,`` when nothing else is consistent (one column).

    csv.Sniffer's answer, when the header splits on it into several names and no row holds more
    fields than they (pandas reads shorter rows, their last fields missing); else the delimiter
    that does so for most rows. Before 2026-12-05 the Sniffer's answer alone: a ``;`` or tab
    file some of whose rows leave out their empty last fields, with a comma in a text, read as
    ``,``: one column (exit 0) or a refusal naming ``,``."""
    lines = text.splitlines()
    sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)  # the last line may be cut
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    fits = {d: _rows_fitting(sample, d) for d in _DELIMITERS}  # a loop over 4 delimiters
    if sniffed is not None and (fits.get(sniffed) is not None or not any(fits.values())):
        return sniffed
    scored = [(score, d) for d, score in fits.items() if score is not None]
    return max(scored)[1] if scored else sniffed or ","


def _rows_fitting(sample: str, delimiter: str) -> tuple[int, int] | None:
    """(rows with as many fields as the header, header's fields) of the text ``sample`` split on
    ``delimiter``; None when the header has one field or a row more than it (but for an empty
    last one: a delimiter ending the row, which reading drops)."""
    try:
        rows = [len(r) - (len(r) > 1 and r[-1] == "") for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
    except csv.Error:
        return None
    if not rows or rows[0] < 2 or max(rows) > rows[0]:
        return None
    return sum(w == rows[0] for w in rows), rows[0]


def _plain_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """read_csv's nullable dtypes as the plain ones pandas users know, where no type is lost.

    Int64 stays Int64 only when the column has missing values (numpy ints cannot hold them);
    Float64 -> float64 (NaN); string -> object (NaN); boolean -> bool when nothing is missing.
    """
    out = {}
    for column in frame.columns:
        s = frame[column]
        missing = bool(s.isna().any())
        if isinstance(s.dtype, pd.Int64Dtype) and not missing:
            s = s.astype("int64")
        elif isinstance(s.dtype, pd.Float64Dtype):
            s = s.astype("float64")
        elif isinstance(s.dtype, pd.StringDtype):
            s = s.astype(object).where(~s.isna().to_numpy(), float("nan"))
        elif isinstance(s.dtype, pd.BooleanDtype) and not missing:
            s = s.astype(bool)
        out[column] = s
    return pd.DataFrame(out, index=frame.index)


def _tokens(raw: IO[bytes], frame: pd.DataFrame, delimiter: str, encoding: str) -> dict[str, pa.Array]:
    """{column: its (n,) text as the file wrote it} for each column parsed as numbers or
    booleans and each column with missing values (text needs no second look).

    A second, text-only pass with pyarrow's reader (columns by position, so duplicate or blank
    header names do not matter): 0.3 s for kddcup99's 494,021 rows, where pandas' text pass and
    Python strings took 8.5 s. A file it reads otherwise than pandas gets pandas' own pass.
    """
    wanted = [i for i, c in enumerate(frame.columns)
              if _integer_or_bool(frame[c].dtype) or pd.api.types.is_float_dtype(frame[c].dtype)
              or frame[c].isna().any()]
    if not wanted:
        return {}
    names = [f"c{i}" for i in range(frame.shape[1])]
    raw.seek(0)
    try:
        table = pacsv.read_csv(
            raw,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                           encoding="utf8" if encoding.startswith("utf-8") else encoding),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             ignore_empty_lines=frame.shape[1] != 1),
            convert_options=pacsv.ConvertOptions(
                include_columns=[names[i] for i in wanted],
                column_types={names[i]: pa.string() for i in wanted},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        if table.num_rows != len(frame):
            raise ValueError(f"{table.num_rows} rows where pandas read {len(frame)}")
    except (pa.ArrowException, ValueError):
        raw.seek(0)
        columns = [frame.columns[i] for i in wanted]
        text = pd.read_csv(raw, sep=delimiter, encoding=encoding, usecols=columns, dtype=str,
                           keep_default_na=False, na_filter=False, skip_blank_lines=frame.shape[1] != 1)
        return {c: pa.array(text[c].to_numpy(), pa.string()) for c in columns}
    return {frame.columns[i]: table[names[i]].combine_chunks() for i in wanted}


def _integer_or_bool(dtype: object) -> bool:
    return pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def _keep_written_form(frame: pd.DataFrame, tokens: dict[str, pa.Array]) -> pd.DataFrame:
    """Integer and boolean columns whose values would not be written back as the file wrote
    them stay text: codes with leading zeros ("02139", "007"), signed ("+15551234", "-0") or
    lower-case booleans ("true"), so the output keeps them character for character. Writing
    an int gives ``str(value)`` and a bool ``True``/``False``; a column that prints back the
    same, spaces around a token aside, keeps its number or bool type."""
    text_columns = {}
    for column in frame.columns:  # a loop over columns
        s = frame[column]
        if not _integer_or_bool(s.dtype):
            continue
        present = ~s.isna().to_numpy()
        if pd.api.types.is_bool_dtype(s.dtype):
            written = pc.utf8_trim_whitespace(tokens[column])
            rewritten = pc.invert(pc.is_in(written, pa.array(["True", "False"])))
        elif _lengths_match(s, tokens[column], present):  # the common case, in one pass
            continue
        else:  # what int() reads but str() does not write: a "+", leading zeros, "-0"
            written = pc.utf8_trim_whitespace(tokens[column])
            zeros = pc.and_(pc.starts_with(written, "0"), pc.greater(pc.utf8_length(written), 1))
            rewritten = pc.or_(zeros, pc.or_(pc.starts_with(written, "+"), pc.starts_with(written, "-0")))
        if pc.any(pc.and_(rewritten, pa.array(present))).as_py():
            text = pd.Series(tokens[column].to_numpy(zero_copy_only=False), index=frame.index, dtype=object)
            text_columns[column] = text.where(present, float("nan"))
    if not text_columns:
        return frame
    frame = frame.copy(deep=False)  # a new frame of the same arrays, but those replaced
    for column, text in text_columns.items():
        frame[column] = text
    return frame


_POWERS_OF_TEN = 10.0 ** np.arange(1, 20)  # (19,)


def _lengths_match(s: pd.Series, tokens: pa.Array, present: np.ndarray) -> bool:
    """Whether every present token of the integer column ``s`` is as long as ``str(value)``: then
    none has a sign, a leading zero or a space that writing would drop. (Float digit counts may
    be off past 2**53: a mismatch only sends the column to the exact check.)"""
    x = s.to_numpy(dtype=np.float64, na_value=0.0)  # (n,)
    digits = np.searchsorted(_POWERS_OF_TEN, np.abs(x), side="right") + 1 + (x < 0)  # (n,)
    lengths = pc.utf8_length(tokens).to_numpy(zero_copy_only=False)  # (n,)
    return bool((lengths[present] == digits[present]).all())


SHORTEST = "shortest"  # repr without a trailing ".0", as R and spreadsheets write floats
_FIXED = r"^[+-]?[0-9]+\.[0-9]+$"  # 12.50, -0.125
_SCIENTIFIC = r"^[+-]?[0-9]\.[0-9]+[eE][+-][0-9]{2,}$"  # 4.80e-02, 1.5E+10: how printf writes
_SHORT = r"^-?[0-9]+(\.[0-9]*[1-9])?$"  # 3, 1.5: no trailing zero, whole numbers bare
# How a number may be written, by (decimal mark, thousands separator); a whole number matches too.
_WRITTEN = {
    (",", ""): r"^-?[0-9]+(,[0-9]+)?$",  # 12,50
    (",", "."): r"^-?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?$",  # 1.234,50
    (".", ","): r"^-?[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?$",  # 1,234.50
    (".", ""): r"^-?[0-9]+(\.[0-9]+)?$",  # 12.50, which pandas reads itself unless it has an affix
}
_NUMBER_LIKE = r"^\(?-?[$€£¥]?-?[0-9][0-9.,]*([eE][+-]?[0-9]+)?( ?[%€$£])?\)?$"  # any of those forms, or close
_PREFIXES = ("$", "€", "£", "¥")
_SUFFIXES = (" %", "%", " €", "€", " $", " £")


class _Written(NamedTuple):
    """How a text column wrote its numbers (see NumberFormat); whole: no decimal mark anywhere."""

    point: str
    group: str
    prefix: str
    suffix: str
    whole: bool
    negative: str = "-"

    def format(self, column: str, printf: str) -> NumberFormat:
        return NumberFormat(column, printf, self.point, self.group, self.prefix, self.suffix, self.negative)


_PARENTHESISED = r"^\(.*\)$"  # (1,234), ($12.50): a negative number as accountants write it
_SIGN_FIRST = r"^-[$€£¥]"  # -$12.50


def _negative_form(distinct: pa.Array) -> str | None:
    """How the (u,) distinct trimmed number texts of a column write negative numbers (see
    ``NumberFormat.negative``), or None when they mix forms (-12 beside (12), -$12 beside $-12).
    Parentheses only beside numbers without them: a column all in parentheses is left as it is."""
    def any_(pattern: str) -> bool:
        return bool(pc.any(pc.match_substring_regex(distinct, pattern)).as_py())

    minus, inner = any_(r"^-"), any_(r"^[$€£¥]-")
    if any_(_PARENTHESISED):
        if not pc.all(pc.match_substring_regex(distinct, _PARENTHESISED)).as_py():
            return "()" if not (minus or inner) else None
    if minus and inner:
        return None
    return "-$" if any_(_SIGN_FIRST) else "-"


def _with_minus(text: pa.Array, negative: str) -> pa.Array:
    """The (p,) number texts ``text``, written with negatives in the form ``negative``, with a
    sign before their digits instead: (1,234) -> -1,234, ($12.50) and -$12.50 -> $-12.50."""
    if negative == "()":
        text = pc.replace_substring_regex(text, r"^\((.*)\)$", r"-\1")
    if negative != "-":
        text = pc.replace_substring_regex(text, r"^-([$€£¥])", r"\1-")
    return text


def _read_form(numbers: pa.Array, delimiter: str) -> _Written | None:
    """How the (u,) distinct trimmed number texts of a column write numbers in a form pandas left
    as text (negatives in one form, ``_negative_form``; ``_number_form``), or None."""
    negative = _negative_form(numbers)
    return None if negative is None else _number_form(_with_minus(numbers, negative), delimiter, negative)


def _written_numbers(frame: pd.DataFrame, tokens: dict[str, pa.Array], delimiter: str
                     ) -> tuple[pd.DataFrame, dict[str, _Written]]:
    """Text columns that are numbers in a form pandas does not read as numbers, as numbers: a
    decimal comma (``12,50``, ``1.234,50``) in a file not delimited by ``,``; thousands
    separated by ``,`` before a decimal point in any file (``1,234.50``), and without one in a
    ``,`` file (there a quoted ``"1,234"`` is a thousand, not 1.234); one
    currency sign or percent sign on every value (``$12.50``, ``12.5%``). Integers when no
    value has a decimal mark (Int64 with missing values), floats otherwise; ``tokens`` gets
    their text as plain numbers (for ``_number_formats``).

    Such numbers beside up to ``MAX_MISSING_TEXTS`` texts of their own that ``_missing_texts``
    left (``-`` and empty cells, ``n/a`` and ``unknown``: several ways of writing a missing
    value, which a number column cannot tell apart) become plain number text beside those
    texts (``$1,234.50`` -> ``1234.50``), which the model reads as numbers with each missing
    text a kind of its own (``schema.text_number_form``), and ``TableWriter`` writes back in
    the column's form. Returns the frame and how each such column was written."""
    from tabgan.schema import MAX_MISSING_TEXTS, TEXT_NUMBERS_MIN_DISTINCT

    marks: dict[str, _Written] = {}
    for column in frame.columns:  # a loop over columns
        s = frame[column]
        if s.dtype != object:
            continue
        head = _distinct_text(s.iloc[:1000].dropna().to_numpy())  # a first look: most text is words
        if head is not None:
            n_like = int(pc.sum(pc.match_substring_regex(head, _NUMBER_LIKE)).as_py() or 0)
            if n_like == 0 or len(head) - n_like > MAX_MISSING_TEXTS:
                continue
        present = ~s.isna().to_numpy()  # (n,)
        values = s.to_numpy()[present]  # (p,)
        distinct = _distinct_text(values)  # (u,), None if not all text
        if distinct is None:
            continue
        number_like = pc.match_substring_regex(distinct, _NUMBER_LIKE)
        odd = pc.filter(distinct, pc.invert(number_like))
        if len(odd) > MAX_MISSING_TEXTS or len(odd) and len(distinct) - len(odd) < TEXT_NUMBERS_MIN_DISTINCT:
            continue
        form = _read_form(pc.filter(distinct, number_like) if len(odd) else distinct, delimiter)
        if form is None:
            continue
        text = pc.utf8_trim_whitespace(pa.array(values, pa.string()))  # (p,)
        numeric = ~pc.is_in(text, odd).to_numpy(zero_copy_only=False) if len(odd) else np.ones(len(text), bool)
        signed = _with_minus(pc.filter(text, pa.array(numeric)), form.negative)
        plain = pc.utf8_slice_codeunits(signed, len(form.prefix), -len(form.suffix) or None)
        if form.group:
            plain = pc.replace_substring(plain, form.group, "")
        plain = pc.replace_substring(plain, form.point, ".") if form.point != "." else plain
        if len(odd):  # plain number text beside the missing texts, as written
            out = s.to_numpy().copy()
            rows = np.flatnonzero(present)[numeric]
            out[rows] = plain.to_numpy(zero_copy_only=False)
            frame = frame.copy(deep=False) if not marks else frame
            frame[column] = out
            marks[column] = form
            continue
        parsed = _parsed_numbers(plain, present, form.whole)
        if parsed is None:
            continue
        if not marks:
            frame = frame.copy(deep=False)
        frame[column], tokens[column] = parsed
        marks[column] = form
    if any(form.point == "," for form in marks.values()):
        frame = _points_between_thousands(frame, tokens, marks)
    return frame, marks


_DOT_GROUPED = r"^-?([1-9][0-9]{0,2}(\.[0-9]{3})+|0|[1-9][0-9]*)$"  # 1.234, 12.345.678, 56; not 007


def _points_between_thousands(frame: pd.DataFrame, tokens: dict[str, pa.Array],
                              marks: dict[str, _Written]) -> pd.DataFrame:
    """In a file whose numbers have a decimal comma, the whole numbers written 1.234 (which
    pandas read as 1.234) or 12.345.678 (read as text) are thousands: integers, marked in
    ``marks``."""
    for column in frame.columns:  # a loop over columns
        s = frame[column]
        if column in marks or not (pd.api.types.is_float_dtype(s.dtype) or s.dtype == object):
            continue
        present = ~s.isna().to_numpy()  # (n,)
        raw = s.to_numpy()[present] if s.dtype == object else pc.filter(tokens[column], pa.array(present))
        distinct = _distinct_text(raw)  # (u,)
        if distinct is None or not pc.any(pc.match_substring(distinct, ".")).as_py() \
                or not pc.all(pc.match_substring_regex(distinct, _DOT_GROUPED)).as_py():
            continue
        text = pc.utf8_trim_whitespace(pa.array(raw, pa.string()) if s.dtype == object else raw)  # (p,)
        parsed = _parsed_numbers(pc.replace_substring(text, ".", ""), present, whole=True)
        if parsed is None:
            continue
        frame[column], tokens[column] = parsed
        marks[column] = _Written(",", ".", "", "", True)
    return frame


def _parsed_numbers(plain: pa.Array, present: np.ndarray, whole: bool
                    ) -> tuple[pd.api.extensions.ExtensionArray | np.ndarray, pa.Array] | None:
    """The (n,) column of the (p,) plain number texts ``plain`` of the rows ``present``: int64
    (Int64 with missing rows) when ``whole``, else float64; and its (n,) tokens. None when a
    whole number overflows int64."""
    try:
        numbers = pc.cast(plain, pa.int64() if whole else pa.float64()).to_numpy()  # (p,)
    except pa.ArrowInvalid:
        return None
    if whole:
        values = pd.array(np.zeros(len(present), dtype=np.int64), dtype="Int64")
        values[present] = numbers
        values[~present] = pd.NA
        values = values if not present.all() else values.to_numpy(dtype=np.int64)
    else:
        values = np.full(len(present), np.nan)
        values[present] = numbers
    written = np.full(len(present), "", dtype=object)
    written[present] = plain.to_numpy(zero_copy_only=False)
    return values, pa.array(written, pa.string())


def _distinct_text(values: np.ndarray | pa.Array) -> pa.Array | None:
    """The distinct trimmed texts of ``values`` (objects or Arrow strings; no missing ones), or
    None when there are none or some value is not text. Hashing first: the rows are converted
    to Arrow only for a column that turns out to hold numbers."""
    distinct = values.unique() if isinstance(values, pa.Array) else pa.array(pd.unique(values), from_pandas=True)
    if len(distinct) == 0 or not pa.types.is_string(distinct.type):
        return None
    return pc.unique(pc.utf8_trim_whitespace(distinct))


def _number_form(distinct: pa.Array, delimiter: str, negative: str = "-") -> _Written | None:
    """How the (u,) distinct trimmed tokens of a text column write numbers, or None when they are
    not all numbers of one form. ``negative``: how the file wrote negative numbers (the tokens
    have them as a sign before the digits, ``_with_minus``)."""
    first = distinct[0].as_py()
    prefix = next((p for p in _PREFIXES if first.startswith(p)), "")
    suffix = next((x for x in _SUFFIXES if first.endswith(x)), "")
    if prefix and not pc.all(pc.starts_with(distinct, prefix)).as_py():
        prefix = ""
    if suffix and not pc.all(pc.ends_with(distinct, suffix)).as_py():
        suffix = ""
    body = pc.utf8_slice_codeunits(distinct, len(prefix), -len(suffix) or None)
    # Without an affix, only a comma (a decimal one, or between thousands) keeps pandas from
    # reading the numbers itself; with a comma-free affix, plain numbers are the other form.
    if pc.any(pc.match_substring(body, ",")).as_py():
        # In a file not delimited by ",", a decimal comma first; "1,234.50" fits the last only.
        marks = [(".", ",")] if delimiter == "," else [(",", ""), (",", "."), (".", ",")]
    else:
        marks = [(".", "")] if prefix or suffix or negative != "-" else []
    for point, group in marks:
        if pc.all(pc.match_substring_regex(body, _WRITTEN[(point, group)])).as_py():
            whole = not pc.any(pc.match_substring(body, point)).as_py()
            return _Written(point, group, prefix, suffix, whole, negative)
    return None


def _number_formats(frame: pd.DataFrame, tokens: dict[str, pa.Array],
                    marks: dict[str, _Written]) -> tuple[NumberFormat, ...]:
    """The :class:`NumberFormat` of each float column whose present tokens all have one form:
    the same number of decimals (``"%.2f"``), or scientific notation with the same number of
    mantissa decimals and the same ``e`` (``"%.2e"``), or whole numbers written bare among
    others (:data:`SHORTEST`); and of each column ``_written_numbers`` read, whatever its form.
    Others are written by pandas, as they were."""
    formats = []
    for column in frame.columns:  # a loop over columns
        form = marks.get(column)
        if form is not None and form.whole:
            formats.append(form.format(str(column), "%d"))
            continue
        if form is not None and frame[column].dtype == object:  # plain numbers beside missing texts
            s = frame[column]
            distinct = _distinct_text(s[pd.to_numeric(s, errors="coerce").notna()].to_numpy())
            printf = None if distinct is None else _printf(distinct)
            formats.append(form.format(str(column), printf or SHORTEST))
            continue
        if not pd.api.types.is_float_dtype(frame[column].dtype):
            continue
        x = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
        missing = ~np.isfinite(x)  # (n,) infinities too: "inf" has no decimals to count
        written = pc.filter(tokens[column], pa.array(~missing)) if missing.any() else tokens[column]
        distinct = _distinct_text(written)  # (u,)
        printf = None if distinct is None else _printf(distinct)
        if form is not None:
            formats.append(form.format(str(column), printf or SHORTEST))
        elif printf is not None:
            formats.append(NumberFormat(str(column), printf))
    return tuple(formats)


def _infinity_texts(frame: pd.DataFrame, tokens: dict[str, pa.Array]) -> tuple[tuple[str, str, str], ...]:
    """(column, text of inf, text of -inf) of each float column that wrote an infinity otherwise
    than pandas writes it ("Infinity", "INF", "+inf"): its first one of each sign as written."""
    out = []
    for column in frame.columns:  # a loop over columns
        if not pd.api.types.is_float_dtype(frame[column].dtype):
            continue
        x = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
        texts = [INF_TEXTS[0], INF_TEXTS[1]]
        for k, rows in enumerate((np.flatnonzero(np.isposinf(x)), np.flatnonzero(np.isneginf(x)))):
            if rows.size:
                texts[k] = str(tokens[column][int(rows[0])].as_py()).strip()
        if tuple(texts) != INF_TEXTS:
            out.append((str(column), texts[0], texts[1]))
    return tuple(out)


def _printf(written: pa.Array) -> str | None:
    """The one form of the distinct float tokens ``written`` (a printf format or SHORTEST), or
    None: forms mixed, or what repr writes anyway."""
    if pc.all(pc.match_substring_regex(written, _FIXED)).as_py():
        decimals = pc.subtract(pc.utf8_length(written), pc.find_substring(written, "."))
        spec = "f"
    elif pc.all(pc.match_substring_regex(written, _SCIENTIFIC)).as_py():
        spec = "e" if pc.all(pc.match_substring(written, "e")).as_py() else "E"
        if not pc.all(pc.match_substring(written, spec)).as_py():
            return None  # e and E both
        decimals = pc.subtract(pc.find_substring(written, spec), pc.find_substring(written, "."))
    elif pc.all(pc.match_substring_regex(written, _SHORT)).as_py():
        bare = not pc.all(pc.match_substring(written, ".")).as_py()  # a whole number without "."
        return SHORTEST if bare else None
    else:
        return None
    low, high = pc.min_max(decimals).values()
    return f"%.{low.as_py() - 1}{spec}" if low.as_py() == high.as_py() else None


def _na_token(frame: pd.DataFrame, tokens: dict[str, pa.Array], skip: set[str]) -> str:
    """The text the file used for missing values (the most common one, outside the columns in
    ``skip``); "" if none is missing."""
    counts: dict[str, int] = {}
    for column in frame.columns:
        if column in skip:
            continue
        missing = frame[column].isna().to_numpy()
        if not missing.any():
            continue
        for entry in pc.value_counts(pc.filter(tokens[column], pa.array(missing))).to_pylist():
            counts[entry["values"]] = counts.get(entry["values"], 0) + int(entry["counts"])
    return max(counts, key=counts.__getitem__) if counts else ""


def _own_na_tokens(frame: pd.DataFrame, tokens: dict[str, pa.Array], na_rep: str, skip: set[str]
                   ) -> dict[str, str]:
    """{column: token} of each column whose missing values are all one token pandas reads as
    missing other than the file's ``na_rep`` ("n/a" in one column, empty cells elsewhere), so
    that output writes them back in that column."""
    out = {}
    for column in frame.columns:  # a loop over columns
        missing = frame[column].isna().to_numpy()
        if column in skip or not missing.any():
            continue
        written = pc.unique(pc.utf8_trim_whitespace(pc.filter(tokens[column], pa.array(missing)))).to_pylist()
        if len(written) == 1 and written[0] != na_rep:
            out[str(column)] = written[0]
    return out


def _several_na_tokens(frame: pd.DataFrame, tokens: dict[str, pa.Array], na_rep: str,
                       missing: dict[str, str], delimiter: str) -> pd.DataFrame:
    """Columns whose missing values the file wrote in several ways pandas reads as one (empty
    cells and ``n/a``, ``NA`` and ``N/A``), with the ways the file wrote: the file's ``na_rep``
    (else the column's most common one, which ``missing`` then gets) stays missing, the others
    are text.

    - In a number column the model reads each such text as a kind of missing value of its own
      (``schema.text_number_form``). Columns whose numbers would not print back as written stay
      as they are (their missing values one kind).
    - In a text column (categories, dates or numbers written as text) each is a value the model
      learns and writes back as it was (numbers with ``$`` or ``%``, which
      ``_written_numbers`` reads next, as numbers beside missing texts). Not in ids (names,
      e-mails: ``schema.infer_column``), whose missing values stay one kind, where text would
      become shapes of random letters, nor in columns that are not all text (booleans).
    """
    from tabgan.schema import MAX_MISSING_TEXTS, infer_column, text_number_form

    changed = {}
    for column in frame.columns:  # a loop over columns
        s = frame[column]
        number = _is_number(s.dtype)
        if column in missing or not s.isna().any() or not (number or _all_text(s)):
            continue
        written = pc.utf8_trim_whitespace(tokens[column])
        absent = s.isna().to_numpy()
        counts = pc.value_counts(pc.filter(written, pa.array(absent))).to_pylist()
        if len(counts) < 2 or (number and len(counts) > MAX_MISSING_TEXTS + 1):
            continue
        texts = [c["values"] for c in sorted(counts, key=lambda c: -c["counts"])]
        own = na_rep if na_rep in texts else texts[0]
        as_written = pd.Series(written.to_numpy(zero_copy_only=False), index=s.index, dtype=object)
        if number:
            text = as_written.where(as_written != own)  # (n,) the numbers and other tokens as written
            if text_number_form(text, 0) is None:
                continue
        else:
            text = s.where(~absent, as_written.where(as_written != own))  # (n,) values kept as read
            if not _numbers_beside_texts(s.dropna().to_numpy(), len(texts) - 1, delimiter) \
                    and infer_column(text).kind == "id":
                continue
        changed[column] = text
        if own != na_rep:
            missing[str(column)] = own
    if not changed:
        return frame
    frame = frame.copy(deep=False)
    for column, text in changed.items():
        frame[column] = text
    return frame


def _numbers_beside_texts(values: np.ndarray, kept: int, delimiter: str) -> bool:
    """Whether the (p,) text ``values`` of a column (the tokens pandas read as missing left out)
    are numbers in a form ``_written_numbers`` reads (``$12``, ``1,234``: ``_read_form``), alone
    or beside texts of their own (``-``) that, with the ``kept`` missing-value tokens written back
    as text, are at most ``MAX_MISSING_TEXTS``. Before 2026-12-05 only numbers alone were: beside
    one ``-`` such a column looked like an id, and its ``n/a`` were written back as its empty
    cells. Digits in no such form (``0650801``: zip codes, customer numbers) are not: they are
    left to the id check, else an id column kept ``n/a`` as a value, regenerated as random
    letters of its shape (``k/w``)."""
    from tabgan.schema import MAX_MISSING_TEXTS

    distinct = _distinct_text(values)  # (u,)
    if distinct is None:
        return False
    like = pc.match_substring_regex(distinct, _NUMBER_LIKE)  # (u,)
    odd = len(distinct) - int(pc.sum(like).as_py() or 0)
    if not (odd == 0 or odd < len(distinct) and odd + kept <= MAX_MISSING_TEXTS):
        return False
    return _read_form(pc.filter(distinct, like), delimiter) is not None


def _all_text(s: pd.Series) -> bool:
    """Whether every value present in the object column ``s`` is text."""
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) == "string"


# ---------------------------------------------------------------------------------------- writing
def output_format(target: str, fmt: str | None) -> Format:
    """``fmt`` when given, else the format the target's extension names (stdout: CSV)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise ParameterError(f"format={fmt!r} must be one of {', '.join(FORMATS)}")
        if fmt == "parquet":  # before 2026-12-05 written uncompressed under the .gz name
            _check_uncompressed(target)
        return fmt  # type: ignore[return-value]
    if target == STDIO:
        return "csv"
    ext = _suffix(target)
    if ext in (".csv", ".tsv", ".txt"):
        return "csv"
    if ext in (".parquet", ".pq"):
        _check_uncompressed(target)
        return "parquet"
    raise ParameterError(
        f"cannot tell the format of {target!r} from its extension; "
        "name it .csv, .csv.gz (.bz2, .xz) or .parquet, or pass --format csv|parquet"
    )


def _check_uncompressed(target: str) -> None:
    """ParameterError for a Parquet output named as a compressed file (``t.parquet.gz``)."""
    if _compression(target) is not None:
        raise ParameterError(f"{target!r}: Parquet compresses its own pages; name it .parquet")


def _suffix(target: str) -> str:
    """The lower-case extension of ``target`` under any ``.gz``, ``.bz2`` or ``.xz`` (".tsv" for
    out.TSV.gz; "" for stdout or none)."""
    suffixes = [x.lower() for x in Path(target).suffixes] if target != STDIO else []
    if suffixes and suffixes[-1] in _COMPRESSED_SUFFIXES:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _compression(target: str) -> str | None:
    """The compression ``target``'s last extension names ("gzip" for .gz), None for none."""
    return None if target == STDIO else _COMPRESSED_SUFFIXES.get(Path(target).suffix.lower())


def check_writable(target: str | os.PathLike[str]) -> None:
    """Raise an OSError naming ``target`` when no file can be written there: it is a folder, or
    its folder is missing or not a folder. Commands check their outputs before the long work, so
    that a typo in a path costs no fit; the messages name the target, never a temporary file."""
    if str(target) == STDIO:
        return
    path = local_path(target)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; name a file in it", str(target))
    folder = path.parent
    if not folder.exists():
        raise FileNotFoundError(errno.ENOENT, f"its folder {str(folder)!r} does not exist", str(target))
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{str(folder)!r} is not a folder", str(target))
    # Written as a file renamed into the folder, or in place when it is a device or a pipe. Before
    # 2026-12-05 a folder one could not write to failed after the whole fit.
    if not is_file_or_new(path):
        if not os.access(path, os.W_OK):
            raise PermissionError(errno.EACCES, "cannot be written (no permission)", str(target))
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, f"its folder {str(folder)!r} cannot be written to (no permission)",
                              str(target))


@contextmanager
def atomic_output(target: str) -> Iterator[IO[bytes]]:
    """A binary handle whose content lands at ``target`` only if the block ends without error.

    A file (new, or a regular one; through a symbolic link, the file it points to) is written as
    a temporary file beside it, renamed over it at the end. Anything else that exists is written
    in place, as a rename would replace the node itself: a device (``/dev/null``), a FIFO, a
    process substitution (``-o >(gzip > t.csv.gz)``). Errors name ``target``, never the
    temporary file.
    """
    if target == STDIO:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    check_writable(target)
    path = local_path(target)
    if not is_file_or_new(path):
        with _naming_errors(target):
            handle = path.open("wb")
        with handle, _naming_errors(target):
            yield handle
        return
    path = path.resolve()
    # Beside the target (so the rename is atomic), created like any new file (umask applies),
    # its name short whatever the target's (a 250-character name had no room for a suffix).
    # A file replaced keeps its permissions: before 2026-12-05 a 0600 file came back 0644.
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    tmp = path.parent / f".tabgan-{secrets.token_hex(6)}.tmp"
    try:
        with _naming_errors(target):
            handle = tmp.open("xb")
            if mode is not None:  # before a byte is written
                os.chmod(tmp, mode)
        with handle, _naming_errors(target):
            yield handle
        with _naming_errors(target):
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_file_or_new(path: Path) -> bool:
    """Whether ``path`` (through links) is a regular file or nothing yet: a device, a FIFO or a
    pipe's ``/dev/fd/63`` is neither."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True


@contextmanager
def _naming_errors(target: str) -> Iterator[None]:
    """OSErrors raised inside re-raised naming ``target`` (the user's path, not a temporary file)."""
    try:
        yield
    except OSError as err:
        if err.filename == target and err.filename2 is None:
            raise
        raise type(err)(err.errno, err.strerror or str(err), target) from None


@contextmanager
def _spooled(final: IO[bytes]) -> Iterator[IO[bytes]]:
    """A temporary file copied to ``final`` when the block ends cleanly (Parquet to a pipe)."""
    with tempfile.TemporaryFile() as spool:
        yield spool
        spool.seek(0)
        shutil.copyfileobj(spool, final)


class TableWriter:
    """Append DataFrame chunks to one CSV or Parquet output; memory holds one chunk at a time.

    ``with TableWriter(target, "csv", style) as w: w.write(chunk)``: the output appears at
    ``target`` when the block ends cleanly and never otherwise (see :func:`atomic_output`). CSV
    chunks share the first chunk's header (``.gz``, ``.bz2``, ``.xz`` targets are compressed so); Parquet chunks become row
    groups of the first chunk's schema.
    """

    def __init__(self, target: str, fmt: Format, style: CsvStyle | None = None,
                 schema: pa.Schema | None = None) -> None:
        self.target = target
        self.fmt = fmt
        self.style = style or CsvStyle()
        self.schema = schema  # Parquet: the columns' Arrow types (see output_schema); None: the first chunk's
        suffix = _suffix(target)
        if suffix == ".tsv":  # a .tsv holds tabs, whatever delimiter the training file used
            self.style = replace(self.style, delimiter="\t")
        elif suffix == ".csv" and self.style.delimiter == "\t":  # a TSV's model asked for CSV:
            # commas, or semicolons beside decimal commas (12,50), as such CSV files are written
            comma = any("," in (f.point, f.group) for f in self.style.formats)
            self.style = replace(self.style, delimiter=";" if comma else ",")
        self.rows = 0

    def __enter__(self) -> TableWriter:
        self._stack = ExitStack()
        try:
            handle = self._stack.enter_context(atomic_output(self.target))
            if self.target == STDIO and self.fmt == "parquet":  # the footer comes last
                handle = self._stack.enter_context(_spooled(handle))
            if self.fmt == "csv":
                kind = _compression(self.target)
                if kind == "gzip":
                    handle = self._stack.enter_context(
                        # filename="": no name in the header (gzip took the temporary file's) and,
                        # with mtime=0, the same bytes for the same rows
                        gzip.GzipFile(filename="", fileobj=handle, mode="wb", mtime=0)
                    )
                elif kind is not None:
                    handle = self._stack.enter_context(_COMPRESSION_FILES[kind](handle, mode="wb"))
                self._text = io.TextIOWrapper(handle, encoding=self.style.encoding, newline="")
                self._stack.callback(self._text.detach)  # flushes; the file itself is closed above
                if self.style.encoding in {e for _, e in _WIDE_BOMS}:  # their codecs write no mark
                    self._text.write("\ufeff")
            else:
                self._handle = handle
                self._parquet: pq.ParquetWriter | None = None
                self._stack.callback(lambda: self._parquet is not None and self._parquet.close())
        except BaseException:
            self._stack.close()
            raise
        return self

    def write(self, chunk: pd.DataFrame) -> None:
        """Append ``chunk`` (the same columns and dtypes as the first one)."""
        if self.fmt == "csv":
            header = (self._header(chunk) or True) if self.rows == 0 else False  # names once
            chunk = _formatted(chunk, self.style.formats, self.style.infinities)
            _with_missing_texts(chunk, self.style.missing).to_csv(
                self._text,
                sep=self.style.delimiter,
                na_rep=self.style.na_rep,
                index=False,
                header=header,
                lineterminator=self.style.newline,
            )
        else:
            if any(not isinstance(c, str) for c in chunk.columns):  # Parquet names are text
                chunk = chunk.set_axis([str(c) for c in chunk.columns], axis=1)
            if self._parquet is None:
                schema = _parquet_schema(chunk) if self.schema is None else output_schema(chunk, self.schema)
                # pandas' metadata of the rows: pandas reads Int32, a category's order ... back.
                self._schema = schema.with_metadata(pa.Schema.from_pandas(chunk.iloc[:0], preserve_index=False).metadata)
                self._parquet = pq.ParquetWriter(self._handle, self._schema)
            try:
                table = pa.Table.from_pandas(chunk, schema=self._schema, preserve_index=False)
            except (pa.ArrowInvalid, pa.ArrowTypeError) as err:
                raise DataError(f"the rows cannot be written as Parquet of the schema they were "
                                f"learnt from: {str(err).splitlines()[0]}") from None
            self._parquet.write_table(table)
        self.rows += len(chunk)

    def _header(self, chunk: pd.DataFrame) -> list[str] | None:
        """The style's header as written, for a chunk of the columns it was read as."""
        header = self.style.header
        return list(header) if header is not None and len(header) == chunk.shape[1] else None

    def __exit__(self, *exc: object) -> bool:
        return self._stack.__exit__(*exc)


def _formatted(chunk: pd.DataFrame, formats: tuple[NumberFormat, ...],
               infinities: tuple[tuple[str, str, str], ...] = ()) -> pd.DataFrame:
    """``chunk`` with each number column named in ``formats`` as text in its form (missing
    values stay missing, so they get the style's token; no "-0.00"), and its infinities as the
    file wrote them (``infinities``), else "inf" and "-inf"."""
    forms = {f.column: f for f in formats if f.column in chunk.columns
             and (_is_number(chunk[f.column].dtype) or chunk[f.column].dtype == object)}
    texts = {c: (p, m) for c, p, m in infinities
             if c in chunk.columns and pd.api.types.is_float_dtype(chunk[c].dtype)}
    if not forms and not texts:
        return chunk
    chunk = chunk.copy(deep=False)
    for column in [*forms, *(c for c in texts if c not in forms)]:  # a loop over columns
        s = chunk[column]
        form = forms.get(column)
        if s.dtype == object:  # numbers as text beside missing texts ("-"): those in the form
            assert form is not None
            numbers = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64)  # (n,) NaN for texts
            rows = np.isfinite(numbers)  # infinities stay as the model wrote them
            text = s.to_numpy().copy()
            x = numbers[rows] + 0.0
            text[rows] = _number_text(np.round(x).astype(np.int64).tolist() if form.printf == "%d" else x.tolist(), form)
            chunk[column] = text
            continue
        if pd.api.types.is_integer_dtype(s.dtype):
            present = ~s.isna().to_numpy()  # (n,)
            text = np.full(len(s), np.nan, dtype=object)
            text[present] = _number_text(s[present].astype(np.int64).tolist(), form)
            chunk[column] = text
            continue
        x = s.to_numpy(dtype=np.float64, na_value=np.nan) + 0.0  # (n,)
        finite = np.isfinite(x)
        if form is None:
            text = s.astype(object).to_numpy().copy()  # pandas writes the finite values
        else:
            text = np.full(len(s), np.nan, dtype=object)
            text[finite] = _number_text(x[finite].tolist(), form)
        plus, minus = texts.get(column, INF_TEXTS)
        text[np.isposinf(x)], text[np.isneginf(x)] = plus, minus
        chunk[column] = text
    return chunk


def _with_missing_texts(chunk: pd.DataFrame, missing: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """``chunk`` with the missing values of each column in ``missing`` as that column's text."""
    todo = [(c, t) for c, t in missing if c in chunk.columns and chunk[c].isna().any()]
    if not todo:
        return chunk
    chunk = chunk.copy(deep=False)
    for column, text in todo:
        s = chunk[column]
        out = s.astype(object).to_numpy().copy()  # (n,) ints, floats or text
        out[s.isna().to_numpy()] = text
        chunk[column] = out
    return chunk


def _is_number(dtype: object) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _number_text(values: list[float] | list[int], form: NumberFormat) -> list[str]:
    """``values`` written in ``form``: its printf format or SHORTEST, its marks and affixes."""
    if form.printf == SHORTEST:
        text = [repr(float(v)).removesuffix(".0") for v in values]
    else:
        text = [form.printf % v for v in values]
    if form.group:  # thousands groups in the whole part: 1234.5 -> 1,234.5 (marks swapped below)
        text = [_grouped(t) for t in text]
    if form.point != "." or form.group not in ("", ","):
        swap = str.maketrans({".": form.point, ",": form.group})
        text = [t.translate(swap) for t in text]
    if form.negative != "-":  # -$12.50, ($12.50): the sign outside the affixes
        wrap = "({}{}{})" if form.negative == "()" else "-{}{}{}"
        return [wrap.format(form.prefix, t[1:], form.suffix) if t.startswith("-")
                else f"{form.prefix}{t}{form.suffix}" for t in text]
    if form.prefix or form.suffix:
        text = [f"{form.prefix}{t}{form.suffix}" for t in text]
    return text


def plain_number(text: str, form: NumberFormat) -> str:
    """``text`` written in ``form`` (``$1,234.50``, ``($3.00)``, ``12,5 %``) as the plain number
    Python reads (``1234.50``, ``-3.00``, ``12.5``); ``text`` itself when it is not in the form."""
    t = text.strip()
    negative = form.negative == "()" and t.startswith("(") and t.endswith(")")
    t = t[1:-1].strip() if negative else t
    if t.startswith("-") and t[1:].startswith(form.prefix):  # -$3.00 (a bare -3.00 too)
        negative, t = not negative, t[1:]
    if not (t.startswith(form.prefix) and t.endswith(form.suffix)):
        return text
    t = t[len(form.prefix):len(t) - len(form.suffix)].strip()
    if form.group and form.group in t:  # 1.234,50; but 1.5 is no grouping of "." (plain text)
        whole, *groups = t.split(form.point)[0].split(form.group)
        if not whole.lstrip("-").isdigit() or any(len(g) != 3 or not g.isdigit() for g in groups):
            return text
        t = t.replace(form.group, "")
    t = t.replace(form.point, ".")
    try:
        float(t)
    except ValueError:
        return text
    return f"-{t}" if negative and not t.startswith("-") else t


def _grouped(text: str) -> str:
    """"-1234567.5" -> "-1,234,567.5" (scientific text is left as it is)."""
    if "e" in text or "E" in text:
        return text
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, rest = digits.partition(".")
    return f"{sign}{int(whole):,}{dot}{rest}"


def _parquet_schema(chunk: pd.DataFrame) -> pa.Schema:
    """The chunk's Arrow schema; a column all missing in this chunk (typed null) is text, and
    decimals take 38 digits at their scale (what a later chunk's may need)."""
    schema = pa.Schema.from_pandas(chunk, preserve_index=False).remove_metadata()
    for i, field in enumerate(schema):
        if pa.types.is_null(field.type):
            schema = schema.set(i, field.with_type(pa.string()))
        elif pa.types.is_decimal(field.type) and field.type.precision < 38:
            schema = schema.set(i, field.with_type(pa.decimal128(38, field.type.scale)))
    return schema


def write_table(
    frame: pd.DataFrame, target: str, fmt: Format, style: CsvStyle | None = None,
    schema: pa.Schema | None = None,
) -> None:
    """Write ``frame`` whole to ``target`` (atomically, see :class:`TableWriter`)."""
    with TableWriter(target, fmt, style, schema) as writer:
        writer.write(frame)
