"""Survey and platform exports as a table → responses, answers and rejects.

``Columns`` says which columns hold the id, the free text, the date, a duplicate count and the
respondent attributes; platform readers (``platforms.py``) build it from their conventions, the
generic reader from the consultation file. Rejected rows: blank rows, rows without an id, rows
without free text, and rows a platform marks as having none inline (e.g. "see attached").
Duplicate ids are kept, renamed ``<id>#2``, ``#3`` … and reported in ``notes``. The date column
becomes ISO 8601 text (``dates.py``); values that cannot be read leave ``submitted`` empty and are
reported in ``warnings``. The source's cells are handled under private names, so a header may be
anything, ``text``, ``response_id`` or ``question`` included.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.config import Source
from pipeline.ingest.base import ANSWERS_SCHEMA, Ingested, IngestError, rejects_frame
from pipeline.ingest.dates import DAY_FIRST, ReadDates, read_dates
from pipeline.ingest.tables import ROW, read_table
from pipeline.ingest.text import html_to_text, looks_like_html
from pipeline.schema import ATTRIBUTE_PREFIX, conform

FREE_TEXT_MEDIAN_WORDS = 4
FREE_TEXT_DISTINCT_SHARE = 0.6
# Columns made while reading a table; a header can never be one of them (``_staged``).
ID, FLAG, STUB = "__response_id", "__flag", "__stub"
LISTED_COLUMNS = 12  # an error lists a file's columns up to this many, else points at `throughline inspect`
# A header asking for who the respondent is: a short label (not a question) naming a personal field.
PERSONAL_FIELD = re.compile(
    r"\b(?:first|last|full|given|family|middle|sur|user|author|contact|respondent|your)? ?names?\b"
    r"|^(?:your |the )?organi[sz]ations?$|\be ?mail\b|\b(?:tele)?phone\b|\bmobile\b|\baddress\b"
    r"|\bpost ?code\b|\bpostal code\b|\bzip(?: code)?\b"
    # who wrote it, as platforms export it: CONSUL's "author", regulations.gov's "Submitter Name"
    r"|^(?:author|autor|autora|submitter|signatory|signed by|nombre|nom|apellidos?|cognoms?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Columns:
    """Which columns of a table play which part."""

    text: tuple[str, ...]
    id: str | None = None
    date: str | None = None
    attributes: tuple[str, ...] = ()
    weight: str | None = None


@dataclass(frozen=True)
class RowRules:
    """Platform rules: a flag for rows kept but marked, a reason for rows without inline text."""

    flag: pl.Expr | None = None
    no_inline_text: pl.Expr | None = None
    no_inline_reason: str = "no inline text"
    exclude: tuple[str, ...] = field(default_factory=tuple)


def resolve_column(name: str, columns: list[str], path: Path, key: str) -> str:
    """The column ``name`` refers to: an exact header, or the one header that starts with it.

    Line breaks and runs of spaces in ``name`` count as one space, as they do in headers.
    """
    wanted = " ".join(name.split())
    if wanted in columns:
        return wanted
    matches = [c for c in columns if c.startswith(wanted)] if wanted else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise IngestError(
            f"{path}: {key} = {name!r} matches {len(matches)} columns ({', '.join(map(repr, matches))}); "
            "write one of them in full"
        )
    close = (
        difflib.get_close_matches(wanted, columns, n=1, cutoff=0.6)
        or [c for c in columns if c.casefold().startswith(wanted.casefold()) and wanted][:1]
    )
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listed = (
        f"the file's columns are {columns}"
        if len(columns) <= LISTED_COLUMNS
        else f"`throughline inspect {path.name}` lists the file's {len(columns)} columns"
    )
    raise IngestError(f"{path}: {key} = {name!r} matches no column{hint}; {listed}")


def looks_personal(column: str) -> bool:
    """A header for the respondent's name, organisation, email, phone, address or postcode."""
    label = re.sub(r"\(.*?\)|[_*:]", " ", column).strip()
    return bool(PERSONAL_FIELD.search(label)) and len(label.split()) <= 6 and not label.endswith("?")


def attribute_name(column: str) -> str:
    """``attr_<snake_case>`` name of a respondent attribute column."""
    return ATTRIBUTE_PREFIX + re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")


def attribute_names(columns: list[str]) -> list[tuple[str, str]]:
    """(column, attribute name) pairs; names that would collide ("Ward", "ward ") are numbered."""
    out: list[tuple[str, str]] = []
    used: set[str] = set()
    for column in columns:
        name, n = attribute_name(column), 2
        while name in used:
            name, n = f"{attribute_name(column)}_{n}", n + 1
        used.add(name)
        out.append((column, name))
    return out


def free_text_columns(table: pl.DataFrame, candidates: list[str]) -> list[str]:
    """Columns that read like free text: several words a cell and mostly distinct answers (not personal data)."""
    found = []
    for column in candidates:
        if looks_personal(column):
            continue
        values = table[column].drop_nulls()
        values = values.filter(values.str.strip_chars() != "")
        if values.is_empty():
            continue
        words = values.str.count_matches(r"\S+").median()
        distinct = values.n_unique() / values.len()
        if isinstance(words, int | float) and words >= FREE_TEXT_MEDIAN_WORDS and distinct >= FREE_TEXT_DISTINCT_SHARE:
            found.append(column)
    return found


