"""The analysis steps as plain functions over a staging folder (one per Prefect task).

Each step reads its inputs from the staging folder, calls pipeline functions, writes its
outputs and returns a small summary (counts and seconds) for the manifest. Models are loaded
once per process.
"""

from __future__ import annotations

import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from spacy.language import Language

from flows.runs import read_table, sha256_file, write_table
from models.embed import EmbeddingCache, SentenceTransformerEmbedder, embed_cached
from models.nlp import load_nlp
from models.pii import PrivacySettings, Redactor
from models.topics import TopicSettings, fit_topics
from pipeline.config import ConsultationFile
from pipeline.ingest import ingest_source
from pipeline.prepare import passages_from_answers, passages_from_blocks, with_clean_text, with_language
from pipeline.prepare.campaigns import campaigns, group_maps
from pipeline.prepare.redact import public_vocabulary, redact_frames
from pipeline.themes import (
    centroid_scores,
    propagated_to_members,
    quotes_table,
    themes_table,
    topic_assignments,
)
from pipeline.trace import theme_links, theme_status

PUBLIC_KINDS = ("answer", "turn")
Summary = dict[str, Any]


@cache
def embedder_for(name: str, batch_size: int = 1) -> SentenceTransformerEmbedder:
    """The embedding model, loaded once per process (per batch size)."""
    return SentenceTransformerEmbedder(name, batch_size)


@cache
def redactor_for(settings: PrivacySettings) -> Redactor:
    """The personal-data redactor, built once per process."""
    return Redactor(settings)


@cache
def nlp_for(name: str) -> Language:
    """The spaCy pipeline, loaded once per process."""
    return load_nlp(name)


def source_ids(config: ConsultationFile) -> list[str]:
    """A short unique id per source, from its file name."""
    ids: list[str] = []
    for source in config.sources:
        base = re.sub(r"[^a-z0-9]+", "-", source.path.stem.lower()).strip("-") or "source"
        ids.append(base if base not in ids else f"{base}-{len(ids) + 1}")
    return ids


def ingest(config: ConsultationFile, staging: Path) -> Summary:
    """Read every source; write sources, rejects and the raw responses/answers/blocks."""
    started = time.perf_counter()
    work = staging / "_work"
    work.mkdir(exist_ok=True)
    results, rows = [], []
    for source, source_id in zip(config.sources, source_ids(config), strict=True):
        got = ingest_source(source, source_id)
        results.append(got)
        rows.append(
            {
                "source_id": source_id,
                "path": str(source.path),
                "kind": source.kind,
                "stage": source.stage,
                "format": got.format,
                "sha256": sha256_file(source.path),
                "rows_read": got.rows_read,
                "rows_analysed": got.rows_analysed,
                "rows_rejected": got.rows_rejected,
                "rows_merged": got.rows_merged,
            }
        )
    sources = pl.DataFrame(rows)
    write_table(staging, "sources", sources)
    write_table(staging, "rejects", pl.concat([r.rejects for r in results]))
    write_table(work, "responses", pl.concat([r.responses for r in results], how="diagonal_relaxed"))
    write_table(work, "answers", pl.concat([r.answers for r in results]))
    write_table(work, "blocks", pl.concat([r.blocks for r in results]))
    notes = {source_id: list(r.notes) for source_id, r in zip(source_ids(config), results, strict=True) if r.notes}
    return {"seconds": time.perf_counter() - started, "sources": rows, "notes": notes}


def prepare(config: ConsultationFile, staging: Path) -> Summary:
    """Clean text, flag languages and split into passages."""
    started = time.perf_counter()
    work = staging / "_work"
    nlp = nlp_for(config.analysis.spacy_model)
    responses = read_table(work, "responses").pipe(with_clean_text)
    answers = read_table(work, "answers").pipe(with_clean_text).filter(pl.col("text") != "")
    redactions: dict[str, int] = {}
    if config.privacy.redact:
        allow = (*config.privacy.allow, *public_vocabulary(read_table(work, "blocks")))
        privacy = PrivacySettings(
            entities=config.privacy.entities, allow=allow, spacy_model=config.analysis.spacy_model
        )
        responses, answers, counts = redact_frames(responses, answers, redactor_for(privacy))
        redactions = dict(sorted(counts.items()))
    responses = responses.pipe(with_language)
    campaign_table, responses = campaigns(
        responses, config.analysis.duplicate_threshold, config.analysis.campaign_min_members
    )
    write_table(staging, "campaigns", campaign_table)
    blocks = read_table(work, "blocks").pipe(with_clean_text).filter(pl.col("text") != "")
    passages = pl.concat([passages_from_answers(answers, nlp), passages_from_blocks(blocks, nlp)])
    write_table(staging, "responses", responses)
    write_table(staging, "passages", passages)
    languages = dict(responses.group_by("language").len().sort("len", descending=True).iter_rows())
    return {
        "seconds": time.perf_counter() - started,
        "responses": responses.height,
        "represented": int(responses["weight"].sum()),
        "redactions": redactions,
        "campaigns": campaign_table.filter(pl.col("kind") == "campaign").height,
        "campaign_members": int(campaign_table.filter(pl.col("kind") == "campaign")["n_members"].sum()),
        "duplicate_groups": campaign_table.filter(pl.col("kind") == "duplicates").height,
        "passages": passages.height,
        "languages": languages,
    }


