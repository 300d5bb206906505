"""Score a run against an answer key of planted themes (the bundled sample has one).

Key (TOML): ``[themes.<name>]`` with ``status`` and ``responses`` (some of its response ids).
A planted theme is *found* when one discovered theme holds at least ``min_overlap`` of its key
responses; its status *matches* when that theme's status equals the key's.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl

MIN_OVERLAP = 0.5


def load_key(path: Path) -> pl.DataFrame:
    """planted, label, status, response_id — one row per key response."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))["themes"]
    return pl.DataFrame(
        [
            {"planted": name, "label": spec.get("label", name), "expected_status": spec["status"], "response_id": rid}
            for name, spec in raw.items()
            for rid in spec["responses"]
        ]
    )


def score_against_key(
    key: pl.DataFrame, assignments: pl.DataFrame, theme_status: pl.DataFrame, min_overlap: float = MIN_OVERLAP
) -> pl.DataFrame:
    """Per planted theme: best discovered theme, overlap, found, status and whether it matches."""
    per_theme = (
        key.join(assignments.select("response_id", "theme_id").unique(), on="response_id", how="left")
        .group_by("planted", "theme_id")
        .agg(pl.len().alias("hits"))
    )
    sizes = key.group_by("planted", "label", "expected_status").agg(pl.len().alias("key_size"))
    best = (
        per_theme.drop_nulls("theme_id")
        .sort(["planted", "hits", "theme_id"], descending=[False, True, False])
        .unique("planted", keep="first")
    )
    return (
        sizes.join(best, on="planted", how="left")
        .join(theme_status.select("theme_id", "status"), on="theme_id", how="left")
        .with_columns(overlap=(pl.col("hits").fill_null(0) / pl.col("key_size")).round(3))
        .with_columns(found=pl.col("overlap") >= min_overlap)
        .with_columns(status_matches=pl.col("found") & (pl.col("status") == pl.col("expected_status")))
        .select("planted", "label", "theme_id", "overlap", "found", "expected_status", "status", "status_matches")
        .sort("planted")
    )
