"""The analysis steps as plain functions over a staging folder (one per Prefect task).

Each step reads its inputs from the staging folder, calls pipeline functions, writes its
outputs and returns a small summary (counts and seconds) for the manifest. Models are loaded
once per process.
"""

from __future__ import annotations

import re
import time
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from flows.runs import read_table, sha256_file, write_table
from pipeline.config import Analysis, ConsultationFile
from pipeline.schema import ATTRIBUTE_PREFIX, PUBLIC_KINDS, answering, empty
from pipeline.store import VECTORS_FILE, read_manifest

# The models and the pipeline modules that load them are imported inside the steps that use
# them: importing them all took 12 s, and a re-run whose steps are reused needs none of them.
if TYPE_CHECKING:
    from spacy.language import Language

    from models.embed import SentenceTransformerEmbedder
    from models.onnx_embed import OnnxEmbedder
    from models.pii import PrivacySettings, Redactor
    from models.topics import TopicSettings
    from pipeline.themes.cluster import ClusterSettings
    from pipeline.trace import TraceSettings

Summary = dict[str, Any]


@cache
def embedder_for(name: str, batch_size: int = 1, backend: str = "torch") -> SentenceTransformerEmbedder | OnnxEmbedder:
    """The embedding model, loaded once per process (per batch size and backend)."""
    from models.embed import SentenceTransformerEmbedder
    from models.onnx_embed import load_onnx

    if backend == "onnx-int8":
        return load_onnx(name, max(batch_size, 1))
    return SentenceTransformerEmbedder(name, batch_size)


@lru_cache(maxsize=1)  # keyed by the consultation's vocabulary: one kept, not one per run
def redactor_for(settings: PrivacySettings) -> Redactor:
    """The personal-data redactor, built once per process."""
    from models.pii import Redactor

    return Redactor(settings)


@cache
def nlp_for(name: str, parser: bool = False) -> Language:
    """The spaCy pipeline (with the parser, for labels), loaded once per process."""
    from models.nlp import load_nlp

    return load_nlp(name, parser)


def source_ids(config: ConsultationFile) -> list[str]:
    """A short unique id per source, from its file name."""
    ids: list[str] = []
    for source in config.sources:
        base = re.sub(r"[^a-z0-9]+", "-", source.path.stem.lower()).strip("-") or "source"
        ids.append(base if base not in ids else f"{base}-{len(ids) + 1}")
    return ids


def ingest(config: ConsultationFile, staging: Path) -> Summary:
    """Read every source; write sources, rejects and the raw responses/answers/blocks."""
    from pipeline.ingest import ingest_source

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
    write_table(staging, "decision_rows", pl.concat([r.decisions for r in results]))
    ids = source_ids(config)
    notes = {i: [*r.warnings, *r.notes] for i, r in zip(ids, results, strict=True) if r.warnings or r.notes}
    warnings = {i: list(r.warnings) for i, r in zip(ids, results, strict=True) if r.warnings}
    return {"seconds": time.perf_counter() - started, "sources": rows, "notes": notes, "warnings": warnings}


def prepare(config: ConsultationFile, staging: Path) -> Summary:
    """Clean text, flag languages and split into passages."""
    from models.pii import PrivacySettings
    from pipeline.prepare import passages_from_answers, passages_from_blocks, with_clean_text, with_language
    from pipeline.prepare.campaigns import campaigns
    from pipeline.prepare.redact import consultation_vocabulary, public_vocabulary, redact_frames

    started = time.perf_counter()
    work = staging / "_work"
    nlp = nlp_for(config.analysis.spacy_model)
    responses = read_table(work, "responses").pipe(with_clean_text).pipe(with_language, config.analysis.languages[0])
    answers = read_table(work, "answers").pipe(with_clean_text).filter(pl.col("text") != "")
    redactions: dict[str, int] = {}
    if config.privacy.redact:
        allow = (*config.privacy.allow, *public_vocabulary(read_table(work, "blocks")))
        privacy = PrivacySettings(
            entities=config.privacy.entities,
            allow=allow,
            spacy_model=config.analysis.spacy_model,
            vocabulary=consultation_vocabulary(responses["text"]),
        )
        responses, answers, counts = redact_frames(responses, answers, redactor_for(privacy))
        redactions = dict(sorted(counts.items()))
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
    """Embed every passage (cached by model id + text hash), in this process."""
    started = time.perf_counter()
    todo = embed_todo(config, staging, cache_root)
    return embed_store(config, staging, cache_root, todo, embed_texts(config, todo), started)


