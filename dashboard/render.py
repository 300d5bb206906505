"""Rendering helpers: user text shown as inert text, the colour-blind-safe palette, labels."""

from __future__ import annotations

import re

from pipeline.schema import STATUS_LABELS as STATUS_LABELS

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
STATUS_COLOURS = {
    "adopted": "#0072B2",
    "adopted in part": "#56B4E9",
    "considered": "#E69F00",
    "not taken up": "#D55E00",
    "contrary": "#CC79A7",
    "not traced": "#BBBBBB",  # no verdict: a neutral grey
}
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
# GitHub-flavoured Markdown turns bare URLs, www. names and e-mail addresses into links even when
# escaped; an invisible word joiner inside "://", "www." and "@" stops that and changes no glyph.
_AUTOLINKS = re.compile(r"(://|(?i:\bwww)\.|@)")
WORD_JOINER = "\u2060"


def inert(text: str | None) -> str:
    """``text`` escaped so Streamlit's Markdown shows it literally: no links, images, HTML or maths."""
    if not text:
        return ""
    text = _AUTOLINKS.sub(lambda m: m.group(0)[0] + WORD_JOINER + m.group(0)[1:], text)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", "  \n")


def percent(share: float | None) -> str:
    """A share as a whole percentage."""
    return "—" if share is None else f"{share:.0%}"


def attribute_label(column: str) -> str:
    """``attr_respondent_type`` → ``Respondent type``."""
    name = column.removeprefix("attr_").replace("_", " ")
    return name[:1].upper() + name[1:]


def counted(counts: dict[str, int]) -> str:
    """``{"cy": 1, "pl": 2}`` as "cy: 1, pl: 2"."""
    return ", ".join(f"{key}: {n}" for key, n in counts.items())
