"""Trace: each theme → the options and decision passages that address it, and its status.

Inputs: ``assignments`` and the public passage vectors (rows aligned with ``public``), document
``passages`` (stage, heading, role) with their vectors. Outputs: the ``links`` and
``theme_status`` tables.

A link's score is the mean cosine between a document passage and the ``TOP_K`` theme passages
most similar to it: one stray sentence cannot make a link, yet a theme need not be uniform. A
link counts where the score reaches the threshold (calibrated on the sample; see
docs/decisions/0007-trace-threshold.md).

Status: ``adopted`` when a decision-stage resolution or recommendation passage links;
``considered`` when only options-stage passages or decision rationale (e.g. "alternative options
considered and rejected") link; ``not taken up`` when nothing links.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from pipeline.schema import conform, empty

Matrix = npt.NDArray[np.float32]
TOP_K = 5
DECISION_ROLES = ("resolution", "recommendation")
DECISION_STAGES = ("decision", "implementation", "evaluation")


def link_scores(
    theme_vectors: Matrix, doc_vectors: Matrix, top_k: int = TOP_K
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Per document passage: mean of its ``top_k`` best cosines to the theme, and the best match."""
    sims = doc_vectors @ theme_vectors.T
    k = min(top_k, sims.shape[1])
    best = np.sort(sims, axis=1)[:, -k:]
    return best.mean(axis=1).astype(np.float64), sims.argmax(axis=1).astype(np.int64)


def theme_links(
    assignments: pl.DataFrame,
    public: pl.DataFrame,
    public_vectors: Matrix,
    documents: pl.DataFrame,
    document_vectors: Matrix,
    threshold: float,
) -> pl.DataFrame:
    """The ``links`` table: every (theme, document passage) pair scoring at least ``threshold``."""
    if assignments.is_empty() or documents.is_empty():
        return empty("links")
    row_of = {pid: i for i, pid in enumerate(public["passage_id"])}
    frames = []
    for (theme_id,), group in assignments.group_by("theme_id", maintain_order=True):
        rows = [row_of[p] for p in group["passage_id"]]
        scores, best = link_scores(public_vectors[rows], document_vectors)
        keep = np.flatnonzero(scores >= threshold)
        evidence = public[[rows[i] for i in best[keep]]]
        frames.append(
            documents[keep.tolist()]
            .select("passage_id", "source_id", "stage", "heading", "role", "text")
            .with_columns(
                theme_id=pl.lit(theme_id),
                score=pl.Series(scores[keep].round(4)),
                evidence_passage_id=evidence["passage_id"],
                evidence_text=evidence["text"],
                method=pl.lit("embedding"),
            )
        )
    links = pl.concat(frames) if frames else empty("links")
    return conform(links, "links").sort(["theme_id", "score"], descending=[False, True])


def _best(links: pl.DataFrame, condition: pl.Expr, name: str) -> pl.DataFrame:
    return (
        links.filter(condition)
        .sort("score", descending=True)
        .group_by("theme_id", maintain_order=True)
        .agg(pl.col("score").first().alias(f"{name}_score"), pl.col("passage_id").first().alias(f"{name}_passage_id"))
    )


def theme_status(themes: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """The ``theme_status`` table: status per theme, its best options/decision link and why."""
    decision = pl.col("stage").is_in(DECISION_STAGES) & pl.col("role").is_in(DECISION_ROLES)
    considered = (pl.col("stage") == "options") | (pl.col("stage").is_in(DECISION_STAGES) & ~decision)
    table = (
        themes.select("theme_id")
        .join(_best(links, considered, "options"), on="theme_id", how="left")
        .join(_best(links, decision, "decision"), on="theme_id", how="left")
        .with_columns(
            status=pl.when(pl.col("decision_score").is_not_null())
            .then(pl.lit("adopted"))
            .when(pl.col("options_score").is_not_null())
            .then(pl.lit("considered"))
            .otherwise(pl.lit("not taken up")),
        )
        .with_columns(
            reason=pl.when(pl.col("status") == "adopted")
            .then(pl.lit("a resolution or recommendation of the decision addresses it"))
            .when(pl.col("status") == "considered")
            .then(pl.lit("addressed in the options or the decision's rationale, not in what was resolved"))
            .otherwise(pl.lit("no options or decision passage addresses it")),
        )
    )
    return conform(table, "theme_status")
