"""An earlier run's themes kept and extended to new passages when they still fit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.themes.tables import Matrix, theme_centres


@dataclass(frozen=True)
class Extension:
    """An earlier run's themes extended to new passages: provisional keys are its theme ids."""

    assigned: pl.DataFrame
    labels: dict[str, str]
    keywords: dict[str, list[str]]
    origin: dict[str, str]
    questions: dict[str, str | None]
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
        questions=dict(
            zip(
                previous_themes["theme_id"],
                previous_themes["question"]
                if "question" in previous_themes.columns
                else [None] * previous_themes.height,
                strict=True,
            )
        ),
        new_passages=new.height,
        joined=len(rows),
    )
    return extension, f"{len(rows)} of {new.height} new passages joined the earlier run's themes"
