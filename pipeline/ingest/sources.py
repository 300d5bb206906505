"""Dispatch a source to its reader by kind and (detected) format."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from pipeline.config import Source
from pipeline.ingest.base import Ingested, IngestError
from pipeline.ingest.decisions import ingest_decisions
from pipeline.ingest.detect import detect_format
from pipeline.ingest.documents import ingest_document
from pipeline.ingest.limits import check_size
from pipeline.ingest.platforms import (
    decidim_document,
    ingest_citizen_space,
    ingest_consul,
    ingest_decidim,
    ingest_polis,
    ingest_regulations_gov,
)
from pipeline.ingest.survey import ingest_survey
from pipeline.ingest.transcript import ingest_transcript

Reader = Callable[[Path, Source, str], Ingested]
READERS: dict[tuple[str, str], Reader] = {
    **{("responses", f): ingest_survey for f in ("csv", "xlsx", "json", "jsonl")},
    ("responses", "citizen-space"): ingest_citizen_space,
    ("responses", "decidim"): ingest_decidim,
    ("responses", "consul"): ingest_consul,
    ("responses", "polis"): ingest_polis,
    ("responses", "regulations-gov"): ingest_regulations_gov,
    **{
        ("transcript", f): ingest_transcript
        for f in ("vtt", "srt", "minutes", "text", "turns-json", "json", "cdp-json", "docx")
    },
    **{("document", f): ingest_document for f in ("markdown", "text", "docx", "html", "pdf")},
    ("document", "decidim"): decidim_document,
    **{("decisions", f): ingest_decisions for f in ("csv", "xlsx", "json", "jsonl")},
}


def ingest_source(source: Source, source_id: str) -> Ingested:
    """What ``source`` holds, read by the reader for its kind and format."""
    if not source.path.is_file():
        raise IngestError(f"{source.path}: file not found")
    check_size(source.path, source.format or source.path.suffix.lower().lstrip("."))  # before any reading
    fmt = detect_format(source)
    reader = READERS.get((source.kind, fmt))
    if reader is None:
        supported = ", ".join(sorted({f for k, f in READERS if k == source.kind}))
        raise IngestError(f"{source.path}: a {source.kind} source cannot be read as {fmt!r} (formats: {supported})")
    got = reader(source.path, source.model_copy(update={"format": fmt}), source_id)
    return dataclasses.replace(got, format=fmt)
