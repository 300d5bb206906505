"""Set overlap, shared by campaign grouping and by matching themes across runs.

A module of its own so that the dashboard, importing it through ``pipeline.review``, does not
load spaCy with ``pipeline.prepare``.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet


def jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Jaccard similarity of two sets (shingles, or a theme's member passages)."""
    return len(a & b) / len(a | b) if a | b else 0.0
