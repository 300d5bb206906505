"""Trace: each theme → the options paper → the decision, with the evidence side by side."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.data import selected_run, table, themes_with_status
from dashboard.render import STATUS_COLOURS, STATUS_LABELS, inert

NO_OPTION = "No option addresses it"


def option_name(heading: str | None) -> str:
    """The innermost heading of an options passage, e.g. 'Option 2: Active travel corridors'."""
    return heading.split(" > ")[-1] if heading else NO_OPTION


def sankey(themes: pl.DataFrame, best_option: pl.DataFrame) -> go.Figure:
    """Theme → best-linked option → status, flows weighted by respondents."""
    rows = themes.join(best_option, on="theme_id", how="left").with_columns(
        option=pl.col("heading").map_elements(option_name, return_dtype=pl.String()).fill_null(NO_OPTION)
    )
    labels = [f"{r['theme_id']} {r['label']}" for r in rows.iter_rows(named=True)]
    options = rows["option"].unique(maintain_order=True).to_list()
    statuses = list(STATUS_LABELS)
    nodes = labels + options + [STATUS_LABELS[s] for s in statuses]
    source, target, value, colour = [], [], [], []
    for i, r in enumerate(rows.iter_rows(named=True)):
        o = len(labels) + options.index(r["option"])
        s = len(labels) + len(options) + statuses.index(r["status"])
        source += [i, o]
        target += [o, s]
        value += [r["n_respondents"], r["n_respondents"]]
        colour += [STATUS_COLOURS[r["status"]] + "66"] * 2
    node_colours = ["#999999"] * (len(labels) + len(options)) + [STATUS_COLOURS[s] for s in statuses]
    figure = go.Figure(
        go.Sankey(
            node={"label": nodes, "pad": 12, "color": node_colours},
            link={"source": source, "target": target, "value": value, "color": colour},
        )
    )
    figure.update_layout(height=max(420, 28 * len(labels)), margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


def best_links(links: pl.DataFrame, stage: str) -> pl.DataFrame:
    """Each theme's highest-scoring link at a stage."""
    return (
        links.filter(pl.col("stage") == stage)
        .sort("score", descending=True)
        .unique("theme_id", keep="first")
        .select("theme_id", "heading", "role", "text", "score")
    )


run = selected_run()
if run is not None:
    st.title("Trace: from the public's themes to the decision")
    themes = themes_with_status(run)
    links = table(run, "links")
    st.plotly_chart(sankey(themes, best_links(links, "options")), width="stretch")
    st.caption(
        "Left: themes (width = respondents). Middle: the option that addresses each theme best. "
        "Right: what the decision did. The table below gives the same information."
    )
    st.dataframe(
        themes.select(
            "theme_id",
            "label",
            "n_respondents",
            pl.col("status").replace(STATUS_LABELS),
            *(
                pl.col(c)
                .map_elements(lambda v: f"{v:.2f}", return_dtype=pl.String(), skip_nulls=True)
                .fill_null("— (below threshold)")
                for c in ("options_score", "decision_score")
            ),
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "theme_id": "Theme",
            "label": "Label",
            "n_respondents": "Respondents",
            "status": "Status",
            "options_score": "Best options link",
            "decision_score": "Best decision link",
        },
    )
    quotes = table(run, "quotes")
    for row in themes.iter_rows(named=True):
        status = row["status"]
        with st.expander(f"{row['theme_id']} · {row['label']} — {STATUS_LABELS[status]}"):
            st.markdown(f"**Status:** {STATUS_LABELS[status]} — {inert(row['reason'])}")
            public, option, decision = st.columns(3)
            public.markdown("**What people said**")
            for quote in (
                quotes.filter(pl.col("theme_id") == row["theme_id"]).sort("rank").head(3).iter_rows(named=True)
            ):
                public.markdown(f"> {inert(quote['text'])}")
            for column, stage, title in ((option, "options", "Options paper"), (decision, "decision", "Decision")):
                column.markdown(f"**{title}**")
                theme_links = links.filter((pl.col("theme_id") == row["theme_id"]) & (pl.col("stage") == stage))
                if theme_links.is_empty():
                    column.caption("Nothing at this stage addresses this theme.")
                for link in theme_links.head(3).iter_rows(named=True):
                    column.markdown(f"> {inert(link['text'])}")
                    column.caption(
                        f"{inert(option_name(link['heading']))} · {link['role']} · similarity {link['score']:.2f}"
                    )
