"""Options papers and decision documents (Markdown, text, DOCX) → blocks with heading and role.

A block is a paragraph or list item. Its role comes from its wording or its headings:
``resolution`` ("RESOLVED", a "Decision" heading), ``recommendation``, ``option`` ("Option 3"),
``rationale`` ("Reasons for the decision", "Alternative options considered and rejected"),
otherwise ``other``. Decision evidence counts only from resolution and recommendation blocks.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import polars as pl

from pipeline.config import Source
from pipeline.ingest.base import BLOCKS_SCHEMA, Ingested, IngestError
from pipeline.ingest.survey import decode

Block = tuple[list[str], str]  # (heading path, text)

_NUMBERING = re.compile(r"^\s*(\d+(\.\d+)*\.?|[a-z]\)|\(\w+\))\s+", re.IGNORECASE)
_RATIONALE = re.compile(r"^(reasons?\b|rationale|alternative options|options? considered|.*\brejected\b)", re.I)
_RESOLUTION = re.compile(r"^(resolved\b|decisions?\b|it was resolved)", re.I)
_RECOMMENDATION = re.compile(r"^recommendations?\b", re.I)
_OPTION = re.compile(r"^options?\b", re.I)
_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s+")


def block_role(headings: list[str], text: str) -> str:
    """The role of a block, from its own wording first, then its innermost meaningful heading."""
    titles = [_NUMBERING.sub("", h) for h in reversed(headings)]
    if titles and _RATIONALE.match(titles[0]):
        return "rationale"
    for role, pattern in (("resolution", _RESOLUTION), ("recommendation", _RECOMMENDATION), ("option", _OPTION)):
        if pattern.match(_NUMBERING.sub("", text)):
            return role
    for title in titles:
        for role, pattern in (
            ("rationale", _RATIONALE),
            ("resolution", _RESOLUTION),
            ("recommendation", _RECOMMENDATION),
            ("option", _OPTION),
        ):
            if pattern.match(title):
                return role
    return "other"


def markdown_blocks(text: str) -> list[Block]:
    """Paragraphs and list items of Markdown, each with its heading path."""
    headings: list[str] = []
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append((list(headings), " ".join(paragraph)))
            paragraph.clear()

    for line in text.splitlines():
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if heading:
            flush()
            level = len(heading.group(1))
            headings[level - 1 :] = [heading.group(2)]
        elif not line.strip():
            flush()
        elif _LIST_ITEM.match(line):
            flush()
            paragraph.append(_LIST_ITEM.sub("", line).strip())
        else:
            paragraph.append(line.strip())
    flush()
    return blocks


def text_blocks(text: str) -> list[Block]:
    """Paragraphs of plain text; a short line without a full stop, or in capitals, is a heading."""
    headings: list[str] = []
    blocks: list[Block] = []
    for para in re.split(r"\n\s*\n", text):
        joined = " ".join(line.strip() for line in para.splitlines() if line.strip())
        if not joined:
            continue
        if len(joined.split()) <= 10 and not joined.endswith((".", ";", ":", ",")):
            headings = [joined]
        else:
            blocks.append((list(headings), joined))
    return blocks


def docx_blocks(path: Path) -> list[Block]:
    """Paragraphs of a DOCX file; Title and Heading styles build the heading path."""
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types for a damaged file
        raise IngestError(f"{path}: not a readable DOCX file: {exc}") from exc
    headings: list[str] = []
    blocks: list[Block] = []
    for para in document.paragraphs:
        text = " ".join(para.text.split())
        style = para.style.name if para.style is not None and para.style.name else ""
        level = 0 if style == "Title" else _heading_level(style)
        if not text:
            continue
        if level is not None:
            headings[level:] = [text]
        else:
            blocks.append((list(headings), text))
    return blocks


def _heading_level(style: str) -> int | None:
    match = re.match(r"Heading (\d)", style)
    return int(match.group(1)) if match else None


def ingest_document(path: Path, source: Source, source_id: str) -> Ingested:
    """Blocks of one document with heading path and role."""
    fmt = source.detected_format
    if fmt == "docx":
        blocks = docx_blocks(path)
    else:
        try:
            raw = decode(path.read_bytes())
        except OSError as exc:
            raise IngestError(f"{path}: cannot read: {exc.strerror}") from exc
        blocks = markdown_blocks(raw) if fmt == "markdown" else text_blocks(raw)
    frame = pl.DataFrame(
        {
            "source_id": [source_id] * len(blocks),
            "stage": [source.stage] * len(blocks),
            "heading": [" > ".join(h) for h, _ in blocks],
            "role": [block_role(h, t) for h, t in blocks],
            "position": list(range(len(blocks))),
            "text": [t for _, t in blocks],
        },
        schema=BLOCKS_SCHEMA,
    )
    return Ingested(blocks=frame, rows_read=len(blocks))
