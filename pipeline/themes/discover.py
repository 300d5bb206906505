"""Themes discovered per question: substance first, then clusters, then keywords.

A consultation with several free-text questions gets themes for each question (what analysts and
consultation tools do: "what should change?" and "what works?" are different lists); a single
question, a transcript or a survey without a question column is one group. For each question:

1. passages with nothing to theme are set aside with their category (``substance``);
2. one passage per campaign group stands for its members, and each distinct text is clustered
   once (``cluster``), on vectors centred on the question's own mean;
3. members and repeated texts take their representative's cluster;
4. keywords come from BERTopic's c-TF-IDF over the clusters, with the question's background
   words (``background``) as stop words.

Provisional theme keys are ``q<i>.<cluster>`` (``i`` the question's position); ``questions`` maps
each key back to its question (None when there is only one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from spacy.language import Language

from models.embed import Embedder
from models.topics import TopicSettings, topic_keywords
from pipeline.themes.background import background_words
from pipeline.themes.cluster import MIN_PASSAGES, UNTHEMED, ClusterSettings, Matrix, cluster
from pipeline.themes.labels import Encode
from pipeline.themes.substance import categories, formula_of, procedure_clusters
from pipeline.themes.tables import centroid_scores, propagated_to_members, topic_assignments

NO_QUESTION = ""
# Words in a fifth of a question's passages never label a theme or become its keyword; the
# substance check takes the wider background (words in 5% of passages) as no content.
LABEL_SHARE = 0.2


@dataclass(frozen=True)
class Discovered:
    """Passage → provisional theme rows, their keywords and question, and what was set aside."""

    assigned: pl.DataFrame
    keywords: dict[str, list[str]]
    questions: dict[str, str | None]
    set_aside: pl.DataFrame  # passage_id, response_id, question, category
    background: dict[str | None, frozenset[str]]
    fits: list[dict[str, Any]] = field(default_factory=list)


def _keys(texts: Sequence[str]) -> list[str]:
    return [" ".join(t.lower().split()) for t in texts]


def _distinct(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    keys = _keys(texts)
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    return keys, list(first.values())


def question_groups(public: pl.DataFrame) -> list[str]:
    """The questions of ``public`` in order of first appearance ("" for passages with none)."""
    if "question" not in public.columns:
        return [NO_QUESTION]
    return list(dict.fromkeys(public["question"].fill_null(NO_QUESTION).to_list())) or [NO_QUESTION]


def _distinct_texts(rows: pl.DataFrame, canonical_of: dict[str, str]) -> list[str]:
    """Each distinct text once, campaign members left out: 46 copies of a letter must not make its words common."""
    return list(dict.fromkeys(rows.filter(~pl.col("response_id").is_in(list(canonical_of)))["text"]))


def grouped(public: pl.DataFrame, canonical_of: dict[str, str], per_question_min: int) -> pl.DataFrame:
    """``public`` with ``question`` the group themed together and ``asked`` the question as asked.

    The group is the question when the questions are themed separately (``separate_questions``),
    else ``NO_QUESTION`` for every passage.
    """
    column = pl.col("question") if "question" in public.columns else pl.lit(None, pl.String())
    frame = public.with_columns(asked=column, question=column.fill_null(NO_QUESTION))
    if not separate_questions(frame, canonical_of, per_question_min):
        frame = frame.with_columns(question=pl.lit(NO_QUESTION))
    return frame


def set_aside_passages(frame: pl.DataFrame, canonical_of: dict[str, str]) -> pl.DataFrame:
    """Passages with nothing to theme (``substance``), each group judged against its own background.

    ``frame`` is :func:`grouped`'s; returns passage_id, response_id, question (as asked), category.
    """
    parts = []
    for question in question_groups(frame):
        rows = frame.filter(pl.col("question") == question)
        found = categories(rows["text"].to_list(), background_words(_distinct_texts(rows, canonical_of)))
        parts.append(
            rows.select("passage_id", "response_id", question="asked").with_columns(
                category=pl.Series(found, dtype=pl.String())
            )
        )
    schema = {"passage_id": pl.String(), "response_id": pl.String(), "question": pl.String(), "category": pl.String()}
    return pl.concat(parts).filter(pl.col("category").is_not_null()) if parts else pl.DataFrame(schema=schema)


def separate_questions(frame: pl.DataFrame, canonical_of: dict[str, str], minimum: int) -> bool:
    """Whether each question gets its own themes: several questions, each with ``minimum`` distinct texts.

    A question with a few hundred answers gives its own clusters only a handful of passages each,
    too few to separate concerns; such consultations are themed as one pool (each theme still
    shows which questions its passages answer). ``minimum`` 0 always separates.
    """
    reps = frame.filter(~pl.col("response_id").is_in(list(canonical_of)))
    sizes = reps.group_by("question").agg(pl.col("text").str.to_lowercase().n_unique())["text"].to_list()
    return len(sizes) > 1 and min(sizes) >= minimum


def discover_themes(
    public: pl.DataFrame,
    vectors: Matrix,
    canonical_of: dict[str, str],
    settings: ClusterSettings,
    topic_settings: TopicSettings,
    embedder: Embedder | None,
    keywords_too: bool = True,
) -> Discovered:
    """Themes of ``public`` (passage_id, response_id, question, text) per question.

    ``keywords_too=False`` skips the keywords (a stability check needs only the clusters).
    """
    frame = grouped(public, canonical_of, settings.per_question_min)
    aside = set_aside_passages(frame, canonical_of)
    groups = question_groups(frame)
    several = len(groups) > 1
    assigned, fits, extra = [], [], []
    keywords: dict[str, list[str]] = {}
    questions: dict[str, str | None] = {}
    backgrounds: dict[str | None, frozenset[str]] = {}
    for i, question in enumerate(groups):
        mask = (frame["question"] == question).to_numpy()
        rows, rows_vectors = frame.filter(pl.Series(mask)), vectors[mask]
        backgrounds[question or None] = background_words(_distinct_texts(rows, canonical_of), LABEL_SHARE)
        substantive = (~rows["passage_id"].is_in(aside["passage_id"].to_list())).to_numpy()
        rest, rest_vectors = rows.filter(pl.Series(substantive)), rows_vectors[substantive]
        reps_mask = ~rest["response_id"].is_in(list(canonical_of)).to_numpy()
        reps, rep_vectors = rest.filter(pl.Series(reps_mask)), rest_vectors[reps_mask]
        keys, firsts = _distinct(reps["text"].to_list())
        docs = [reps["text"][j] for j in firsts]
        fit = cluster(docs, rep_vectors[firsts], settings)
        procedure = procedure_clusters(docs, fit.labels)
        kept = [UNTHEMED if label in procedure else label for label in fit.labels]
        by_key = dict(zip([keys[j] for j in firsts], kept, strict=True))
        topics = [by_key[k] for k in keys]
        dropped = [j for j, label in enumerate(fit.labels) if label in procedure]
        set_aside_keys = {keys[firsts[j]] for j in dropped}
        if dropped:  # a procedure theme's passages are set aside with the rest of the procedure
            moved = rest.filter(pl.Series([k in set_aside_keys for k in _keys(rest["text"].to_list())]))
            extra.append(
                moved.select("passage_id", "response_id", question="asked").with_columns(
                    category=pl.Series([formula_of(t) or "procedure" for t in moved["text"]], dtype=pl.String())
                )
            )
        prefix = f"q{i + 1}."
        found_rows = topic_assignments(reps, topics, centroid_scores(rep_vectors, topics)).with_columns(
            theme_id=prefix + pl.col("theme_id")
        )
        assigned.append(propagated_to_members(found_rows, rest, rest_vectors, canonical_of))
        words = (
            topic_keywords(
                docs, kept, rep_vectors[firsts], embedder, topic_settings, sorted(backgrounds[question or None])
            )
            if keywords_too
            else {t: [] for t in set(kept) - {UNTHEMED}}
        )
        for topic, kws in words.items():
            keywords[f"{prefix}{topic}"] = kws
            questions[f"{prefix}{topic}"] = (question or None) if several else None
        fits.append(
            {
                "question": question or None,
                "passages": rows.height,
                "set_aside": int((~substantive).sum()),
                "distinct": len(docs),
                "themes": len(set(kept) - {UNTHEMED}),
                "procedure_themes_set_aside": len(procedure),
                "requested": fit.requested,
                "min_theme_size": fit.min_size,
                "catch_alls_split": fit.split,
                "small_dissolved": fit.dissolved,
                "unthemed": sum(t == UNTHEMED and k not in set_aside_keys for t, k in zip(topics, keys, strict=True)),
                "too_few": len(docs) < MIN_PASSAGES,
            }
        )
    schema = {"passage_id": pl.String(), "response_id": pl.String(), "theme_id": pl.String(), "score": pl.Float64()}
    return Discovered(
        assigned=pl.concat(assigned) if assigned else pl.DataFrame(schema=schema),
        keywords=keywords,
        questions=questions,
        set_aside=pl.concat([aside, *extra]),
        background=backgrounds,
        fits=fits,
    )


def too_few_note(fits: list[dict[str, Any]]) -> list[str]:
    """Plain sentences for the questions whose answers were too few for themes."""
    return [
        f"{fit['question'] or 'The answers'}: {fit['distinct']} distinct substantive passages, "
        f"too few for themes (at least {MIN_PASSAGES} are needed)"
        for fit in fits
        if fit["too_few"]
    ]


def theme_naming(
    found: Discovered,
    assigned: pl.DataFrame,
    public: pl.DataFrame,
    vectors: Matrix,
    context: tuple[Language, Encode],
    codebook: dict[str, str],
    title: str = "",
) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    """Labels, keywords and origin per provisional theme key.

    Codebook themes (``codebook``: key → name) keep their names; discovered themes get noun-phrase
    labels (never their question's background words nor the consultation's ``title``) with
    BERTopic's keywords beside them.
    """
    from pipeline.themes.labels import clean_keywords, title_words
    from pipeline.themes.parents import group_labels

    keywords = {key: clean_keywords(words) for key, words in found.keywords.items()}
    named_after = title_words(title)
    background = {key: found.background.get(q, frozenset()) | named_after for key, q in found.questions.items()}
    named = group_labels(assigned, public, vectors, context, keywords, background=background)
    labels = {key: codebook.get(key, named[key].label) for key in named}
    keywords = {key: keywords.get(key) or named[key].phrases for key in named}
    origin = {key: "codebook" if key in codebook else "discovered" for key in named}
    return labels, keywords, origin
