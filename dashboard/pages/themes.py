"""Themes: one card per theme with label, keywords, size, share, status and verbatim quotes."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.data import selected_run, table, themes_with_status
from dashboard.render import STATUS_LABELS, inert, percent

run = selected_run()
if run is not None:
    st.title("Themes")
    themes = themes_with_status(run)
    quotes = table(run, "quotes")
    in_campaigns = (
        table(run, "assignments")
        .select("theme_id", "response_id")
        .unique()
        .join(table(run, "responses").select("response_id", "campaign_id"), on="response_id")
        .join(table(run, "campaigns").filter(pl.col("kind") == "campaign").select("campaign_id"), on="campaign_id")
        .group_by("theme_id", "campaign_id")
        .len()
    )
    query = st.text_input("Filter themes by word", key="theme_filter", max_chars=100).strip().lower()
    if query:
        themes = themes.filter(
            pl.col("label").str.to_lowercase().str.contains(query, literal=True)
            | pl.col("keywords").list.join(" ").str.to_lowercase().str.contains(query, literal=True)
        )
    st.caption(
        f"{themes.height} themes. Size counts respondents, not sentences; share is of all respondents "
        "whose answers were analysed."
    )
    for row in themes.iter_rows(named=True):
        with st.container(border=True):
            head, size = st.columns([4, 1])
            head.subheader(f"{row['theme_id']} · {inert(row['label'])}")
            head.caption("Keywords: " + inert(", ".join(row["keywords"])))
            size.metric("Respondents", row["n_respondents"], help=f"{percent(row['share'])} of respondents")
            size.caption(STATUS_LABELS.get(row["status"], row["status"] or ""))
            for campaign in in_campaigns.filter(pl.col("theme_id") == row["theme_id"]).iter_rows(named=True):
                st.info(
                    f"Includes a campaign of {campaign['len']} near-identical responses "
                    f"({campaign['campaign_id']}, see Overview)."
                )
            for quote in quotes.filter(pl.col("theme_id") == row["theme_id"]).sort("rank").iter_rows(named=True):
                st.markdown(f"> {inert(quote['text'])}  \n> — *{inert(quote['response_id'])}*")
