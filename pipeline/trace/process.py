"""The option-by-option trace of one consultation run: options → attribution → outcomes → theme × option.

``trace_by_option`` is what the pipeline's trace step calls; each part lives in its own module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from pipeline.trace.attribution import (
    AttributionSettings,
    Option,
    passage_options,
    response_options,
)
from pipeline.trace.options import options_table
from pipeline.trace.outcomes import option_outcomes
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
    statuses: list[dict[str, object]]


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
    themes: list[str],
    respondent_of: dict[str, str],
    encode: Encode,
    title: str = "",
    settings: AttributionSettings | None = None,
) -> OptionTrace:
    """Options from the options documents, who addressed each, what the decision did, and each theme's share.

    ``public``: passage_id, response_id, text (rows as ``public_vectors``); ``documents``: the
    document passages (passage_id, source_id, stage, heading, role, position, text, response_id
    null) with ``document_vectors``.
    """
    settings = settings or AttributionSettings()
    options = options_table(documents)
    listed = [Option(r["option_id"], r["number"], r["title"], r["text"]) for r in options.iter_rows(named=True)]
    units = _units(options, documents, document_vectors, encode)
    links = passage_options(public, public_vectors, listed, units, title, settings)
    texts = dict(zip(public["passage_id"], public["text"], strict=True))
    by_response = response_options(links, texts)
    decision_mask = documents["stage"].is_in(["decision", "implementation"]).to_numpy()
    decision = documents.filter(pl.Series(decision_mask))
    decided_links = passage_options(
        decision.select("passage_id", response_id="passage_id", text="text"),
        document_vectors[decision_mask],
        listed,
        units,
        title,
        settings,
    )
    outcomes = option_outcomes(decision, listed, decided_links, title)
    table = theme_options(assignments, links, respondent_of, texts)
    titles = dict(zip(options["option_id"], options["title"], strict=True))
    statuses = theme_status_from_options(themes, table, outcomes, titles) if options.height else []
    return OptionTrace(options, links, by_response, outcomes, table, statuses)
