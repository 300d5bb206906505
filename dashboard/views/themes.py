"""Themes (officers): every theme at a glance with its trend, a breakdown heatmap, then theme cards.

Filters by word and by respondent attribute narrow the whole page: counts, shares, trend,
heatmap and quotes are then over the respondents the filters keep.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.data import (
    Filters,
    attribute_values,
    breakdown_cells,
    filter_attributes,
    kept_responses,
    manifest,
    public_mode,
    respondents_kept,
    review_store,
    review_view,
    reviewer,
    reviewer_box,
    selected_run,
    table,
    theme_counts,
    theme_questions,
    theme_trend,
    themes_with_status,
    unthemed_languages,
)
from dashboard.render import STATUS_LABELS, attribute_label, counted, inert, percent
from pipeline import review
from pipeline.breakdowns import NEGATIVE

SUPPRESSED = "–"


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


def _tone(sentiment: float | None) -> str:
    if sentiment is None:
        return ""
    return "negative" if sentiment < NEGATIVE else "positive" if sentiment > -NEGATIVE else "neutral"


def _filters(run: str) -> Filters:
    """Respondent filters by attribute (an empty choice keeps everyone); none in public mode."""
    columns = filter_attributes(run)
    if not columns:
        return ()
    active = [c for c in columns if st.session_state.get(f"only|{c}")]
    with st.expander(
        "Filter respondents" + (f" ({len(active)} active)" if active else ""),
        icon=":material/filter_alt:",
        key="respondent_filters",  # stays open while its label counts the filters
    ):
        boxes = st.columns(3)
        for i, column in enumerate(columns):
            boxes[i % 3].multiselect(
                attribute_label(column),
                attribute_values(run, column),
                key=f"only|{column}",
                placeholder="Everyone",
            )
    return tuple(
        (c, tuple(st.session_state.get(f"only|{c}") or ())) for c in columns if st.session_state.get(f"only|{c}")
    )


def _overview_table(themes: pl.DataFrame, trend: pl.DataFrame, unit: str) -> None:
    """Every theme in one table: size, share, status, tone and its trend as a sparkline."""
    lines = trend.group_by("theme_id", maintain_order=True).agg(pl.col("n").alias("trend"))
    shown = themes.join(lines, on="theme_id", how="left").select(
        pl.concat_str("theme_id", pl.lit(" · "), "label").alias("Theme"),
        pl.col("n").alias("Respondents"),
        (pl.col("share") * 100).alias("Share"),
        pl.col("status").replace_strict(STATUS_LABELS, default=pl.col("status")).alias("Status"),
        pl.col("sentiment").map_elements(_tone, return_dtype=pl.String()).alias("Tone"),
        pl.col("trend").alias("Trend"),
    )
    config: dict[str, Any] = {
        "Share": st.column_config.NumberColumn(format="%.0f%%", help="Share of the respondents shown"),
        "Tone": st.column_config.TextColumn(help="VADER tone on balance: not for or against"),
        "Trend": st.column_config.LineChartColumn(
            f"Respondents per {unit}" if unit else "Trend", y_min=0, help="Over the response period"
        ),
    }
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)


def _trend_table(trend: pl.DataFrame, unit: str, themes: pl.DataFrame) -> None:
    if trend.is_empty():
        st.caption("No submission dates: no trend.")
        return
    wide = trend.with_columns(pl.col("period").cast(pl.String())).pivot(
        "period", index="theme_id", values="n", sort_columns=True
    )
    names = themes.select("theme_id", Theme=pl.concat_str("theme_id", pl.lit(" · "), "label"))
    st.dataframe(
        wide.join(names, on="theme_id", how="left").select("Theme", pl.exclude("Theme", "theme_id")),
        hide_index=True,
        width="stretch",
    )
    st.caption(f"Respondents per {unit} from the date of their submission (the {unit} starting on the date shown).")


def _heatmap(cells: pl.DataFrame, themes: pl.DataFrame, attribute: str) -> None:
    """Theme × group: the share of each group in the theme; suppressed cells marked, with a table alternative."""
    mine = cells.filter(pl.col("attribute") == attribute).join(
        themes.select("theme_id", "label"), on="theme_id", how="inner"
    )
    if mine.is_empty():
        st.caption(
            f"Nothing to compare: the respondents shown do not fall in two or more "
            f"{attribute_label(attribute).lower()} groups."
        )
        return
    order = themes["theme_id"].to_list()
    groups = sorted(set(mine["value"].to_list()))
    by_cell = {(r["theme_id"], r["value"]): r for r in mine.iter_rows(named=True)}
    names = {r["theme_id"]: f"{r['theme_id']} · {r['label'][:40]}" for r in mine.iter_rows(named=True)}
    rows = [t for t in order if t in names]
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for theme in rows:
        zs: list[float | None] = []
        ts: list[str] = []
        hs: list[str] = []
        for group in groups:
            cell = by_cell.get((theme, group))
            if cell is None or cell["suppressed"]:
                zs.append(None)
                ts.append(SUPPRESSED)
                hs.append("suppressed: fewer than 5 respondents expected in or outside the theme")
            else:
                zs.append(round(cell["share"] * 100, 1))
                ts.append(f"{cell['share']:.0%}")
                hs.append(f"{cell['n_theme']} of {cell['n_group']} respondents; lift {cell['lift']:.2f}")
        z.append(zs)
        text.append(ts)
        hover.append(hs)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=groups,
            y=[names[t] for t in rows],
            text=text,
            customdata=hover,
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>",
            colorscale="Viridis",  # perceptually uniform and readable with colour-vision deficiencies
            colorbar={"title": "% of group"},
            xgap=2,
            ygap=2,
            zmin=0,
        )
    )
    figure.update_layout(
        height=120 + 32 * len(rows),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"},
        plot_bgcolor="#e8e8e8",  # suppressed cells show the background: grey, marked –
    )
    st.plotly_chart(figure, width="stretch", key="heatmap")
    st.caption(
        f"Share of each {attribute_label(attribute).lower()} group whose answers fall in the theme. "
        f"{SUPPRESSED} on grey: suppressed, fewer than 5 respondents expected in or outside the theme "
        "(small groups identify people and their shares are noise)."
    )
    with st.expander("Heatmap as a table"):
        tests = mine.group_by("theme_id").agg(pl.col("p_value").first())
        wide = (
            mine.with_columns(
                cell=pl.when(pl.col("suppressed"))
                .then(pl.lit("suppressed"))
                .otherwise(
                    pl.format("{}% ({} of {})", (pl.col("share") * 100).round(0).cast(pl.Int64), "n_theme", "n_group")
                )
            )
            .pivot("value", index="theme_id", values="cell", sort_columns=True)
            .join(tests, on="theme_id")
            .with_columns(
                pl.when(pl.col("p_value").is_null())
                .then(pl.lit("too few to test"))
                .when(pl.col("p_value") < 0.05)
                .then(pl.format("yes (p = {})", pl.col("p_value").round(3)))
                .otherwise(pl.format("no clear difference (p = {})", pl.col("p_value").round(3)))
                .alias("Differs by group? (chi-square)")
            )
            .drop("p_value")
        )
        wide = wide.join(pl.DataFrame({"theme_id": rows}).with_row_index("order"), on="theme_id").sort("order")
        wide = wide.with_columns(pl.col("theme_id").replace_strict(names, default=pl.col("theme_id")))
        st.dataframe(wide.drop("order").rename({"theme_id": "Theme"}), hide_index=True, width="stretch")


def _close_editor() -> None:
    st.session_state.pop("editing", None)


@st.dialog("Edit theme", width="medium", on_dismiss=_close_editor)
def _editor(run: str, row: dict[str, Any], others: list[str]) -> None:
    """Rename, merge or split a theme (recorded in the review store under the reviewer's name)."""
    theme_id = row["theme_id"]
    st.markdown(f"**{theme_id} · {inert(row['label'])}** — {row['n_respondents']} respondents")
    store, view, run_id = review_store(run), review_view(run), Path(run).name
    done = False
    try:
        label = st.text_input("New name", value=row["label"], key=f"rename|{theme_id}", max_chars=120)
        if st.button("Rename", key=f"do-rename|{theme_id}"):
            if not label.strip():
                st.error("A theme needs a name: type one (up to 120 characters).")
            elif label.strip() == row["label"]:
                st.info("That is already the theme's name; nothing was changed.")
            else:
                review.record_rename(store, view, theme_id, label.strip(), reviewer(), run_id)
                done = True
        chosen = st.multiselect("Merge into this theme", others, key=f"merge|{theme_id}")
        if st.button("Merge", key=f"do-merge|{theme_id}", disabled=not chosen):
            review.record_merge(store, view, theme_id, chosen, reviewer(), run_id)
            done = True
        parts = st.number_input("Split into parts", 2, 10, 2, key=f"parts|{theme_id}")
        if st.button("Split by meaning", key=f"do-split|{theme_id}"):
            review.record_split(store, view, theme_id, int(parts), reviewer(), run_id)
            done = True
    except review.ReviewError as exc:
        st.error(str(exc))
    st.caption(f"Recorded as {inert(reviewer())} and kept across re-runs; `throughline review log` lists changes.")
    if done:
        _close_editor()
        st.rerun()


def _card(row: dict[str, Any], quotes: dict[str, pl.DataFrame], campaigns: pl.DataFrame, filtered: bool) -> None:
    with st.container(border=True):
        head, size = st.columns([4, 1])
        origin = f" · from the codebook{row.get('coding') or ''}" if row["origin"] == "codebook" else ""
        head.subheader(f"{row['theme_id']} · {inert(row['label'])}")
        head.caption("Key phrases: " + inert(", ".join(row["keywords"])) + origin)
        if row.get("question"):
            head.caption(f"Answers to: {inert(row['question'])}")
        shown = "respondents shown" if filtered else "respondents"
        size.metric("Respondents", row["n"], help=f"{percent(row['share'])} of {shown}")
        size.caption(STATUS_LABELS.get(row["status"], row["status"] or ""))
        if row["sentiment"] is not None:
            head.caption(
                f"Tone: {_tone(row['sentiment'])} on balance "
                f"({percent(row['share_negative'])} of its respondents negative"
                + (", all respondents)" if filtered else ")")
            )
        for campaign in campaigns.filter(pl.col("theme_id") == row["theme_id"]).iter_rows(named=True):
            st.info(
                f"Includes a campaign of {campaign['len']} near-identical responses "
                f"({campaign['campaign_id']}, see Overview)."
            )
        mine = quotes.get(row["theme_id"], pl.DataFrame())
        if not mine.is_empty():  # one block of quotes: fewer elements, a faster page
            st.markdown(
                "\n\n".join(
                    f"> {inert(q['text'])}  \n> — *{inert(q['response_id'])}*" for q in mine.iter_rows(named=True)
                )
            )
        if filtered and mine.is_empty() and not public_mode():
            st.caption("None of this theme's quotes come from the respondents shown.")
        if not public_mode() and st.button("Edit theme", key=f"edit|{row['theme_id']}", icon=":material/edit:"):
            st.session_state["editing"] = row["theme_id"]


def coding_notes(info: dict[str, Any]) -> dict[str, str]:
    """Code name → how it was assigned and how well cross-validation on its examples says it works."""
    notes = {}
    for fit in info.get("themes", {}).get("coding") or []:
        if fit["method"] == "classifier" and fit.get("precision") is not None:
            notes[fit["name"]] = (
                f" (learnt from {fit['examples']} examples; expected precision {fit['precision']:.0%}, "
                f"recall {fit['recall']:.0%})"
            )
        else:
            notes[fit["name"]] = f" (its description and {fit['examples']} examples)"
    return notes


def _cards(run: str, themes: pl.DataFrame, filters: Filters) -> None:
    """Theme cards under their parent themes (fold a parent to hide its themes)."""
    quotes = table(run, "quotes")
    if filters:
        quotes = quotes.filter(pl.col("response_id").is_in(list(kept_responses(run, filters))))
    quotes_of = {
        str(key[0]): frame for key, frame in quotes.sort("rank").partition_by("theme_id", as_dict=True).items()
    }
    campaigns = _campaigns(run)
    notes = coding_notes(manifest(run))
    themes = themes.with_columns(coding=pl.col("label").replace_strict(notes, default=None, return_dtype=pl.String()))
    groups = table(run, "theme_groups")
    if groups.is_empty():
        for row in themes.iter_rows(named=True):
            _card(row, quotes_of, campaigns, bool(filters))
        return
    for group in groups.iter_rows(named=True):
        members = themes.filter(pl.col("parent_id") == group["parent_id"])
        if members.is_empty():
            continue
        title = (
            f"{group['parent_id']} · {inert(group['label'])} — {group['n_respondents']} respondents"
            + (" in all " if filters else " ")
            + f"({percent(group['share'])}), {len(group['theme_ids'])} themes"
        )
        with st.expander(title, expanded=True):
            for row in members.iter_rows(named=True):
                _card(row, quotes_of, campaigns, bool(filters))


def _breakdown(run: str, themes: pl.DataFrame, filters: Filters) -> None:
    """The heatmap for the chosen attribute; the choice survives visits to the other tabs."""
    attributes = sorted(set(table(run, "breakdowns")["attribute"].to_list()))
    if not attributes:
        st.caption("No respondent attributes to break down by.")
        return
    if "breakdown_by" not in st.session_state and st.session_state.get("_breakdown_by") in attributes:
        st.session_state["breakdown_by"] = st.session_state["_breakdown_by"]
    attribute = st.selectbox("Break down by", attributes, key="breakdown_by", format_func=attribute_label)
    st.session_state["_breakdown_by"] = attribute
    _heatmap(breakdown_cells(run, filters), themes, attribute)


def _caption(run: str, themes: pl.DataFrame, filters: Filters) -> None:
    info = manifest(run)
    outliers = info.get("themes", {}).get("outliers", {})
    fit_check = info.get("themes", {}).get("stability", {})
    stability = fit_check.get("mean_ari")
    deterministic = fit_check.get("method") == "deterministic"
    aside = info["counts"].get("responses_set_aside", 0)
    unthemed = info["counts"].get("responses_unthemed", 0) - aside
    st.caption(
        f"{themes.height} themes. Size counts respondents, not sentences; share is of all respondents whose "
        f"answers were analysed. {unthemed} responses fit no theme"
        + (
            f" (a passage joins its nearest theme when their similarity is at least {outliers['threshold']:.2f})."
            if outliers.get("threshold") is not None  # runs before issue 17
            else " (a passage of a cluster too small to keep joins its nearest theme when their similarity is at "
            f"least {outliers['floor']:.2f}, on vectors centred on the question)."
            if outliers.get("floor") is not None
            else "."
        )
        + (
            f" {aside} responses said nothing to theme (thanks, procedure, 'see attached'…; see the Overview)."
            if aside
            else ""
        )
        + (
            " The grouping has no random state; moving every vector by a millionth reproduces "
            f"{stability:.0%} of it (adjusted Rand index)."
            if stability is not None and deterministic
            else f" Refitting with another random seed reproduces {stability:.0%} of the grouping (adjusted Rand index)."
            if stability is not None
            else ""
        )
        + (
            f" Showing the {respondents_kept(run, filters)} respondents who match the filters: counts, shares, "
            "trend, heatmap and quotes are theirs."
            if filters
            else ""
        )
    )
    other = unthemed_languages(info)
    if other:
        st.warning(
            f"{sum(other.values())} responses are not in these themes because of their language ({counted(other)}). "
            "They are kept and counted on the Overview; to theme them, name a multilingual embedding model "
            "and list analysis.languages in the consultation file."
        )


VIEWS = ("Theme cards", "Breakdown heatmap", "Trend table")
ALL_QUESTIONS = "All questions"
QUESTION_HELP = (
    "Each free-text question has its own themes; parent themes group the themes of different questions "
    "that are the same concern."
)

run = selected_run()
if run is not None:
    st.title("Themes")
    reviewer_box()
    all_themes = themes_with_status(run)
    query = st.text_input("Filter themes by word", key="theme_filter", max_chars=100).strip().lower()
    asked = theme_questions(all_themes)
    question = (
        st.selectbox("Question", [ALL_QUESTIONS, *asked], key="theme_question", help=QUESTION_HELP)
        if asked
        else ALL_QUESTIONS
    )
    filters = _filters(run)
    if filters:
        themes = (
            all_themes.drop("share")
            .join(theme_counts(run, filters), on="theme_id", how="left")
            .with_columns(pl.col("n").fill_null(0), pl.col("share").fill_null(0.0))
            .filter(pl.col("n") > 0)
            .sort(["n", "theme_id"], descending=[True, False])
        )
    else:
        themes = all_themes.with_columns(n=pl.col("n_respondents"))
    if query:
        themes = themes.filter(
            pl.col("label").str.to_lowercase().str.contains(query, literal=True)
            | pl.col("keywords").list.join(" ").str.to_lowercase().str.contains(query, literal=True)
        )
    if question != ALL_QUESTIONS:
        themes = themes.filter(pl.col("question") == question)
    _caption(run, themes, filters)

    trend, unit = theme_trend(run, filters)
    order = pl.DataFrame({"theme_id": themes["theme_id"]}).with_row_index("order")
    trend = trend.join(order, on="theme_id").sort("order", "period").drop("order")
    st.subheader("At a glance")
    _overview_table(themes, trend, unit)

    # only the open tab runs: cards, heatmap and trend each cost a second in the browser
    cards, heatmap, trend_tab = st.tabs(VIEWS, key="themes_view", on_change="rerun")
    if cards.open:
        with cards:
            _cards(run, themes, filters)
    if heatmap.open:
        with heatmap:
            _breakdown(run, themes, filters)
    if trend_tab.open:
        with trend_tab:
            _trend_table(trend, unit, themes)
    editing = st.session_state.get("editing")
    if editing in all_themes["theme_id"].to_list() and not public_mode():
        row = all_themes.filter(pl.col("theme_id") == editing).row(0, named=True)
        _editor(run, row, [t for t in all_themes["theme_id"].to_list() if t != editing])
