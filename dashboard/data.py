"""Cached loaders over the workspace's run folders, and the sidebar run picker."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from dashboard.access import signed_in_user
from pipeline import review, store
from pipeline.breakdowns import breakdowns
from pipeline.report import report_data, to_docx, to_html, to_markdown
from pipeline.schema import PUBLIC_KINDS, answering, grouping_columns, stated
from pipeline.trace import document_stages


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
    view = _view(run, version)
    return {**view.tables, "_orphaned": pl.DataFrame({"review_id": view.orphaned}, schema={"review_id": pl.Int64()})}


@st.cache_resource(show_spinner=False, max_entries=4)
def _view(run: str, version: int) -> review.RunView:
    """The reviewed view itself (kept, not copied: new reviews are recorded against it, never changing it)."""
    return review.open_run(Path(run))


@st.cache_resource(show_spinner=False)
def review_store(run: str) -> review.ReviewStore:
    """The review store of the run's consultation (opened once per server)."""
    return review.store_for(Path(run))


@st.cache_data(show_spinner=False)
def response_period(run: str) -> tuple[str | None, str | None]:
    """The first and last submission dates of the run's responses (an aggregate: shown in public mode too)."""
    dates = _raw(run, "responses")["submitted"].drop_nulls().str.slice(0, 10)
    return (dates.min(), dates.max()) if dates.len() else (None, None)  # type: ignore[return-value]


def public_mode() -> bool:
    """Read-only public view (``THROUGHLINE_PUBLIC=1``, ``throughline dashboard --public``): no individual responses."""
    return os.environ.get("THROUGHLINE_PUBLIC", "").strip().lower() in ("1", "true", "yes", "on")


HIDDEN_IN_PUBLIC = ("responses", "quotes", "campaigns", "set_aside")


def table(run: str, name: str) -> pl.DataFrame:
    """One table of a run, as reviewed for themes, links and statuses (runs never change once complete).

    In public mode individual responses never leave this function: their tables come back empty,
    passages are the documents' only, and links lose the public side of their evidence.
    """
    frame = _internal(run, name) if name in REVIEW_TABLES or name == "_orphaned" else _raw(run, name)
    if not public_mode():
        return frame
    if name in HIDDEN_IN_PUBLIC:
        return frame.clear()
    if name == "passages":
        return frame.filter(pl.col("kind") == "section")
    if name == "response_options":  # who addressed what, never what they wrote
        return frame.with_columns(pl.lit(None, pl.String()).alias(c) for c in ("evidence", "passage_id"))
    if name == "links":
        return frame.with_columns(
            pl.lit(None, pl.String()).alias(c) for c in ("evidence_text", "public_span", "evidence_response_id")
        )
    return frame


def option_summary(run: str) -> pl.DataFrame:
    """One row per option (``option_rows``) counted on the whole tables, so the public view's counts are right."""
    from pipeline.trace.options_view import option_rows

    names = ("options", "option_outcomes", "response_options", "responses", "theme_options")
    return option_rows(*(_internal(run, n) for n in names))


@st.cache_data(show_spinner=False)
def manifest(run: str) -> dict[str, Any]:
    """A run's manifest."""
    return store.read_manifest(Path(run))


def themes_with_status(run: str) -> pl.DataFrame:
    """The run's themes with their trace status, reason and best link scores (reviews applied)."""
    return table(run, "themes").join(table(run, "theme_status"), on="theme_id", how="left")


def traced_stages(run: str) -> frozenset[str]:
    """The document stages the run's trace had passages of (``options``, ``decision``, …)."""
    return document_stages(table(run, "passages"))


