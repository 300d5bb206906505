from pathlib import Path

import polars as pl
import pytest

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


@pytest.mark.slow
def test_a_consultation_too_small_to_theme_still_completes(tmp_path: Path) -> None:
    (tmp_path / "answers.csv").write_text(
        "id,answer\n1,The buses stop too early.\n2,Parking costs too much.\n3,More benches please.\n",
        encoding="utf-8",
    )
    (tmp_path / "decision.md").write_text("# Decision\n\nWe will extend evening bus services.\n", encoding="utf-8")
    (tmp_path / "c.toml").write_text(
        '[consultation]\ntitle = "Tiny"\n'
        '[[sources]]\npath = "answers.csv"\nkind = "responses"\nstage = "problem"\nid = "id"\ntext = ["answer"]\n'
        '[[sources]]\npath = "decision.md"\nkind = "document"\nstage = "decision"\n'
        '[[codebook]]\nname = "Buses"\ndescription = "Bus services and times."\n',
        encoding="utf-8",
    )
    config = load_consultation(tmp_path / "c.toml")
    staging = tmp_path / "run"
    staging.mkdir()
    steps.ingest(config, staging)
    steps.prepare(config, staging)
    steps.embed(config, staging, tmp_path / "cache")
    summary = steps.themes(config, staging)
    steps.trace(config, staging)
    themes = pl.read_parquet(staging / "themes.parquet")
    # too few passages to discover anything, but the codebook still codes the bus answer
    assert themes["label"].to_list() == ["Buses"]
    assert summary["responses_unthemed"] == 2
    assert pl.read_parquet(staging / "theme_groups.parquet").is_empty()
    assert summary["stability"]["mean_ari"] is None


def test_ingest_step_passes_on_date_warnings(tmp_path: Path) -> None:
    (tmp_path / "answers.csv").write_text(
        "id,when,answer\n1,14.06.2020 16:45,The buses stop too early.\n2,whenever,Parking costs too much.\n",
        encoding="utf-8",
    )
    (tmp_path / "c.toml").write_text(
        '[consultation]\ntitle = "Dates"\n[[sources]]\npath = "answers.csv"\nkind = "responses"\n'
        'stage = "problem"\nid = "id"\ntext = ["answer"]\ndate = "when"\n',
        encoding="utf-8",
    )
    summary = steps.ingest(load_consultation(tmp_path / "c.toml"), tmp_path)
    (warning,) = summary["warnings"]["answers"]
    assert "date column 'when': 1 of 2 values could not be read as a date (e.g. 'whenever')" in warning
    assert summary["notes"]["answers"] == [warning]  # the dashboard's notes show it too
    responses = pl.read_parquet(tmp_path / "_work" / "responses.parquet")
    assert responses["submitted"].to_list() == ["2020-06-14T16:45", None]


@pytest.mark.slow
def test_a_survey_whose_headers_are_internal_names_is_ingested_and_prepared(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "response_id,text,language,weight,question,submitted,flag\n"
        "1,The buses stop far too early in the evening,en,3,a,14.06.2020 16:45,x\n"
        "2,Please add a protected cycle lane along the seafront,fr,x,b,15.06.2020 10:00,y\n",
        encoding="utf-8",
    )
    (tmp_path / "c.toml").write_text(
        '[consultation]\ntitle = "Clash"\n[[sources]]\npath = "export.csv"\nkind = "responses"\n'
        'stage = "problem"\nid = "response_id"\ntext = ["text"]\ndate = "submitted"\nweight = "weight"\n',
        encoding="utf-8",
    )
    config = load_consultation(tmp_path / "c.toml")
    steps.ingest(config, tmp_path)
    summary = steps.prepare(config, tmp_path)
    assert summary["responses"] == 2
    responses = pl.read_parquet(tmp_path / "responses.parquet")
    assert responses["weight"].to_list() == [3, 1]
    assert responses["submitted"].to_list() == ["2020-06-14T16:45", "2020-06-15T10:00"]
    assert responses.select("attr_language", "attr_question", "attr_flag").row(0) == ("en", "a", "x")
    assert set(pl.read_parquet(tmp_path / "passages.parquet")["question"]) == {"text"}
