"""Read helpers for finished runs (the dashboard and the CLI read runs only through these).

A run is complete when ``manifest.json`` is in its folder; ``<workspace>/<slug>/latest`` names the
newest complete run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.schema import TABLES

VECTORS_FILE = "vectors.npy"  # passage vectors, rows as in ``passages`` (for review and re-tracing)


def consultations(workspace: Path) -> list[str]:
    """Slugs of consultations with at least one complete run."""
    if not workspace.is_dir():
        return []
    return sorted(p.name for p in workspace.iterdir() if p.is_dir() and runs(workspace, p.name))


def runs(workspace: Path, slug: str) -> list[Path]:
    """Complete runs of a consultation, newest first."""
    folder = workspace / slug / "runs"
    if not folder.is_dir():
        return []
    done = [
        p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").is_file()
    ]
    return sorted(done, key=lambda p: p.name, reverse=True)


def latest_run(workspace: Path, slug: str) -> Path | None:
    """The run ``latest`` points at, else the newest complete run, else None."""
    pointer = workspace / slug / "latest"
    if pointer.is_file():
        run = workspace / slug / "runs" / pointer.read_text().strip()
        if (run / "manifest.json").is_file():
            return run
    found = runs(workspace, slug)
    return found[0] if found else None


def read_manifest(run: Path) -> dict[str, Any]:
    """A run's manifest."""
    data: dict[str, Any] = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    return data


def read_run_table(run: Path, name: str) -> pl.DataFrame:
    """One table of a run (an empty frame of the right shape if the run lacks it).

    Runs written by an older version may lack columns added since; those come back empty
    (null), so a workspace's old runs stay readable by the dashboard.
    """
    path = run / f"{name}.parquet"
    schema = TABLES.get(name, {})
    if not path.is_file():
        return pl.DataFrame(schema=schema)
    frame = pl.read_parquet(path)
    missing = [column for column in schema if column not in frame.columns]
    return frame.with_columns(pl.lit(None, schema[c]).alias(c) for c in missing) if missing else frame
