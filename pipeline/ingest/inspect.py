"""What a file looks like to Throughline: detected format, columns, a sample, a ``[[sources]]`` block.

``describe_file`` is read-only and cheap; the CLI's ``throughline inspect FILE`` prints it. For a
table it proposes the id column, the free-text columns, the date column (one whose values read
as dates, ``dates.py``) and the respondent attributes (columns with few distinct values), and
leaves out columns of personal data (name, organisation, email, phone, address, postcode). The
block is valid TOML whatever the headers hold (``toml_string``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.config import Kind, Source
from pipeline.ingest.base import IngestError
from pipeline.ingest.dates import read_dates
from pipeline.ingest.detect import detect_format
from pipeline.ingest.platforms import citizen_space_table
from pipeline.ingest.sources import ingest_source
from pipeline.ingest.survey import FREE_TEXT_MEDIAN_WORDS, free_text_columns, looks_personal
from pipeline.ingest.tables import ROW, read_table

TABLE_FORMATS = ("csv", "xlsx", "json", "jsonl", "citizen-space")
KIND_BY_SUFFIX: dict[str, Kind] = {
    ".vtt": "transcript",
    ".srt": "transcript",
    ".md": "document",
    ".docx": "document",
    ".html": "document",
    ".htm": "document",
    ".pdf": "document",
}
MAX_ATTRIBUTE_VALUES = 30  # more distinct values than this and a column is no grouping of respondents
DATE_SAMPLE = 1000  # values per column tried as dates
DATE_SHARE = 0.9  # of a column's values that must read as dates
DATE_NAME = re.compile(r"date|time|submitted|created|posted|received|when|\b(?:at|on)$", re.IGNORECASE)
TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in value:
        code = ord(ch)
        if ch in TOML_ESCAPES:
            out.append(TOML_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate (undecodable bytes) is no character TOML allows
            out.append("\\uFFFD")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_list(values: list[str]) -> str:
    """A TOML array of strings."""
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


@dataclass(frozen=True)
class FileDescription:
    """The result of inspecting one file."""

    path: Path
    kind: Kind
    format: str
    columns: list[str]
    text_columns: list[str]
    id_column: str | None
    sample: pl.DataFrame
    rows_read: int
    rows_analysed: int
    rows_rejected: int
    rows_merged: int
    date_column: str | None = None
    attributes: list[str] = field(default_factory=list)
    personal: list[str] = field(default_factory=list)  # left out as personal data
    unused: list[str] = field(default_factory=list)  # left out: too many distinct values, or empty
    warnings: tuple[str, ...] = ()

    def sources_block(self) -> str:
        """A ``[[sources]]`` block ready to paste into a consultation file (valid TOML)."""
        lines = [
            "[[sources]]",
            f"path = {toml_string(self.path.name)}",
            f"kind = {toml_string(self.kind)}",
            'stage = "problem"' if self.kind != "document" else 'stage = "options"  # or "decision"',
            f"format = {toml_string(self.format)}",
        ]
        if self.format not in TABLE_FORMATS or not self.text_columns:
            return "\n".join(lines)
        if self.id_column:
            lines.append(f"id = {toml_string(self.id_column)}")
        if self.date_column:
            lines.append(f"date = {toml_string(self.date_column)}")
        lines.append(f"text = {toml_list(self.text_columns)}")
        lines.append(f"attributes = {toml_list(self.attributes)}")
        if self.personal:
            lines.append(f"# left out as personal data: {', '.join(toml_string(c) for c in self.personal)}")
        if self.unused:
            lines.append(
                f"# left out (empty, or more than {MAX_ATTRIBUTE_VALUES} distinct values): "
                + ", ".join(toml_string(c) for c in self.unused)
            )
        return "\n".join(lines)


def guess_id_column(table: pl.DataFrame, columns: list[str]) -> str | None:
    """The first column named like an id whose filled values are all distinct."""
    for column in columns:
        if re.search(r"\bid\b|identifier|reference|^ref\b", column, re.IGNORECASE):
            values = _filled(table[column])
            if values.len() and values.n_unique() == values.len():
                return column
    return None


def guess_date_column(table: pl.DataFrame, columns: list[str]) -> str | None:
    """The column whose values read as dates; one named like a date first.

    Plain numbers (Excel serial days, Unix timestamps) count only in a column named like a date.
    """
    found = []
    for column in columns:
        values = _filled(table[column]).head(DATE_SAMPLE)
        if values.is_empty():
            continue
        named = bool(DATE_NAME.search(column))
        if not named and values.str.contains(r"^\d+(\.\d+)?$").all():
            continue
        read = read_dates(values)
        if read.filled - read.failed >= DATE_SHARE * read.filled:
            found.append((not named, column))
    return min(found)[1] if found else None


def guess_attributes(table: pl.DataFrame, columns: list[str]) -> list[str]:
    """Columns that group respondents: a few distinct short values (not free text, not one per row)."""
    found = []
    for column in columns:
        values = _filled(table[column])
        distinct = values.n_unique()
        one_per_row = distinct == values.len() > MAX_ATTRIBUTE_VALUES // 3  # an identifier, not a group
        if not distinct or distinct > MAX_ATTRIBUTE_VALUES or one_per_row:
            continue
        words = values.str.count_matches(r"\S+").median()
        if isinstance(words, int | float) and words < FREE_TEXT_MEDIAN_WORDS + 2:
            found.append(column)
    return found


def guess_kind(path: Path) -> Kind:
    """The likely kind of a file from its suffix (tables are responses)."""
    return KIND_BY_SUFFIX.get(path.suffix.lower(), "responses")


def _filled(column: pl.Series) -> pl.Series:
    values = column.drop_nulls().str.strip_chars()
    return values.filter(values != "")


def _table(path: Path, fmt: str) -> pl.DataFrame:
    """The table as its reader sees it (Citizen Space's header rows joined, its blank row dropped)."""
    if fmt == "citizen-space":
        return citizen_space_table(path)
    return read_table(path, "xlsx" if fmt == "xlsx" or path.suffix.lower() == ".xlsx" else fmt)


def propose_source(table: pl.DataFrame, probe: Source) -> Source:
    """``probe`` with the id, free-text, date and attribute columns ``table`` suggests."""
    columns = [c for c in table.columns if c != ROW]
    personal = [c for c in columns if looks_personal(c)]
    ident = guess_id_column(table, [c for c in columns if c not in personal])
    text = free_text_columns(table, [c for c in columns if c != ident])
    if not text:
        raise IngestError(f"{probe.path}: no column reads like free text; columns are {columns}")
    rest = [c for c in columns if c not in {ident, *text, *personal}]
    date = guess_date_column(table, rest)
    attributes = guess_attributes(table, [c for c in rest if c != date])
    update = {"text": tuple(text), "id": ident, "date": date, "attributes": tuple(attributes)}
    return probe.model_copy(update=update)


def describe_file(path: Path, kind: Kind | None = None, sample_rows: int = 5) -> FileDescription:
    """Detected format, the columns to use and to leave out, a sample, and the row accounting."""
    kind = kind or guess_kind(path)
    probe = Source.model_validate({"path": path, "kind": kind, "stage": "problem"})
    fmt = detect_format(probe)
    columns: list[str] = []
    if kind == "responses" and fmt in TABLE_FORMATS:
        table = _table(path, fmt)
        columns = [c for c in table.columns if c != ROW]
        probe = propose_source(table, probe)
    got = ingest_source(probe, path.stem)
    if got.responses.height:
        sample = got.responses.select("response_id", "speaker", "text").head(sample_rows)
    else:
        sample = got.blocks.select("heading", "role", "text").head(sample_rows)
    used = {probe.id, probe.date, *probe.text, *(probe.attributes or ())}
    personal = [c for c in columns if looks_personal(c) and c not in used]
    return FileDescription(
        path=path,
        kind=kind,
        format=fmt,
        columns=columns or got.responses.columns,
        text_columns=list(probe.text),
        id_column=probe.id,
        sample=sample,
        rows_read=got.rows_read,
        rows_analysed=got.rows_analysed,
        rows_rejected=got.rows_rejected,
        rows_merged=got.rows_merged,
        date_column=probe.date,
        attributes=list(probe.attributes or ()),
        personal=personal,
        unused=[c for c in columns if c not in used and c not in personal],
        warnings=got.warnings,
    )
