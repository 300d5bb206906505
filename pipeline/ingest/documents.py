"""Options papers and decision documents (Markdown, text, DOCX, HTML, PDF) → blocks with roles.

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
from bs4 import BeautifulSoup, Tag
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pipeline.config import Source
from pipeline.ingest.base import BLOCKS_SCHEMA, Ingested, IngestError
from pipeline.ingest.text import decode

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
        if _is_heading(joined):
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


_HTML_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "td", "dd")


def html_blocks(html: str) -> list[Block]:
    """Paragraphs, list items and cells of HTML in document order; h1–h6 build the heading path."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "nav", "header", "footer", "template"]):
        tag.decompose()
    headings: list[str] = []
    blocks: list[Block] = []
    for tag in soup.find_all(_HTML_BLOCKS):
        if not isinstance(tag, Tag) or tag.find_parent(_HTML_BLOCKS[6:]) is not None:
            continue  # a paragraph inside a list item is read with the item
        text = " ".join(tag.get_text(" ").split())
        if not text:
            continue
        if tag.name in _HTML_BLOCKS[:6]:
            headings[int(tag.name[1]) - 1 :] = [text]
        else:
            blocks.append((list(headings), text))
    return blocks


def pdf_blocks(path: Path) -> list[Block]:
    """Text-layer blocks of a PDF: lines joined into paragraphs, heading-like lines as headings."""
    try:
        pages = [page.extract_text() or "" for page in PdfReader(str(path)).pages]
    except (PdfReadError, OSError, ValueError) as exc:
        raise IngestError(f"{path}: not a readable PDF: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise IngestError(f"{path}: the PDF has no text layer (scanned?); OCR it first")
    paragraphs: list[str] = []
    for line in (" ".join(raw.split()) for page in pages for raw in page.splitlines()):
        if not line:
            continue
        starts_unit = bool(
            _LIST_ITEM.match(line)
            or _OPTION.match(line)
            or _RESOLUTION.match(line)
            or _RECOMMENDATION.match(line)
            or _is_heading(line)
        )
        if (
            paragraphs
            and not starts_unit
            and not _is_heading(paragraphs[-1])
            and not paragraphs[-1].endswith((".", ";", ":"))
        ):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return text_blocks("\n\n".join(paragraphs))


def _is_heading(line: str) -> bool:
    return len(line.split()) <= 10 and not line.endswith((".", ";", ":", ","))


def _heading_level(style: str) -> int | None:
    match = re.match(r"Heading (\d)", style)
    return int(match.group(1)) if match else None


def ingest_document(path: Path, source: Source, source_id: str) -> Ingested:
    """Blocks of one document with heading path and role."""
    fmt = source.format or "text"
    if fmt == "docx":
        blocks = docx_blocks(path)
    elif fmt == "pdf":
        blocks = pdf_blocks(path)
    else:
        try:
            raw = decode(path.read_bytes())
        except OSError as exc:
            raise IngestError(f"{path}: cannot read: {exc.strerror}") from exc
        readers = {"markdown": markdown_blocks, "html": html_blocks}
        blocks = readers.get(fmt, text_blocks)(raw)
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
