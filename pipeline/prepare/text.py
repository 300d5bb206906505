"""Text normalisation and language flags.

``with_clean_text``: any frame with ``text`` → same frame, ``text`` normalised.
``with_language``: ``responses`` → ``responses`` with ``language`` (ISO 639-1, or ``und`` when a
text is too short to tell).
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl
import py3langid

MIN_WORDS_FOR_LANGUAGE = 4
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


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_WORDS = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")


def word_count(text: str) -> int:
    """Words of a text, counting each Chinese, Japanese or Korean character as one."""
    return len(_WORDS.findall(text))


def language_of(text: str) -> str:
    """Language code of a text, ``und`` for texts too short to tell."""
    if word_count(text) < MIN_WORDS_FOR_LANGUAGE:
        return "und"
    lang, _ = py3langid.classify(text)
    return str(lang)


def with_language(responses: pl.DataFrame) -> pl.DataFrame:
    """``responses`` with ``language`` filled from ``text``."""
    return responses.with_columns(
        pl.col("text").fill_null("").map_elements(language_of, return_dtype=pl.String()).alias("language")
    )
