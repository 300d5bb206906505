"""Tabular files (CSV, TSV, XLSX, JSON, JSONL) as frames of strings, with their row numbers.

Every cell is read as a string (types are the analysis's business, not the reader's; a workbook's
dates come as ``YYYY-MM-DD HH:MM:SS``) and ``__row`` holds the row number as a spreadsheet shows it
(header = 1), or the line number of a JSONL record. Headers are made usable in a consultation file
here, once, for every format (``header_names``): whitespace and line breaks inside a header become
one space, an empty header is ``column N``, and a repeated header is numbered by its occurrence
(``Other, please specify (2)``). A file that cannot be parsed raises ``IngestError`` naming the
file and the line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.ingest.base import IngestError
from pipeline.ingest.text import decode

ROW = "__row"
# A plain table's format by its suffix (anything else is read as delimited text).
TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "jsonl"}
SEPARATORS = ",;\t|"


def sniff_separator(text: str) -> str:
    """The delimiter of a delimited text file (comma unless the header says otherwise)."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def header_names(cells: Sequence[object]) -> list[str]:
    """Header cells as names a consultation file can use: one-line, non-empty, unique."""
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        base = " ".join(str(cell).split()) if cell is not None else ""
        base = base or f"column {position}"
        name, n = base, 2
        while name in names or name == ROW:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def _named(frame: pl.DataFrame, cells: Sequence[object]) -> pl.DataFrame:
    return frame.rename(dict(zip(frame.columns, header_names(cells), strict=True)))


def _with_rows(frame: pl.DataFrame, offset: int) -> pl.DataFrame:
    return frame.with_row_index(ROW, offset=offset).with_columns(pl.col(ROW).cast(pl.Int64()))


def _polars_line(message: str) -> str:
    match = re.search(r"line (\d+)", message) or re.search(r"row (\d+)", message)
    return f"line {match.group(1)}: " if match else ""


def read_delimited(path: Path, text: str, header_rows: int = 1) -> pl.DataFrame:
    """A delimited text file; with ``header_rows`` > 1 the header cells are joined per column."""
    separator = sniff_separator(text)
    try:
        # Read without a header so that polars does not rename repeated headers ("Q_duplicated_0").
        raw = pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False, has_header=False)
    except pl.exceptions.PolarsError as exc:
        message = str(exc).splitlines()[0]
        raise IngestError(f"{path}: {_polars_line(message)}not a valid delimited file ({message})") from exc
    return joined_header(raw, header_rows)


def joined_header(raw: pl.DataFrame, header_rows: int) -> pl.DataFrame:
    """Data rows of a header-less frame whose first ``header_rows`` rows name the columns."""
    heads = raw.head(header_rows).rows()
    cells = []
    for column in zip(*heads, strict=True):
        parts = [" ".join(str(c).split()) for c in column if c is not None and str(c).strip()]
        cells.append(" ".join(dict.fromkeys(parts)))
    return _with_rows(_named(raw.slice(header_rows), cells), header_rows + 1)


def read_json_records(path: Path, text: str, lines: bool) -> pl.DataFrame:
    """Records of a JSON array (or the first array of objects inside an object), or of JSONL."""
    if lines:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                records.append((number, _json(path, line, number)))
        return _records_frame(path, [r for _, r in records], [n for n, _ in records])
    data = _json(path, text, None)
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)), None)
    if not isinstance(data, list):
        raise IngestError(f"{path}: expected a JSON array of objects (or an object holding one)")
    return _records_frame(path, data, list(range(1, len(data) + 1)))


def _json(path: Path, text: str, line: int | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {line}" if line is not None else f"line {exc.lineno}, column {exc.colno}"
        raise IngestError(f"{path}: {where}: not valid JSON ({exc.msg})") from exc


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _records_frame(path: Path, records: list[Any], numbers: list[int]) -> pl.DataFrame:
    for number, record in zip(numbers, records, strict=True):
        if not isinstance(record, dict):
            raise IngestError(f"{path}: record {number}: expected an object, got {type(record).__name__}")
    keys = list(dict.fromkeys(k for r in records for k in r))
    columns = [pl.Series(f"{i}", [_cell(r.get(k)) for r in records], dtype=pl.String()) for i, k in enumerate(keys)]
    frame = _named(pl.DataFrame(columns, schema=[(f"{i}", pl.String()) for i in range(len(keys))]), keys)
    return frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int64()))


def read_xlsx(path: Path, sheet: str | None, header_rows: int = 1) -> pl.DataFrame:
    """The first (or named) sheet of a workbook, every cell as text (dates as ``YYYY-MM-DD HH:MM:SS``)."""
    try:
        kwargs: dict[str, Any] = {"sheet_name": sheet} if sheet else {}
        # Without a header row every column holds text (its header) and fastexcel renders each cell
        # as text: numbers as written, dates as YYYY-MM-DD HH:MM:SS; repeated headers keep their names.
        frame = pl.read_excel(path, has_header=False, **kwargs)
    except Exception as exc:  # fastexcel raises its own error types for damaged workbooks
        raise IngestError(f"{path}: not a readable XLSX workbook ({str(exc).splitlines()[0]})") from exc
    return joined_header(frame.select(pl.all().cast(pl.String())), header_rows)


def table_format(path: Path) -> str:
    """The format ``read_table`` reads ``path`` in, from its suffix (csv when unknown)."""
    return TABLE_SUFFIXES.get(path.suffix.lower(), "csv")


def read_table(path: Path, fmt: str, sheet: str | None = None, header_rows: int = 1) -> pl.DataFrame:
    """Any tabular file as strings plus ``__row``."""
    if fmt == "xlsx":
        return read_xlsx(path, sheet, header_rows)
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise IngestError(f"{path}: cannot read: {exc.strerror}") from exc
    if fmt in ("json", "jsonl"):
        return read_json_records(path, text, lines=fmt == "jsonl")
    return read_delimited(path, text, header_rows)


def csv_header(text: str) -> list[str]:
    """The header cells of delimited text (for format detection)."""
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=sniff_separator(text)), [])
    return [c.strip() for c in first]
