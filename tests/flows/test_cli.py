import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.store import latest_run, read_run_table

runner = CliRunner()


def test_bad_config_fails_fast_with_the_key(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[consultation]\ntitle = "x"\n[[sources]]\npath = "a.csv"\nkind = "survey"\nstage = "problem"\n')
    result = runner.invoke(app, ["analyse", str(config), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "sources[0].kind" in result.output


def test_missing_source_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[consultation]\ntitle = "x"\n[[sources]]\npath = "gone.csv"\nkind = "responses"\n'
        'stage = "problem"\ntext = ["Q1"]\n'
    )
    result = runner.invoke(app, ["analyse", str(config), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "source files not found" in result.output
    assert "gone.csv" in result.output


def test_a_second_run_of_the_same_consultation_is_refused(sample_dir: Path, tmp_path: Path) -> None:
    from flows.lock import consultation_lock

    workspace = tmp_path / "ws"
    with consultation_lock(workspace, "harbourside-transport"):
        result = runner.invoke(app, ["analyse", str(sample_dir / "consultation.toml"), "-w", str(workspace)])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "another run of 'harbourside-transport' is in progress" in said
    assert "--wait" in said
    assert not (workspace / "harbourside-transport" / "runs").exists()  # nothing was started


@pytest.mark.slow
def test_doctor_checks_the_installation(tmp_path: Path) -> None:
    result = runner.invoke(app, ["doctor", "-w", str(tmp_path / "ws")], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    for check in ("packages", "embedding model", "spaCy pipeline", "redaction", "workspace", "prefect"):
        assert check in said
    assert "all-MiniLM-L6-v2@" in said  # loaded from the packaged weights, offline
    assert "[EMAIL]" in said


def test_doctor_says_what_failed_and_what_to_do(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[consultation]\ntitle = "x"\n[analysis]\nembedding_model = "/nowhere/model"\n'
        'spacy_model = "no_such_model"\n[[sources]]\npath = "a.csv"\nkind = "responses"\nstage = "problem"\n'
    )
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    result = runner.invoke(app, ["doctor", "-w", str(blocked / "ws"), "--config", str(config)], env={"COLUMNS": "300"})
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "FAILED" in said
    assert "not a local folder" in said  # the embedding model
    assert "no_such_model" in said
    assert "choose a folder you can write" in said
    assert "check(s) failed: embedding model, spaCy pipeline, redaction, workspace" in said


@pytest.mark.slow
def test_score_reports_the_sample(sample_workspace: Path, sample_dir: Path) -> None:
    result = runner.invoke(app, ["score", str(sample_dir / "answer_key.toml"), "--workspace", str(sample_workspace)])
    assert result.exit_code == 0, result.output
    assert "themes found: 10/10" in result.output


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def test_inspect_suggests_a_sources_block() -> None:
    result = runner.invoke(app, ["inspect", str(FIXTURES / "citizen-space.csv")])
    assert result.exit_code == 0, result.output
    assert "format citizen-space" in result.output
    assert "rows: 4 read = 3 analysed + 1 rejected + 0 merged" in result.output
    assert 'id = "Response ID"' in result.output
    assert 'text = ["1b What would make you walk or cycle more?", "2 Any other comments on the plan?"]' in result.output
    assert 'attributes = ["Ward", "1a How do you travel into town?"]' in result.output


def awkward_export(folder: Path) -> Path:
    """A survey export with the headers real exports have: line breaks, repeats, quotes, personal data."""
    import csv

    answers = [
        "The buses stop far too early in the evening for shift workers",
        "Please add a protected cycle lane along the seafront road",
        "Parking charges in the centre are much too high for locals",
        "The pavements are cracked and uneven near the market square",
    ]
    header = [
        "Response ID",
        "Submitted",
        "Organisation name",
        "Email",
        "Ward",
        "What should change?\nPlease explain",
        "Other, please specify:\n",
        "Other, please specify:\n",
        'Say "why" \\ and how – café',
    ]
    rows = [
        [
            *(f"R{i}", f"{14 + i}.06.2020 16:45", f"Harbour Housing Association {i}", f"p{i}@example.org"),
            *(("Harbour", "Old Town")[i % 2], answers[i], "no", ("no", "yes")[i % 2], f"{answers[3 - i]} too"),
        ]
        for i in range(4)
    ]
    path = folder / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def test_inspect_gives_a_block_that_works(tmp_path: Path) -> None:
    import tomllib

    from pipeline.config import parse_consultation
    from pipeline.ingest import ingest_source

    path = awkward_export(tmp_path)
    result = runner.invoke(app, ["inspect", str(path)], env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.output
    block = result.output.split("Paste into your consultation file:")[1].strip()
    source = tomllib.loads(block)["sources"][0]  # valid TOML, however narrow the terminal
    assert source["text"] == ["What should change? Please explain", 'Say "why" \\ and how – café']
    assert source["date"] == "Submitted"
    assert source["attributes"] == ["Ward", "Other, please specify:", "Other, please specify: (2)"]
    assert '# left out as personal data: "Organisation name", "Email"' in block
    assert "left out as personal data: Organisation name, Email" in result.output
    config = parse_consultation('[consultation]\ntitle = "x"\n' + block, tmp_path / "c.toml")
    got = ingest_source(config.sources[0], "export")  # the block reads the file as proposed
    assert got.rows_analysed == 4
    assert got.responses["submitted"][0] == "2020-06-14T16:45"
    assert "attr_organisation_name" not in got.responses.columns
    assert got.responses["attr_other_please_specify_2"].to_list() == ["no", "yes", "no", "yes"]


def test_inspect_transcript() -> None:
    result = runner.invoke(app, ["inspect", str(FIXTURES / "meeting.srt")])
    assert result.exit_code == 0, result.output
    assert "transcript, format srt" in result.output
    assert "Pat Jones" in result.output


def test_inspect_refuses_garbage_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"a": [1, 2')
    result = runner.invoke(app, ["inspect", str(bad)])
    assert result.exit_code == 2
    assert "broken.json" in result.output
    assert "not valid JSON" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_review_and_report_commands(workspace_copy: Path, tmp_path: Path) -> None:
    workspace = workspace_copy
    ws = ["--workspace", str(workspace)]
    links = read_run_table(latest_run(workspace, "harbourside-transport") or workspace, "links")
    theme_id, passage_id = links.filter(pl.col("stage") == "decision").select("theme_id", "passage_id").row(0)

    result = runner.invoke(app, ["review", "link", theme_id, passage_id, "--reject", "--by", "Officer A", *ws])
    assert result.exit_code == 0, result.output
    assert "recorded review 1" in result.output
    result = runner.invoke(app, ["review", "rename", theme_id, "A better name", "--by", "Officer B", *ws])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["review", "rename", "T99", "Nothing", *ws])
    assert result.exit_code == 2
    assert "no theme 'T99'" in result.output
    result = runner.invoke(app, ["review", "withdraw", "1", "--by", "Officer A", *ws])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["review", "log", *ws])
    assert result.exit_code == 0, result.output
    assert "Officer B" in result.output
    assert "withdraw" in result.output

    out = tmp_path / "reports"
    result = runner.invoke(app, ["report", "--format", "md,docx", "-o", str(out), *ws])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["you-said-we-did.docx", "you-said-we-did.md"]
    assert "A better name" in (out / "you-said-we-did.md").read_text(encoding="utf-8")
    result = runner.invoke(app, ["report", "--format", "pdf", *ws])
    assert result.exit_code == 2
    assert "unknown pdf" in result.output


@pytest.mark.slow
def test_export_command_writes_the_data_package(sample_workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "package"
    result = runner.invoke(app, ["export", "-o", str(out), "--zip", "--workspace", str(sample_workspace)])
    assert result.exit_code == 0, result.output
    assert (out / "datapackage.json").is_file()
    assert (tmp_path / "package.zip").is_file()
    themes = pl.read_csv(out / "csv" / "themes.csv")
    assert themes.height == pl.read_parquet(out / "parquet" / "themes.parquet").height
    assert pl.read_csv(out / "codebook.csv").height == themes.height


def test_the_summary_of_a_run_accounts_for_rows_and_memory(
    sample_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.cli import _summary

    _summary(sample_run, 61.5)
    shown = " ".join(capsys.readouterr().out.split())
    assert "rows read │ 473 = 452 analysed + 5 rejected + 16 merged" in shown
    assert "wall time │ 61.5s" in shown
    assert re.search(r"peak memory │ \d\.\d GB \(reached in (prepare|embed|themes|trace|report)\)", shown)


def test_the_summary_shows_the_warnings_of_ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from flows.cli import _summary

    warning = "export.csv: date column 'When': 1 of 2 values could not be read as a date (e.g. 'soon')"
    manifest = {
        "run_id": "r1",
        "consultation": {"title": "Dates"},
        "accounting": {"total": {"rows_read": 2, "rows_analysed": 2, "rows_rejected": 0, "rows_merged": 0}},
        "themes": {},
        "counts": {"themes": 0},
        "statuses": {},
        "warnings": {"export": [warning]},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    _summary(tmp_path, 1.0)
    shown = " ".join(capsys.readouterr().out.split())
    assert "warning (export)" in shown
    assert "(e.g. 'soon')" in shown
