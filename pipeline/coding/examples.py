"""Analysts' coded texts (imported or reviewed) as examples of the codebook's codes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from pipeline.config import Code


def with_examples(codebook: Sequence[Code], coded: Sequence[tuple[str, Sequence[str]]]) -> tuple[Code, ...]:
    """The codebook with each coded text added to its codes' examples (codes not in the codebook are ignored)."""
    extra: dict[str, list[str]] = {c.name: [] for c in codebook}
    for text, codes in coded:
        for code in codes:
            if code in extra and text not in extra[code]:
                extra[code].append(text)
    return tuple(
        c.model_copy(update={"examples": (*c.examples, *(t for t in extra[c.name] if t not in c.examples))})
        for c in codebook
    )


def read_coded(
    path: Path, text: str, codes: str, separator: str | None, names: Sequence[str], tone: str | None = None
) -> tuple[list[tuple[str, list[str], float | None]], list[str]]:
    """Coded texts from a table (CSV, XLSX, JSON), and every problem found (file, row and column named).

    A row's codes are its ``codes`` cell, split by ``separator``; each must be in ``names``. With
    ``tone``, that column gives the row's tone score (a number); a row then needs a code or a tone.
    """
    from pipeline.ingest.base import IngestError
    from pipeline.ingest.survey import resolve_column
    from pipeline.ingest.tables import ROW, read_table, table_format

    try:
        table = read_table(path, table_format(path))
        columns = [c for c in table.columns if c != ROW]
        text_column = resolve_column(text, columns, path, "text")
        codes_column = resolve_column(codes, columns, path, "codes")
        tone_column = resolve_column(tone, columns, path, "tone") if tone else None
    except IngestError as exc:
        return [], [str(exc)]
    known = set(names)
    rows: list[tuple[str, list[str], float | None]] = []
    problems: list[str] = []
    for record in table.iter_rows(named=True):
        said = " ".join(str(record[text_column] or "").split())
        cell = str(record[codes_column] or "")
        given = [c.strip() for c in (cell.split(separator) if separator else [cell]) if c.strip()]
        unknown = [c for c in given if c not in known]
        where = f"{path}: row {record[ROW]}, column"
        toned: float | None = None
        if tone_column is not None and str(record[tone_column] or "").strip():
            try:
                toned = float(str(record[tone_column]).strip())
            except ValueError:
                toned = math.nan
            if not math.isfinite(toned):
                problems.append(f"{where} {tone_column!r}: not a number: {record[tone_column]!r}")
                continue
        if not said:
            problems.append(f"{where} {text_column!r}: no text")
        elif not given and toned is None:
            problems.append(f"{where} {codes_column!r}: no code" + (" and no tone" if tone_column else ""))
        elif unknown:
            problems.append(f"{where} {codes_column!r}: not in the codebook: {unknown}")
        else:
            rows.append((said, given, toned))
    return rows, problems