def _embedder(config: ConsultationFile) -> SentenceTransformerEmbedder | OnnxEmbedder:
    analysis = config.analysis
    return embedder_for(analysis.embedding_model, analysis.embedding_batch_size, analysis.embedding_backend)


def _embedding_cache(config: ConsultationFile, cache_root: Path) -> tuple[Any, Any]:
    from models.embed import EmbeddingCache

    embedder = _embedder(config)
    return embedder, EmbeddingCache(cache_root, f"{embedder.model_id}/batch{embedder.batch_size}")


def embed_todo(config: ConsultationFile, staging: Path, cache_root: Path) -> list[str]:
    """The distinct passage texts not yet in the embedding cache, in order of first appearance."""
    from models.embed import text_hash

    _, cache = _embedding_cache(config, cache_root)
    texts = list(dict.fromkeys(read_table(staging, "passages")["text"].to_list()))
    known = cache.known([text_hash(t) for t in texts])
    return [t for t in texts if text_hash(t) not in known]


def embed_texts(config: ConsultationFile, texts: list[str]) -> np.ndarray:
    """Vectors of ``texts``; each depends on its text alone, so texts can be split among workers."""
    return _embedder(config).encode(texts) if texts else np.zeros((0, 0), np.float32)


def embed_store(
    config: ConsultationFile, staging: Path, cache_root: Path, texts: list[str], vectors: np.ndarray, started: float
) -> Summary:
    """Add the new vectors to the cache and write every passage's vector (``vectors.npy``)."""
    from models.embed import embed_cached, text_hash

    embedder, cache = _embedding_cache(config, cache_root)
    cache.store([text_hash(t) for t in texts], vectors)
    passages = read_table(staging, "passages")
    everything, missing = embed_cached(embedder, passages["text"].to_list(), cache)
    np.save(staging / VECTORS_FILE, everything)
    return {
        "seconds": time.perf_counter() - started,
        "passages": passages.height,
        "embedded_new": len(texts) + missing,
        "model_id": embedder.model_id,
        "weights_sha256": embedder.weights_sha256,
    }


def _public(staging: Path) -> tuple[pl.DataFrame, np.ndarray, pl.DataFrame, np.ndarray]:
    from pipeline.trace import split_passages

    return split_passages(read_table(staging, "passages"), np.load(staging / VECTORS_FILE))


