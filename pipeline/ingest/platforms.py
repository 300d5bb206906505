"""Participation-platform exports with their own conventions (see FIELD.md of the team docs).

- Polis ``comments.csv`` (both variants): statements as responses; vote counts and moderation as
  attributes; moderated-out statements kept and flagged.
- regulations.gov bulk CSV: ``Duplicate Comments`` is the response's weight; "see attached"
  stubs and attachment-only rows are rejected as having no inline text; names are not kept.
- Decidim open data (``;``-separated CSV or the ZIP of them): ``field/<locale>`` columns picked
  (``locale``) or merged (first non-empty); HTML bodies become text.
- CONSUL admin CSV: one row per comment under its proposal; each proposal and each comment is a
  response.
- Citizen Space-style exports: two header rows (question id, question text) or a blank row after
  the header; closed questions become attributes, free-text columns are detected.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import polars as pl

from pipeline.config import Source
from pipeline.ingest.base import BLOCKS_SCHEMA, Ingested, IngestError, rejects_frame
from pipeline.ingest.survey import Columns, RowRules, columns_from_source, ingest_table
from pipeline.ingest.tables import ROW, read_delimited, read_table
from pipeline.ingest.text import decode, html_to_text

PERSONAL = re.compile(r"(first|last|author|user|full)[ _/]?name|e-?mail|phone|address", re.IGNORECASE)


def _first_present(table: pl.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in table.columns), None)


def _present(table: pl.DataFrame, *names: str) -> tuple[str, ...]:
    return tuple(n for n in names if n in table.columns)


def ingest_polis(path: Path, source: Source, source_id: str) -> Ingested:
    """Polis statements; ``moderated = -1`` kept and flagged, ``is-meta`` flagged."""
    table = read_table(path, "csv")
    columns = Columns(
        text=("comment-body",),
        id="comment-id",
        date=_first_present(table, "datetime", "timestamp"),
        attributes=_present(
            table, "author-id", "agrees", "disagrees", "moderated", "is-meta", "is-seed", "group-informed-consensus"
        ),
    )
    meta = pl.col("is-meta").str.to_lowercase() == "true" if "is-meta" in table.columns else pl.lit(False)
    flag = (
        pl.when(pl.col("moderated") == "-1")
        .then(pl.lit("moderated out"))
        .when(meta)
        .then(pl.lit("meta"))
        .otherwise(pl.lit(None, pl.String()))
    )
    return ingest_table(table, columns, source, source_id, path, RowRules(flag=flag))


# A comment that only points at an attachment; inline flags because polars compiles it.
STUB = r"(?is)^\W*(please\s+)?(see|refer\s+to|find)\b.{0,60}\b(attach|enclos|upload|pdf|letter|file)"


def ingest_regulations_gov(path: Path, source: Source, source_id: str) -> Ingested:
    """A regulations.gov docket export: comments weighted by ``Duplicate Comments``."""
    table = read_table(path, "csv")
    attributes = _present(
        table, "Document Type", "Category", "City", "State/Province", "Country", "Organization Name", "Received Date"
    )
    comment = pl.col("Comment").str.strip_chars()
    has_files = (
        pl.col("Attachment Files").str.strip_chars().fill_null("") != ""
        if "Attachment Files" in table.columns
        else pl.lit(False)
    )
    stub = (comment.str.contains(STUB).fill_null(False) & (comment.str.len_chars() < 300)) | (
        comment.is_null() & has_files
    )
    return ingest_table(
        table,
        Columns(
            text=("Comment",),
            id="Document ID",
            date="Posted Date" if "Posted Date" in table.columns else None,
            attributes=attributes,
            weight="Duplicate Comments" if "Duplicate Comments" in table.columns else None,
        ),
        source,
        source_id,
        path,
        RowRules(no_inline_text=stub, no_inline_reason="no inline text: the comment is in an attachment"),
    )


def decidim_table(path: Path, entity: str | None) -> pl.DataFrame:
    """A Decidim CSV, or the entity's CSV inside a Decidim open-data ZIP."""
    if path.suffix.lower() != ".zip":
        return read_table(path, "csv")
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith(".csv")]
        wanted = [n for n in names if entity and n.endswith(f"-{entity}.csv")] or (names if len(names) == 1 else [])
        if len(wanted) != 1:
            raise IngestError(f"{path}: choose one of the ZIP's files with entity = ... (files: {names})")
        return read_delimited(path, decode(archive.read(wanted[0])))


