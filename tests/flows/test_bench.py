"""The benchmark harness: generated consultations and one measured size."""

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.bench import bench_size, generate, table
from flows.cli import app
from pipeline.config import load_consultation


def test_generated_consultation_is_realistic_and_deterministic(tmp_path: Path) -> None:
    config = load_consultation(generate(tmp_path / "a", 2_000))
    assert [s.kind for s in config.sources] == ["responses", "document", "document"]
    frame = pl.read_csv(tmp_path / "a" / "responses.csv", infer_schema_length=0)
    assert frame.height == 2_000
    assert frame["Response ID"].n_unique() == 2_000
    campaign = frame["Q5"].drop_nulls().str.contains("Market Square").sum()
    assert 40 <= campaign <= 160  # about 4% send the campaign letter
    words = (frame["Q2"].fill_null("") + " " + frame["Q4"].fill_null("")).str.split(" ").list.len().to_list()
    assert min(words) < 5 < 40 < max(words)  # from a few words to paragraphs
    assert frame["Ward"].n_unique() == 5
    generate(tmp_path / "b", 2_000)
    same = (tmp_path / "b" / "responses.csv").read_bytes() == (tmp_path / "a" / "responses.csv").read_bytes()
    assert same


def test_cli_refuses_bad_sizes() -> None:
    result = CliRunner().invoke(app, ["bench", "--sizes", "ten"])
    assert result.exit_code == 2
    assert "comma-separated whole numbers" in " ".join(result.output.split())


@pytest.mark.slow
def test_one_size_is_measured_end_to_end(tmp_path: Path) -> None:
    result = bench_size(120, tmp_path)
    assert result["responses"] == 120
    assert result["passages"] > 120
    assert set(result["steps_seconds"]) == {"ingest", "prepare", "embed", "themes", "trace", "report"}
    assert result["cold_seconds"] > sum(result["steps_seconds"].values())
    assert 0 < result["rerun_seconds"] < result["cold_seconds"]  # every step reused
    assert result["rerun_with_server_seconds"] > 0
    assert result["embedded_per_s"] > 0
    assert result["plain_embedded_per_s"] > 0
    assert result["cold_peak_rss_mb"] > 300  # the models are loaded: a real process was measured
    assert result["plain_seconds"] > 0
    rendered = table({"measured_at": "today", "machine": "test", "sizes": [result]})
    assert "| 120 |" in rendered
    json.dumps(result)  # serialisable as written to results.json