def themes(config: ConsultationFile, staging: Path, earlier_run: Path | None = None) -> Summary:
    """Code and discover themes in the public's passages; write themes, groups, quotes, breakdowns.

    With ``earlier_run`` (the consultation's latest complete run) and ``refit = "auto"``, that
    run's themes are kept and extended to new passages when they still fit (``extend_themes``).
    """
    from pipeline.prepare.campaigns import group_maps
    from pipeline.prepare.language import in_languages, unthemed_by_language
    from pipeline.themes.discover import discover_themes, grouped, set_aside_passages, theme_naming, too_few_note
    from pipeline.themes.stability import perturbation_stability
    from pipeline.themes.tables import set_aside_counts

    started = time.perf_counter()
    analysis = config.analysis
    public, vectors, _, _ = _public(staging)
    responses = read_table(staging, "responses")
    keep = in_languages(public, responses, analysis.languages)
    other_language = unthemed_by_language(public, responses, analysis.languages)
    public, vectors = _subset(public, vectors, keep)
    embedder = _embedder(config)

    def encode(texts: list[str]) -> np.ndarray:
        return embedder.encode(texts) if texts else np.zeros((0, vectors.shape[1]), np.float32)

    canonical_of, campaign_of = group_maps(read_table(staging, "campaigns"))
    extension, fit_note = _extension(config, earlier_run, embedder.model_id, public, vectors)
    if extension is not None and earlier_run is not None:
        naming = (extension.labels, extension.keywords, extension.origin)
        aside = set_aside_passages(grouped(public, canonical_of, analysis.per_question_min), canonical_of)
        write_table(staging, "set_aside", aside)
        kept = extension.assigned.filter(~pl.col("passage_id").is_in(aside["passage_id"].to_list()))
        table, assignments, groups = _write_themes(
            config, staging, kept, naming, public, vectors, responses, campaign_of, extension.questions
        )
        earlier = read_manifest(earlier_run)["themes"]  # the fit's own figures are the earlier run's
        codebook_ids = table.filter(pl.col("origin") == "codebook")["theme_id"].to_list()
        return {
            **_theme_counts(table, groups, assignments, public, responses),
            **set_aside_counts(aside, public, assignments),
            "seconds": time.perf_counter() - started,
            "passages_coded": assignments.filter(pl.col("theme_id").is_in(codebook_ids))["passage_id"].n_unique(),
            "responses_other_language": sum(other_language.values()),
            "unthemed_languages": other_language,
            "fit": {
                "mode": "extended",
                "from_run": earlier_run.name,
                "note": fit_note,
                "new_passages": extension.new_passages,
                "joined": extension.joined,
            },
            **{k: earlier.get(k) for k in ("min_theme_size", "outliers", "stability", "questions", "notes", "coding")},
        }
    # 1. Guided coding: passages close enough to a codebook theme take it (one or more codes).
    coded, uncoded, coding = _coded(config, public, vectors, encode)
    # 2. Discovery on what is left, per question (pipeline.themes.discover).
    rest, rest_vectors = _subset(public, vectors, uncoded)
    found = discover_themes(
        rest, rest_vectors, canonical_of, cluster_settings(analysis), _topic_settings(analysis), embedder
    )
    assigned = pl.concat([coded, found.assigned])
    write_table(staging, "set_aside", found.set_aside)
    # 3. Labels: the codebook's names, noun phrases for discovered themes (never background words).
    context = (nlp_for(analysis.spacy_model, parser=True), encode)
    codebook = {f"c{j}": code.name for j, code in enumerate(config.codebook)}
    naming = theme_naming(found, assigned, public, vectors, context, codebook, config.consultation.title)
    table, assignments, groups = _write_themes(
        config, staging, assigned, naming, public, vectors, responses, campaign_of, found.questions
    )
    return {
        **_theme_counts(table, groups, assignments, public, responses),
        **set_aside_counts(found.set_aside, public, assignments),
        "seconds": time.perf_counter() - started,
        "passages_coded": coded["passage_id"].n_unique(),
        "coding": coding,  # per code: classifier or prototype, its threshold, expected precision/recall
        "responses_other_language": sum(other_language.values()),
        "unthemed_languages": other_language,
        "fit": {"mode": "fitted", "note": fit_note},
        "questions": found.fits,
        "notes": too_few_note(found.fits),
        "min_theme_size": min((f["min_theme_size"] for f in found.fits), default=0),
        "outliers": {
            "unthemed": sum(f["unthemed"] for f in found.fits),
            "floor": analysis.outlier_floor,
            "max_unthemed": analysis.max_unthemed,
        },
        "stability": perturbation_stability(rest, rest_vectors, canonical_of, cluster_settings(analysis), found)
        if analysis.stability_seeds
        else {"method": "deterministic", "ari": None, "mean_ari": None, "seeds": []},
    }


def _subset(frame: pl.DataFrame, vectors: np.ndarray, keep: pl.Series) -> tuple[pl.DataFrame, np.ndarray]:
    """The rows of ``frame`` and ``vectors`` that ``keep`` marks; no copy when it marks every row.

    At 100,000 responses each copy of the passage vectors is ~380 MB.
    """
    keep = keep.fill_null(False)
    if keep.all():
        return frame, vectors
    return frame.filter(keep), vectors[keep.to_numpy()]


def _theme_counts(
    table: pl.DataFrame, groups: pl.DataFrame, assignments: pl.DataFrame, public: pl.DataFrame, responses: pl.DataFrame
) -> Summary:
    people = answering(responses, public)
    return {
        "themes": table.height,
        "theme_groups": groups.height,
        "codebook_themes": int((table["origin"] == "codebook").sum()),
        "public_passages": public.height,
        "responses_unthemed": people.height - assignments["response_id"].n_unique(),
    }