def merge_locales(table: pl.DataFrame, locale: str | None) -> pl.DataFrame:
    """``field/<loc>`` columns folded into ``field``: the chosen locale, else the first non-empty."""
    groups: dict[str, list[str]] = {}
    for column in table.columns:
        match = re.fullmatch(r"(.+)/([a-z]{2}(?:-[A-Za-z]{2})?)", column)
        if match and not match.group(1).endswith("/id"):
            groups.setdefault(match.group(1), []).append(column)
    merged = {}
    for base, cols in groups.items():
        chosen = [c for c in cols if locale and c.endswith(f"/{locale}")] or cols
        merged[base] = pl.coalesce([pl.col(c).str.strip_chars().replace("", None) for c in chosen])
    return table.with_columns(**merged)


def ingest_decidim(path: Path, source: Source, source_id: str) -> Ingested:
    """Decidim proposals, comments, projects or results as responses."""
    table = merge_locales(decidim_table(path, source.entity), source.locale)
    text = source.text or _present(table, "title", "body", "description", "closing_report") or ("body",)
    if not set(text) <= set(table.columns):
        raise IngestError(f"{path}: no Decidim text columns (title, body, description) found")
    extras = _present(
        table,
        "alignment",
        "depth",
        "locale",
        "state",
        "status/key",
        "progress",
        "votes",
        "confirmed_votes",
        "comments",
        "category/name",
        "scope/name",
        "commentable_type",
        "commentable_id",
        "related_proposals",
        "proposal_urls",
    )
    columns = Columns(
        text=tuple(text),
        id="id",
        date=_first_present(table, "published_at", "created_at"),
        attributes=tuple(a for a in extras if a not in text),
    )
    return ingest_table(table, columns, source, source_id, path)


def ingest_consul(path: Path, source: Source, source_id: str) -> Ingested:
    """CONSUL admin CSV: each proposal (on its first row) and each comment is a response.

    Continuation rows may leave the proposal columns blank; the proposal id carries down. A row
    that yields neither a new proposal nor a comment repeats its proposal: it is counted as merged.
    """
    table = read_table(path, "csv")
    needed = {"ID", "Proposal", "Comment ID", "Comment Content"}
    if not needed <= set(table.columns):
        raise IngestError(f"{path}: a CONSUL export needs columns {sorted(needed)}; found {table.columns}")
    cells = [c for c in table.columns if c != ROW]
    is_blank = pl.all_horizontal(pl.col(c).str.strip_chars().fill_null("") == "" for c in cells)
    blank_rows = table.filter(is_blank)[ROW].to_list()
    table = table.filter(~is_blank).with_columns(pl.col("ID").str.strip_chars().replace("", None).forward_fill())
    summary = ("Summary",) if "Summary" in table.columns else ()
    proposals = table.filter(pl.col("ID").is_first_distinct() & pl.col("ID").is_not_null()).select(
        ROW,
        id=pl.format("proposal-{}", "ID"),
        Content=pl.concat_str(["Proposal", *summary], separator="\n\n", ignore_nulls=True),
        kind=pl.lit("proposal"),
        proposal="ID",
        date=pl.col("Created at") if "Created at" in table.columns else pl.lit(None, pl.String()),
    )
    comments = table.filter(pl.col("Comment ID").str.strip_chars().fill_null("") != "").select(
        ROW,
        id=pl.format("comment-{}", "Comment ID"),
        Content="Comment Content",
        kind=pl.lit("comment"),
        proposal="ID",
        date=pl.lit(None, pl.String()),
    )
    units = pl.concat([proposals, comments]).sort(ROW, "kind", descending=[False, True])
    got = ingest_table(
        units,
        Columns(text=("Content",), id="id", date="date", attributes=("kind", "proposal")),
        source,
        source_id,
        path,
    )
    analysed = set(units.join(got.responses.select(pl.col("response_id").alias("id")), on="id")[ROW])
    rejected_rows = set(got.rejects["row"]) - analysed
    blank = rejects_frame(
        [
            {
                "source_id": source_id,
                "path": str(path),
                "row": r,
                "column": None,
                "record_id": None,
                "reason": "blank row",
            }
            for r in blank_rows
        ]
    )
    rejects = pl.concat([got.rejects.filter(pl.col("row").is_in(list(rejected_rows))), blank]).sort("row")
    return Ingested(
        responses=got.responses,
        answers=got.answers,
        rejects=rejects,
        rows_read=table.height + len(blank_rows),
        analysed=len(analysed),
        rows_merged=table.height - len(analysed) - len(rejected_rows),
        notes=got.notes,
        warnings=got.warnings,
    )


