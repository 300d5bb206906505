"""One row per option for people to read: the option, who addressed it, the outcome and the reason."""

from __future__ import annotations

import polars as pl

from pipeline.schema import respondent_of
from pipeline.trace.signals import opposes_change


def option_rows(
    options: pl.DataFrame,
    outcomes: pl.DataFrame,
    addressed: pl.DataFrame,
    responses: pl.DataFrame,
    theme_options: pl.DataFrame,
) -> pl.DataFrame:
    """Options with their outcome, deciding passage, reason, respondents addressing them and how many opposed.

    Respondents are counted once per option (a respondent's several responses are one person);
    ``share`` is of every respondent. ``n_opposing`` counts respondents against it: their answer to
    a closed question about it, else an evidence passage arguing against a change; ``n_supporting``
    those for it in a closed question; ``methods`` lists "method:count" of the links.
    ``respondents_any`` is the number who addressed at least one option.
    """
    person = respondent_of(responses)
    everyone = max(1, len(set(person.values())))
    rows = []
    reached: set[str] = set()
    outcome_of = {r["option_id"]: r for r in outcomes.iter_rows(named=True)}
    for option in options.iter_rows(named=True):
        mine = addressed.filter(pl.col("option_id") == option["option_id"])
        people = {person.get(r, r) for r in mine["response_id"]}
        reached |= people
        said = mine.get_column("stance") if "stance" in mine.columns else pl.Series([None] * mine.height)
        opposing = {
            person.get(r, r)
            for r, text, stance in zip(mine["response_id"], mine["evidence"], said, strict=True)
            if stance == "against" or (stance is None and text and opposes_change(text))
        }
        supporting = {person.get(r, r) for r, stance in zip(mine["response_id"], said, strict=True) if stance == "for"}
        fate = outcome_of.get(option["option_id"], {})
        rows.append(
            {
                "option_id": option["option_id"],
                "title": option["title"],
                "text": option["text"] or "",
                "outcome": fate.get("outcome") or "not mentioned",
                "outcome_method": fate.get("method"),
                "evidence": fate.get("evidence"),
                "reason": fate.get("reason"),
                "n_respondents": len(people),
                "share": len(people) / everyone,
                "n_opposing": len(opposing),
                "n_supporting": len(supporting),
                "methods": [f"{m}:{n}" for m, n in mine.group_by("method").len().sort("method").iter_rows()],
                "n_themes": theme_options.filter(pl.col("option_id") == option["option_id"]).height,
            }
        )
    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
    return frame.with_columns(respondents_any=pl.lit(len(reached))) if rows else frame


def response_trail(
    response_id: str, addressed: pl.DataFrame, options: pl.DataFrame, outcomes: pl.DataFrame
) -> list[dict[str, str | None]]:
    """What became of one response: each option it addressed, how that was found, the outcome and the reason."""
    titles = dict(options.select("option_id", "title").iter_rows()) if options.height else {}
    fates = {r["option_id"]: r for r in outcomes.iter_rows(named=True)}
    out = []
    for row in addressed.filter(pl.col("response_id") == response_id).sort("option_id").iter_rows(named=True):
        fate = fates.get(row["option_id"], {})
        out.append(
            {
                "option": f"{row['option_id']}: {titles.get(row['option_id'], '')}",
                "method": row["method"],
                "evidence": row["evidence"],
                "outcome": fate.get("outcome") or "not mentioned",
                "reason": fate.get("reason"),
            }
        )
    return out
