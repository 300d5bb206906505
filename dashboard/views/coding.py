"""Coding: the analysts teach the codebook, a few responses at a time.

The page offers the passages the model is least sure of, with a few drawn at random; the analyst
keeps, removes or adds codes and saves. Each decision is stored in the review store (audit log,
kept across re-runs), the model refits at once (under a second; texts are embedded once), and the
next analysis learns from every decision. The agreement shown is measured on the passages offered
at random only, pooled over all of them with its interval, so it is an honest estimate of how far
the model agrees with the analyst on the rest.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import streamlit as st

from dashboard.data import manifest, public_mode, review_store, reviewer, reviewer_box, selected_run
from dashboard.render import inert, percent
from pipeline import review
from pipeline.coding.active import agreement_interval, to_review, worth_coding
from pipeline.coding.codebook import Passages, learn, remembering
from pipeline.coding.examples import with_examples
from pipeline.config import Analysis, Code
from pipeline.store import VECTORS_FILE, read_run_table
from pipeline.trace import split_passages

OFFERED = 8


@st.cache_resource(show_spinner="Loading the embedding model…")
def _embedder(name: str) -> object:
    from flows.steps import embedder_for

    return embedder_for(name, 8)


@st.cache_resource(show_spinner=False)
def _memory(name: str) -> dict[str, np.ndarray]:
    """Texts already embedded with the model ``name``: a save re-embeds only what is new."""
    return {}


@st.cache_data(show_spinner=False)
def _public(run: str) -> tuple[pl.DataFrame, np.ndarray]:
    passages = read_run_table(Path(run), "passages")
    public, vectors, _, _ = split_passages(passages, np.load(Path(run) / VECTORS_FILE))
    return public.select("passage_id", "text", "question"), vectors


def _share(value: float | None) -> str:
    return "–" if value is None else percent(value)


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
    public, vectors = _public(run)
    passages = Passages(public["text"].to_list(), vectors, public["question"].to_list())
    encode = remembering(_embedder(analysis.embedding_model).encode, _memory(analysis.embedding_model), passages)  # type: ignore[attr-defined]
    coded = review.coded_examples(store)
    learnt = learn(with_examples(book, coded), encode, analysis.codebook_threshold, passages)
    coder = learnt.coder
    # the analysts' own examples (reviewed here or listed in the codebook) are not offered again
    pool = np.array(
        [i for i in worth_coding(passages.texts, [t for t, _ in coded]) if i not in learnt.known], dtype=np.int64
    )
    scores = coder.scores(vectors, passages.questions, learnt.known)
    agreed = review.coding_agreement(store)
    left, middle, right = st.columns(3)
    left.metric("Examples", learnt.examples)
    middle.metric("Coded on this page", sum(1 for r in store.active() if r.kind == "code" and "predicted" in r.value))
    estimate = agreement_interval(agreed)
    right.metric(
        "Agreement with you (random draws)",
        percent(estimate[0]) if estimate else "–",
        help="Of the passages offered at random, the share where the model's codes were exactly yours.",
    )
    if estimate:
        share, low, high = estimate
        changed = ""
        if len(agreed) >= 20:
            recent, earlier = agreed[-10:], agreed[:-10]
            changed = f"; the last 10 {percent(sum(recent) / 10)}, the {len(earlier)} before them {percent(sum(earlier) / len(earlier))}"
        st.caption(
            f"{len(agreed)} random draws: {percent(share)} (95% interval {percent(low)}–{percent(high)}){changed}."
        )
    st.dataframe(
        pl.DataFrame(
            [
                {
                    "name": f.name,
                    "examples": f.examples,
                    "method": f.method,
                    "precision": _share(f.precision),
                    "recall": _share(f.recall),
                }
                for f in coder.fits
            ]
        ),
        hide_index=True,
        column_config={
            "name": "Code",
            "examples": "Examples",
            "method": "Learnt as",
            "precision": "Expected precision",
            "recall": "Expected recall",
        },
    )
    st.caption(
        "Expected precision and recall are cross-validated on the examples (shown once the codebook has 10); "
        "a code with fewer than 5 examples is assigned by its description and examples' prototype."
    )
    unsure, drawn = to_review(scores[pool], OFFERED, seed=len(coded))
    offered = pool[[*unsure, *drawn]]
    at_random = set(pool[drawn].tolist())
    names = [c.name for c in book]
    # The model's own answer, "none of these codes" included (it is left for theme discovery then).
    predicted = coder.decide(scores[offered], vectors[offered]) if len(offered) else []
    st.subheader("Code these")
    for place, (row, taken) in enumerate(zip(offered.tolist(), predicted, strict=True)):
        text = str(passages.texts[row])
        suggestion = [names[j] for j, _ in taken]
        with st.form(key=f"code|{place}|{public['passage_id'][row]}"):
            st.markdown(f"> {inert(text)}")
            chosen = st.multiselect(
                "Codes (leave empty when none fits)", names, default=suggestion, key=f"codes|{place}"
            )
            if st.form_submit_button("Save", key=f"save|{place}"):
                review.record_codes(
                    store, text, chosen, reviewer(), Path(run).name, predicted=suggestion, at_random=row in at_random
                )
                st.rerun()
    st.caption(
        "Offered: the passages the model is least sure of, and a few at random (they measure agreement). "
        "Every decision is in the review log and is learnt from by the next `throughline analyse`."
    )