def citizen_space_table(path: Path, sheet: str | None = None, header_rows: int | None = None) -> pl.DataFrame:
    """A Citizen Space-style export's table; the header is one row, two rows, or one row and a blank row."""
    fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    header_rows = header_rows or citizen_space_header_rows(path, fmt, sheet)
    table = read_table(path, fmt, sheet, header_rows)
    if header_rows == 1 and _first_row_blank(table):
        table = table.slice(1)  # the blank row Citizen Space puts under the header is not a response
    return table


def ingest_citizen_space(path: Path, source: Source, source_id: str) -> Ingested:
    """A Citizen Space-style export; closed questions become attributes, personal columns are left out."""
    table = citizen_space_table(path, source.sheet, source.header_rows)
    columns = columns_from_source(table, source, path)
    personal = tuple(a for a in columns.attributes if PERSONAL.search(a))
    return ingest_table(table, columns, source, source_id, path, RowRules(exclude=personal))


def _first_row_blank(table: pl.DataFrame) -> bool:
    cells = table.drop(ROW).head(1).rows()
    return bool(cells) and all(v is None or not str(v).strip() for v in cells[0])


def looks_like_citizen_space(path: Path, fmt: str, sheet: str | None) -> bool:
    """Two header rows, or one header row followed by a blank row."""
    return citizen_space_header_rows(path, fmt, sheet) == 2 or _first_row_blank(read_table(path, fmt, sheet).head(1))


def citizen_space_header_rows(path: Path, fmt: str, sheet: str | None) -> int:
    """Two header rows when the first row holds short ids (Q1, 2a…) and the second question text."""
    raw = read_table(path, fmt, sheet, header_rows=1)
    if raw.is_empty():
        return 1
    ids = [c for c in raw.columns if c != ROW]
    second = [raw[c][0] for c in ids]
    # Question ids carry a number (Q1, 1a, 2); the row under them holds the questions' wording.
    question_ids = [i for i, c in enumerate(ids) if re.fullmatch(r"[A-Za-z]{0,3}\s?\d+(\.\d+)?[a-z]?", c)]
    worded = [i for i in question_ids if isinstance(second[i], str) and len(second[i].split()) >= 3]
    if len(question_ids) < max(1, len(ids) // 2) or len(worded) < 0.6 * len(question_ids):
        return 1
    return 2


def sniff_platform(header: list[str]) -> str | None:
    """The platform a delimited export comes from, by its header."""
    names = set(header)
    if {"comment-id", "comment-body"} <= names:
        return "polis"
    if {"Document ID", "Docket ID", "Comment"} <= names:
        return "regulations-gov"
    if {"Comment ID", "Comment Content"} <= names and "ID" in names:
        return "consul"
    if any(re.fullmatch(r"(title|body|description)/[a-z]{2}", n) for n in names) or "commentable_type" in names:
        return "decidim"
    return None


def decidim_document(path: Path, source: Source, source_id: str) -> Ingested:
    """Decidim results, projects or meetings as decision-side blocks: title as heading, text as body."""
    table = merge_locales(decidim_table(path, source.entity), source.locale)
    body = next((c for c in ("closing_report", "description", "body") if c in table.columns), None)
    if body is None or "title" not in table.columns:
        raise IngestError(f"{path}: a Decidim document source needs title and description/body columns")
    rows = table.filter(pl.col(body).is_not_null())
    blocks = pl.DataFrame(
        {
            "source_id": [source_id] * rows.height,
            "stage": [source.stage] * rows.height,
            "heading": rows["title"].to_list(),
            "role": ["resolution" if source.stage in ("decision", "implementation") else "option"] * rows.height,
            "position": list(range(rows.height)),
            "text": [html_to_text(t) for t in rows[body].to_list()],
        },
        schema=BLOCKS_SCHEMA,
    )
    return Ingested(
        blocks=blocks,
        rows_read=table.height,
        analysed=rows.height,
        rejects=_no_body_rejects(table, body, source_id, path),
    )


def _no_body_rejects(table: pl.DataFrame, body: str, source_id: str, path: Path) -> pl.DataFrame:
    missing = table.filter(pl.col(body).is_null())
    return rejects_frame(
        [
            {
                "source_id": source_id,
                "path": str(path),
                "row": r[ROW],
                "column": body,
                "record_id": r.get("id"),
                "reason": f"no {body}",
            }
            for r in missing.iter_rows(named=True)
        ]
    )
