"""Trace: each theme → the options paper → the decision, with the evidence side by side.

Officers confirm or reject links here (recorded in the review store with their name); the page,
the statuses and the downloadable "you said, we did" report show the reviewed state. Without a
decision (or without any options or decision) the page says so instead of a responsiveness figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.data import (
    public_mode,
    report_downloads,
    review_store,
    review_view,
    reviewer,
    reviewer_box,
    selected_run,
    table,
    themes_with_status,
    traced_stages,
)
from dashboard.render import STATUS_COLOURS, STATUS_LABELS, inert, percent
from pipeline import review
from pipeline.report import NOT_GIVEN
from pipeline.responsiveness import headline, largest_not_taken_up
from pipeline.trace import counts, trace_gap

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
    statuses = [s for s in STATUS_LABELS if s in set(rows["status"])]
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
    """Each theme's strongest counted link at a stage."""
    return (
        links.filter((pl.col("stage") == stage) & counts())
        .sort(["confidence", "score"], descending=True, nulls_last=True)
        .unique("theme_id", keep="first")
        .select("theme_id", "heading", "role", "text", "score")
    )


def describe(link: dict[str, Any]) -> str:
    """One caption line for a link: where, what it does, how it was found and how strongly."""
    parts = [inert(option_name(link["heading"])), link["role"], link["action"]]
    method = "below the threshold" if link["method"] == "near miss" else link["method"].replace("+", ", ")
    parts.append(f"found by {method}")
    parts.append(f"similarity {link['score']:.2f}")
    if link["carryover_respondents"]:
        parts.append(f"{link['carryover_respondents']} respondents' words reused: “{inert(link['doc_span'])}”")
    if link["reference"]:
        parts.append(f"names {link['reference']}")
    if link["confidence"] is not None:
        parts.append(f"confidence {percent(link['confidence'])}")
    return " · ".join(parts)


def record(run: str, theme_id: str, passage_id: str, verdict: str) -> None:
    """Store a link review under the reviewer's name."""
    review.record_link(review_store(run), review_view(run), theme_id, passage_id, verdict, reviewer(), Path(run).name)


def review_buttons(column: Any, run: str, link: dict[str, Any]) -> None:
    """Confirm/reject buttons for a link, or its review state with an undo."""
    key = f"{link['theme_id']}|{link['passage_id']}"
    if public_mode():
        return
    if link["review"]:
        column.caption(f"Link {link['review']} by a reviewer.")
        return
    confirm, reject = column.columns(2)
    if confirm.button("Confirm", key=f"confirm|{key}", help="Record that this passage addresses the theme"):
        record(run, link["theme_id"], link["passage_id"], "confirmed")
        st.rerun()
    if link["linked"] and reject.button("Reject", key=f"reject|{key}", help="Record that it does not"):
        record(run, link["theme_id"], link["passage_id"], "rejected")
        st.rerun()


run = selected_run()
if run is not None:
    st.title("Trace: from the public's themes to the decision")
    reviewer_box()
    themes = themes_with_status(run).sort(["n_respondents", "theme_id"], descending=[True, False])
    links = table(run, "links")
    stages = traced_stages(run)
    gap = trace_gap(stages)
    if gap:
        st.info(gap, icon=":material/info:")
    else:
        fate = headline(table(run, "responsiveness"))
        left, right = st.columns([1, 2])
        left.metric("Responsiveness", percent(fate["share_reached"]), help=fate["definition"])
        left.caption(f"{fate['n_reached']} of {fate['n_respondents']} respondents with a theme.")
        dropped = largest_not_taken_up(table(run, "themes"), table(run, "theme_status"))
        right.markdown("**Largest themes not taken up**")
        for row in dropped.iter_rows(named=True):
            right.markdown(f"- {inert(row['label'])}: {row['n_respondents']} respondents ({percent(row['share'])})")
        if dropped.is_empty():
            right.caption("None: every theme reached the options or the decision.")
    report_downloads(run)
    if "options" in stages:
        st.plotly_chart(sankey(themes, best_links(links, "options")), width="stretch")
        st.caption(
            "Left: themes (width = respondents). Middle: the option that addresses each theme best. "
            + ("Right: no decision was given, so no outcome. " if gap else "Right: what the decision did. ")
            + "The table below gives the same information."
        )
    st.dataframe(
        themes.select(
            "theme_id",
            "label",
            "n_respondents",
            pl.col("status").replace(STATUS_LABELS),
            "confidence",
            "stance",
            *(
                pl.col(c).map_elements(lambda v: f"{v:.2f}", return_dtype=pl.String(), skip_nulls=True).fill_null("—")
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
            "confidence": st.column_config.NumberColumn("Confidence", format="percent"),
            "stance": "What it asks",
            "options_score": "Best options link",
            "decision_score": "Decision link",
        },
    )
    orphaned = table(run, "_orphaned")["review_id"].to_list()
    if orphaned:
        st.warning(f"Reviews that match no theme of this run (the theme changed too much): {orphaned}")
    quotes = table(run, "quotes")
    for row in themes.iter_rows(named=True):
        status = row["status"]
        with st.expander(f"{row['theme_id']} · {row['label']} — {STATUS_LABELS[status]}"):
            sure = "" if row["confidence"] is None else f" (confidence {percent(row['confidence'])})"
            st.markdown(f"**{STATUS_LABELS[status]}**{sure} — {inert(row['reason'])}")
            public, option, decision = st.columns(3)
            public.markdown("**What people said**")
            for quote in (
                quotes.filter(pl.col("theme_id") == row["theme_id"]).sort("rank").head(3).iter_rows(named=True)
            ):
                public.markdown(f"> {inert(quote['text'])}")
                public.caption(inert(quote["response_id"]))
            for column, stage, title in ((option, "options", "Options paper"), (decision, "decision", "Decision")):
                column.markdown(f"**{title}**")
                mine = links.filter((pl.col("theme_id") == row["theme_id"]) & (pl.col("stage") == stage))
                counted = mine.filter(pl.col("linked") | pl.col("review").is_not_null())
                if stage not in stages:
                    column.caption(NOT_GIVEN[stage])
                elif counted.is_empty():
                    column.caption("Nothing at this stage addresses this theme.")
                for link in counted.iter_rows(named=True):
                    column.markdown(f"> {inert(link['text'])}")
                    column.caption(describe(link))
                    if link["evidence_text"]:
                        column.caption(f"Closest public passage: “{inert(link['evidence_text'])}”")
                    review_buttons(column, run, link)
                near = mine.filter(~pl.col("linked") & pl.col("review").is_null())
                if not near.is_empty():
                    column.markdown("*Possible links, below the threshold*")
                    for link in near.iter_rows(named=True):
                        column.markdown(f"> {inert(link['text'])}")
                        column.caption(describe(link))
                        review_buttons(column, run, link)
