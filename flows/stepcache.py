"""Finished steps kept under a key of everything they read, so a re-run redoes only what changed.

A step's key hashes the key of the step before it (so a change upstream changes every key
below), the consultation-file settings the step reads, and a fingerprint of Throughline's own
code and the versions of the packages that shape results. Ingest's key also hashes the bytes of
every source file. After a step runs, the files it wrote into the staging folder are linked into
``<workspace>/.cache/steps/<step>/<key>/`` with its summary; a later run with the same key links
them back instead of running the step. Entries are written under a temporary name and renamed,
so a crash leaves either a whole entry or none. The report step is never reused: it reads the
review store, which changes without any file changing.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.config import ConsultationFile

CODE_PACKAGES = ("pipeline", "models", "flows")
KEEP_PER_STEP = 4
SUMMARY = "summary.json"

# What each step reads from the consultation file (a dotted name is one field of a section).
STEP_SETTINGS: dict[str, tuple[str, ...]] = {
    "ingest": ("consultation", "sources"),
    "prepare": ("privacy", "analysis.spacy_model", "analysis.duplicate_threshold", "analysis.campaign_min_members"),
    "embed": ("analysis.embedding_model", "analysis.embedding_batch_size", "analysis.embedding_backend"),
    "themes": ("analysis", "codebook", "tone_examples"),
    "trace": ("analysis",),
}
Snapshot = dict[str, tuple[int, int]]
ABANDONED_AFTER_S = 3600  # an unfinished entry this old belongs to no live run


@cache
def code_fingerprint(versions: tuple[tuple[str, str], ...]) -> str:
    """sha256 of Throughline's Python sources and the given package versions."""
    digest = hashlib.sha256(repr(versions).encode())
    root = Path(__file__).resolve().parent.parent
    for package in CODE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _setting(resolved: dict[str, Any], name: str) -> Any:
    section, _, field = name.partition(".")
    value = resolved.get(section)
    return value.get(field) if field and isinstance(value, dict) else value


def step_keys(config: ConsultationFile, source_sha256: list[str], fingerprint: str) -> dict[str, str]:
    """The key of every reusable step, each chained to the one before."""
    resolved = config.model_dump(mode="json")
    keys: dict[str, str] = {}
    parent = json.dumps(source_sha256)
    for step, names in STEP_SETTINGS.items():
        settings = {name: _setting(resolved, name) for name in names}
        payload = json.dumps([step, parent, fingerprint, settings], sort_keys=True, default=str)
        keys[step] = parent = hashlib.sha256(payload.encode()).hexdigest()[:32]
    return keys


def snapshot(folder: Path) -> Snapshot:
    """Size and modification time of every file under ``folder`` (relative paths)."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system: copy instead
        shutil.copy2(source, target)


class StepCache:
    """Step outputs on disk, keyed by ``step_keys``."""

    def __init__(self, root: Path, keep: int = KEEP_PER_STEP) -> None:
        self.root = root
        self.keep = keep

    def restore(self, step: str, key: str, staging: Path) -> dict[str, Any] | None:
        """Link a finished step's files into ``staging`` and return its summary; None if not kept."""
        entry = self.root / step / key
        if not (entry / SUMMARY).is_file():
            return None
        files = entry / "files"
        for path in files.rglob("*"):
            if path.is_file():
                _link(path, staging / path.relative_to(files))
        os.utime(entry)  # most recently used: pruned last
        summary: dict[str, Any] = json.loads((entry / SUMMARY).read_text())
        return summary

    def save(self, step: str, key: str, staging: Path, before: Snapshot, summary: dict[str, Any]) -> None:
        """Keep the files the step wrote (new or changed since ``before``) and its summary."""
        folder = self.root / step
        entry = folder / key
        if entry.exists():
            return
        tmp = folder / f".{key}.{secrets.token_hex(4)}.tmp"
        for rel, stat in snapshot(staging).items():
            if before.get(rel) != stat:
                _link(staging / rel, tmp / "files" / rel)
        (tmp / "files").mkdir(parents=True, exist_ok=True)
        (tmp / SUMMARY).write_text(json.dumps(summary, default=str))
        try:
            tmp.rename(entry)
        except OSError:  # a concurrent run kept the same step first
            shutil.rmtree(tmp, ignore_errors=True)
        self._prune(folder)

    def _prune(self, folder: Path) -> None:
        entries = sorted(
            (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for old in entries[self.keep :]:
            shutil.rmtree(old, ignore_errors=True)
        abandoned = time.time() - ABANDONED_AFTER_S  # left by a run killed while it saved
        for tmp in folder.glob(".*.tmp"):
            if tmp.stat().st_mtime < abandoned:
                shutil.rmtree(tmp, ignore_errors=True)


def reused_or_run(
    cache: StepCache | None, step: str, key: str, staging: Path, compute: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The step's kept files and summary (marked ``reused``), or ``compute()`` run and then kept.

    ``seconds`` of a reused step is the time it took to link its files back.
    """
    started = time.perf_counter()
    kept = cache.restore(step, key, staging) if cache else None
    if kept is not None:
        return {**kept, "seconds": time.perf_counter() - started, "reused": True}
    before = snapshot(staging)
    summary = compute()
    if cache:
        cache.save(step, key, staging, before, summary)
    return summary
