"""What a file looks like to Throughline: detected format, columns, a sample, a ``[[sources]]`` block.

``describe_file`` is read-only and cheap; the CLI's ``throughline inspect FILE`` prints it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.config import Kind, Source
from pipeline.ingest.base import IngestError
from pipeline.ingest.detect import detect_format
from pipeline.ingest.sources import ingest_source
from pipeline.ingest.survey import free_text_columns
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

    def sources_block(self) -> str:
        """A ``[[sources]]`` block ready to paste into a consultation file."""
        lines = [
            "[[sources]]",
            f'path = "{self.path.name}"',
            f'kind = "{self.kind}"',
            'stage = "problem"' if self.kind != "document" else 'stage = "options"  # or "decision"',
            f'format = "{self.format}"',
        ]
        if self.id_column and self.format in TABLE_FORMATS:
            lines.append(f'id = "{self.id_column}"')
        if self.text_columns and self.format in TABLE_FORMATS:
            lines.append("text = [" + ", ".join(f'"{c}"' for c in self.text_columns) + "]")
        return "\n".join(lines)


def guess_id_column(table: pl.DataFrame, columns: list[str]) -> str | None:
    """The first column named like an id whose filled values are all distinct."""
    for column in columns:
        if re.search(r"\bid\b|identifier|reference|^ref\b", column, re.IGNORECASE):
            values = table[column].drop_nulls()
            values = values.filter(values.str.strip_chars() != "")
            if values.len() and values.n_unique() == values.len():
                return column
    return None


def guess_kind(path: Path) -> Kind:
    """The likely kind of a file from its suffix (tables are responses)."""
    return KIND_BY_SUFFIX.get(path.suffix.lower(), "responses")


def describe_file(path: Path, kind: Kind | None = None, sample_rows: int = 5) -> FileDescription:
    """Detected format, columns and likely free-text columns, a sample, and the row accounting."""
    kind = kind or guess_kind(path)
    probe = Source.model_validate({"path": path, "kind": kind, "stage": "problem"})
    fmt = detect_format(probe)
    columns: list[str] = []
    text: list[str] = []
    ident: str | None = None
    if kind == "responses" and fmt in TABLE_FORMATS:
        table = read_table(
            path,
            "xlsx" if fmt == "xlsx" or path.suffix.lower() == ".xlsx" else ("csv" if fmt == "citizen-space" else fmt),
        )
        columns = [c for c in table.columns if c != ROW]
        ident = guess_id_column(table, columns)
        text = free_text_columns(table, [c for c in columns if c != ident])
        if not text:
            raise IngestError(f"{path}: no column reads like free text; columns are {columns}")
        probe = probe.model_copy(update={"text": tuple(text), "id": ident})
    got = ingest_source(probe, path.stem)
    if got.responses.height:
        sample = got.responses.select("response_id", "speaker", "text").head(sample_rows)
    else:
        sample = got.blocks.select("heading", "role", "text").head(sample_rows)
    return FileDescription(
        path=path,
        kind=kind,
        format=fmt,
        columns=columns or got.responses.columns,
        text_columns=text,
        id_column=ident,
        sample=sample,
        rows_read=got.rows_read,
        rows_analysed=got.rows_analysed,
        rows_rejected=got.rows_rejected,
        rows_merged=got.rows_merged,
    )
