from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

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


@pytest.mark.slow
def test_score_reports_the_sample(sample_workspace: Path, sample_dir: Path) -> None:
    result = runner.invoke(app, ["score", str(sample_dir / "answer_key.toml"), "--workspace", str(sample_workspace)])
    assert result.exit_code == 0, result.output
    assert "themes found: 10/10" in result.output
