"""Which format a source file is in: the consultation file's word, else its suffix and content."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Source
from pipeline.ingest.base import IngestError
from pipeline.ingest.platforms import looks_like_citizen_space, sniff_platform
from pipeline.ingest.tables import TABLE_SUFFIXES, csv_header
from pipeline.ingest.text import decode

TRANSCRIPT_SUFFIXES = {".vtt": "vtt", ".srt": "srt", ".json": "turns-json", ".txt": "minutes", ".docx": "docx"}
DOCUMENT_SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".zip": "decidim",
    ".csv": "decidim",
}
DECISION_SUFFIXES = TABLE_SUFFIXES
RESPONSE_SUFFIXES = {".xlsx": "xlsx", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".zip": "decidim"}
SNIFF_BYTES = 65_536


def detect_format(source: Source) -> str:
    """The format to read ``source`` with."""
    if source.format:
        return source.format
    path, suffix = source.path, source.path.suffix.lower()
    table = {
        "transcript": TRANSCRIPT_SUFFIXES,
        "document": DOCUMENT_SUFFIXES,
        "responses": RESPONSE_SUFFIXES,
        "decisions": DECISION_SUFFIXES,
    }
    if source.kind == "responses" and suffix in (".csv", ".tsv", ".txt"):
        return sniff_delimited(path)
    if suffix == ".xlsx" and source.kind == "responses":
        return "citizen-space" if looks_like_citizen_space(path, "xlsx", source.sheet) else "xlsx"
    found = table[source.kind].get(suffix)
    if found is None:
        known = ", ".join(sorted(table[source.kind]))
        raise IngestError(
            f"{path}: cannot tell the format of a {source.kind} file ending '{suffix}' "
            f"(known: {known}, plus .csv/.tsv for responses); set format = ..."
        )
    return found


def sniff_delimited(path: Path) -> str:
    """A platform export recognised by its header, a Citizen Space-style export, or plain CSV."""
    try:
        with path.open("rb") as fh:
            head = decode(fh.read(SNIFF_BYTES))
    except OSError as exc:
        raise IngestError(f"{path}: cannot read: {exc.strerror}") from exc
    platform = sniff_platform(csv_header(head))
    if platform:
        return platform
    return "citizen-space" if looks_like_citizen_space(path, "csv", None) else "csv"