def columns_from_source(table: pl.DataFrame, source: Source, path: Path) -> Columns:
    """The generic mapping: what the consultation file says, free text detected when it says nothing."""
    names = [c for c in table.columns if c != ROW]
    ident = resolve_column(source.id, names, path, "id") if source.id else None
    date = resolve_column(source.date, names, path, "date") if source.date else None
    weight = resolve_column(source.weight, names, path, "weight") if source.weight else None
    if source.text:
        text = [resolve_column(t, names, path, "text") for t in source.text]
    else:
        text = free_text_columns(table, [c for c in names if c not in {ident, date, weight}])
        if not text:
            raise IngestError(f"{path}: no column reads like free text; name them with text = [...]")
    taken = {*text, ident, date, weight}
    attributes = (
        [resolve_column(a, names, path, "attributes") for a in source.attributes]
        if source.attributes is not None
        else [c for c in names if c not in taken and not looks_personal(c)]  # a name column is no attribute
    )
    # The option column and the closed questions about options travel as attributes (the trace reads them there).
    for key, wanted in [("option", source.option), *(("stance", q) for q in source.stance)]:
        if wanted:
            column = resolve_column(wanted, names, path, key)
            attributes += [] if column in attributes else [column]
    return Columns(text=tuple(text), id=ident, date=date, attributes=tuple(attributes), weight=weight)


