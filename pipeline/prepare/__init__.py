"""Prepare: clean text, flag language, split answers and document blocks into passages."""

from pipeline.prepare.language import with_language
from pipeline.prepare.passages import passages_from_answers, passages_from_blocks
from pipeline.prepare.text import normalise_text, with_clean_text

__all__ = ["normalise_text", "passages_from_answers", "passages_from_blocks", "with_clean_text", "with_language"]
