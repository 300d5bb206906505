"""Explore: search every passage by words or by meaning, filter, and read a whole response.

Keyword search is a case-insensitive match on the passage text. Search by meaning embeds the
query with the run's model (loaded once per server) and ranks passages by cosine similarity to
it, using the vectors the run kept. In public mode only the documents' passages are searched.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import streamlit as st

from dashboard.data import manifest, public_mode, selected_run, table
from dashboard.render import attribute_label, inert
from pipeline import store
from pipeline.schema import ATTRIBUTE_PREFIX
from pipeline.store import VECTORS_FILE
from pipeline.trace.options_view import response_trail

LIMIT = 200


@st.cache_data(show_spinner=False)
def vectors(run: str) -> np.ndarray | None:
    """The run's passage vectors (rows as in ``passages``), if it kept them."""
    path = Path(run) / VECTORS_FILE
    return np.load(path) if path.is_file() else None


@cache
def _embedder(name: str, backend: str):  # type: ignore[no-untyped-def]
    if backend == "onnx-int8":  # the same backend as the run, so the query lands in the same space
        from models.onnx_embed import load_onnx

        return load_onnx(name)
    from models.embed import SentenceTransformerEmbedder  # loaded on the first search by meaning

    return SentenceTransformerEmbedder(name)


def by_meaning(run: str, query: str, passages: pl.DataFrame) -> pl.DataFrame:
    """``passages`` with a ``similarity`` to ``query``, best first."""
    matrix = vectors(run)
    every = store.read_run_table(Path(run), "passages")["passage_id"]  # vector rows follow the full table
    if matrix is None or matrix.shape[0] != every.len():
        st.warning("This run kept no passage vectors; search by words instead.")
        return passages.with_columns(similarity=pl.lit(None, pl.Float64()))
    analysis = manifest(run)["config"]["resolved"]["analysis"]
    query_vector = _embedder(analysis["embedding_model"], analysis.get("embedding_backend", "torch")).encode([query])[0]
    row_of = {pid: i for i, pid in enumerate(every)}
    rows = [row_of[p] for p in passages["passage_id"]]
    scores = matrix[rows] @ query_vector if rows else np.zeros(0)
    return passages.with_columns(similarity=pl.Series(scores.round(3), dtype=pl.Float64)).sort(
        "similarity", descending=True
    )


run = selected_run()
if run is not None:
    st.title("Explore")
    passages = table(run, "passages")
    assignments = table(run, "assignments")
    themes = table(run, "themes").select("theme_id", "label")
    responses = table(run, "responses")
    if public_mode():
        st.info("Public view: only the options and decision documents are searchable.")
    labelled = passages.join(
        assignments.join(themes, on="theme_id")
        .group_by("passage_id")
        .agg(pl.concat_str(pl.col("theme_id"), pl.lit(" "), pl.col("label")).sort().alias("themes")),
        on="passage_id",
        how="left",
    )
    query_col, how_col = st.columns([3, 1])
    query = query_col.text_input("Search passages", key="explore_query", max_chars=200).strip()
    meaning = how_col.toggle("By meaning", key="explore_meaning", help="Rank by similarity of meaning to the query")
    stage_col, theme_col, attr_col, value_col = st.columns(4)
    stages = stage_col.multiselect("Stage", sorted(passages["stage"].unique().to_list()), key="explore_stage")
    names = dict(themes.iter_rows())
    chosen_themes = theme_col.multiselect(
        "Theme", list(names), key="explore_theme", format_func=lambda t: f"{t} {names[t]}"
    )
    attributes = [c for c in responses.columns if c.startswith(ATTRIBUTE_PREFIX)]
    attribute = attr_col.selectbox("Attribute", ["(any)", *attributes], key="explore_attr", format_func=attribute_label)
    values: list[str] = []
    if attribute != "(any)":
        values = value_col.multiselect(
            "Values", sorted(responses[attribute].drop_nulls().unique().to_list()), key="explore_values"
        )
    found = labelled
    if stages:
        found = found.filter(pl.col("stage").is_in(stages))
    if chosen_themes:
        members = assignments.filter(pl.col("theme_id").is_in(chosen_themes))["passage_id"]
        found = found.filter(pl.col("passage_id").is_in(members.implode()))
    if values:
        ids = responses.filter(pl.col(attribute).is_in(values))["response_id"]
        found = found.filter(pl.col("response_id").is_in(ids.implode()))
    if query and meaning:
        found = by_meaning(run, query, found)
    elif query:
        found = found.filter(pl.col("text").str.to_lowercase().str.contains(query.lower(), literal=True))
    st.caption(f"{found.height} passages" + (f"; the first {LIMIT} shown" if found.height > LIMIT else ""))
    shown = found.head(LIMIT).with_columns(pl.col("themes").list.join("; "))
    columns = ["passage_id", "response_id", "stage", "themes", "text"] + (
        ["similarity"] if "similarity" in shown.columns else []
    )
    st.dataframe(shown.select(columns), hide_index=True, width="stretch")

    if not public_mode():
        st.subheader("Read a response")
        listed = shown["response_id"].drop_nulls().unique(maintain_order=True).to_list()
        picked = st.selectbox("Response", listed, key="explore_response", index=None, placeholder="Choose a response")
        if picked:
            response = responses.filter(pl.col("response_id") == picked).row(0, named=True)
            mine = labelled.filter(pl.col("response_id") == picked)["themes"].explode().drop_nulls().unique().sort()
            st.markdown(f"**{inert(picked)}** · {inert(response['channel'])} · {inert(response['submitted'] or '')}")
            st.caption("Themes: " + (inert(", ".join(mine.to_list())) or "none"))
            details = {attribute_label(c): response[c] for c in attributes if response.get(c)}
            if details:
                st.caption(" · ".join(f"{inert(k)}: {inert(str(v))}" for k, v in details.items()))
            st.markdown(inert(response["text"]))
            trail = response_trail(
                picked, table(run, "response_options"), table(run, "options"), table(run, "option_outcomes")
            )
            if trail:
                st.markdown("**Its trail through the options and the decision**")
                for step in trail:
                    reason = f" — {inert(step['reason'])}" if step["reason"] else ""
                    st.markdown(f"- {inert(step['option'])} → **{inert(step['outcome'])}**{reason}")
                    if step["evidence"]:
                        st.caption(f"Addressed by {inert(step['method'])}: “{inert(step['evidence'])}”")
                    else:
                        st.caption(f"Addressed by {inert(step['method'])}")
