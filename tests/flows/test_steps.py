from pathlib import Path

import polars as pl

from flows import steps
from pipeline.config import load_consultation


def test_ingest_step_accounts_for_every_row(sample_dir: Path, tmp_path: Path) -> None:
    config = load_consultation(sample_dir / "consultation.toml")
    summary = steps.ingest(config, tmp_path)
    by_id = {s["source_id"]: s for s in summary["sources"]}
    survey = by_id["survey-responses"]
    assert survey["rows_read"] == 367
    assert survey["rows_read"] == survey["rows_analysed"] + survey["rows_rejected"] + survey["rows_merged"]
    meeting = by_id["public-meeting"]
    assert (meeting["rows_read"], meeting["rows_merged"]) == (80, 16)
    rejects = pl.read_parquet(tmp_path / "rejects.parquet")
    assert set(rejects["reason"]) == {"no free-text answer"}
    assert len(set(pl.read_parquet(tmp_path / "sources.parquet")["sha256"])) == 4


def test_source_ids_are_unique(sample_dir: Path) -> None:
    config = load_consultation(sample_dir / "consultation.toml")
    doubled = config.model_copy(update={"sources": (*config.sources, config.sources[0])})
    assert steps.source_ids(doubled)[-1] == "survey-responses-5"
