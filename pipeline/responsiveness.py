"""Responsiveness: how much of what the public said reached the decision.

Headline: the share of respondents with at least one theme whose status is ``adopted`` or
``adopted in part`` among respondents with at least one theme — "of the people whose comments
were themed, X% raised something the decision took up". The same by every respondent attribute
(``attr_*``) and channel, with groups under ``MIN_GROUP`` respondents suppressed (a small group's
figure can identify people and swings on one person); a blank attribute is its own group, ``Not
stated``. ``n_not_taken_up`` counts respondents none of whose themes reached even the options.
When the themes are ``not traced`` (no decision was given) nothing is computed: the counts and
shares reached are null, never 0%.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from pipeline.schema import ATTRIBUTE_PREFIX, NOT_TRACED, REACHED, STATUS_LABELS, conform, grouping_columns, stated

MIN_GROUP = 10
DEFINITION = (
    "Of the respondents with at least one theme, the share with at least one theme that the decision "
    "adopted or adopted in part."
)


def _per_respondent(assignments: pl.DataFrame, status: pl.DataFrame, respondents: pl.DataFrame) -> pl.DataFrame:
    return (
        assignments.select("response_id", "theme_id")
        .join(status.select("theme_id", "status"), on="theme_id", how="left")
        .join(respondents.select("response_id", "respondent_id"), on="response_id")
        .group_by("respondent_id")
        .agg(
            reached=pl.col("status").is_in(REACHED).any(),
            nowhere=(pl.col("status") == "not taken up").all(),
        )
    )


def responsiveness(assignments: pl.DataFrame, status: pl.DataFrame, respondents: pl.DataFrame) -> pl.DataFrame:
    """The ``responsiveness`` table: overall (attribute ``all``) and per attribute value.

    ``respondents``: response_id, respondent_id, channel and ``attr_*`` columns.
    """
    people = respondents.unique("respondent_id", keep="first", maintain_order=True)
    fate = _per_respondent(assignments, status, respondents).join(people, on="respondent_id", how="left")
    frames = [_summarise(fate.with_columns(value=pl.lit("all")), "all")]
    for column in grouping_columns(people):
        if people[column].drop_nulls().n_unique() >= 2:
            grouped = fate.with_columns(value=stated(column))
            frames.append(_summarise(grouped, column.removeprefix(ATTRIBUTE_PREFIX)))
    table = conform(pl.concat(frames), "responsiveness")
    if status["status"].is_in([NOT_TRACED]).any():  # no decision: there is nothing to have reached
        blank = ("n_reached", "share_reached", "n_not_taken_up")
        return conform(table.with_columns(pl.lit(None).alias(c) for c in blank), "responsiveness")
    return table


def _summarise(fate: pl.DataFrame, attribute: str) -> pl.DataFrame:
    table = (
        fate.group_by("value")
        .agg(
            n_respondents=pl.len(),
            n_reached=pl.col("reached").sum().cast(pl.Int64()),
            n_not_taken_up=pl.col("nowhere").sum().cast(pl.Int64()),
        )
        .with_columns(
            attribute=pl.lit(attribute),
            suppressed=(pl.col("n_respondents") < MIN_GROUP) & pl.lit(attribute != "all"),
            share_reached=(pl.col("n_reached") / pl.col("n_respondents")).round(4),
        )
        .sort("value")
    )
    hidden = pl.col("suppressed")
    return table.with_columns(
        *(pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c) for c in ("n_reached", "share_reached")),
        n_not_taken_up=pl.when(hidden).then(None).otherwise(pl.col("n_not_taken_up")),
    )


def headline(table: pl.DataFrame) -> dict[str, Any]:
    """The single responsiveness figure, its parts and its definition."""
    overall = table.filter(pl.col("attribute") == "all")
    if overall.is_empty():
        return {"share_reached": None, "n_reached": 0, "n_respondents": 0, "definition": DEFINITION}
    row = overall.row(0, named=True)
    return {
        "share_reached": row["share_reached"],
        "n_reached": row["n_reached"],
        "n_respondents": row["n_respondents"],
        "definition": DEFINITION,
    }


def fates(themes: pl.DataFrame, status: pl.DataFrame) -> pl.DataFrame:
    """Themes ranked by public weight (respondents) with their status and its plain-English label."""
    return (
        themes.select(
            "theme_id", "label", "n_respondents", "share", *(["question"] if "question" in themes.columns else [])
        )
        .join(status.select("theme_id", "status", "confidence", "reason"), on="theme_id", how="left")
        .with_columns(
            status=pl.col("status").fill_null("not taken up"),
        )
        .with_columns(fate=pl.col("status").replace_strict(STATUS_LABELS, default="Not taken up"))
        .sort(["n_respondents", "theme_id"], descending=[True, False])
    )


def largest_not_taken_up(themes: pl.DataFrame, status: pl.DataFrame, top: int = 5) -> pl.DataFrame:
    """The ``top`` themes with the most respondents that the decision did not take up at all."""
    return fates(themes, status).filter(pl.col("status") == "not taken up").head(top)