def _write_themes(
    config: ConsultationFile,
    staging: Path,
    assigned: pl.DataFrame,
    naming: tuple[dict[str, str], dict[str, list[str]], dict[str, str]],
    public: pl.DataFrame,
    vectors: np.ndarray,
    responses: pl.DataFrame,
    campaign_of: dict[str, str],
    questions: dict[str, str | None] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Themes (ids by size), tone, parents, quotes and breakdowns from passage → theme rows."""
    from pipeline.breakdowns import breakdowns
    from pipeline.coding.tone import passage_tone_table
    from pipeline.themes.parents import with_parents
    from pipeline.themes.tables import quotes_table, themes_table, with_sentiment

    analysis = config.analysis
    labels, keywords, origin = naming
    people = answering(responses, public)
    table, assignments = themes_table(
        assigned, people.select("response_id", "respondent_id", "weight"), labels, keywords, origin, questions
    )
    sentiment = passage_tone_table(config, public, vectors, _embedder(config).encode)
    write_table(staging, "tone", sentiment)
    table = with_sentiment(table, assignments, sentiment, people)
    context = (nlp_for(analysis.spacy_model, parser=True), _embedder(config).encode)
    table, groups = with_parents(
        table, assignments, public, vectors, context, people, analysis.parent_themes, config.consultation.title
    )
    write_table(staging, "themes", table)
    write_table(staging, "theme_groups", groups)
    write_table(staging, "assignments", assignments)
    write_table(staging, "quotes", quotes_table(assignments, public, analysis.quotes_per_theme, campaign_of))
    write_table(
        staging,
        "breakdowns",
        breakdowns(
            assignments,
            people.select("response_id", "respondent_id", "channel", *_attribute_columns(people)),
            public.select("passage_id", "response_id", "question"),
            sentiment,
        ),
    )
    return table, assignments, groups


def _extension(
    config: ConsultationFile, earlier_run: Path | None, model_id: str, public: pl.DataFrame, vectors: np.ndarray
) -> tuple[Any, str]:
    """The earlier run's themes extended to this run's passages, or None and why they were not."""
    from pipeline.prepare.language import in_languages
    from pipeline.themes.extend import extend_themes

    analysis = config.analysis
    if analysis.refit == "always" or earlier_run is None:
        return None, "no earlier run to extend" if earlier_run is None else "refit = always"
    manifest = read_manifest(earlier_run)
    resolved = config.model_dump(mode="json")
    before = manifest["config"]["resolved"]
    if (before.get("analysis"), before.get("codebook")) != (resolved["analysis"], resolved["codebook"]):
        return None, f"the theme settings changed since run {earlier_run.name}"
    if manifest["models"]["embedding"]["id"] != model_id:
        return None, f"the embedding model changed since run {earlier_run.name}"
    passages = read_table(earlier_run, "passages")
    responses = read_table(earlier_run, "responses")
    earlier_public = passages.filter(pl.col("kind").is_in(PUBLIC_KINDS))
    earlier_public = earlier_public.filter(in_languages(earlier_public, responses, analysis.languages))
    extension, note = extend_themes(
        dict(zip(earlier_public["passage_id"], earlier_public["text"], strict=True)),
        read_table(earlier_run, "assignments"),
        read_table(earlier_run, "themes"),
        public,
        vectors,
        threshold=analysis.outlier_threshold,
        max_new_share=analysis.refit_share,
        max_unthemed=analysis.max_unthemed,
    )
    return extension, f"run {earlier_run.name}: {note}"


def _attribute_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith(ATTRIBUTE_PREFIX)]


def _coded(
    config: ConsultationFile, public: pl.DataFrame, vectors: np.ndarray, encode: Any
) -> tuple[pl.DataFrame, pl.Series, list[dict[str, Any]]]:
    """Codebook assignments (provisional keys ``c0``, ``c1``…), a mask of uncoded passages, and how each code is assigned."""
    from pipeline.coding.codebook import Passages, code_passages

    if not config.codebook or public.is_empty():
        return empty("assignments"), pl.Series([True] * public.height), []
    analysis = config.analysis
    passages = Passages(public["text"].to_list(), vectors, public["question"].to_list())
    codes, fits = code_passages(
        config.codebook, passages, encode, analysis.codebook_threshold, analysis.codebook_margin
    )
    rows = [
        (passage, response, f"c{code}", score)
        for passage, response, taken in zip(public["passage_id"], public["response_id"], codes, strict=True)
        for code, score in taken
    ]
    coded = pl.DataFrame(rows, schema=empty("assignments").schema, orient="row")
    return coded, pl.Series([not taken for taken in codes]), [f.__dict__ for f in fits]


def cluster_settings(analysis: Analysis) -> ClusterSettings:
    """The clustering's granularity from the consultation file's ``[analysis]``."""
    from pipeline.themes.cluster import ClusterSettings

    return ClusterSettings(
        target=analysis.target_themes,
        min_size=analysis.min_theme_size,
        min_share=analysis.min_theme_share,
        max_share=analysis.max_theme_share,
        join_threshold=analysis.outlier_floor,
        per_question_min=analysis.per_question_min,
    )


def _topic_settings(analysis: Analysis) -> TopicSettings:
    from models.topics import TopicSettings

    return TopicSettings(seed=analysis.seed)


def trace_settings(analysis: Analysis) -> TraceSettings:
    """The trace's thresholds from the consultation file's ``[analysis]``."""
    from pipeline.trace import TraceSettings

    return TraceSettings(
        link_threshold=analysis.link_threshold,
        carryover_min_words=analysis.carryover_min_words,
        carryover_min_respondents=analysis.carryover_min_respondents,
        carryover_min_share=analysis.carryover_min_share,
        languages=analysis.languages,
    )


def _response_column(responses: pl.DataFrame, wanted: str) -> str | None:
    """The responses table's column for a source column named in the consultation file (or its unique prefix)."""
    from pipeline.ingest.survey import attribute_name

    name = attribute_name(wanted)
    return name if name in responses.columns else next((c for c in responses.columns if c.startswith(name)), None)


def option_column(config: ConsultationFile, responses: pl.DataFrame) -> dict[str, str | None]:
    """Response → the value of its source's option column (``option = "project_id"``), where one is named."""
    out: dict[str, str | None] = {}
    for source in config.sources:
        column = _response_column(responses, source.option) if source.option else None
        if column is not None:
            rows = responses.filter(pl.col(column).is_not_null()).select("response_id", pl.col(column).cast(pl.String))
            out |= dict(rows.iter_rows())
    return out


def closed_questions(config: ConsultationFile, responses: pl.DataFrame) -> dict[str, str]:
    """The responses table's closed-question columns → the option each asks about (``[sources.stance]``)."""
    found = {
        _response_column(responses, question): option
        for source in config.sources
        for question, option in source.stance.items()
    }
    return {column: option for column, option in found.items() if column is not None}


def trace(config: ConsultationFile, staging: Path) -> Summary:
    """Link themes to options and decision passages, and trace option by option (``trace_run``, docs/TRACE.md)."""
    from pipeline.trace.attribution import AttributionSettings
    from pipeline.trace.process import trace_run

    started = time.perf_counter()
    names = ("passages", "responses", "themes", "assignments", "decision_rows")
    tables = {name: read_table(staging, name) for name in names}
    traced = trace_run(
        tables,
        np.load(staging / VECTORS_FILE),
        _embedder(config).encode,
        config.consultation.title,
        trace_settings(config.analysis),
        AttributionSettings(languages=config.analysis.languages),
        option_column(config, tables["responses"]),
        closed_questions(config, tables["responses"]),
    )
    for name, table in traced.tables().items():
        write_table(staging, name, table)
    links, by_option = traced.links, traced.by_option
    return {
        "seconds": time.perf_counter() - started,
        "links": int(links["linked"].sum()),
        "near_misses": int((~links["linked"]).sum()),
        "statuses": dict(traced.theme_status.group_by("status").len().iter_rows()),
        "options": by_option.options.height,
        "responses_addressing_an_option": by_option.response_options["response_id"].n_unique(),
        "option_outcomes": dict(by_option.option_outcomes.group_by("outcome").len().iter_rows()),
    }


def report(config: ConsultationFile, staging: Path, workspace: Path, about: dict[str, Any]) -> Summary:
    """Responsiveness (as the machine found it) and the "you said, we did" reports (as reviewed)."""
    from pipeline.report import report_data, write_reports
    from pipeline.responsiveness import headline
    from pipeline.review import REVIEW_FILE, ReviewStore, open_folder
    from pipeline.trace import status_counts

    started = time.perf_counter()
    settings = trace_settings(config.analysis)
    machine = open_folder(staging, None, settings)
    write_table(staging, "responsiveness", machine.tables["responsiveness"])
    store = ReviewStore(workspace / config.slug / REVIEW_FILE)
    reviewed = open_folder(staging, store, settings)
    data = report_data(reviewed.tables, {**about, "config": {"resolved": config.model_dump(mode="json")}})
    written = write_reports(data, staging / "report")
    return {
        "seconds": time.perf_counter() - started,
        "responsiveness": headline(machine.tables["responsiveness"]),
        "responsiveness_reviewed": headline(reviewed.tables["responsiveness"]),
        "reviews": {"applied": len(reviewed.applied), "orphaned": reviewed.orphaned},
        "statuses_reviewed": status_counts(reviewed.tables["theme_status"]),
        "reports": [p.name for p in written],
    }
