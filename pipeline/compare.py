"""Compare two runs of a consultation: new responses, and what happened to each theme.

Themes are matched by who is in them (Jaccard overlap of member passages ≥ ``SAME_THEME``, as
reviews are), not by id, since a re-run renumbers themes. Each theme of either run is
``appeared``, ``gone``, ``grew``, ``shrank`` or ``same`` size, with its status before and after.
"""

from __future__ import annotations

import polars as pl

from pipeline.overlap import jaccard
from pipeline.review import SAME_THEME

CHANGE_MIN = 0.1  # a size change under 10% of the earlier size counts as the same


def matched_themes(before: pl.DataFrame, after: pl.DataFrame) -> dict[str, str]:
    """Earlier theme id → later theme id, greedily by best member overlap (≥ ``SAME_THEME``)."""
    a = before.group_by("theme_id").agg(pl.col("passage_id").unique())
    b = after.group_by("theme_id").agg(pl.col("passage_id").unique())
    pairs = []
    for ta, ma in a.iter_rows():
        for tb, mb in b.iter_rows():
            overlap = jaccard(set(ma), set(mb))
            if overlap >= SAME_THEME:
                pairs.append((overlap, ta, tb))
    chosen: dict[str, str] = {}
    for _, ta, tb in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if ta not in chosen and tb not in chosen.values():
            chosen[ta] = tb
    return chosen


def compare_runs(
    before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]
) -> tuple[dict[str, int], pl.DataFrame]:
    """Counts (responses before/after/new/removed) and one row per theme with its change."""
    ids_a = set(before["responses"]["response_id"].to_list())
    ids_b = set(after["responses"]["response_id"].to_list())
    counts = {
        "responses_before": len(ids_a),
        "responses_after": len(ids_b),
        "new_responses": len(ids_b - ids_a),
        "removed_responses": len(ids_a - ids_b),
    }
    pairs = matched_themes(before["assignments"], after["assignments"])

    def described(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
        return (
            tables["themes"]
            .select("theme_id", "label", "n_respondents")
            .join(tables["theme_status"].select("theme_id", "status"), on="theme_id", how="left")
        )

    a, b = described(before), described(after)
    rows = []
    for row in a.iter_rows(named=True):
        later = pairs.get(row["theme_id"])
        match = b.filter(pl.col("theme_id") == later).row(0, named=True) if later else None
        rows.append(_row(row, match))
    for row in b.filter(~pl.col("theme_id").is_in(list(pairs.values()))).iter_rows(named=True):
        rows.append(_row(None, row))
    schema = {
        "change": pl.String(),
        "theme_before": pl.String(),
        "theme_after": pl.String(),
        "label": pl.String(),
        "respondents_before": pl.Int64(),
        "respondents_after": pl.Int64(),
        "status_before": pl.String(),
        "status_after": pl.String(),
        "status_changed": pl.Boolean(),
    }
    return counts, pl.DataFrame(rows, schema=schema).sort(["change", "label"])


def _row(a: dict[str, object] | None, b: dict[str, object] | None) -> dict[str, object]:
    if a is None or b is None:
        change = "appeared" if a is None else "gone"
    else:
        n_a, n_b = int(a["n_respondents"]), int(b["n_respondents"])  # type: ignore[call-overload]
        change = "same" if abs(n_b - n_a) < CHANGE_MIN * max(n_a, 1) else "grew" if n_b > n_a else "shrank"
    return {
        "change": change,
        "theme_before": a["theme_id"] if a else None,
        "theme_after": b["theme_id"] if b else None,
        "label": (b or a or {}).get("label"),
        "respondents_before": a["n_respondents"] if a else None,
        "respondents_after": b["n_respondents"] if b else None,
        "status_before": a["status"] if a else None,
        "status_after": b["status"] if b else None,
        "status_changed": bool(a and b and a["status"] != b["status"]),
    }
