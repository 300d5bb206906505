"""A decisions table (``kind = "decisions"``): one row per option, what was decided and why.

Participatory-budget minutes, a committee's schedule of selected and excluded proposals, a
spreadsheet of "funded / not funded" — each row names its option by ``id`` (a number such as
126, matched to "Project 126") and/or ``title``, and gives the ``outcome`` in the body's own
words ("Seleccionada", "Not funded", "Deferred to 2028") and, where there is one, the ``reason``.

The rows become two things: document blocks of the source's stage (so the decision is read,
quoted and searchable like any other decision passage), and ``decision_rows`` (the structured
values, which ``pipeline.trace.outcomes.outcomes_from_table`` reads). A row that names no option
or gives no outcome is rejected with its row and column.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.config import Source
from pipeline.ingest.base import BLOCKS_SCHEMA, Ingested, IngestError, rejects_frame
from pipeline.ingest.survey import resolve_column
from pipeline.ingest.tables import ROW, read_table
from pipeline.schema import TABLES, empty


def _cell(row: dict[str, object], column: str | None) -> str | None:
    value = row.get(column) if column else None
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def ingest_decisions(path: Path, source: Source, source_id: str) -> Ingested:
    """Decision blocks and ``decision_rows`` from a table of options with their outcomes."""
    if source.format not in ("csv", "xlsx", "json", "jsonl"):
        raise IngestError(f"{path}: a decisions table is read from csv, xlsx, json or jsonl, not {source.format!r}")
    table = read_table(path, source.format, source.sheet, source.header_rows or 1)
    names = [c for c in table.columns if c != ROW]
    columns = {
        key: resolve_column(wanted, names, path, key) if wanted else None
        for key, wanted in (
            ("id", source.id),
            ("title", source.title),
            ("outcome", source.outcome),
            ("reason", source.reason),
        )
    }
    rows: list[dict[str, object]] = []
    blocks: list[dict[str, object]] = []
    rejects: list[dict[str, object]] = []
    for record in table.iter_rows(named=True):
        ref, title = _cell(record, columns["id"]), _cell(record, columns["title"])
        outcome, reason = _cell(record, columns["outcome"]), _cell(record, columns["reason"])
        missing = "id" if ref is None and title is None else "outcome" if outcome is None else None
        if missing:
            column = columns["id"] or columns["title"] if missing == "id" else columns["outcome"]
            rejects.append(
                {
                    "source_id": source_id,
                    "path": str(path),
                    "row": record[ROW],
                    "column": column,
                    "record_id": ref or title,
                    "reason": "names no option" if missing == "id" else "no outcome",
                }
            )
            continue
        name = title or ref or ""
        position = len(blocks)
        rows.append(
            {
                "source_id": source_id,
                "row": record[ROW],
                "passage_id": f"{source_id}:{position}:0",
                "option": ref,
                "title": title,
                "outcome": outcome,
                "reason": reason,
            }
        )
        blocks.append(
            {
                "source_id": source_id,
                "stage": source.stage,
                "heading": f"{ref}: {title}" if ref and title else name,
                "role": "resolution",
                "position": position,
                "text": f"{outcome}." + (f" {reason}" if reason else ""),
            }
        )
    return Ingested(
        blocks=pl.DataFrame(blocks, schema=BLOCKS_SCHEMA) if blocks else pl.DataFrame(schema=BLOCKS_SCHEMA),
        decisions=pl.DataFrame(rows, schema=TABLES["decision_rows"]) if rows else empty("decision_rows"),
        rejects=rejects_frame(rejects),
        rows_read=table.height,
    )
