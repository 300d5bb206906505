"""Decidim Barcelona's participatory budget as a gold set of proposal → project links.

Each funded project lists the citizen proposals it came from (``related_proposals``, with their
titles in ``related_proposal_titles``). Proposals play the public's input (each its own unit, as
the ground truth is per proposal) and projects the options; a predicted link is a (proposal,
project) pair. Only the proposals' titles are in the export, so a proposal is one short passage.
``flows/eval_trace_real.py`` attributes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.ingest.text import html_to_text


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
