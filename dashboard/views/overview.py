"""Overview: what was analysed, the row accounting, languages, statuses and the top themes."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.data import (
    manifest,
    response_period,
    selected_run,
    set_aside_passages,
    table,
    themes_with_status,
    traced_stages,
    unthemed_languages,
)
from dashboard.render import STATUS_LABELS, counted, inert, percent
from pipeline.responsiveness import headline
from pipeline.trace import status_counts, trace_gap

run = selected_run()
if run is not None:
    info = manifest(run)
    st.title(info["consultation"]["title"])
    first, last = response_period(run)
    period = f" · responses submitted {first} to {last}" if first else ""
    st.caption(
        f"Run {info['run_id']} · analysed {info['created_at']} · stages: {', '.join(info['consultation']['stages'])}"
        + period
    )

    acc = info["accounting"]["total"]
    cols = st.columns(5)
    cols[0].metric("Rows read", acc["rows_read"])
    cols[1].metric("Analysed", acc["rows_analysed"])
    cols[2].metric("Rejected", acc["rows_rejected"])
    cols[3].metric("Merged", acc["rows_merged"])
    cols[4].metric("Themes", info["counts"]["themes"])
    if not info["accounting"]["reconciles"]:
        st.error("Row counts do not reconcile: read ≠ analysed + rejected + merged.")

    st.subheader("Sources")
    sources = table(run, "sources")
    st.dataframe(
        sources.select(
            pl.col("path").str.split("/").list.last().alias("file"),
            "kind",
            "stage",
            "format",
            pl.col("rows_read").alias("read"),
            pl.col("rows_analysed").alias("analysed"),
            pl.col("rows_rejected").alias("rejected"),
            pl.col("rows_merged").alias("merged"),
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Every row read is analysed, rejected with a reason, or merged (a transcript cue continuing the same "
        "speaker's turn; a repeated proposal row). Rejected rows are listed below."
    )
    for source_id, notes in info.get("notes", {}).items():
        with st.expander(f"Notes on {source_id} ({len(notes)})"):
            st.text("\n".join(notes))

    redactions = info.get("redactions", {})
    if info.get("privacy", {}).get("redacted"):
        found = ", ".join(f"{k.replace('_', ' ').lower()}: {v}" for k, v in redactions.items()) or "none found"
        st.caption(
            f"Personal data redacted before analysis ({found}). Public speakers are shown as "
            "'Member of the public N'; officials and public documents are not redacted."
        )
    else:
        st.warning("Personal-data redaction is switched off for this consultation ([privacy] redact = false).")

    campaign_table = table(run, "campaigns")
    if not campaign_table.is_empty():
        st.subheader("Campaigns and duplicates")
        st.caption(
            "Near-identical responses (word 3-shingle Jaccard ≥ threshold) are grouped; themes are fitted "
            "on one representative of each group and every member is counted."
        )
        st.dataframe(
            campaign_table.select(
                "campaign_id",
                "kind",
                "n_members",
                "represented",
                "first_seen",
                "last_seen",
                pl.col("canonical_text").str.slice(0, 160).alias("text (first 160 characters)"),
            ),
            hide_index=True,
            width="stretch",
        )

    st.subheader("Where the public's themes went")
    fate = headline(table(run, "responsiveness"))
    gap = trace_gap(traced_stages(run))
    if gap:
        st.info(gap, icon=":material/info:")
    elif fate["share_reached"] is not None:
        st.metric(
            "Responsiveness",
            percent(fate["share_reached"]),
            help=fate["definition"],
        )
        st.caption(
            f"{fate['n_reached']} of {fate['n_respondents']} respondents with a theme raised something the decision "
            "adopted in whole or in part (reviews applied)."
        )
    counts = status_counts(table(run, "theme_status"))
    status_cols = st.columns(len(counts))
    for col, (status, n) in zip(status_cols, counts.items(), strict=True):
        col.metric(STATUS_LABELS[status], n)

    st.subheader("Largest themes")
    themes = themes_with_status(run)
    for row in themes.sort("n_respondents", descending=True).head(5).iter_rows(named=True):
        st.markdown(
            f"**{inert(row['label'])}** — {row['n_respondents']} respondents "
            f"({percent(row['share'])}) · {STATUS_LABELS.get(row['status'], row['status'])}"
        )

    with st.expander(f"Rejected rows ({acc['rows_rejected']})"):
        st.dataframe(
            table(run, "rejects").select("source_id", "row", "column", "record_id", "reason"),
            hide_index=True,
            width="stretch",
        )
    aside = info["counts"].get("set_aside") or {}
    if aside:
        n_aside = info["counts"].get("passages_set_aside", sum(aside.values()))
        with st.expander(
            f"Set aside: {n_aside} passages with nothing to theme ({counted(aside)}); "
            f"{info['counts'].get('responses_set_aside', 0)} responses said nothing else"
        ):
            st.caption(
                "Thanks, greetings, introductions, procedure ('can you hear me?'), 'see attached', 'no comment' and "
                "fragments are kept and counted here, never made into themes (docs/QUALITY.md: how well they are "
                "recognised)."
            )
            st.dataframe(
                set_aside_passages(run).select("category", "text", "response_id", "question"),
                hide_index=True,
                width="stretch",
            )
    notes = info.get("themes", {}).get("notes") or []
    for note in notes:
        st.info(note, icon=":material/info:")
    languages = info.get("languages", {})
    other = unthemed_languages(info)
    if other:
        st.warning(
            f"{sum(other.values())} responses are not themed because of their language ({counted(other)}). They are kept, "
            "counted and listed with the responses. To theme them, set analysis.languages and a multilingual "
            "embedding model in the consultation file (README: Other languages)."
        )
    summary = ", ".join(f"{k}: {v}" for k, v in languages.items())
    st.caption(
        f"Languages (responses): {summary}. Texts under 8 words, or that the identifier is unsure of, take the "
        "consultation's main language; 'und' marks empty texts."
    )
