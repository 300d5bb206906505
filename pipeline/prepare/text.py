"""Text normalisation and language flags.

``with_clean_text``: any frame with ``text`` → same frame, ``text`` normalised.
(Languages: ``pipeline.prepare.language``.)
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*\n\s*")


def normalise_text(text: str) -> str:
    """NFC, no control characters, single spaces, paragraphs kept as one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    paragraphs = [_SPACES.sub(" ", " ".join(p.split("\n"))).strip() for p in _NEWLINES.split(text)]
    return "\n\n".join(p for p in paragraphs if p)


def with_clean_text(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its ``text`` column normalised (rows are never dropped here)."""
    return frame.with_columns(pl.col("text").map_elements(normalise_text, return_dtype=pl.String(), skip_nulls=True))
