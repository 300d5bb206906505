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

from pipeline.breakdowns import NEGATIVE
from pipeline.overlap import jaccard
from pipeline.prepare.campaigns import shingles
from pipeline.schema import conform, empty

Matrix = npt.NDArray[np.float32]
QUOTE_MIN_WORDS = 6
QUOTE_MAX_WORDS = 80
QUOTE_MAX_OVERLAP = 0.5


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


def theme_sizes(assigned: pl.DataFrame, respondents: pl.DataFrame, by: str = "theme_id") -> pl.DataFrame:
    """Respondents, represented weight and passages per theme (or per ``by``), with share.

    A theme's share is its respondents over all respondents in ``respondents`` (response_id,
    respondent_id, weight); ``n_represented`` adds up the weights of its responses (a
    regulations.gov row with 1,200 duplicates stands for 1,200).
    """
    total = max(1, respondents["respondent_id"].n_unique())
    return (
        assigned.join(respondents, on="response_id", how="left")
        .group_by(by, "respondent_id")
        .agg(pl.col("weight").fill_null(1).max(), pl.col("passage_id").n_unique().alias("passages"))
        .group_by(by)
        .agg(n_respondents=pl.len(), n_represented=pl.col("weight").sum(), n_passages=pl.col("passages").sum())
        .with_columns(share=pl.col("n_respondents") / total)
    )


def _theme_ids(sizes: pl.DataFrame, labels: dict[str, str]) -> dict[str, str]:
    order = sizes.with_columns(name=pl.col("theme_id").replace_strict(labels, default="")).sort(
        ["n_respondents", "name", "theme_id"], descending=[True, False, False]
    )
    return {t: f"T{i:02d}" for i, t in enumerate(order["theme_id"], start=1)}


def themes_table(
    assigned: pl.DataFrame,
    respondents: pl.DataFrame,
    labels: dict[str, str],
    keywords: dict[str, list[str]],
    origin: dict[str, str] | None = None,
    questions: dict[str, str | None] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ``themes`` and ``assignments`` tables, with final theme ids ``T01``… by size.

    ``assigned`` holds passage → provisional theme key rows (a passage may have several themes
    under guided coding); ``labels``, ``keywords`` and ``origin`` ("discovered" or "codebook")
    are keyed by the provisional key. ``parent_id`` is left empty (see ``with_parents``).
    """
    if assigned.is_empty():
        return empty("themes"), empty("assignments")
    sizes = theme_sizes(assigned, respondents)
    ids = _theme_ids(sizes, labels)
    themes = sizes.with_columns(
        keywords=pl.col("theme_id").replace_strict(keywords, default=[], return_dtype=pl.List(pl.String())),
        label=pl.col("theme_id").replace_strict(labels, default="Unlabelled theme"),
        origin=pl.col("theme_id").replace_strict(origin or {}, default="discovered"),
        question=pl.col("theme_id").replace_strict(questions or {}, default=None, return_dtype=pl.String()),
        parent_id=pl.lit(None, pl.String()),
        sentiment=pl.lit(None, pl.Float64()),
        share_negative=pl.lit(None, pl.Float64()),
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


def theme_centres(
    assigned: pl.DataFrame, vectors: np.ndarray, row_of: dict[str, int], key: str
) -> dict[str, np.ndarray]:
    """Normalised mean vector per ``key`` group of ``assigned`` (``row_of``: passage → vector row)."""
    out = {}
    # sorted, so each centre sums the same vectors in the same order on every run
    for (theme,), group in assigned.sort(key, "passage_id").group_by(key, maintain_order=True):
        centre = vectors[[row_of[p] for p in group["passage_id"]]].mean(axis=0)
        out[str(theme)] = centre / (np.linalg.norm(centre) or 1.0)
    return out


def central_texts(assigned: pl.DataFrame, public: pl.DataFrame, key: str) -> dict[str, list[str]]:
    """Per group, its passages' texts, most central first, each distinct text once (campaigns too)."""
    ranked = (
        assigned.join(public.select("passage_id", "text"), on="passage_id")
        .with_columns(same=pl.col("text").str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " "))
        .sort([key, "score", "passage_id"], descending=[False, True, False])
        .unique([key, "same"], keep="first", maintain_order=True)
        .group_by(key, maintain_order=True)
        .agg("text")
    )
    return {str(k): list(v) for k, v in zip(ranked[key], ranked["text"].to_list(), strict=True)}


def with_sentiment(
    table: pl.DataFrame, assignments: pl.DataFrame, sentiment: pl.DataFrame, people: pl.DataFrame
) -> pl.DataFrame:
    """``themes`` with its tone: mean VADER score of its respondents and the share negative."""
    per_person = (
        assignments.join(sentiment, on="passage_id")
        .join(people.select("response_id", "respondent_id"), on="response_id")
        .sort("theme_id", "respondent_id", "passage_id")  # fixed summation order: identical floats every run
        .group_by("theme_id", "respondent_id", maintain_order=True)
        .agg(pl.col("sentiment").mean())
        .group_by("theme_id", maintain_order=True)
        .agg(
            mean=pl.col("sentiment").mean(),
            negative=(pl.col("sentiment") < NEGATIVE).mean(),
        )
    )
    return (
        table.join(per_person, on="theme_id", how="left")
        .with_columns(sentiment=pl.col("mean"), share_negative=pl.col("negative"))
        .pipe(conform, "themes")
    )


def set_aside_counts(set_aside: pl.DataFrame, public: pl.DataFrame, assignments: pl.DataFrame) -> dict[str, object]:
    """Passages set aside per category, and responses with nothing but set-aside passages."""
    per_category = dict(set_aside.group_by("category").len().sort("category").iter_rows())
    themed = set(assignments["response_id"].to_list())
    asides = set(set_aside["response_id"].to_list())
    substantive = set(
        public.filter(~pl.col("passage_id").is_in(set_aside["passage_id"].to_list()))["response_id"].to_list()
    )
    return {
        "passages_set_aside": set_aside.height,
        "set_aside": per_category,
        "responses_set_aside": len(asides - substantive - themed),
    }


def with_sibling_answers(assignments: pl.DataFrame, themes: pl.DataFrame) -> pl.DataFrame:
    """Assignments plus, per theme, its respondents' answers in the same concern's other questions.

    Per-question themes split one concern across questions: "no buses after six" (the problems
    question) and "run evening buses" (what should change). A decision answers the second in its
    own words; the first is the same people's same concern. So, for tracing only, a theme's
    passages are joined by the passages its own responses have in *sibling* themes — themes of
    other questions under the same parent group. Without questions or parents nothing is added.
    """
    if assignments.is_empty() or "question" not in themes.columns or themes["question"].null_count() == themes.height:
        return assignments
    family = themes.select("theme_id", "parent_id", "question").filter(pl.col("parent_id").is_not_null())
    mine = assignments.select("theme_id", "response_id").unique().join(family, on="theme_id")
    theirs = assignments.join(family, on="theme_id").rename(
        {"theme_id": "sibling", "question": "sibling_question", "passage_id": "sibling_passage"}
    )
    extra = (
        mine.join(
            theirs.select("response_id", "parent_id", "sibling_question", "sibling_passage", "score"),
            on=["response_id", "parent_id"],
        )
        .filter(pl.col("sibling_question") != pl.col("question"))
        .select(passage_id="sibling_passage", response_id="response_id", theme_id="theme_id", score="score")
    )
    return pl.concat([assignments.select(extra.columns), extra]).unique(
        ["theme_id", "passage_id"], keep="first", maintain_order=True
    )