def embed(config: ConsultationFile, staging: Path, cache_root: Path) -> Summary:
    """Embed every passage (cached by model id + text hash)."""
    started = time.perf_counter()
    embedder = embedder_for(config.analysis.embedding_model, config.analysis.embedding_batch_size)
    passages = read_table(staging, "passages")
    vectors, new = embed_cached(
        embedder,
        passages["text"].to_list(),
        EmbeddingCache(cache_root, f"{embedder.model_id}/batch{embedder.batch_size}"),
    )
    np.save(staging / "_work" / "vectors.npy", vectors)
    return {
        "seconds": time.perf_counter() - started,
        "passages": passages.height,
        "embedded_new": new,
        "model_id": embedder.model_id,
        "weights_sha256": embedder.weights_sha256,
    }


def _public(staging: Path) -> tuple[pl.DataFrame, np.ndarray, pl.DataFrame, np.ndarray]:
    passages = read_table(staging, "passages").with_row_index("_row")
    vectors = np.load(staging / "_work" / "vectors.npy")
    public = passages.filter(pl.col("kind").is_in(PUBLIC_KINDS))
    documents = passages.filter(pl.col("kind") == "section")
    return (
        public.drop("_row"),
        vectors[public["_row"].to_numpy()],
        documents.drop("_row"),
        vectors[documents["_row"].to_numpy()],
    )


def themes(config: ConsultationFile, staging: Path) -> Summary:
    """Fit themes on the public's passages; write themes, assignments and quotes."""
    started = time.perf_counter()
    public, vectors, _, _ = _public(staging)
    language = read_table(staging, "responses").select("response_id", "language")
    keep = public.join(language, on="response_id", how="left")["language"].is_in([*config.analysis.languages, "und"])
    other_language = public.filter(~keep)["response_id"].n_unique()
    public, vectors = public.filter(keep), vectors[keep.to_numpy()]
    # Fit on one representative per group of near-identical responses; members follow it.
    canonical_of, campaign_of = group_maps(read_table(staging, "campaigns"))
    fitted = ~public["response_id"].is_in(list(canonical_of))
    settings = TopicSettings(seed=config.analysis.seed, min_cluster_size=config.analysis.min_theme_size)
    reps, rep_vectors = public.filter(fitted), vectors[fitted.to_numpy()]
    fit = fit_topics(
        reps["text"].to_list(),
        rep_vectors,
        embedder_for(config.analysis.embedding_model, config.analysis.embedding_batch_size),
        settings,
    )
    assigned = topic_assignments(reps, fit.topics, centroid_scores(rep_vectors, fit.topics))
    assigned = propagated_to_members(assigned, public, vectors, canonical_of)
    respondents = read_table(staging, "responses").join(public.select("response_id").unique(), on="response_id")
    table, assignments = themes_table(
        assigned, respondents.select("response_id", "respondent_id", "weight"), fit.keywords
    )
    write_table(staging, "themes", table)
    write_table(staging, "assignments", assignments)
    write_table(staging, "quotes", quotes_table(assignments, public, config.analysis.quotes_per_theme, campaign_of))
    unthemed = respondents.height - assignments["response_id"].n_unique()
    return {
        "seconds": time.perf_counter() - started,
        "themes": table.height,
        "public_passages": public.height,
        "responses_unthemed": unthemed,
        "responses_other_language": other_language,
    }


def trace(config: ConsultationFile, staging: Path) -> Summary:
    """Link themes to options and decision passages; write links and theme_status."""
    started = time.perf_counter()
    public, public_vectors, documents, document_vectors = _public(staging)
    table = read_table(staging, "themes")
    links = theme_links(
        read_table(staging, "assignments"),
        public,
        public_vectors,
        documents,
        document_vectors,
        config.analysis.link_threshold,
    )
    status = theme_status(table, links)
    write_table(staging, "links", links)
    write_table(staging, "theme_status", status)
    counts = dict(status.group_by("status").len().iter_rows())
    return {"seconds": time.perf_counter() - started, "links": links.height, "statuses": counts}
