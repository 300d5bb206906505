"""Coding: the analysts teach the codebook, a few responses at a time.

The page offers the passages the model is least sure of, with a few drawn at random; the analyst
keeps, removes or adds codes and saves. Each decision is stored in the review store (audit log,
kept across re-runs), the model refits at once (under a second), and the next analysis learns
from every decision. The agreement shown is measured on the passages offered at random only, so
it is an honest estimate of how far the model agrees with the analyst on the rest.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import streamlit as st

from dashboard.data import manifest, public_mode, review_store, reviewer, reviewer_box, selected_run
from dashboard.render import inert, percent
from pipeline import review
from pipeline.coding.active import to_review
from pipeline.coding.codebook import learn
from pipeline.coding.examples import with_examples
from pipeline.config import Analysis, Code
from pipeline.store import VECTORS_FILE, read_run_table
from pipeline.trace import split_passages

OFFERED = 8


@st.cache_resource(show_spinner="Loading the embedding model…")
def _embedder(name: str) -> object:
    from flows.steps import embedder_for

    return embedder_for(name, 8)


@st.cache_data(show_spinner=False)
def _public(run: str) -> tuple[pl.DataFrame, np.ndarray]:
    passages = read_run_table(Path(run), "passages")
    public, vectors, _, _ = split_passages(passages, np.load(Path(run) / VECTORS_FILE))
    return public.select("passage_id", "text"), vectors


run = selected_run()
if run is not None:
    st.title("Coding: teach the codebook")
    resolved = manifest(run)["config"]["resolved"]
    book = tuple(Code(**c) for c in resolved.get("codebook", []))
    if not book:
        st.info("This consultation has no codebook: add `[[codebook]]` entries to its file to code its responses.")
        st.stop()
    if public_mode():
        st.info("Coding is for analysts: it is not available in the public view.")
        st.stop()
    reviewer_box()
    store = review_store(run)
    analysis = Analysis(**resolved.get("analysis", {}))
    embedder = _embedder(analysis.embedding_model)
    coded = review.coded_examples(store)
    coder, examples = learn(with_examples(book, coded), embedder.encode, analysis.codebook_threshold)  # type: ignore[attr-defined]
    public, vectors = _public(run)
    done = {" ".join(t.split()) for t, _ in coded}
    todo = np.array([" ".join(t.split()) not in done for t in public["text"]], dtype=bool)
    pool, pool_vectors = public.filter(pl.Series(todo)), vectors[todo]
    scores = coder.scores(pool_vectors)
    agreed = review.coding_agreement(store)
    left, middle, right = st.columns(3)
    left.metric("Examples", examples)
    middle.metric("Coded on this page", sum(1 for r in store.active() if r.kind == "code" and "predicted" in r.value))
    right.metric(
        "Agreement with you (random draws)",
        percent(sum(agreed) / len(agreed)) if agreed else "–",
        help="Of the passages offered at random, the share where the model's codes were exactly yours.",
    )
    if len(agreed) >= 10:
        recent, earlier = agreed[-10:], agreed[:-10]
        st.caption(
            f"Last 10 random draws: {percent(sum(recent) / 10)}"
            + (f"; before them: {percent(sum(earlier) / len(earlier))}" if earlier else "")
        )
    st.dataframe(
        pl.DataFrame([f.__dict__ for f in coder.fits], infer_schema_length=None).select(
            "name", "examples", "method", pl.col("precision").cast(pl.Float64), pl.col("recall").cast(pl.Float64)
        ),
        hide_index=True,
        column_config={
            "name": "Code",
            "examples": "Examples",
            "method": "Learnt as",
            "precision": st.column_config.NumberColumn("Expected precision", format="percent"),
            "recall": st.column_config.NumberColumn("Expected recall", format="percent"),
        },
    )
    unsure, drawn = to_review(scores, OFFERED, seed=len(coded))
    names = [c.name for c in book]
    # The model's own answer, "none of these codes" included (it is left for theme discovery then).
    predicted = coder.predict(pool_vectors[[*unsure, *drawn]]) if len(pool) else []
    st.subheader("Code these")
    for place, (row, taken) in enumerate(zip([*unsure, *drawn], predicted, strict=True)):
        text = str(pool["text"][row])
        suggestion = [names[j] for j, _ in taken]
        with st.form(key=f"code|{place}|{pool['passage_id'][row]}"):
            st.markdown(f"> {inert(text)}")
            chosen = st.multiselect(
                "Codes (leave empty when none fits)", names, default=suggestion, key=f"codes|{place}"
            )
            if st.form_submit_button("Save", key=f"save|{place}"):
                review.record_codes(
                    store, text, chosen, reviewer(), Path(run).name, predicted=suggestion, at_random=row in drawn
                )
                st.rerun()
    st.caption(
        "Offered: the passages the model is least sure of, and a few at random (they measure agreement). "
        "Every decision is in the review log and is learnt from by the next `throughline analyse`."
    )
