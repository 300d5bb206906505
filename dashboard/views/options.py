"""Options: each option of the options paper — who addressed it, what they said, what was decided and why.

Read option by option, as a committee reads an options paper: how many respondents addressed the
option (and how: a column naming it, a mention, words specific to it, or meaning), how many of
them argued against it, what the decision did with it and the reason given. The heatmap shows
which themes speak to which options.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.data import (
    option_summary,
    public_mode,
    review_store,
    review_view,
    reviewer,
    reviewer_box,
    selected_run,
    table,
)
from dashboard.render import inert, percent
from pipeline import review
from pipeline.trace.outcomes import OUTCOMES

OUTCOME_LABELS = {
    "approved": "Approved",
    "approved with changes": "Approved with changes",
    "rejected": "Rejected",
    "deferred": "Deferred",
    "not mentioned": "Not mentioned in the decision",
}
METHOD_WORDS = {
    "review": "confirmed by an officer",
    "column": "named in its own column",
    "question": "answered a closed question about it",
    "mention": "named in the text",
    "words": "words specific to the option",
    "meaning": "close in meaning",
}


def heatmap(themes: pl.DataFrame, options: pl.DataFrame, shares: pl.DataFrame) -> go.Figure:
    """Theme × option: the share of each theme's respondents who addressed each option."""
    theme_ids = themes["theme_id"].to_list()
    option_ids = options["option_id"].to_list()
    cell = {(t, o): s for t, o, s in shares.select("theme_id", "option_id", "share").iter_rows()}
    z = [[cell.get((t, o), 0.0) for o in option_ids] for t in theme_ids]
    label = dict(zip(themes["theme_id"], themes["label"], strict=True))
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{o} {t}"[:40] for o, t in zip(option_ids, options["title"], strict=True)],
            y=[f"{t} {label[t]}"[:40] for t in theme_ids],
            colorscale="Blues",
            zmin=0,
            zmax=max(0.01, max((max(r) for r in z), default=0.01)),
            colorbar={"title": "Share", "tickformat": ".0%"},
            hovertemplate="%{y}<br>%{x}<br>%{z:.0%} of the theme's respondents<extra></extra>",
        )
    )
    figure.update_layout(height=max(360, 24 * len(theme_ids)), margin={"l": 10, "r": 10, "t": 10, "b": 10})
    figure.update_yaxes(autorange="reversed")
    return figure


def correct_outcome(run: str, row: dict[str, object]) -> None:
    """A form to correct what the decision did with an option (recorded under the reviewer's name)."""
    with st.form(key=f"outcome|{row['option_id']}"):
        st.markdown("**Correct the decision's outcome**")
        current = str(row["outcome"])
        choices: list[str] = list(OUTCOMES)
        outcome: str = (
            st.selectbox(
                "Outcome",
                choices,
                index=choices.index(current) if current in choices else 0,
                format_func=lambda o: OUTCOME_LABELS.get(o, o),
            )
            or current
        )
        reason = st.text_input("Reason the decision gives", value=str(row["reason"] or ""))
        if st.form_submit_button("Record"):
            review.record_outcome(
                review_store(run), review_view(run), str(row["option_id"]), outcome, reason, reviewer(), Path(run).name
            )
            st.rerun()


def correct_option(run: str, row: dict[str, object], linked: list[str]) -> None:
    """Forms to correct the options list (rename, remove) and a response's link to this option."""
    option_id, name = str(row["option_id"]), Path(run).name
    with st.form(key=f"option|{option_id}"):
        st.markdown("**Correct the options list**")
        title = st.text_input("Title", value=str(row["title"]), key=f"option-title|{option_id}")
        remove = st.checkbox("This is not an option: remove it and every link to it", key=f"option-remove|{option_id}")
        if st.form_submit_button("Record", key=f"do-option|{option_id}"):
            changed = title.strip() != str(row["title"])
            if remove or changed:
                store, view = review_store(run), review_view(run)
                new_title = None if remove else title
                review.record_option(store, view, option_id, reviewer(), name, title=new_title, remove=remove)
                st.rerun()
    with st.form(key=f"attribution|{option_id}"):
        st.markdown("**Does a response address this option?**")
        response = st.text_input(
            "Response id", placeholder=linked[0] if linked else "", key=f"attribution-response|{option_id}"
        )
        verdict = st.radio(
            "It",
            ["confirmed", "rejected"],
            horizontal=True,
            format_func=_verdict_words,
            key=f"attribution-verdict|{option_id}",
        )
        if st.form_submit_button("Record", key=f"do-attribution|{option_id}") and response.strip():
            try:
                review.record_attribution(
                    review_store(run), review_view(run), response.strip(), option_id, str(verdict), reviewer(), name
                )
            except review.ReviewError as error:
                st.error(str(error))
            else:
                st.rerun()


