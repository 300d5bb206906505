"""Meeting transcripts (WebVTT with ``<v Speaker>`` voices) → speaker turns.

Consecutive cues of one speaker merge into one turn (counted as merged rows). Each turn is a
response; the public's turns (speakers not mapped to chair/officer/councillor) become answers.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import webvtt
from webvtt.errors import MalformedFileError

from pipeline.config import Source
from pipeline.ingest.base import ANSWERS_SCHEMA, Ingested, IngestError
from pipeline.schema import conform

UNKNOWN_SPEAKER = "Unknown speaker"


def cues(path: Path) -> pl.DataFrame:
    """speaker, start_s, end_s, text of each cue of a WebVTT file."""
    try:
        captions = list(webvtt.read(str(path)).captions)
    except (MalformedFileError, UnicodeDecodeError, OSError) as exc:
        raise IngestError(f"{path}: not a readable WebVTT file: {exc}") from exc
    return pl.DataFrame(
        {
            "speaker": [c.voice or UNKNOWN_SPEAKER for c in captions],
            "start_s": [float(c.start_in_seconds) for c in captions],
            "end_s": [float(c.end_in_seconds) for c in captions],
            "text": [" ".join(c.text.split()) for c in captions],
        },
        schema={"speaker": pl.String(), "start_s": pl.Float64(), "end_s": pl.Float64(), "text": pl.String()},
    )


def turns(cue_frame: pl.DataFrame) -> pl.DataFrame:
    """Consecutive cues of the same speaker merged into turns, numbered from 1."""
    return (
        cue_frame.filter(pl.col("text") != "")
        .with_columns(turn=(pl.col("speaker") != pl.col("speaker").shift()).fill_null(True).cum_sum())
        .group_by("turn", maintain_order=True)
        .agg(pl.col("speaker").first(), pl.col("start_s").min(), pl.col("end_s").max(), pl.col("text").str.join(" "))
    )


def ingest_transcript(path: Path, source: Source, source_id: str) -> Ingested:
    """Turns as responses and the public's turns as answers."""
    cue_frame = cues(path)
    merged = turns(cue_frame).with_columns(
        response_id=pl.format("{}-turn-{}", pl.lit(source_id), pl.col("turn").cast(pl.String()).str.zfill(3)),
        speaker_role=pl.col("speaker").replace_strict(source.speakers, default="public", return_dtype=pl.String()),
    )
    responses = merged.select(
        "response_id",
        source_id=pl.lit(source_id),
        channel=pl.lit("meeting"),
        respondent_id=pl.format("{}:{}", pl.lit(source_id), pl.col("speaker")),
        speaker="speaker",
        speaker_role="speaker_role",
        submitted=pl.lit(None, pl.String()),
        start_s="start_s",
        end_s="end_s",
        language=pl.lit(None, pl.String()),
        text="text",
    )
    answers = (
        merged.filter(pl.col("speaker_role") == "public")
        .select(
            "response_id",
            source_id=pl.lit(source_id),
            stage=pl.lit(source.stage),
            question=pl.lit(None, pl.String()),
            text="text",
        )
        .cast(pl.Schema(ANSWERS_SCHEMA))
    )  # type: ignore[arg-type]
    return Ingested(
        responses=conform(responses, "responses"),
        answers=answers,
        rows_read=cue_frame.height,
        rows_merged=cue_frame.height - merged.height,
    )
