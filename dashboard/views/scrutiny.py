"""Scrutiny: was the decision responsive? A scorecard for committee members.

Themes ranked by how many people raised them against what happened to them, the largest themes
not taken up, responsiveness by respondent group, and the "you said, we did" report. Without a
decision there is nothing to score: the page says why, and shows the themes by size alone.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.data import report_downloads, selected_run, table, traced_stages
from dashboard.render import STATUS_COLOURS, STATUS_LABELS, attribute_label, inert, percent
from pipeline.responsiveness import MIN_GROUP, fates, headline, largest_not_taken_up
from pipeline.trace import status_counts, trace_gap


def scorecard_chart(ranked: pl.DataFrame) -> go.Figure:
    """Horizontal bars: respondents per theme, coloured by fate (largest at the top)."""
    figure = go.Figure()
    for status, label in STATUS_LABELS.items():
        rows = ranked.filter(pl.col("status") == status)
        if rows.is_empty():
            continue
        figure.add_bar(
            y=[f"{t} {lab}" for t, lab in zip(rows["theme_id"], rows["label"], strict=True)],
            x=rows["n_respondents"].to_list(),
            orientation="h",
            name=label,
            marker_color=STATUS_COLOURS[status],
        )
    order = [f"{t} {lab}" for t, lab in zip(ranked["theme_id"], ranked["label"], strict=True)]
    figure.update_layout(
        barmode="stack",
        height=max(300, 30 * ranked.height),
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(order))},
        xaxis_title="Respondents",
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02},  # above the bars, clear of the axis title
    )
    return figure


run = selected_run()
if run is not None:
    st.title("Scrutiny: was the decision responsive?")
    themes, status = table(run, "themes"), table(run, "theme_status")
    responsiveness = table(run, "responsiveness")
    fate = headline(responsiveness)
    ranked = fates(themes, status)
    counts = status_counts(ranked)
    gap = trace_gap(traced_stages(run))
    if gap:
        st.info(gap, icon=":material/info:")
    cols = st.columns(len(counts) + (0 if gap else 1))
    if not gap:
        cols[0].metric("Responsiveness", percent(fate["share_reached"]), help=fate["definition"])
    for col, (key, n) in zip(cols[len(cols) - len(counts) :], counts.items(), strict=True):
        col.metric(STATUS_LABELS[key], n)
    if not gap:
        st.caption(f"{fate['definition']} {fate['n_reached']} of {fate['n_respondents']} respondents. Reviews applied.")
    report_downloads(run)

    if not gap:
        st.subheader("Largest themes not taken up")
        dropped = largest_not_taken_up(themes, status)
        if dropped.is_empty():
            st.success("Every theme reached the options or the decision.")
        for row in dropped.iter_rows(named=True):
            st.markdown(f"- **{inert(row['label'])}** — {row['n_respondents']} respondents ({percent(row['share'])})")

    st.subheader("Scorecard: public weight against fate")
    st.plotly_chart(scorecard_chart(ranked), width="stretch")
    st.dataframe(
        ranked.select("theme_id", "label", "n_respondents", "share", "fate", "confidence", "reason"),
        hide_index=True,
        width="stretch",
        column_config={
            "theme_id": "Theme",
            "label": "Label",
            "n_respondents": "Respondents",
            "share": st.column_config.NumberColumn("Share", format="percent"),
            "fate": "What happened",
            "confidence": st.column_config.NumberColumn("Confidence", format="percent"),
            "reason": "Why",
        },
    )

    st.subheader("Responsiveness by group")
    groups = responsiveness.filter(pl.col("attribute") != "all")
    if gap:
        st.caption(f"Not computed: {gap}")
    elif groups.is_empty():
        st.caption("No respondent attributes with two or more groups to compare.")
    else:
        attributes = groups["attribute"].unique(maintain_order=True).to_list()
        chosen = st.selectbox("Group respondents by", attributes, format_func=attribute_label, key="scrutiny_attr")
        shown = groups.filter(pl.col("attribute") == chosen)
        visible = shown.filter(~pl.col("suppressed"))
        figure = go.Figure(
            go.Bar(
                x=visible["value"].to_list(),
                y=visible["share_reached"].to_list(),
                marker_color=STATUS_COLOURS["adopted"],
                text=[percent(v) for v in visible["share_reached"]],
            )
        )
        figure.add_hline(y=fate["share_reached"] or 0, line_dash="dot", annotation_text="all respondents")
        figure.update_layout(height=320, yaxis={"tickformat": ".0%", "range": [0, 1]}, margin={"t": 10, "b": 10})
        st.plotly_chart(figure, width="stretch")
        st.dataframe(
            shown.select("value", "n_respondents", "n_reached", "share_reached", "n_not_taken_up", "suppressed"),
            hide_index=True,
            width="stretch",
            column_config={
                "value": attribute_label(chosen),
                "n_respondents": "Respondents with a theme",
                "n_reached": "Raised something adopted",
                "share_reached": st.column_config.NumberColumn("Share", format="percent"),
                "n_not_taken_up": "All their themes not taken up",
                "suppressed": f"Suppressed (under {MIN_GROUP})",
            },
        )
