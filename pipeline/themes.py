"""Themes: topic numbers per public passage → themes, assignments and verbatim quotes.

Inputs: public ``passages`` (answers and public turns) with a parallel topic list and vector
matrix, and ``respondents`` (response_id, respondent_id of every response with a public
passage). Outputs: the ``themes``, ``assignments`` and ``quotes`` tables. Theme size is counted
in respondents, not passages; theme ids ``T01``, ``T02``, … follow size (largest first), ties
broken by keywords, so the order is stable.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from pipeline.prepare.campaigns import jaccard, shingles
from pipeline.schema import conform, empty

Matrix = npt.NDArray[np.float32]
QUOTE_MIN_WORDS = 6
QUOTE_MAX_WORDS = 80
QUOTE_MAX_OVERLAP = 0.5


def label_from_keywords(keywords: Sequence[str]) -> str:
    """A short label: the best keyword phrase, then the next one that adds new words."""
    if not keywords:
        return "Unlabelled theme"
    label = [keywords[0]]
    seen = set(keywords[0].split())
    for phrase in keywords[1:]:
        if not set(phrase.split()) <= seen:
            label.append(phrase)
            break
    text = ", ".join(label)
    return text[:1].upper() + text[1:]


def centroid_scores(vectors: Matrix, topics: Sequence[int]) -> list[float]:
    """Cosine of each passage to its topic's centroid (0 for outliers)."""
    labels = np.asarray(topics)
    out = np.zeros(len(labels), dtype=np.float64)
    for topic in set(labels.tolist()) - {-1}:
        members = labels == topic
        centre = vectors[members].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        out[members] = vectors[members] @ centre
    return out.tolist()


def topic_assignments(passages: pl.DataFrame, topics: Sequence[int], scores: Sequence[float]) -> pl.DataFrame:
    """Passage → topic rows for passages with a topic (the topic number, as text, in ``theme_id``)."""
    return (
        passages.select("passage_id", "response_id")
        .with_columns(
            theme_id=pl.Series(topics, dtype=pl.Int64()).cast(pl.String()),
            score=pl.Series(scores, dtype=pl.Float64()),
        )
        .filter(pl.col("theme_id") != "-1")
    )


def propagated_to_members(
    assigned: pl.DataFrame, public: pl.DataFrame, vectors: Matrix, canonical_of: dict[str, str]
) -> pl.DataFrame:
    """Assignments extended to campaign members fitted through their group's representative.

    ``assigned`` covers the representatives' passages; each member passage (``public`` rows whose
    response is in ``canonical_of``) takes the topic of the most similar passage of its
    representative, with that similarity as its score. Members so count in every theme.
    """
    members = public.with_row_index("_row").filter(pl.col("response_id").is_in(list(canonical_of)))
    if members.is_empty() or assigned.is_empty():
        return assigned
    row_of = {p: i for i, p in enumerate(public["passage_id"])}
    topic_of = dict(zip(assigned["passage_id"], assigned["theme_id"], strict=True))
    by_response = public.group_by("response_id").agg("passage_id")
    passages_of = dict(zip(by_response["response_id"], by_response["passage_id"].to_list(), strict=True))
    rows = []
    for row in members.iter_rows(named=True):
        candidates = [p for p in passages_of.get(canonical_of[row["response_id"]], []) if p in topic_of]
        if not candidates:
            continue
        sims = vectors[[row_of[p] for p in candidates]] @ vectors[row["_row"]]
        best = int(sims.argmax())
        rows.append((row["passage_id"], row["response_id"], topic_of[candidates[best]], float(sims[best])))
    extra = pl.DataFrame(rows, schema=assigned.schema, orient="row")
    return pl.concat([assigned, extra])


def _theme_ids(sizes: pl.DataFrame, keywords: dict[int, list[str]]) -> dict[str, str]:
    order = sizes.with_columns(
        kw=pl.col("theme_id").replace_strict({t: " ".join(keywords.get(int(t), [])) for t in sizes["theme_id"]})
    ).sort(["n_respondents", "kw"], descending=[True, False])
    return {t: f"T{i:02d}" for i, t in enumerate(order["theme_id"], start=1)}