def selected_run() -> str | None:
    """The run chosen in the sidebar (latest of the chosen consultation by default)."""
    root = workspace()
    if root.exists() and not root.is_dir():
        st.error(
            f"`{root}` is a file, not a workspace folder: point THROUGHLINE_WORKSPACE (or --workspace) at a folder."
        )
        return None
    if not root.exists():
        st.info(f"The workspace `{root}` does not exist yet. Run `throughline analyse CONFIG -w {root}` first.")
        return None
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
    md, html, word = _reports(run, review_store(run).version(), public_mode())
    md_col, html_col, word_col = st.columns(3)
    md_col.download_button("Report (Markdown)", md, "you-said-we-did.md", "text/markdown")
    html_col.download_button("Report (HTML)", html, "you-said-we-did.html", "text/html")
    word_col.download_button(
        "Report (Word)",
        word,
        "you-said-we-did.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@st.cache_data(show_spinner="Writing the report…")
def _reports(run: str, version: int, public: bool) -> tuple[str, str, bytes]:
    """The report as Markdown, HTML and DOCX bytes; made once per review-store version and mode."""
    tables = {n: table(run, n) for n in REVIEW_TABLES}
    # Counts of who addressed each option come from the whole tables (no respondent's words reach the report).
    tables |= {n: _internal(run, n) for n in ("responses", "response_options")}
    data = report_data(tables, manifest(run))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.docx"
        to_docx(data, path)
        return to_markdown(data), to_html(data), path.read_bytes()


def reviewer_box() -> None:
    """The sidebar box for the reviewer's name (recorded in the review log); none in public mode.

    Signed in (login or proxy), reviews go under the signed-in identity and the box is not shown.
    """
    if not public_mode() and signed_in_user() is None:
        st.sidebar.text_input("Your name (for the review log)", key="reviewer", max_chars=80)


def reviewer() -> str:
    """The signed-in person, else the name typed in the sidebar, else a placeholder."""
    return signed_in_user() or str(st.session_state.get("reviewer") or "").strip() or "dashboard user"


def review_view(run: str) -> review.RunView:
    """The reviewed view of a run (for recording new reviews against it)."""
    return _view(run, review_store(run).version())


# Respondent filters: ((column, (value, ...)), ...), hashable so the cached aggregates key on them.
Filters = tuple[tuple[str, tuple[str, ...]], ...]


def _people(run: str) -> pl.DataFrame:
    """Every response with a public passage (ids, date, channel, attributes): for aggregates, never shown."""
    return _people_of(run, review_store(run).version())


@st.cache_data(show_spinner=False)
def _people_of(run: str, version: int) -> pl.DataFrame:
    tables = _reviewed(run, version)
    return answering(tables["responses"], tables["passages"])


def filter_attributes(run: str) -> list[str]:
    """The respondent attributes with at least two values, to filter by; none in public mode.

    Public mode shows the stored, suppressed breakdowns only: filtering down to small groups
    would let a reader difference counts back to individuals.
    """
    if public_mode():
        return []
    people = _people(run)
    return [c for c in grouping_columns(people) if people[c].drop_nulls().n_unique() >= 2]


@st.cache_data(show_spinner=False)
def attribute_values(run: str, column: str) -> list[str]:
    """The values of one respondent attribute, sorted (``Not stated`` for a blank or missing one)."""
    return sorted(_people(run).select(stated(column)).to_series().unique().to_list())


def _filtered(run: str, filters: Filters) -> pl.DataFrame:
    people = _people(run)
    for column, values in filters:
        if values and column in people.columns:
            people = people.filter(stated(column).is_in(list(values)))
    return people


def theme_counts(run: str, filters: Filters) -> pl.DataFrame:
    """Per theme, respondents among those the filters keep and their share of them (theme_id, n, share)."""
    return _theme_counts(run, review_store(run).version(), filters)


@st.cache_data(show_spinner=False)
def _theme_counts(run: str, version: int, filters: Filters) -> pl.DataFrame:
    people = _filtered(run, filters)
    total = people["respondent_id"].n_unique()
    members = _internal(run, "assignments").select("theme_id", "response_id").unique()
    return (
        members.join(people.select("response_id", "respondent_id"), on="response_id")
        .group_by("theme_id")
        .agg(n=pl.col("respondent_id").n_unique())
        .with_columns(share=pl.col("n") / max(total, 1))
        .sort("theme_id")
    )


def respondents_kept(run: str, filters: Filters) -> int:
    """How many respondents the filters keep."""
    return int(_filtered(run, filters)["respondent_id"].n_unique())


def kept_responses(run: str, filters: Filters) -> set[str]:
    """The response ids the filters keep (used to pick quotes; not shown)."""
    return set(_filtered(run, filters)["response_id"].to_list())


def theme_trend(run: str, filters: Filters) -> tuple[pl.DataFrame, str]:
    """Respondents per theme per day, week or month of the response period, zeros filled.

    Returns (theme_id, period, n) over every period from the first submission to the last,
    and the period's name. Responses without a date (meeting transcripts) are left out.
    """
    return _theme_trend(run, review_store(run).version(), filters)


@st.cache_data(show_spinner=False)
def _theme_trend(run: str, version: int, filters: Filters) -> tuple[pl.DataFrame, str]:
    def dated(frame: pl.DataFrame) -> pl.DataFrame:
        day = pl.col("submitted").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
        return frame.with_columns(day=day).drop_nulls("day")

    everyone = dated(_people(run))
    empty = pl.DataFrame(schema={"theme_id": pl.String(), "period": pl.Date(), "n": pl.Int64()})
    if everyone.is_empty():
        return empty, ""
    first: date = everyone["day"].min()  # type: ignore[assignment]
    last: date = everyone["day"].max()  # type: ignore[assignment]
    span = (last - first).days
    every, unit = ("1d", "day") if span <= 31 else ("1w", "week") if span <= 183 else ("1mo", "month")
    periods = pl.date_range(pl.lit(first).dt.truncate(every), pl.lit(last).dt.truncate(every), every, eager=True).alias(
        "period"
    )
    themes = _internal(run, "themes").select("theme_id")
    people = dated(_filtered(run, filters)).with_columns(period=pl.col("day").dt.truncate(every))
    counts = (
        _internal(run, "assignments")
        .select("theme_id", "response_id")
        .unique()
        .join(people.select("response_id", "respondent_id", "period"), on="response_id")
        .group_by("theme_id", "period")
        .agg(n=pl.col("respondent_id").n_unique().cast(pl.Int64()))
    )
    grid = (
        themes.join(periods.to_frame(), how="cross")
        .join(counts, on=["theme_id", "period"], how="left")
        .with_columns(pl.col("n").fill_null(0))
        .sort("theme_id", "period")
    )
    return grid, unit


def breakdown_cells(run: str, filters: Filters) -> pl.DataFrame:
    """The breakdowns table (reviewed); with filters, recomputed over the respondents they keep.

    Recomputed cells carry no tone (sentiment is scored once, in the run); suppression and the
    chi-square test work as in the run.
    """
    if not filters:  # filters only ever hold attributes with values chosen
        return table(run, "breakdowns")
    return _filtered_cells(run, review_store(run).version(), filters)


@st.cache_data(show_spinner=False)
def _filtered_cells(run: str, version: int, filters: Filters) -> pl.DataFrame:
    people = _filtered(run, filters)
    public = (
        _internal(run, "passages")
        .filter(pl.col("kind").is_in(PUBLIC_KINDS))
        .join(people.select("response_id"), on="response_id")
    )
    assignments = _internal(run, "assignments").join(people.select("response_id"), on="response_id")
    no_tone = pl.DataFrame({"passage_id": public["passage_id"]}).with_columns(sentiment=pl.lit(None, pl.Float64()))
    return breakdowns(assignments, people, public.select("passage_id", "response_id", "question"), no_tone)


def _internal(run: str, name: str) -> pl.DataFrame:
    """A reviewed table as analysed, before public mode's hiding: for aggregates computed here only."""
    return _reviewed(run, review_store(run).version())[name]


def unthemed_languages(info: dict[str, Any]) -> dict[str, int]:
    """Responses left out of the themes for their language, per language, from a run's manifest."""
    counts: dict[str, int] | None = info["counts"].get("unthemed_languages")
    if counts is None:  # a run from before the count was kept: every language but English
        counts = {k: v for k, v in info.get("languages", {}).items() if k not in ("en", "und")}
    return counts


def theme_questions(themes: pl.DataFrame) -> list[str]:
    """The questions that have themes of their own, in theme order (empty when themed as one pool)."""
    if "question" not in themes.columns:
        return []
    return list(dict.fromkeys(q for q in themes.sort("theme_id")["question"].to_list() if q))


def set_aside_passages(run: str) -> pl.DataFrame:
    """The run's set-aside passages with their text and category (empty in public mode and for old runs)."""
    aside = table(run, "set_aside")
    if aside.is_empty():
        return aside.with_columns(text=pl.lit(None, pl.String()))
    return aside.join(table(run, "passages").select("passage_id", "text"), on="passage_id", how="left")
