"""Theme breakdowns by respondent group: share, lift, a chi-square test, suppression, sentiment.

For an attribute (respondent type, ward, age band, channel, question…) each respondent falls in
one group; a blank or missing attribute is the group ``Not stated``, so the groups' sizes add up
to the respondents. Per theme and group: ``n_group`` respondents, ``n_theme`` of them in the
theme, ``share`` = n_theme / n_group, ``overall_share`` = the theme's share of all respondents
with a value, ``lift`` = share / overall_share and ``expected`` = n_group × overall_share. Cells whose
expected count is under 5 are *suppressed*: their counts, share, lift and sentiment are blanked
(small groups identify people and their shares are noise). Per theme and attribute, a
chi-square test of independence (theme yes/no × group) over the groups that are not suppressed
gives ``chi2`` and ``p_value`` (blank when fewer than two groups remain). ``sentiment`` is the
mean VADER compound score of the group's passages in the theme, ``share_negative`` the share of
those respondents whose mean is below -0.05.
"""

from __future__ import annotations

import polars as pl
from scipy.stats import chi2_contingency

from pipeline.schema import ATTRIBUTE_PREFIX, conform, empty, grouping_columns, stated

MIN_EXPECTED = 5.0
NEGATIVE = -0.05


def breakdown(units: pl.DataFrame, members: pl.DataFrame, attribute: str) -> pl.DataFrame:
    """Breakdown rows for one attribute.

    ``units``: unit_id, value — every respondent (or respondent × question) with its group.
    ``members``: unit_id, theme_id, sentiment — one row per unit in a theme (sentiment: the
    unit's mean score in that theme).
    """
    units = units.drop_nulls("value").filter(pl.col("value").cast(pl.String()).str.strip_chars() != "")
    if units.is_empty() or members.is_empty():
        return empty("breakdowns")
    total = units["unit_id"].n_unique()
    groups = units.group_by("value").agg(n_group=pl.col("unit_id").n_unique())
    # sorted and order-keeping throughout, so float sums come out identical on every run
    joined = members.join(units, on="unit_id", how="inner").sort("theme_id", "value", "unit_id")
    overall = joined.group_by("theme_id").agg(overall=pl.col("unit_id").n_unique())
    cells = joined.group_by("theme_id", "value", maintain_order=True).agg(
        n_theme=pl.col("unit_id").n_unique(),
        sentiment=pl.col("sentiment").mean(),
        share_negative=(pl.col("sentiment") < NEGATIVE).mean(),
    )
    grid = (
        overall.join(groups, how="cross")
        .join(cells, on=["theme_id", "value"], how="left")
        .with_columns(
            pl.col("n_theme").fill_null(0),
            overall_share=pl.col("overall") / total,
        )
        .with_columns(
            share=pl.col("n_theme") / pl.col("n_group"),
            expected=pl.col("n_group") * pl.col("overall_share"),
        )
        .with_columns(
            lift=pl.col("share") / pl.col("overall_share"),
            # both cells of the 2×k table must be large enough: in the theme and outside it
            suppressed=(pl.col("expected") < MIN_EXPECTED) | ((pl.col("n_group") - pl.col("expected")) < MIN_EXPECTED),
        )
    )
    tests = {theme: _chi2(group) for theme, group in grid.group_by("theme_id")}
    grid = grid.with_columns(
        chi2=pl.col("theme_id").replace_strict({t[0]: v[0] for t, v in tests.items()}, return_dtype=pl.Float64()),
        p_value=pl.col("theme_id").replace_strict({t[0]: v[1] for t, v in tests.items()}, return_dtype=pl.Float64()),
        attribute=pl.lit(attribute),
        value=pl.col("value").cast(pl.String()),
    )
    hidden = ["n_theme", "share", "lift", "sentiment", "share_negative"]
    grid = grid.with_columns(*(pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in hidden))
    return conform(grid.sort("theme_id", "value"), "breakdowns")


def _chi2(grid: pl.DataFrame) -> tuple[float | None, float | None]:
    kept = grid.filter(~pl.col("suppressed")).sort("value")  # fixed order: identical floats every run
    if kept.height < 2:
        return None, None
    inside = kept["n_theme"].to_list()
    outside = [g - n for g, n in zip(kept["n_group"], inside, strict=True)]
    if sum(inside) == 0 or sum(outside) == 0:
        return None, None
    result = chi2_contingency([inside, outside], correction=False)
    return float(result.statistic), float(result.pvalue)


def breakdowns(
    assignments: pl.DataFrame, respondents: pl.DataFrame, passages: pl.DataFrame, sentiment: pl.DataFrame
) -> pl.DataFrame:
    """Breakdowns by every respondent attribute (``attr_*``), channel and question.

    ``respondents``: response_id, respondent_id, channel and the ``attr_*`` columns of every
    response with a public passage; ``passages``: passage_id, question; ``sentiment``:
    passage_id, sentiment.
    """
    scored = assignments.join(sentiment, on="passage_id", how="left").join(
        respondents.select("response_id", "respondent_id"), on="response_id"
    )
    scored = scored.sort("respondent_id", "theme_id", "passage_id")
    per_respondent = scored.group_by("respondent_id", "theme_id", maintain_order=True).agg(pl.col("sentiment").mean())
    people = respondents.unique("respondent_id", keep="first", maintain_order=True)
    frames = []
    for column in grouping_columns(respondents):
        if people[column].drop_nulls().n_unique() < 2:
            continue
        units = people.select(unit_id=pl.col("respondent_id"), value=stated(column))
        members = per_respondent.rename({"respondent_id": "unit_id"})
        frames.append(breakdown(units, members, column.removeprefix(ATTRIBUTE_PREFIX)))
    questions = passages.select("passage_id", "question").drop_nulls("question")
    if questions["question"].n_unique() >= 2:
        answered = (
            passages.drop_nulls("question")
            .join(respondents.select("response_id", "respondent_id"), on="response_id")
            .select(unit_id=pl.concat_str("respondent_id", pl.lit("\x1f"), "question"), value=pl.col("question"))
            .unique()
        )
        members = (
            scored.join(questions, on="passage_id")
            .sort("respondent_id", "question", "theme_id", "passage_id")
            .group_by(
                unit_id=pl.concat_str("respondent_id", pl.lit("\x1f"), "question"),
                theme_id=pl.col("theme_id"),
                maintain_order=True,
            )
            .agg(pl.col("sentiment").mean())
        )
        frames.append(breakdown(answered, members, "question"))
    frames = [f for f in frames if not f.is_empty()]
    return pl.concat(frames) if frames else empty("breakdowns")
