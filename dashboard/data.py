"""Cached loaders over the workspace's run folders, and the sidebar run picker."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from pipeline import review, store
from pipeline.report import report_data, to_docx, to_html, to_markdown


def workspace() -> Path:
    """The workspace folder (``THROUGHLINE_WORKSPACE``, default ``./workspace``)."""
    return Path(os.environ.get("THROUGHLINE_WORKSPACE", "workspace")).resolve()


REVIEW_TABLES = (*review.RUN_TABLES, "responsiveness")  # tables shown with the reviews applied


@st.cache_data(show_spinner=False)
def _raw(run: str, name: str) -> pl.DataFrame:
    return store.read_run_table(Path(run), name)


@st.cache_data(show_spinner="Applying reviews…")
def _reviewed(run: str, version: int) -> dict[str, pl.DataFrame]:
    """A run's tables with the reviews applied; ``version`` (the audit log's latest id) keys the cache."""
    view = review.open_run(Path(run))
    return {**view.tables, "_orphaned": pl.DataFrame({"review_id": view.orphaned}, schema={"review_id": pl.Int64()})}


def review_store(run: str) -> review.ReviewStore:
    """The review store of the run's consultation."""
    return review.store_for(Path(run))


@st.cache_data(show_spinner=False)
def response_period(run: str) -> tuple[str | None, str | None]:
    """The first and last submission dates of the run's responses (an aggregate: shown in public mode too)."""
    dates = _raw(run, "responses")["submitted"].drop_nulls().str.slice(0, 10)
    return (dates.min(), dates.max()) if dates.len() else (None, None)  # type: ignore[return-value]


def public_mode() -> bool:
    """Read-only public view (``THROUGHLINE_PUBLIC=1``, ``throughline dashboard --public``): no individual responses."""
    return os.environ.get("THROUGHLINE_PUBLIC", "").strip().lower() in ("1", "true", "yes", "on")


HIDDEN_IN_PUBLIC = ("responses", "quotes", "campaigns")


def table(run: str, name: str) -> pl.DataFrame:
    """One table of a run, as reviewed for themes, links and statuses (runs never change once complete).

    In public mode individual responses never leave this function: their tables come back empty,
    passages are the documents' only, and links lose the public side of their evidence.
    """
    frame = _reviewed(run, review_store(run).version())[name] if name in REVIEW_TABLES or name == "_orphaned" else None
    frame = _raw(run, name) if frame is None else frame
    if not public_mode():
        return frame
    if name in HIDDEN_IN_PUBLIC:
        return frame.clear()
    if name == "passages":
        return frame.filter(pl.col("kind") == "section")
    if name == "links":
        return frame.with_columns(
            pl.lit(None, pl.String()).alias(c) for c in ("evidence_text", "public_span", "evidence_response_id")
        )
    return frame


@st.cache_data(show_spinner=False)
def manifest(run: str) -> dict[str, Any]:
    """A run's manifest."""
    return store.read_manifest(Path(run))


def themes_with_status(run: str) -> pl.DataFrame:
    """The run's themes with their trace status, reason and best link scores (reviews applied)."""
    return table(run, "themes").join(table(run, "theme_status"), on="theme_id", how="left")


def selected_run() -> str | None:
    """The run chosen in the sidebar (latest of the chosen consultation by default)."""
    root = workspace()
    slugs = store.consultations(root)
    if not slugs:
        st.info(f"No analysed consultations in `{root}` yet. Run `throughline analyse CONFIG` first.")
        return None
    slug = st.sidebar.selectbox("Consultation", slugs, key="consultation")
    runs = store.runs(root, slug)
    latest = store.latest_run(root, slug)
    names = [r.name for r in runs]
    index = names.index(latest.name) if latest is not None and latest.name in names else 0
    name = st.sidebar.selectbox("Run", names, index=index, key="run")
    return str(root / slug / "runs" / name)


def report_downloads(run: str) -> None:
    """The "you said, we did" report in three formats, from the reviewed tables."""
    data = report_data({n: table(run, n) for n in REVIEW_TABLES}, manifest(run))
    md, html_col, word = st.columns(3)
    md.download_button("Report (Markdown)", to_markdown(data), "you-said-we-did.md", "text/markdown")
    html_col.download_button("Report (HTML)", to_html(data), "you-said-we-did.html", "text/html")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.docx"
        to_docx(data, path)
        word.download_button(
            "Report (Word)",
            path.read_bytes(),
            "you-said-we-did.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )


def reviewer_box() -> None:
    """The sidebar box for the reviewer's name (recorded in the review log); none in public mode."""
    if not public_mode():
        st.sidebar.text_input("Your name (for the review log)", key="reviewer", max_chars=80)


def reviewer() -> str:
    """The reviewer's name as typed, or a placeholder."""
    return str(st.session_state.get("reviewer") or "").strip() or "dashboard user"


def review_view(run: str) -> review.RunView:
    """The reviewed tables of a run as a ``RunView`` (for recording new reviews against them)."""
    return review.RunView({name: table(run, name) for name in REVIEW_TABLES})
