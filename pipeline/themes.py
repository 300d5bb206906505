"""Themes: topic numbers per public passage → themes, assignments and verbatim quotes.

Inputs: public ``passages`` (answers and public turns) with a parallel topic list and vector
matrix, and ``respondents`` (response_id, respondent_id of every response with a public
passage). Outputs: the ``themes``, ``assignments`` and ``quotes`` tables. Theme size is counted
in respondents, not passages; theme ids ``T01``, ``T02``, … follow size (largest first), ties
broken by keywords, so the order is stable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.cluster import AgglomerativeClustering
from spacy.language import Language

from pipeline.breakdowns import NEGATIVE
from pipeline.labels import Encode, ThemeLabel, parent_label, theme_labels
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
        parent_id=pl.lit(None, pl.String()),
        sentiment=pl.lit(None, pl.Float64()),
        share_negative=pl.lit(None, pl.Float64()),
        theme_id=pl.col("theme_id").replace_strict(ids),
    )
    final = assigned.with_columns(theme_id=pl.col("theme_id").replace_strict(ids))
    return conform(themes.sort("theme_id"), "themes"), conform(final.sort("theme_id", "passage_id"), "assignments")


def parent_count(n_themes: int) -> int:
    """Parent themes by default: none under 8 themes, else about the square root of their number."""
    return 0 if n_themes < 8 else max(2, round(math.sqrt(n_themes)))


def parents_of(centres: Matrix, n_parents: int) -> list[int]:
    """Parent group (0…) of each theme centre: Ward agglomerative clustering of the unit vectors.

    On unit vectors Euclidean distance is a function of cosine; Ward keeps groups balanced where
    average linkage chains: on the sample it put 8 of 10 themes under one parent.
    """
    if n_parents < 2 or len(centres) <= n_parents:
        return list(range(len(centres)))
    model = AgglomerativeClustering(n_clusters=n_parents, linkage="ward")
    return [int(x) for x in model.fit_predict(centres)]


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


def interleaved(lists: list[list[str]]) -> list[str]:
    """Round robin over the lists: a parent's label should come from all its children, not its biggest."""
    out: list[str] = []
    for row in zip_longest(*lists):
        out.extend(t for t in row if t is not None)
    return out


def group_labels(
    assigned: pl.DataFrame,
    public: pl.DataFrame,
    vectors: np.ndarray,
    context: tuple[Language, Encode],
    fallback: dict[str, list[str]],
    key: str = "theme_id",
    texts: dict[str, list[str]] | None = None,
    centres: dict[str, np.ndarray] | None = None,
) -> dict[str, ThemeLabel]:
    """Noun-phrase labels per ``key`` group of ``assigned`` (most central passages first)."""
    row_of = {p: i for i, p in enumerate(public["passage_id"])}
    nlp, encode = context
    return theme_labels(
        texts or central_texts(assigned, public, key),
        centres or theme_centres(assigned, vectors, row_of, key),
        nlp,
        encode,
        fallback,
    )


