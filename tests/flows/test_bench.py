"""The benchmark harness: generated consultations and one measured size."""

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from flows import bench as bench_module
from flows.bench import REAL, bench, bench_size, generate, real_cases, table
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


def test_cli_refuses_nothing_to_measure() -> None:
    result = CliRunner().invoke(app, ["bench", "--sizes", "", "--no-real"])
    assert result.exit_code == 2
    assert "nothing to measure" in result.output


def test_real_datasets_become_consultations_over_the_files_in_place(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    nhs = shared / REAL[0][1]
    nhs.parent.mkdir(parents=True)
    nhs.write_text("code,label,feedback,organization,question,row_index\nxn,x,Nothing.,Trust A,Q1,0\n")
    cases = real_cases(tmp_path / "scratch", shared)
    assert [c.name for c in cases] == ["NHS Friends and Family Test (real)"]  # the absent one is left out
    config = load_consultation(cases[0].config)
    responses = config.sources[0]
    assert responses.path == nhs.resolve()  # read where it lies, never copied
    assert responses.text == ("feedback",)
    assert [s.stage for s in config.sources] == ["problem", "options", "decision"]


def test_a_run_keeps_the_rows_it_did_not_measure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = {"measured_at": "2026-01-01", "machine": "m", "sizes": [{"responses": 1000, "cold_seconds": 9.0}]}
    results = tmp_path / "results.json"
    results.write_text(json.dumps(earlier))

    def fake(case: bench_module.Case, root: Path, plain: bool) -> dict[str, object]:
        return {"name": case.name, "responses": 50, "cold_seconds": 1.0, "measured_at": "today"}

    monkeypatch.setattr(bench_module, "bench_case", fake)
    got = bench([50], tmp_path / "scratch", real=False, results_path=results, performance=None)
    assert [(r["name"], r["measured_at"]) for r in got["cases"]] == [
        ("generated 50", "today"),
        ("generated 1,000", "2026-01-01"),  # the earlier layout, named and dated
    ]
    assert json.loads(results.read_text()) == got


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
    assert result["name"] == "generated 120"
    rendered = table({"machine": "test", "cases": [result]})
    assert "| generated 120 | 120 |" in rendered
    peaks = result["steps_peak_rss_mb"]
    assert list(peaks) == list(result["steps_seconds"])
    assert max(peaks.values()) <= result["cold_peak_rss_mb"]  # the flow's process within the largest one
    assert " MB (in " in rendered  # the step that set the peak
    json.dumps(result)  # serialisable as written to results.json
