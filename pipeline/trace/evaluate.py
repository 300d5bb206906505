"""Link precision and recall on a real process: Decidim Barcelona's participatory budget.

Each funded project lists the citizen proposals it came from (``related_proposals``, with their
titles in ``related_proposal_titles``). Proposals play the public's input (each its own unit, as
the ground truth is per proposal) and projects the decision; a predicted link is a (proposal,
project) pair the trace links. Only the proposals' titles are in the export, so a proposal is
one short passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from pipeline.ingest.text import html_to_text
from pipeline.trace import TraceSettings, theme_links


@dataclass(frozen=True)
class DecidimLinks:
    """Proposals, projects and the true links between them."""

    proposals: pl.DataFrame  # proposal_id, text
    projects: pl.DataFrame  # project_id, title, description
    truth: set[tuple[str, str]]  # (proposal_id, project_id)
    skipped_projects: int  # projects whose several proposal titles could not be told apart


def _titles(joined: str, n: int) -> list[str] | None:
    """Split ``related_proposal_titles`` into ``n`` titles (they are joined with ", ")."""
    if n == 1:
        return [joined.strip()]
    for pattern in (r",\s+(?=[A-ZÀ-Ý])", r",\s+"):
        parts = [p.strip() for p in re.split(pattern, joined) if p.strip()]
        if len(parts) == n:
            return parts
    return None


def _text(html: str | None) -> str:
    return " ".join(html_to_text(html or "").split())


def load_decidim_links(path: Path, locale: str = "ca") -> DecidimLinks:
    """Read a Decidim projects export (``;``-separated) into proposals, projects and true links."""
    frame = pl.read_csv(path, separator=";", infer_schema=False)
    proposals: dict[str, str] = {}
    truth: set[tuple[str, str]] = set()
    skipped = 0
    projects = []
    for row in frame.iter_rows(named=True):
        ids = [i.strip() for i in (row.get("related_proposals") or "").split(",") if i.strip()]
        projects.append(
            {
                "project_id": row["id"],
                "title": row.get(f"title/{locale}") or "",
                "description": _text(row.get(f"description/{locale}")),
            }
        )
        if not ids:
            continue
        titles = _titles(row.get("related_proposal_titles") or "", len(ids))
        if titles is None:
            skipped += 1
            continue
        for proposal_id, title in zip(ids, titles, strict=True):
            proposals.setdefault(proposal_id, title)
            truth.add((proposal_id, row["id"]))
    return DecidimLinks(
        proposals=pl.DataFrame({"proposal_id": list(proposals), "text": list(proposals.values())}),
        projects=pl.DataFrame(projects),
        truth=truth,
        skipped_projects=skipped,
    )


def predicted_links(
    data: DecidimLinks,
    documents: list[str],
    proposal_vectors: np.ndarray,
    document_vectors: np.ndarray,
    settings: TraceSettings,
) -> pl.DataFrame:
    """The trace's links (proposal → project), each proposal its own unit."""
    ids = data.proposals["proposal_id"]
    public = pl.DataFrame({"passage_id": ids, "response_id": ids, "text": data.proposals["text"]})
    assignments = pl.DataFrame({"passage_id": ids, "response_id": ids, "theme_id": ids, "score": [1.0] * len(ids)})
    docs = pl.DataFrame(
        {
            "passage_id": data.projects["project_id"],
            "source_id": ["projects"] * data.projects.height,
            "stage": ["decision"] * data.projects.height,
            "heading": ["Projects"] * data.projects.height,
            "role": ["resolution"] * data.projects.height,
            "text": documents,
        }
    )
    return theme_links(assignments, public, proposal_vectors, docs, document_vectors, settings)


def scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, Any]:
    """Precision, recall and F1 of predicted (proposal, project) pairs."""
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "predicted": len(predicted),
        "correct": hits,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def by_method(links: pl.DataFrame, truth: set[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Scores of each signal alone and of the trace as a whole (any signal)."""
    linked = links.filter("linked")
    pairs = {
        "semantic": linked.filter(pl.col("method").str.contains("semantic")),
        "carry-over": linked.filter(pl.col("method").str.contains("carry-over")),
        "trace (any signal)": linked,
    }
    return {
        name: scores(set(zip(frame["theme_id"], frame["passage_id"], strict=True)), truth)
        for name, frame in pairs.items()
    }


def ranking(data: DecidimLinks, proposal_vectors: np.ndarray, document_vectors: np.ndarray) -> dict[str, Any]:
    """Semantic retrieval without a threshold: is a proposal's project the most similar project?

    Also the best F1 over thresholds (chosen on this data, so optimistic: a ceiling, not a result).
    """
    sims = proposal_vectors @ document_vectors.T
    projects = data.projects["project_id"].to_list()
    truth_of: dict[str, set[str]] = {}
    for proposal, project in data.truth:
        truth_of.setdefault(proposal, set()).add(project)
    proposals = data.proposals["proposal_id"].to_list()
    top1 = [projects[int(np.argmax(sims[i]))] in truth_of.get(p, set()) for i, p in enumerate(proposals)]
    best = {"threshold": None, "f1": 0.0}
    for threshold in np.arange(0.30, 0.95, 0.01):
        rows, cols = np.nonzero(sims >= threshold)
        found = scores({(proposals[r], projects[c]) for r, c in zip(rows, cols, strict=True)}, data.truth)
        if found["f1"] > best["f1"]:
            best = {"threshold": round(float(threshold), 2), **found}
    return {"accuracy_at_1": round(sum(top1) / len(top1), 3) if top1 else None, "best_threshold": best}