def themes_table(
    assigned: pl.DataFrame, respondents: pl.DataFrame, keywords: dict[int, list[str]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ``themes`` and ``assignments`` tables, with final theme ids.

    ``assigned`` comes from ``topic_assignments``; a theme's share is its respondents over all
    respondents in ``respondents`` (response_id, respondent_id, weight); ``n_represented`` adds up
    the weights of its responses (a regulations.gov row with 1,200 duplicates stands for 1,200).
    """
    if assigned.is_empty():
        return empty("themes"), empty("assignments")
    total = max(1, respondents["respondent_id"].n_unique())
    sizes = (
        assigned.join(respondents, on="response_id", how="left")
        .group_by("theme_id", "respondent_id")
        .agg(pl.col("weight").fill_null(1).max(), pl.len().alias("passages"))
        .group_by("theme_id")
        .agg(n_respondents=pl.len(), n_represented=pl.col("weight").sum(), n_passages=pl.col("passages").sum())
    )
    ids = _theme_ids(sizes, keywords)
    topic_keywords = {t: keywords.get(int(t), []) for t in ids}
    themes = sizes.with_columns(
        keywords=pl.col("theme_id").replace_strict(topic_keywords, return_dtype=pl.List(pl.String())),
        label=pl.col("theme_id").replace_strict({t: label_from_keywords(k) for t, k in topic_keywords.items()}),
        share=pl.col("n_respondents") / total,
        theme_id=pl.col("theme_id").replace_strict(ids),
    )
    final = assigned.with_columns(theme_id=pl.col("theme_id").replace_strict(ids))
    return conform(themes.sort("theme_id"), "themes"), conform(final.sort("theme_id", "passage_id"), "assignments")


def quotes_table(
    assignments: pl.DataFrame, passages: pl.DataFrame, per_theme: int, campaign_of: dict[str, str] | None = None
) -> pl.DataFrame:
    """Verbatim quotes: per theme the passages closest to its centre, with no repeats.

    One quote at most per response and per campaign (``campaign_of``: response → campaign id), and
    none that repeats most of another (word 3-shingle Jaccard ≥ 0.5).

    Passages of ``QUOTE_MIN_WORDS``–``QUOTE_MAX_WORDS`` words are preferred; shorter or longer
    ones are used only when a theme has too few.
    """
    if assignments.is_empty():
        return empty("quotes")
    candidates = (
        assignments.join(passages.select("passage_id", "text"), on="passage_id")
        .with_columns(
            words=pl.col("text").str.count_matches(r"\S+"),
            key=pl.col("text").str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars(),
        )
        .with_columns(fits=pl.col("words").is_between(QUOTE_MIN_WORDS, QUOTE_MAX_WORDS))
        .sort(["theme_id", "fits", "score", "passage_id"], descending=[False, True, True, False])
        .unique(["theme_id", "key"], keep="first", maintain_order=True)
        .with_columns(voice=pl.col("response_id").replace(campaign_of or {}))
        .unique(["theme_id", "voice"], keep="first", maintain_order=True)
    )
    chosen = [
        row
        for _, group in candidates.group_by("theme_id", maintain_order=True)
        for row in _diverse(group.to_dicts(), per_theme)
    ]
    if not chosen:
        return empty("quotes")
    frame = pl.DataFrame(chosen).with_columns(rank=pl.int_range(1, pl.len() + 1).over("theme_id").cast(pl.Int64()))
    return conform(frame, "quotes")


def _diverse(rows: list[dict[str, object]], limit: int) -> list[dict[str, object]]:
    """The best rows in order, skipping any too like one already chosen (shingle Jaccard ≥ 0.5)."""
    chosen: list[dict[str, object]] = []
    seen: list[set[str]] = []
    for row in rows:
        grams = shingles(str(row["text"]))
        if all(jaccard(grams, other) < QUOTE_MAX_OVERLAP for other in seen):
            chosen.append(row)
            seen.append(grams)
        if len(chosen) == limit:
            break
    return chosen
