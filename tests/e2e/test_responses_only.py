"""A consultation given without its options paper and decision: themes, but no verdict on them.

The sample without its two documents, analysed into a copy of the sample's workspace (its
embedding cache and themes are reused, so the run is short).
"""

import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.store import read_manifest, read_run_table
from pipeline.trace import NO_DOCUMENTS

pytestmark = pytest.mark.slow


def _responses_only(sample_dir: Path, folder: Path) -> Path:
    """The sample's consultation file without its document sources."""
    shutil.copytree(sample_dir, folder)
    config = (folder / "consultation.toml").read_text(encoding="utf-8")
    without, n = re.subn(r'\[\[sources\]\]\npath = "[^"]+"\nkind = "document"\nstage = "\w+"\n\n', "", config)
    assert n == 2
    (folder / "consultation.toml").write_text(without, encoding="utf-8")
    return folder / "consultation.toml"


def test_a_responses_only_run_gives_no_verdict_and_says_why(
    workspace_copy: Path,
    sample_dir: Path,
    tmp_path: Path,
    prefect_harness: None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows.analyse import analyse
    from flows.cli import _summary

    run = analyse(_responses_only(sample_dir, tmp_path / "consultation"), workspace_copy)
    themes, status = read_run_table(run, "themes"), read_run_table(run, "theme_status")
    assert themes.height >= 8
    assert set(status["status"]) == {"not traced"}
    assert status["confidence"].null_count() == status.height
    assert read_run_table(run, "links").is_empty()
    manifest = read_manifest(run)
    assert manifest["statuses"] == {"not traced": themes.height}
    assert manifest["responsiveness"]["share_reached"] is None
    assert manifest["responsiveness"]["n_reached"] is None
    overall = read_run_table(run, "responsiveness").filter(pl.col("attribute") == "all").row(0, named=True)
    assert overall["n_respondents"] > 300
    assert overall["share_reached"] is None
    report = (run / "report" / "you-said-we-did.md").read_text(encoding="utf-8")
    assert f"**Responsiveness: not computed.** {NO_DOCUMENTS}" in report
    assert "Largest themes not taken up" not in report
    assert "Not taken up" not in report
    monkeypatch.setenv("COLUMNS", "250")  # the summary table unwrapped
    _summary(run, 1.0)
    shown = " ".join(capsys.readouterr().out.split())
    assert "responsiveness │ not computed: No options paper or decision was given" in shown
    assert f"status │ {themes.height} not traced" in shown
