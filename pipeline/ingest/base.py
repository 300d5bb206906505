"""Shared shapes of ingest output and the error every reader raises."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from pipeline.schema import empty

ANSWERS_SCHEMA: dict[str, pl.DataType] = {
    "response_id": pl.String(),
    "source_id": pl.String(),
    "stage": pl.String(),
    "question": pl.String(),
    "text": pl.String(),
}
BLOCKS_SCHEMA: dict[str, pl.DataType] = {
    "source_id": pl.String(),
    "stage": pl.String(),
    "heading": pl.String(),
    "role": pl.String(),
    "position": pl.Int64(),
    "text": pl.String(),
}


class IngestError(ValueError):
    """A source that cannot be read at all; the message names the file (and row/column)."""


@dataclass(frozen=True)
class Ingested:
    """What one source yields, with its row accounting (read = analysed + rejected + merged)."""

    responses: pl.DataFrame = field(default_factory=lambda: empty("responses"))
    answers: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ANSWERS_SCHEMA))
    blocks: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=BLOCKS_SCHEMA))
    rejects: pl.DataFrame = field(default_factory=lambda: empty("rejects"))
    # Rows of a decisions table (kind = "decisions"): the option each names, its outcome and reason.
    decisions: pl.DataFrame = field(default_factory=lambda: empty("decision_rows"))
    rows_read: int = 0
    rows_merged: int = 0
    analysed: int | None = None
    notes: tuple[str, ...] = ()
    format: str = ""
    # What the analyst must know about how the source was read (dates that could not be read, a
    # guessed order of day and month): shown in the CLI's summary and recorded in the manifest.
    warnings: tuple[str, ...] = ()

    @property
    def rows_analysed(self) -> int:
        """Rows that became responses or document blocks (a reader may count them itself)."""
        return self.analysed if self.analysed is not None else self.responses.height + self.blocks.height

    @property
    def rows_rejected(self) -> int:
        """Rows rejected with a reason."""
        return self.rejects.height


def rejects_frame(rows: Sequence[Mapping[str, object]]) -> pl.DataFrame:
    """A ``rejects`` table from literal rows (missing keys become null)."""
    return pl.DataFrame([dict(r) for r in rows], schema=empty("rejects").schema) if rows else empty("rejects")
