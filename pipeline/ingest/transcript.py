"""Meeting transcripts → speaker turns.

Readers turn each format into cues (speaker, start_s, end_s, text):
- WebVTT: ``<v Speaker>`` voices, NOTE blocks skipped (webvtt-py);
- SRT: numbered cues, a ``Name:`` prefix names the speaker, a cue without one continues the
  previous speaker;
- minutes (plain text or DOCX): ``Speaker: text`` lines, unprefixed lines continue the turn,
  lines before the first speaker are rejected as preamble;
- JSON turn lists (``[{speaker, content}]`` or ``{"meeting_transcripts": [...]}``, as in QMSum);
- Council Data Project transcript JSON (``sentences`` with speaker index/name and times).

Consecutive cues of one speaker merge into one turn (counted as merged rows). Each turn is a
response; the public's turns (speakers not mapped to chair/officer/councillor) become answers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import polars as pl
import webvtt
from webvtt.errors import MalformedFileError

from pipeline.config import Source
from pipeline.ingest.base import ANSWERS_SCHEMA, Ingested, IngestError, rejects_frame
from pipeline.ingest.text import decode
from pipeline.schema import conform

UNKNOWN_SPEAKER = "Unknown speaker"
CUE_SCHEMA = {"speaker": pl.String(), "start_s": pl.Float64(), "end_s": pl.Float64(), "text": pl.String()}
_SPEAKER_PREFIX = re.compile(r"^\s*(?:-\s*)?([A-Z][\w .,'’()&-]{0,70}?)\s*:\s+(\S.*)$")
_SRT_TIME = re.compile(r"^\s*(\d+):(\d{2}):(\d{2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{2}):(\d{2})[,.](\d{1,3})")
Cue = tuple[str, float | None, float | None, str]


def _cue_frame(cues: list[Cue]) -> pl.DataFrame:
    return pl.DataFrame(cues, schema=CUE_SCHEMA, orient="row")


def vtt_cues(path: Path) -> pl.DataFrame:
    """Cues of a WebVTT file."""
    try:
        captions = list(webvtt.read(str(path)).captions)
    except (MalformedFileError, UnicodeDecodeError, OSError) as exc:
        raise IngestError(f"{path}: not a readable WebVTT file: {exc}") from exc
    return _cue_frame(
        [
            (c.voice or UNKNOWN_SPEAKER, float(c.start_in_seconds), float(c.end_in_seconds), " ".join(c.text.split()))
            for c in captions
        ]
    )


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line-separated blocks of lines, each with the number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if blocks and blocks[-1][0] + len(blocks[-1][1]) == number:
            blocks[-1][1].append(line)
        else:
            blocks.append((number, [line]))
    return blocks


def srt_cues(path: Path, text: str) -> pl.DataFrame:
    """Cues of an SRT file; a cue's speaker is its ``Name:`` prefix, else the previous speaker's."""
    cues: list[Cue] = []
    speaker = UNKNOWN_SPEAKER
    for start_line, lines in _blocks(text):
        timing = next((i for i, line in enumerate(lines[:2]) if "-->" in line), -1)
        match = _SRT_TIME.match(lines[timing]) if timing >= 0 else None
        if match is None:
            raise IngestError(
                f"{path}: line {start_line}: expected a cue timing like "
                f"'00:00:01,000 --> 00:00:04,000', got {lines[0][:60]!r}"
            )
        body = " ".join(" ".join(lines[timing + 1 :]).split())
        prefixed = _SPEAKER_PREFIX.match(body)
        if prefixed:
            speaker, body = prefixed.group(1).strip(), prefixed.group(2)
        cues.append((speaker, _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:]), body))
    return _cue_frame(cues)


def minutes_cues(lines: list[str]) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """Cues of ``Speaker: text`` lines, and preamble lines before the first speaker (line, text)."""
    cues: list[Cue] = []
    preamble: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        prefixed = _SPEAKER_PREFIX.match(line)
        if prefixed:
            cues.append((prefixed.group(1).strip(), None, None, prefixed.group(2)))
        elif cues:
            cues.append((cues[-1][0], None, None, line))
        else:
            preamble.append((number, line))
    return _cue_frame(cues), preamble


def turn_list_cues(path: Path, data: Any) -> pl.DataFrame:
    """Cues of a JSON list of ``{speaker, content}`` turns (or an object holding one)."""
    if isinstance(data, dict):
        data = data.get("meeting_transcripts") or data.get("turns") or data.get("transcript")
    if not isinstance(data, list) or not all(isinstance(t, dict) for t in data):
        raise IngestError(f'{path}: expected a JSON list of turns like {{"speaker": ..., "content": ...}}')
    return _cue_frame(
        [
            (
                str(t.get("speaker") or UNKNOWN_SPEAKER),
                _float(t.get("start")),
                _float(t.get("end")),
                " ".join(str(t.get("content") or t.get("text") or "").split()),
            )
            for t in data
        ]
    )


def cdp_cues(path: Path, data: Any) -> pl.DataFrame:
    """Cues of a Council Data Project transcript (``sentences`` with speakers and times)."""
    sentences = data.get("sentences") if isinstance(data, dict) else None
    if not isinstance(sentences, list):
        raise IngestError(f"{path}: expected a Council Data Project transcript with a 'sentences' list")
    return _cue_frame(
        [
            (
                str(s.get("speaker_name") or f"Speaker {s.get('speaker_index', '?')}"),
                _float(s.get("start_time")),
                _float(s.get("end_time")),
                " ".join(str(s.get("text") or "").split()),
            )
            for s in sentences
            if isinstance(s, dict)
        ]
    )


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _load_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from exc


def read_cues(path: Path, fmt: str) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """Cues of a transcript in any supported format, and rejected preamble lines."""
    if fmt == "vtt":
        return vtt_cues(path), []
    if fmt == "docx":
        try:
            paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
        except Exception as exc:  # python-docx raises many types for a damaged file
            raise IngestError(f"{path}: not a readable DOCX file: {exc}") from exc
        return minutes_cues(paragraphs)
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise IngestError(f"{path}: cannot read: {exc.strerror}") from exc
    if fmt == "srt":
        return srt_cues(path, text), []
    if fmt in ("turns-json", "json"):
        data = _load_json(path, text)
        return (
            cdp_cues(path, data) if isinstance(data, dict) and "sentences" in data else turn_list_cues(path, data)
        ), []
    if fmt == "cdp-json":
        return cdp_cues(path, _load_json(path, text)), []
    if fmt in ("minutes", "text"):
        return minutes_cues(text.splitlines())
    raise IngestError(f"{path}: format {fmt!r} is not a transcript format")


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
    fmt = source.format or "vtt"
    cue_frame, preamble = read_cues(path, fmt)
    if cue_frame.is_empty():
        raise IngestError(
            f"{path}: no speaker turns found in this {fmt} transcript; expected "
            + {
                "vtt": "cues like '00:00:01.000 --> 00:00:04.000' then '<v Name>text'",
                "srt": "numbered cues with '00:00:01,000 --> 00:00:04,000' timings",
            }.get(fmt, "'Name: text' lines")
        )
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
        weight=pl.lit(1, pl.Int64()),
        flag=pl.lit(None, pl.String()),
        campaign_id=pl.lit(None, pl.String()),
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
    )
    empty_cues = cue_frame.filter(pl.col("text") == "").height
    rejects = rejects_frame(
        [
            {
                "source_id": source_id,
                "path": str(path),
                "row": n,
                "column": None,
                "record_id": None,
                "reason": "preamble before the first 'Speaker:' line",
            }
            for n, _ in preamble
        ]
        + [
            {
                "source_id": source_id,
                "path": str(path),
                "row": None,
                "column": None,
                "record_id": None,
                "reason": "empty cue",
            }
        ]
        * empty_cues
    )
    return Ingested(
        responses=conform(responses, "responses"),
        answers=answers,
        rejects=rejects,
        rows_read=cue_frame.height + len(preamble),
        rows_merged=cue_frame.height - empty_cues - merged.height,
        analysed=merged.height,
    )
