"""Bytes to text: encodings as exported by Excel and survey tools, HTML bodies to plain text."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote")


def decode(data: bytes) -> str:
    """Text of an exported file: UTF-8 (with or without BOM), else cp1252, else Latin-1.

    cp1252 is tried before Latin-1 because spreadsheets on Windows write it (curly quotes, £, €);
    the five bytes cp1252 leaves undefined fall back to Latin-1, which decodes any byte.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def looks_like_html(text: str) -> bool:
    """Whether a cell holds HTML markup (Decidim bodies, CMS exports)."""
    return bool(re.search(r"<(p|div|br|li|ul|ol|strong|em|a|span|h[1-6])\b[^>]*>", text, re.IGNORECASE))


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment; block elements become paragraph breaks, scripts vanish."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
    text = soup.get_text()
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)
