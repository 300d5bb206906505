"""The option-by-option trace of one consultation run: options → attribution → outcomes → theme × option.

``trace_by_option`` is what the pipeline's trace step calls; each part lives in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from pipeline.schema import TABLES, conform, respondent_of
from pipeline.trace.attribution import (
    AttributionSettings,
    column_options,
    listed_options,
    passage_options,
    response_options,
)
from pipeline.trace.links import TraceSettings, document_stages, split_passages, theme_links, theme_status
from pipeline.trace.options import options_table, with_column_values, with_decision_rows
from pipeline.trace.outcomes import option_outcomes, with_table_outcomes
from pipeline.trace.stance import closed_stances
from pipeline.trace.status import theme_options, theme_status_from_options

Matrix = npt.NDArray[np.float32]
Encode = Callable[[list[str]], Matrix]


@dataclass(frozen=True)
class OptionTrace:
    """The tables of the option-by-option trace."""

    options: pl.DataFrame
    passage_options: pl.DataFrame
    response_options: pl.DataFrame
    option_outcomes: pl.DataFrame
    theme_options: pl.DataFrame


def status_of_record(tables: Mapping[str, pl.DataFrame], by_links: pl.DataFrame) -> pl.DataFrame:
    """Each theme's status: option by option when the run has options and a decision, else ``by_links``.

    A theme's fate follows the outcomes of the options its respondents addressed
    (``status.theme_status_from_options``), recomputed here from the run's tables so that a
    reviewed view (themes merged or split) gets it the same way. Without parsable options, or
    without a decision, the theme → passage links decide (and say "not traced" when no decision
    was given). The links' stance is kept beside it; a theme whose links an officer reviewed keeps
    the status its reviewed links give.
    """
    options, outcomes = tables.get("options"), tables.get("option_outcomes")
    passages = tables["passages"]
    decided = "decision" in document_stages(passages)
    if options is None or outcomes is None or options.is_empty() or not decided:
        return by_links
    table = theme_option_table(tables)
    titles = dict(zip(options["option_id"], options["title"], strict=True))
    decided_options = set(outcomes.filter(pl.col("outcome") != "not mentioned")["option_id"].to_list())
    statuses = theme_status_from_options(tables["themes"]["theme_id"].to_list(), table, outcomes, titles)
    rows = pl.DataFrame(
        [
            {
                "theme_id": s["theme_id"],
                "status": s["status"],
                "confidence": s["confidence"],
                "stages_reached": _stages(s["options"], decided_options),
                "reason": s["reason"],
            }
            for s in statuses
        ],
        schema_overrides={"stages_reached": pl.List(pl.String())},
    )
    joined = rows.join(by_links.select("theme_id", "stance"), on="theme_id", how="left")
    blank = ("options_score", "decision_score", "options_passage_id", "decision_passage_id")
    by_options = conform(joined.with_columns(pl.lit(None).alias(c) for c in blank), "theme_status")
    # An officer who confirmed or rejected a theme's links has judged that theme: their links decide it.
    links = tables.get("links")
    judged = set() if links is None else set(links.filter(pl.col("review").is_not_null())["theme_id"].to_list())
    if not judged:
        return by_options
    return pl.concat(
        [
            by_options.filter(~pl.col("theme_id").is_in(list(judged))),
            by_links.filter(pl.col("theme_id").is_in(list(judged))),
        ]
    ).sort("theme_id")


def theme_option_table(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """The theme × option table of a run's (or a reviewed view's) themes, from its passage → option links.

    Recomputed whenever themes are merged or split, so the heatmap and the statuses always
    describe the themes shown.
    """
    from pipeline.themes.tables import with_sibling_answers

    passages = tables["passages"]
    addressed = tables.get("response_options", pl.DataFrame(schema=TABLES["response_options"]))
    column = addressed.filter(pl.col("method").is_in(["column", "review"]))  # for the whole response
    said = addressed.filter(pl.col("stance").is_not_null())
    return theme_options(
        with_sibling_answers(tables["assignments"], tables["themes"]),
        tables.get("passage_options", pl.DataFrame(schema=TABLES["passage_options"])),
        respondent_of(tables["responses"]),
        dict(zip(passages["passage_id"], passages["text"], strict=True)),
        _grouped(column.select("response_id", "option_id").iter_rows()),
        {(r, o): st for r, o, st in said.select("response_id", "option_id", "stance").iter_rows()},
    )


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for response, option in pairs:
        out.setdefault(response, set()).add(option)
    return out


def _stages(addressed: object, decided: set[str]) -> list[str]:
    """The stages a theme reached: the options when it addressed one, the decision when one of those was decided."""
    chosen = set(addressed) if isinstance(addressed, list) else set()
    if not chosen:
        return ["problem"]
    return ["problem", "options", "decision"] if chosen & decided else ["problem", "options"]


def _units(options: pl.DataFrame, documents: pl.DataFrame, document_vectors: Matrix, encode: Encode) -> list[Matrix]:
    """Per option, its title's vector then its passages' (all normalised)."""
    row_of = {p: i for i, p in enumerate(documents["passage_id"])}
    titles = np.asarray(encode(options["title"].to_list()), dtype=np.float32) if options.height else np.zeros((0, 1))
    out = []
    for i, ids in enumerate(options["passage_ids"].to_list()):
        rows = [row_of[p] for p in ids if p in row_of]
        stacked = np.vstack([titles[i : i + 1], document_vectors[rows]]) if rows else titles[i : i + 1]
        norms = np.linalg.norm(stacked, axis=1, keepdims=True)
        out.append((stacked / np.where(norms > 0, norms, 1.0)).astype(np.float32))
    return out


def trace_by_option(
    public: pl.DataFrame,
    public_vectors: Matrix,
    documents: pl.DataFrame,
    document_vectors: Matrix,
    assignments: pl.DataFrame,
    people: dict[str, str],
    encode: Encode,
    title: str = "",
    settings: AttributionSettings | None = None,
    column: dict[str, str | None] | None = None,
    decision_rows: pl.DataFrame | None = None,
    closed: tuple[pl.DataFrame, Mapping[str, str]] | None = None,
) -> OptionTrace:
    """Options from the options documents, who addressed each, what the decision did, and each theme's share.

    ``public``: passage_id, response_id, text (rows as ``public_vectors``); ``documents``: the
    document passages (passage_id, source_id, stage, heading, role, position, text, response_id
    null) with ``document_vectors``; ``column``: response → the value of its option column;
    ``decision_rows``: the rows of decisions tables, which add the options they name and decide them;
    ``closed``: the responses and their closed questions (column → the option each asks about).
    """
    settings = settings or AttributionSettings()
    rows = decision_rows if decision_rows is not None else pl.DataFrame(schema=TABLES["decision_rows"])
    described = with_decision_rows(options_table(documents), rows)
    options = with_column_values(described, {v.strip() for v in (column or {}).values() if v and v.strip()})
    listed = listed_options(options)
    # Options named only by the responses' column have no words of their own: attributed by the column alone.
    units = _units(described, documents, document_vectors, encode)
    links = passage_options(public, public_vectors, listed[: described.height], units, title, settings)
    texts = dict(zip(public["passage_id"], public["text"], strict=True))
    named, _ = column_options(column or {}, listed)
    stances, _ = closed_stances(closed[0], closed[1], listed) if closed else ({}, [])
    by_response = response_options(links, texts, named, stances)
    # Decision passages read for outcomes; a decisions table's rows are read as a table instead.
    decision_mask = (
        documents["stage"].is_in(["decision", "implementation"])
        & ~documents["source_id"].is_in(rows["source_id"].unique().to_list())
    ).to_numpy()
    decision = documents.filter(pl.Series(decision_mask))
    decided_links = passage_options(
        decision.select("passage_id", response_id="passage_id", text="text"),
        document_vectors[decision_mask],
        listed[: described.height],
        units,
        title,
        settings,
    )
    outcomes = with_table_outcomes(option_outcomes(decision, listed, decided_links, title), rows, listed)
    table = theme_options(assignments, links, people, texts, {r: {o} for r, o in named.items()}, stances)
    return OptionTrace(options, links, by_response, outcomes, table)


@dataclass(frozen=True)
class TracedRun:
    """Everything the trace step writes: the theme links, the option-by-option tables and the statuses."""

    links: pl.DataFrame
    by_option: OptionTrace
    theme_status: pl.DataFrame

    def tables(self) -> dict[str, pl.DataFrame]:
        """The tables by name, as the run stores them."""
        return {
            "links": self.links,
            **{name: getattr(self.by_option, name) for name in OPTION_TABLES},
            "theme_status": self.theme_status,
        }


OPTION_TABLES = ("options", "passage_options", "response_options", "option_outcomes", "theme_options")


def trace_run(
    tables: Mapping[str, pl.DataFrame],
    vectors: Matrix,
    encode: Encode,
    title: str,
    link_settings: TraceSettings,
    settings: AttributionSettings | None = None,
    column: dict[str, str | None] | None = None,
    questions: Mapping[str, str] | None = None,
) -> TracedRun:
    """The whole trace of one run: theme → passage links, the option-by-option trace, each theme's status.

    ``tables``: the run's passages (rows as ``vectors``), responses, themes, assignments and
    decision_rows; ``column``: response → the value of its option column; ``questions``: the
    responses' closed questions (column → the option each asks about).
    """
    from pipeline.themes.tables import with_sibling_answers

    public, public_vectors, documents, document_vectors = split_passages(tables["passages"], vectors)
    themes, assignments = tables["themes"], tables["assignments"]
    siblings = with_sibling_answers(assignments, themes)
    links = theme_links(siblings, public, public_vectors, documents, document_vectors, link_settings)
    by_links = theme_status(themes, links, link_settings.link_threshold, stages=document_stages(documents))
    by_option = trace_by_option(
        public,
        public_vectors,
        documents,
        document_vectors,
        siblings,
        respondent_of(tables["responses"]),
        encode,
        title,
        settings,
        column,
        tables.get("decision_rows"),
        (tables["responses"], questions) if questions else None,
    )
    status = status_of_record(
        {name: getattr(by_option, name) for name in OPTION_TABLES}
        | {k: tables[k] for k in ("passages", "responses", "themes", "assignments")},
        by_links,
    )
    return TracedRun(links, by_option, status)
