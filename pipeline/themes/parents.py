"""Parent themes: groups of themes by their centres (Ward), labelled from all their children."""

from __future__ import annotations

import math
from itertools import zip_longest

import numpy as np
import polars as pl
from sklearn.cluster import AgglomerativeClustering
from spacy.language import Language

from pipeline.schema import conform, empty
from pipeline.themes.labels import Encode, ThemeLabel, parent_label, theme_labels, title_words
from pipeline.themes.tables import Matrix, central_texts, theme_centres, theme_sizes


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
    background: dict[str, frozenset[str]] | None = None,
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
        background=background,
    )


def with_parents(
    table: pl.DataFrame,
    assignments: pl.DataFrame,
    public: pl.DataFrame,
    vectors: np.ndarray,
    context: tuple[Language, Encode],
    people: pl.DataFrame,
    requested: int | None,
    title: str = "",
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parent themes over the themes (agglomerative on theme centres); sets ``themes.parent_id``.

    Parents are labelled like themes, never by the consultation's ``title`` alone.
    """
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
    named_after = title_words(title)
    labels = group_labels(
        grouped, public, vectors, context, {}, "parent_id", texts, middle, dict.fromkeys(texts, named_after)
    )
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
