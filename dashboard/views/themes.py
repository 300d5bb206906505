"""Themes: cards grouped under parent themes, with label, size, sentiment, status, breakdown and quotes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from dashboard.data import (
    manifest,
    public_mode,
    review_store,
    review_view,
    reviewer,
    reviewer_box,
    selected_run,
    table,
    themes_with_status,
)
from dashboard.render import STATUS_LABELS, attribute_label, inert, percent
from pipeline import review
from pipeline.breakdowns import NEGATIVE


def _campaigns(run: str) -> pl.DataFrame:
    return (
        table(run, "assignments")
        .select("theme_id", "response_id")
        .unique()
        .join(table(run, "responses").select("response_id", "campaign_id"), on="response_id")
        .join(table(run, "campaigns").filter(pl.col("kind") == "campaign").select("campaign_id"), on="campaign_id")
        .group_by("theme_id", "campaign_id")
        .len()
    )


def _sentiment(row: dict[str, Any]) -> str:
    if row["sentiment"] is None:
        return ""
    tone = "negative" if row["sentiment"] < NEGATIVE else "positive" if row["sentiment"] > -NEGATIVE else "neutral"
    return f"Tone: {tone} on balance ({percent(row['share_negative'])} of its respondents negative)"


def _breakdown(cells: pl.DataFrame) -> None:
    if cells.is_empty():
        return
    shown = cells.sort("value").select(
        pl.col("value").alias("Group"),
        pl.col("n_group").alias("Respondents"),
        pl.when(pl.col("suppressed"))
        .then(pl.lit("suppressed (fewer than 5 expected)"))
        .otherwise(pl.format("{} ({}%)", pl.col("n_theme"), (pl.col("share") * 100).round(0).cast(pl.Int64)))
        .alias("In this theme"),
        pl.col("lift").round(2).alias("Lift"),
    )
    p_value = cells["p_value"].drop_nulls()
    note = (
        f"Chi-square test across groups: p = {p_value[0]:.3f}"
        + (" (differences unlikely to be chance)" if p_value[0] < 0.05 else " (no clear difference)")
        if len(p_value)
        else "Too few respondents per group for a test."
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(note)


def _edit(run: str, row: dict[str, Any], others: list[str]) -> None:
    """Rename, merge or split a theme (recorded in the review store under the reviewer's name)."""
    theme_id = row["theme_id"]
    with st.popover("Edit theme", icon=":material/edit:"):
        store, view, run_id = review_store(run), review_view(run), Path(run).name
        try:
            label = st.text_input("New name", value=row["label"], key=f"rename|{theme_id}", max_chars=120)
            if st.button("Rename", key=f"do-rename|{theme_id}") and label.strip() != row["label"]:
                review.record_rename(store, view, theme_id, label, reviewer(), run_id)
                st.rerun()
            chosen = st.multiselect("Merge into this theme", others, key=f"merge|{theme_id}")
            if st.button("Merge", key=f"do-merge|{theme_id}", disabled=not chosen):
                review.record_merge(store, view, theme_id, chosen, reviewer(), run_id)
                st.rerun()
            parts = st.number_input("Split into parts", 2, 10, 2, key=f"parts|{theme_id}")
            if st.button("Split by meaning", key=f"do-split|{theme_id}"):
                review.record_split(store, view, theme_id, int(parts), reviewer(), run_id)
                st.rerun()
        except review.ReviewError as exc:
            st.error(str(exc))
        st.caption("Changes are recorded with your name and kept across re-runs; `throughline review log` lists them.")


def _card(
    row: dict[str, Any], quotes: pl.DataFrame, campaigns: pl.DataFrame, cells: pl.DataFrame, run: str, ids: list[str]
) -> None:
    with st.container(border=True):
        head, size = st.columns([4, 1])
        origin = " · from the codebook" if row["origin"] == "codebook" else ""
        head.subheader(f"{row['theme_id']} · {inert(row['label'])}")
        head.caption("Key phrases: " + inert(", ".join(row["keywords"])) + origin)
        size.metric("Respondents", row["n_respondents"], help=f"{percent(row['share'])} of respondents")
        size.caption(STATUS_LABELS.get(row["status"], row["status"] or ""))
        if row["sentiment"] is not None:
            head.caption(_sentiment(row))
        for campaign in campaigns.filter(pl.col("theme_id") == row["theme_id"]).iter_rows(named=True):
            st.info(
                f"Includes a campaign of {campaign['len']} near-identical responses "
                f"({campaign['campaign_id']}, see Overview)."
            )
        for quote in quotes.filter(pl.col("theme_id") == row["theme_id"]).sort("rank").iter_rows(named=True):
            st.markdown(f"> {inert(quote['text'])}  \n> — *{inert(quote['response_id'])}*")
        if not cells.is_empty():
            with st.expander(f"Breakdown by {inert(attribute_label(cells['attribute'][0]))}"):
                _breakdown(cells)
        if not public_mode():
            _edit(run, row, [t for t in ids if t != row["theme_id"]])


run = selected_run()
if run is not None:
    st.title("Themes")
    reviewer_box()
    themes = themes_with_status(run)
    ids = themes["theme_id"].to_list()
    groups = table(run, "theme_groups")
    quotes = table(run, "quotes")
    campaigns = _campaigns(run)
    breakdowns = table(run, "breakdowns")
    info = manifest(run)
    filters, by = st.columns([3, 2])
    query = filters.text_input("Filter themes by word", key="theme_filter", max_chars=100).strip().lower()
    attributes = sorted(set(breakdowns["attribute"].to_list()))
    attribute = (
        by.selectbox("Break down by", attributes, key="breakdown_by", format_func=attribute_label)
        if attributes
        else None
    )
    if query:
        themes = themes.filter(
            pl.col("label").str.to_lowercase().str.contains(query, literal=True)
            | pl.col("keywords").list.join(" ").str.to_lowercase().str.contains(query, literal=True)
        )
    outliers = info.get("themes", {}).get("outliers", {})
    stability = info.get("themes", {}).get("stability", {}).get("mean_ari")
    unthemed = info["counts"].get("responses_unthemed", 0)
    st.caption(
        f"{themes.height} themes. Size counts respondents, not sentences; share is of all respondents whose "
        f"answers were analysed. {unthemed} responses fit no theme"
        + (
            f" (a passage joins its nearest theme when their similarity is at least {outliers['threshold']:.2f})."
            if outliers
            else "."
        )
        + (
            f" Refitting with another random seed reproduces {stability:.0%} of the grouping (adjusted Rand index)."
            if stability is not None
            else ""
        )
    )

    def cells_of(theme_id: str) -> pl.DataFrame:
        """The chosen attribute's breakdown rows of one theme."""
        return breakdowns.filter((pl.col("theme_id") == theme_id) & (pl.col("attribute") == attribute))

    if groups.is_empty():
        for row in themes.iter_rows(named=True):
            _card(row, quotes, campaigns, cells_of(row["theme_id"]), run, ids)
    else:
        for group in groups.iter_rows(named=True):
            members = themes.filter(pl.col("parent_id") == group["parent_id"])
            if members.is_empty():
                continue
            title = (
                f"{group['parent_id']} · {inert(group['label'])} — {group['n_respondents']} respondents "
                f"({percent(group['share'])}), {len(group['theme_ids'])} themes"
            )
            with st.expander(title, expanded=True):
                for row in members.iter_rows(named=True):
                    _card(row, quotes, campaigns, cells_of(row["theme_id"]), run, ids)
