"""``throughline eval-trace``: link precision/recall on Decidim Barcelona's budget projects.

Embeds the proposals and projects with the configured (default: English) model, runs the trace
with its default thresholds — carry-over counts a single proposal, since each proposal is its own
unit here — and scores each signal against the projects' ``related_proposals``. Two variants:
project title and description, and description only (titles often copy the proposal's title).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from flows.steps import embedder_for
from models.embed import DEFAULT_MODEL, EmbeddingCache, embed_cached
from pipeline.trace import TraceSettings
from pipeline.trace.evaluate import by_method, load_decidim_links, predicted_links, ranking

LANGUAGES = ("ca", "es")


def run_trace_eval(path: Path, cache_root: Path, model: str = DEFAULT_MODEL, locale: str = "ca") -> dict[str, Any]:
    """Scores of the trace on one Decidim projects export."""
    started = time.perf_counter()
    data = load_decidim_links(path, locale)
    embedder = embedder_for(model, 1)
    cache = EmbeddingCache(cache_root, f"{embedder.model_id}/batch1")

    def embed(texts: list[str]) -> np.ndarray:
        return embed_cached(embedder, texts, cache)[0]

    settings = TraceSettings(languages=LANGUAGES, carryover_min_respondents=1, carryover_min_share=0.0)
    proposals = embed(data.proposals["text"].to_list())
    variants = {
        "title and description": [
            f"{t}. {d}" for t, d in zip(data.projects["title"], data.projects["description"], strict=True)
        ],
        "description only": data.projects["description"].to_list(),
    }
    results: dict[str, Any] = {}
    for name, documents in variants.items():
        vectors = embed(documents)
        links = predicted_links(data, documents, proposals, vectors, settings)
        results[name] = {"methods": by_method(links, data.truth), "semantic_ranking": ranking(data, proposals, vectors)}
    return {
        "dataset": str(path.name),
        "locale": locale,
        "model": embedder.model_id,
        "proposals": data.proposals.height,
        "projects": data.projects.height,
        "true_links": len(data.truth),
        "projects_skipped": data.skipped_projects,
        "settings": {
            "link_threshold": settings.link_threshold,
            "carryover_min_words": settings.carryover_min_words,
            "stop_words": list(LANGUAGES),
        },
        "variants": results,
        "seconds": round(time.perf_counter() - started, 1),
    }


def markdown(result: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    lines = [
        f"Decidim {result['dataset']} ({result['locale']}): {result['proposals']} proposals, "
        f"{result['projects']} projects, {result['true_links']} true links; model {result['model']}.",
        "",
        "| projects as | signal | links | precision | recall | F1 |",
        "|---|---|---|---|---|---|",
    ]
    for variant, figures in result["variants"].items():
        for method, s in figures["methods"].items():
            lines.append(
                f"| {variant} | {method} | {s['predicted']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |"
            )
    lines.append("")
    for variant, figures in result["variants"].items():
        ranked = figures["semantic_ranking"]
        best = ranked["best_threshold"]
        lines.append(
            f"- {variant}: semantic top-1 accuracy {ranked['accuracy_at_1']}; best F1 over thresholds "
            f"{best.get('f1')} at {best.get('threshold')} (chosen on this data: a ceiling)"
        )
    return "\n".join(lines)