def _verdict_words(verdict: object) -> str:
    return "addresses it" if verdict == "confirmed" else "does not address it"


run = selected_run()
if run is not None:
    st.title("Options: who addressed each option, and what was decided")
    reviewer_box()
    options = table(run, "options")
    if options.is_empty():
        st.info(
            "No options were found: no document at the options stage, or none that lists its options as "
            "numbered or headed items (Option 1 …, Project 12 …) or headed sections.",
            icon=":material/info:",
        )
        st.stop()
    rows = option_summary(run)
    decided = rows.filter(pl.col("outcome") != "not mentioned").height
    left, middle, right = st.columns(3)
    left.metric("Options", options.height)
    middle.metric("With an outcome in the decision", decided)
    right.metric("Respondents addressing an option", rows["respondents_any"][0])
    st.dataframe(
        rows.select(
            "option_id",
            "title",
            pl.col("outcome").replace(OUTCOME_LABELS),
            "n_respondents",
            "share",
            "n_supporting",
            "n_opposing",
            "reason",
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "option_id": "Option",
            "title": "Title",
            "outcome": "Decision",
            "n_respondents": "Respondents addressing it",
            "share": st.column_config.NumberColumn("Share of respondents", format="percent"),
            "n_supporting": "Of whom for it (closed question)",
            "n_opposing": "Of whom against",
            "reason": "Reason given",
        },
    )
    themes = table(run, "themes").sort(["n_respondents", "theme_id"], descending=[True, False])
    shares = table(run, "theme_options")
    if not shares.is_empty():
        st.subheader("Which themes speak to which options")
        st.plotly_chart(heatmap(themes, options, shares), width="stretch")
        st.caption("Share of each theme's respondents whose passages in the theme address the option.")
    addressed = table(run, "response_options")
    for row in rows.iter_rows(named=True):
        outcome = OUTCOME_LABELS.get(row["outcome"], row["outcome"])
        with st.expander(f"{row['option_id']} · {row['title']} — {outcome}"):
            st.markdown(f"**The option.** {inert(row['text'][:600])}{'…' if len(row['text']) > 600 else ''}")
            if row["evidence"]:
                found = METHOD_WORDS.get(row["outcome_method"] or "", row["outcome_method"] or "")
                st.markdown(f"**The decision: {outcome}** ({found})")
                st.markdown(f"> {inert(row['evidence'])}")
                if row["reason"]:
                    st.markdown(f"**Reason given:** {inert(row['reason'])}")
            else:
                st.caption("No passage of the decision documents addresses this option.")
            st.markdown(
                f"**What people said**: {row['n_respondents']} respondents ({percent(row['share'])}) addressed it"
                + (f"; {row['n_supporting']} said they support it" if row["n_supporting"] else "")
                + (f"; {row['n_opposing']} argued against it." if row["n_opposing"] else ".")
            )
            how = [item.split(":") for item in row["methods"] or []]
            if how:
                st.caption("Found by " + " · ".join(f"{METHOD_WORDS.get(m, m)}: {n}" for m, n in how))
            if not public_mode():
                mine = addressed.filter(pl.col("option_id") == row["option_id"]).sort(
                    ["method", "score"], descending=[False, True]
                )
                for said in mine.filter(pl.col("passage_id").is_not_null()).head(4).iter_rows(named=True):
                    st.markdown(f"> {inert(said['evidence'])}")
                    st.caption(f"{inert(said['response_id'])} · {METHOD_WORDS.get(said['method'], said['method'])}")
                correct_outcome(run, row)
                correct_option(run, row, mine["response_id"].unique().sort().to_list())
