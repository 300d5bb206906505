"""Workspace layout and atomic run bookkeeping.

``workspace/<slug>/runs/<run-id>/`` holds a finished run: Parquet tables and ``manifest.json``.
A run is built in ``runs/.<run-id>.partial/``; the manifest is written last and the folder is then
renamed, so a run folder without its manifest never appears. ``workspace/<slug>/latest`` names
the newest complete run and is replaced atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.schema import TABLES, conform


def new_run_id() -> str:
    """A sortable, unique run id: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def consultation_dir(workspace: Path, slug: str) -> Path:
    """Folder of one consultation in the workspace."""
    return workspace / slug


def staging_dir(workspace: Path, slug: str, run_id: str) -> Path:
    """Where a run is built before it is complete."""
    path = consultation_dir(workspace, slug) / "runs" / f".{run_id}.partial"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def write_table(folder: Path, name: str, frame: pl.DataFrame) -> Path:
    """Write a table atomically, conformed to its schema when it is a contract table."""
    if name in TABLES:
        frame = conform(frame, name)
    path = folder / f"{name}.parquet"
    tmp = folder / f".{name}.parquet.tmp"
    frame.write_parquet(tmp)
    tmp.replace(path)
    return path


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk, so a power cut cannot undo a finished write."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_table(folder: Path, name: str) -> pl.DataFrame:
    """A table written by ``write_table``."""
    return pl.read_parquet(folder / f"{name}.parquet")


def finalise_run(staging: Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest last, move the run into place and point ``latest`` at it."""
    work = staging / "_work"
    if work.exists():
        shutil.rmtree(work)
    for path in staging.rglob("*"):  # every file on disk before the manifest that vouches for it
        if path.is_file():
            _fsync(path)
    atomic_write_bytes(staging / "manifest.json", json.dumps(manifest, indent=2, default=str).encode())
    final: Path = staging.parent / str(manifest["run_id"])
    staging.rename(final)
    _fsync(final.parent)  # the rename itself is durable
    atomic_write_bytes(final.parent.parent / "latest", (manifest["run_id"] + "\n").encode())
    return final


def peak_step(peaks: dict[str, int]) -> str | None:
    """The first step after which a run's memory high-water mark (manifest ``peak_rss_mb``) was highest."""
    return max(peaks, key=lambda step: peaks[step]) if peaks else None
