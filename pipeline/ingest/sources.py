"""Dispatch a source to its reader by kind and format."""

from __future__ import annotations

from pipeline.config import Source
from pipeline.ingest.base import Ingested, IngestError
from pipeline.ingest.documents import ingest_document
from pipeline.ingest.survey import ingest_survey
from pipeline.ingest.transcript import ingest_transcript

READERS = {
    ("responses", "csv"): ingest_survey,
    ("responses", "xlsx"): ingest_survey,
    ("transcript", "vtt"): ingest_transcript,
    ("document", "markdown"): ingest_document,
    ("document", "text"): ingest_document,
    ("document", "docx"): ingest_document,
}


def ingest_source(source: Source, source_id: str) -> Ingested:
    """What ``source`` holds, read by the reader for its kind and format."""
    if not source.path.is_file():
        raise IngestError(f"{source.path}: file not found")
    reader = READERS.get((source.kind, source.detected_format))
    if reader is None:
        supported = ", ".join(f"{k}/{f}" for k, f in READERS)
        raise IngestError(
            f"{source.path}: kind {source.kind!r} with format {source.detected_format!r} "
            f"is not supported yet (supported: {supported})"
        )
    return reader(source.path, source, source_id)