def with_parents(
    table: pl.DataFrame,
    assignments: pl.DataFrame,
    public: pl.DataFrame,
    vectors: np.ndarray,
    context: tuple[Language, Encode],
    people: pl.DataFrame,
    requested: int | None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parent themes over the themes (agglomerative on theme centres); sets ``themes.parent_id``."""
    wanted = parent_count(table.height) if requested is None else requested
    if wanted < 2 or table.height <= wanted:
        return table, empty("theme_groups")
    row_of = {p: i for i, p in enumerate(public["passage_id"])}
    centres = theme_centres(assignments, vectors, row_of, "theme_id")
    ids = table["theme_id"].to_list()
    groups = parents_of(np.stack([centres[t] for t in ids]), wanted)
    provisional = dict(zip(ids, [f"g{g}" for g in groups], strict=True))
    grouped = assignments.with_columns(parent_id=pl.col("theme_id").replace_strict(provisional))
    sizes = theme_sizes(grouped, people.select("response_id", "respondent_id", "weight"), by="parent_id")
    order = sizes.sort(["n_respondents", "parent_id"], descending=[True, False])["parent_id"].to_list()
    final = {g: f"P{i}" for i, g in enumerate(order, start=1)}
    grouped = grouped.with_columns(pl.col("parent_id").replace_strict(final))
    by_theme = central_texts(assignments, public, "theme_id")
    children = {final[g]: [t for t in ids if provisional[t] == g] for g in order}
    texts = {parent: interleaved([by_theme[t] for t in kids]) for parent, kids in children.items()}
    # each child weighs the same: a campaign of 46 letters must not name the whole parent
    middle = {parent: np.mean([centres[t] for t in kids], axis=0) for parent, kids in children.items()}
    middle = {parent: m / (np.linalg.norm(m) or 1.0) for parent, m in middle.items()}
    labels = group_labels(grouped, public, vectors, context, {}, key="parent_id", texts=texts, centres=middle)
    label_of = dict(zip(table["theme_id"], table["label"], strict=True))
    members = (
        table.with_columns(parent_id=pl.col("theme_id").replace_strict(provisional).replace_strict(final))
        .group_by("parent_id")
        .agg(pl.col("theme_id").sort().alias("theme_ids"))
    )
    frame = (
        sizes.with_columns(pl.col("parent_id").replace_strict(final))
        .join(members, on="parent_id")
        .with_columns(
            label=pl.col("parent_id").replace_strict(
                {k: parent_label(v) if len(children[k]) > 1 else label_of[children[k][0]] for k, v in labels.items()}
            ),
            keywords=pl.col("parent_id").replace_strict(
                {k: v.phrases for k, v in labels.items()}, return_dtype=pl.List(pl.String())
            ),
        )
        .sort("parent_id")
    )
    table = table.with_columns(parent_id=pl.col("theme_id").replace_strict(provisional).replace_strict(final))
    return table, conform(frame, "theme_groups")


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


@dataclass(frozen=True)
class Extension:
    """An earlier run's themes extended to new passages: provisional keys are its theme ids."""

    assigned: pl.DataFrame
    labels: dict[str, str]
    keywords: dict[str, list[str]]
    origin: dict[str, str]
    new_passages: int
    joined: int


def extend_themes(
    earlier: dict[str, str],
    previous: pl.DataFrame,
    previous_themes: pl.DataFrame,
    public: pl.DataFrame,
    vectors: Matrix,
    *,
    threshold: float,
    max_new_share: float,
    max_unthemed: float,
) -> tuple[Extension | None, str]:
    """Keep an earlier run's themes for ``public`` when they still fit, else say why not.

    ``earlier`` maps the earlier run's themed-or-not public passages to their text, ``previous``
    is its assignments and ``previous_themes`` its themes table. The themes still fit when
    (1) every earlier passage is still here with the same text, (2) the new passages are at most
    ``max_new_share`` of the earlier ones, and (3) at most ``max_unthemed`` of the new passages are
    further than ``threshold`` (cosine) from every theme's centre. New passages then join their
    nearest theme; everything else stays as it was. Otherwise the caller fits afresh.
    """
    texts = dict(zip(public["passage_id"], public["text"], strict=True))
    changed = sum(texts.get(p) != t for p, t in earlier.items())
    if changed:
        return None, f"{changed} passages of the earlier run changed or were removed"
    new = public.with_row_index("_row").filter(~pl.col("passage_id").is_in(list(earlier)))
    if new.height > max_new_share * max(1, len(earlier)):
        return None, f"{new.height} new passages are more than {max_new_share:.0%} of the {len(earlier)} fitted"
    row_of = {p: i for i, p in enumerate(public["passage_id"])}
    centres = theme_centres(previous, vectors, row_of, "theme_id")
    ids = [t for t in previous_themes["theme_id"].to_list() if t in centres]
    if not ids:
        return None, "the earlier run has no themes"
    sims = vectors[new["_row"].to_numpy()] @ np.stack([centres[t] for t in ids]).T if new.height else np.zeros((0, 1))
    best = sims.max(axis=1) if new.height else np.zeros(0)
    nearest = sims.argmax(axis=1) if new.height else np.zeros(0, dtype=int)
    join = best >= threshold
    if new.height and 1 - join.mean() > max_unthemed:
        return None, f"only {join.mean():.0%} of the {new.height} new passages are close to an earlier theme"
    rows = [
        (p, r, ids[int(k)], round(float(b), 6))
        for p, r, k, b, ok in zip(new["passage_id"], new["response_id"], nearest, best, join, strict=True)
        if ok
    ]
    columns = previous.select("passage_id", "response_id", "theme_id", "score")
    assigned = pl.concat([columns, pl.DataFrame(rows, schema=columns.schema, orient="row")])
    extension = Extension(
        assigned=assigned,
        labels=dict(zip(previous_themes["theme_id"], previous_themes["label"], strict=True)),
        keywords=dict(zip(previous_themes["theme_id"], previous_themes["keywords"].to_list(), strict=True)),
        origin=dict(zip(previous_themes["theme_id"], previous_themes["origin"], strict=True)),
        new_passages=new.height,
        joined=len(rows),
    )
    return extension, f"{len(rows)} of {new.height} new passages joined the earlier run's themes"
