"""Passages: the units that are embedded, themed and linked.

Answers (response_id, source_id, stage, question, text) and document blocks (source_id, stage,
heading, role, position, text) → the ``passages`` table. An answer of up to ``whole_words``
words stays whole; longer ones are split into sentences, a sentence shorter than ``min_words``
joining its neighbour so that no passage is a fragment like "Why?" or "We cannot afford to wait."
(spoken testimony is mostly such sentences: on their own they cluster by phrasing, not topic).
A sentence that is only a formula ("Thank you, chair.", "My name is …") never joins one with a
view, so the themes step can still set it aside (``pipeline.themes.substance``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable

import polars as pl
from spacy.language import Language

from pipeline.schema import conform

WHOLE_WORDS = 30
MIN_WORDS = 5  # written text: its sentences are whole thoughts ("There is no bus on Sundays.")
# Spoken turns (transcripts). Measured on the City of Yes hearing (docs/QUALITY.md): with 5, a
# fifth of its themes were phrasing ("Statement", "Plan", "Work"); with 12–15, the proposal's
# elements (ADUs, UAP, conversions) got themes of their own. 12 rather than 15: the sample's
# statuses swing with the cut of its meeting (10 → 8/10, 12 → 10/10, 15 → 9/10), a fragility of
# the trace (issue 18), not of the themes, which match 10/10 at every cut.
TURN_MIN_WORDS = 12


def chunks(
    sentences: Iterable[str], min_words: int = MIN_WORDS, formula: Callable[[str], bool] | None = None
) -> list[str]:
    """Sentences grouped so that every chunk has at least ``min_words`` words where possible.

    ``formula`` marks sentences that say nothing on their own (thanks, greetings, introductions):
    they join each other but never a sentence with content.
    """
    out: list[str] = []
    kinds: list[bool] = []
    for sentence in (s.strip() for s in sentences):
        if not sentence:
            continue
        kind = formula(sentence) if formula else False
        if out and kinds[-1] == kind and (len(out[-1].split()) < min_words or len(sentence.split()) < min_words):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
            kinds.append(kind)
    return out


def is_formula(sentence: str) -> bool:
    """Whether ``sentence`` is only a formula (``pipeline.themes.substance``): it stays its own passage."""
    from pipeline.themes.substance import category_of

    return category_of(sentence) is not None


# A placeholder such as "[NAME]" (ours or the export's own "[redacted]") is one word: short,
# bracketed, on one line.
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]")
_ENDS = ".!?;:。！？"


def sentences_of(paragraph: str, starts: list[int]) -> list[str]:
    """``paragraph`` cut at the sentence ``starts`` that do not fall inside a placeholder.

    spaCy's tokenizer takes "[" for punctuation and may end a sentence there ("My name is [" /
    "NAME], and I live…"); the cut is made on the paragraph's own characters, only where it has a
    gap (or after a full stop written without one), so nothing is added inside a placeholder or
    any other word.
    """
    inside = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(paragraph)]
    cuts = [
        c
        for c in starts
        if 0 < c < len(paragraph)
        and not any(a < c < b for a, b in inside)
        # a cut falls where the text has a gap, or after a full stop written without one ("。")
        and (paragraph[c - 1].isspace() or paragraph[c - 1] in _ENDS)
    ]
    bounds = [0, *sorted(set(cuts)), len(paragraph)]
    return [paragraph[a:b].strip() for a, b in itertools.pairwise(bounds) if paragraph[a:b].strip()]


def split_texts(
    texts: list[str],
    nlp: Language,
    whole_words: int = WHOLE_WORDS,
    min_words: int = MIN_WORDS,
    formula: Callable[[str], bool] | None = None,
) -> list[list[str]]:
    """Each text as its passages (:func:`chunks` of its sentences); paragraphs never share a passage."""
    pieces = [[p for p in t.split("\n\n") if p] for t in texts]
    flat = [p for para in pieces for p in para]
    long_ones = [p for p in flat if len(p.split()) > whole_words]
    sentences = {
        p: sentences_of(p, [s.start_char for s in doc.sents])
        for p, doc in zip(long_ones, nlp.pipe(long_ones), strict=True)
    }
    out = []
    for text, paras in zip(texts, pieces, strict=True):
        if len(text.split()) <= whole_words:
            out.append([" ".join(paras)])
            continue
        out.append([c for p in paras for c in chunks(sentences.get(p, [p]), min_words, formula)])
    return out


def _split_answers(answers: pl.DataFrame, nlp: Language) -> list[list[str]]:
    """Each answer's passages: written answers in sentences, spoken turns (no question) in longer runs."""
    spoken = answers["question"].is_null().to_list()
    texts = answers["text"].to_list()
    out: list[list[str]] = [[] for _ in texts]
    for kind, min_words in ((False, MIN_WORDS), (True, TURN_MIN_WORDS)):
        rows = [i for i, s in enumerate(spoken) if s == kind]
        for i, split in zip(
            rows, split_texts([texts[i] for i in rows], nlp, min_words=min_words, formula=is_formula), strict=True
        ):
            out[i] = split
    return out


def passages_from_answers(answers: pl.DataFrame, nlp: Language) -> pl.DataFrame:
    """Passages of free-text answers and public turns, ids ``<response_id>:<q>:<n>``."""
    questions = answers["question"].fill_null("").unique(maintain_order=True).to_list()
    exploded = (
        answers.with_columns(
            pl.Series("text", _split_answers(answers, nlp), dtype=pl.List(pl.String())),
            q=pl.col("question")
            .fill_null("")
            .replace_strict(questions, list(range(len(questions))), return_dtype=pl.Int64()),
        )
        .explode("text")
        .with_columns(position=pl.int_range(pl.len()).over("response_id", "q").cast(pl.Int64()))
    )
    return conform(
        exploded.with_columns(
            passage_id=pl.format("{}:{}:{}", "response_id", "q", "position"),
            kind=pl.when(pl.col("question").is_null()).then(pl.lit("turn")).otherwise(pl.lit("answer")),
            heading=pl.lit(None, pl.String()),
            role=pl.lit(None, pl.String()),
        ),
        "passages",
    )


def passages_from_blocks(blocks: pl.DataFrame, nlp: Language) -> pl.DataFrame:
    """Passages of document blocks, ids ``<source_id>:<block>:<n>``, keeping heading and role."""
    exploded = (
        blocks.rename({"position": "block"})
        .with_columns(
            pl.Series("text", split_texts(blocks["text"].to_list(), nlp, whole_words=45), dtype=pl.List(pl.String()))
        )
        .explode("text")
        .with_columns(position=pl.int_range(pl.len()).over("source_id", "block").cast(pl.Int64()))
    )
    return conform(
        exploded.with_columns(
            passage_id=pl.format("{}:{}:{}", "source_id", "block", "position"),
            kind=pl.lit("section"),
            response_id=pl.lit(None, pl.String()),
            question=pl.lit(None, pl.String()),
        ),
        "passages",
    )
