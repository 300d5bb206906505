"""Survey exports (CSV, XLSX): one row per respondent, free-text and closed questions mixed.

Row numbers in rejects count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl

from pipeline.config import Source
from pipeline.ingest.base import ANSWERS_SCHEMA, Ingested, IngestError, rejects_frame
from pipeline.schema import ATTRIBUTE_PREFIX, conform

ROW = "__row"


def decode(data: bytes) -> str:
    """Text of a file exported by Excel or a survey tool: UTF-8 (with or without BOM) or cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_table(path: Path, fmt: str, sheet: str | None = None) -> pl.DataFrame:
    """Every cell of a CSV or XLSX file as a string, with the spreadsheet row number in ``__row``."""
    try:
        if fmt == "xlsx":
            frame = pl.read_excel(path, sheet_name=sheet) if sheet else pl.read_excel(path)
            frame = frame.select(pl.all().cast(pl.String()))
        else:
            frame = pl.read_csv(io.StringIO(decode(path.read_bytes())), infer_schema=False)
    except (OSError, pl.exceptions.PolarsError, ValueError) as exc:
        raise IngestError(f"{path}: cannot read as {fmt}: {exc}") from exc
    return frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64()))


def resolve_column(name: str, columns: list[str], path: Path, key: str) -> str:
    """The column ``name`` refers to: an exact header, or the one header that starts with it."""
    if name in columns:
        return name
    matches = [c for c in columns if c.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    found = "several columns" if matches else "no column"
    raise IngestError(f"{path}: {key} = {name!r} matches {found}; columns are {columns}")


def attribute_name(column: str) -> str:
    """``attr_<snake_case>`` name of a respondent attribute column."""
    return ATTRIBUTE_PREFIX + re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")


def _clean(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().replace("", None)


def ingest_survey(path: Path, source: Source, source_id: str) -> Ingested:
    """Responses, answers and rejects of one survey export."""
    table = read_table(path, source.detected_format, source.sheet)
    columns = [c for c in table.columns if c != ROW]
    text_cols = [resolve_column(t, columns, path, "text") for t in source.text]
    id_col = resolve_column(source.id, columns, path, "id") if source.id else None
    date_col = resolve_column(source.date, columns, path, "date") if source.date else None
    attr_cols = (
        [resolve_column(a, columns, path, "attributes") for a in source.attributes]
        if source.attributes is not None
        else [c for c in columns if c not in {*text_cols, id_col, date_col}]
    )
    table = table.with_columns(_clean(c) for c in columns).with_columns(
        (pl.col(id_col) if id_col else pl.format("{}-{}", pl.lit(source_id), pl.col(ROW))).alias("response_id")
    )
    rejected = _rejected_rows(table, columns, text_cols, id_col)
    kept = table.join(pl.DataFrame({ROW: [r["row"] for r in rejected]}, schema={ROW: pl.Int64()}), on=ROW, how="anti")
    responses = kept.select(
        "response_id",
        pl.lit(source_id).alias("source_id"),
        pl.lit("survey").alias("channel"),
        pl.col("response_id").alias("respondent_id"),
        pl.lit(None, pl.String()).alias("speaker"),
        pl.lit(None, pl.String()).alias("speaker_role"),
        (pl.col(date_col) if date_col else pl.lit(None, pl.String())).alias("submitted"),
        pl.lit(None, pl.Float64()).alias("start_s"),
        pl.lit(None, pl.Float64()).alias("end_s"),
        pl.lit(None, pl.String()).alias("language"),
        pl.concat_str([pl.col(c) for c in text_cols], separator="\n\n", ignore_nulls=True).alias("text"),
        *(pl.col(c).alias(attribute_name(c)) for c in attr_cols),
    )
    answers = (
        kept.select("response_id", *text_cols)
        .unpivot(index="response_id", on=text_cols, variable_name="question", value_name="text")
        .drop_nulls("text")
        .with_columns(source_id=pl.lit(source_id), stage=pl.lit(source.stage))
        .sort("response_id", maintain_order=True)
        .select(list(ANSWERS_SCHEMA))
    )
    rejects = rejects_frame([{**r, "source_id": source_id, "path": str(path)} for r in rejected])
    return Ingested(responses=conform(responses, "responses"), answers=answers, rejects=rejects, rows_read=table.height)


def _rejected_rows(
    table: pl.DataFrame, columns: list[str], text_cols: list[str], id_col: str | None
) -> list[dict[str, object]]:
    """Blank rows, rows without an id, duplicate ids and rows with no free text, with reasons."""
    out: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for row in table.iter_rows(named=True):
        reason, column = _reject_reason(row, columns, text_cols, id_col, seen)
        if reason:
            out.append({"row": row[ROW], "column": column, "record_id": row["response_id"], "reason": reason})
        else:
            seen[row["response_id"]] = row[ROW]
    return out


def _reject_reason(
    row: dict[str, object], columns: list[str], text_cols: list[str], id_col: str | None, seen: dict[str, int]
) -> tuple[str | None, str | None]:
    if all(row[c] is None for c in columns):
        return "blank row", None
    if id_col and row[id_col] is None:
        return f"no id in column {id_col!r}", id_col
    if row["response_id"] in seen:
        return f"duplicate id {row['response_id']!r} (first on row {seen[str(row['response_id'])]})", id_col
    if all(row[c] is None for c in text_cols):
        return "no free-text answer", ", ".join(text_cols)
    return None, None