def _clean(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().replace("", None)


def _plain(column: pl.Series) -> pl.Series:
    """HTML cells converted to text (only when the column holds markup)."""
    if not column.drop_nulls().map_elements(looks_like_html, return_dtype=pl.Boolean()).any():
        return column
    return column.map_elements(html_to_text, return_dtype=pl.String(), skip_nulls=True)


def ingest_table(
    table: pl.DataFrame, columns: Columns, source: Source, source_id: str, path: Path, rules: RowRules | None = None
) -> Ingested:
    """Responses, answers and rejects of one table."""
    rules = rules or RowRules()
    names = [c for c in table.columns if c != ROW]
    wanted = [*columns.text, columns.id, columns.date, columns.weight, *columns.attributes]
    missing = [c for c in wanted if c is not None and c not in names]
    if missing:
        raise IngestError(
            f"{path}: expected columns {missing} for a {source.format or 'table'} export; the file has {names}"
        )
    table = table.with_columns(_clean(c) for c in names).with_columns(_plain(table[c]).alias(c) for c in columns.text)
    table = table.with_columns(_clean(c) for c in columns.text)
    staged, cell = _staged(table, names, rules)
    inner = Columns(
        text=tuple(cell[c] for c in columns.text),
        id=cell[columns.id] if columns.id else None,
        date=cell[columns.date] if columns.date else None,
        weight=cell[columns.weight] if columns.weight else None,
    )
    staged = staged.with_columns(
        (pl.col(inner.id) if inner.id else pl.format("{}-{}", pl.lit(source_id), pl.col(ROW))).alias(ID)
    )
    rejected, renamed = _screen(staged, list(cell.values()), inner, columns, rules)
    kept = (
        staged.join(pl.DataFrame({ROW: list(rejected)}, schema={ROW: pl.Int64()}), on=ROW, how="anti")
        .sort(ROW)
        .with_columns(
            pl.col(ROW)
            .replace_strict({r: new for r, (_, new) in renamed.items()}, default=pl.col(ID), return_dtype=pl.String())
            .alias(ID)
        )
    )
    dates = read_dates(kept[inner.date], source.date_format) if inner.date else None
    responses = kept.select(
        response_id=ID,
        source_id=pl.lit(source_id),
        channel=pl.lit("survey"),
        respondent_id=ID,
        speaker=pl.lit(None, pl.String()),
        speaker_role=pl.lit(None, pl.String()),
        submitted=pl.lit(dates.values) if dates else pl.lit(None, pl.String()),
        start_s=pl.lit(None, pl.Float64()),
        end_s=pl.lit(None, pl.Float64()),
        language=pl.lit(None, pl.String()),
        weight=_weight(inner.weight),
        flag=FLAG,
        campaign_id=pl.lit(None, pl.String()),
        text=pl.concat_str([pl.col(c) for c in inner.text], separator="\n\n", ignore_nulls=True),
        **{
            name: pl.col(cell[c])
            for c, name in attribute_names([a for a in columns.attributes if a not in rules.exclude])
        },
    )
    rejects = rejects_frame(
        [{**r, "source_id": source_id, "path": str(path), "row": row} for row, r in rejected.items()]
    )
    notes = tuple(f"row {row}: duplicate id {old!r} kept as {new!r}" for row, (old, new) in renamed.items())
    return Ingested(
        responses=conform(responses, "responses"),
        answers=_answers(kept, inner, columns, source, source_id),
        rejects=rejects,
        rows_read=table.height,
        notes=notes,
        warnings=date_warnings(dates, columns.date, path) if dates and columns.date else (),
    )


def _staged(table: pl.DataFrame, names: list[str], rules: RowRules) -> tuple[pl.DataFrame, dict[str, str]]:
    """The row number, the row rules' results and the source's cells under private names (``__c0`` …).

    Nothing made here can then collide with a header: a source may call its columns ``text``,
    ``response_id``, ``question`` or ``weight``.
    """
    cell = {c: f"__c{i}" for i, c in enumerate(names)}
    staged = table.select(
        ROW,
        (rules.flag if rules.flag is not None else pl.lit(None, pl.String())).alias(FLAG),
        (rules.no_inline_text if rules.no_inline_text is not None else pl.lit(False)).fill_null(False).alias(STUB),
        *(pl.col(c).alias(private) for c, private in cell.items()),
    )
    return staged, cell


def _answers(kept: pl.DataFrame, inner: Columns, columns: Columns, source: Source, source_id: str) -> pl.DataFrame:
    """One row per non-empty free-text answer, ``question`` naming its column as the file does."""
    return (
        kept.select(ID, *inner.text)
        .unpivot(index=ID, on=list(inner.text), variable_name="question", value_name="text")
        .drop_nulls("text")
        .with_columns(
            pl.col("question").replace_strict(dict(zip(inner.text, columns.text, strict=True))),
            source_id=pl.lit(source_id),
            stage=pl.lit(source.stage),
        )
        .rename({ID: "response_id"})
        .sort("response_id", maintain_order=True)
        .select(list(ANSWERS_SCHEMA))
    )


def date_warnings(dates: ReadDates, column: str, path: Path) -> tuple[str, ...]:
    """What to tell the analyst about the dates read from ``column``: failures and a guessed order."""
    where = f"{path}: date column {column!r}"
    out = []
    if dates.failed and dates.failed == dates.filled:
        out.append(
            f"{where}: none of its {dates.filled} values could be read as a date (e.g. {dates.example!r}); "
            "the responses are analysed without a date. Say how the dates are written with date_format "
            'on the source, e.g. date_format = "%d.%m.%Y %H:%M"'
        )
    elif dates.failed:
        out.append(
            f"{where}: {dates.failed} of {dates.filled} values could not be read as a date "
            f"(e.g. {dates.example!r}); those responses are analysed without a date"
        )
    if dates.guessed:
        other = "%m/%d/%Y" if dates.order == DAY_FIRST else "%d/%m/%Y"
        out.append(
            f"{where}: no value tells day from month (none above 12), so the dates were read as "
            f"{dates.order}; if that is wrong, set date_format = {other!r} on the source"
        )
    return tuple(out)


def _weight(column: str | None) -> pl.Expr:
    if column is None:
        return pl.lit(1, pl.Int64())
    count = pl.col(column).str.replace_all(r"[,\s]", "").cast(pl.Int64(), strict=False)
    return pl.max_horizontal(count.fill_null(1), pl.lit(1)).cast(pl.Int64())


def _screen(
    table: pl.DataFrame, cells: list[str], inner: Columns, columns: Columns, rules: RowRules
) -> tuple[dict[int, dict[str, object]], dict[int, tuple[str, str]]]:
    """Rows rejected (row → reason) and duplicate ids renamed (row → (old, new)).

    ``inner`` names the staged columns, ``columns`` the same columns as the file names them.
    """
    rejected: dict[int, dict[str, object]] = {}
    renamed: dict[int, tuple[str, str]] = {}
    seen: dict[str, int] = {}
    for row in table.iter_rows(named=True):
        number, ident = row[ROW], row[ID]
        reason, column = _reason(row, cells, inner, columns, rules)
        if reason:
            rejected[number] = {"column": column, "record_id": ident, "reason": reason}
            continue
        seen[ident] = seen.get(ident, 0) + 1
        if seen[ident] > 1:
            renamed[number] = (ident, f"{ident}#{seen[ident]}")
    return rejected, renamed


def _reason(
    row: dict[str, object], cells: list[str], inner: Columns, columns: Columns, rules: RowRules
) -> tuple[str | None, str | None]:
    if all(row[c] is None for c in cells):
        return "blank row", None
    if inner.id and row[inner.id] is None:
        return f"no id in column {columns.id!r}", columns.id
    if row[STUB]:
        return rules.no_inline_reason, ", ".join(columns.text)
    if all(row[c] is None for c in inner.text):
        return "no free-text answer", ", ".join(columns.text)
    return None, None


def ingest_survey(path: Path, source: Source, source_id: str) -> Ingested:
    """A generic survey export (CSV, TSV, XLSX, JSON, JSONL) mapped by the consultation file."""
    header_rows = source.header_rows or 1
    table = read_table(path, source.format or "csv", source.sheet, header_rows)
    return ingest_table(table, columns_from_source(table, source, path), source, source_id, path)
