"""A failed run: the same explanation at the terminal and in Prefect's record, nothing half-written."""

import os
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from typer.testing import CliRunner

from flows.analyse import analyse
from flows.cli import app
from flows.failures import StepFailed

pytestmark = pytest.mark.slow
CONFIG = '[consultation]\ntitle = "Broken"\n[[sources]]\npath = "r.csv"\nkind = "responses"\nstage = "problem"\n'


def broken(folder: Path) -> Path:
    """A consultation whose survey names a question the file does not have."""
    (folder / "r.csv").write_text("ID,Q1\n1,The buses stop too early.\n")
    config = folder / "c.toml"
    config.write_text(CONFIG + 'id = "ID"\ntext = ["Q9"]\n')
    return config


def test_the_failed_step_file_and_advice_are_in_the_prefect_record(tmp_path: Path, prefect_harness: None) -> None:
    config = broken(tmp_path)
    state = analyse(config, tmp_path / "ws", return_state=True)
    assert state.is_failed()
    with pytest.raises(StepFailed) as raised:
        state.result()
    said = str(raised.value)
    assert raised.value.step == "ingest"
    assert "step 'ingest'" in said
    assert "r.csv" in said
    assert "Q9" in said
    assert "What to do: correct the file named above" in said
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    with get_client(sync_client=True) as client:
        record = client.read_flow_run(flow_run_id)
    assert record.state is not None
    assert record.state.is_failed()
    assert said in (record.state.message or "")  # Prefect's record says the same
    runs = tmp_path / "ws" / "broken" / "runs"
    assert not runs.exists() or not list(runs.iterdir())  # nothing half-written left


def test_the_cli_prints_the_same_explanation(tmp_path: Path) -> None:
    config = broken(tmp_path)
    result = CliRunner().invoke(app, ["analyse", str(config), "-w", str(tmp_path / "ws")], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "step 'ingest' of the analysis of" in said
    assert "Q9" in said
    assert "What to do:" in said
    assert "Traceback" not in result.output


def test_a_configuration_mistake_is_one_message_without_prefect_tracebacks(tmp_path: Path) -> None:
    """In a real terminal Prefect's own loggers print to the process's stderr, which CliRunner does not see."""
    import subprocess
    import sys

    (tmp_path / "r.csv").write_text("ID,Q1 first,Q1 second,Ward\n1,The buses stop too early.,Yes,Harbour\n")
    config = tmp_path / "c.toml"
    config.write_text(CONFIG + 'id = "ID"\ntext = ["Q1"]\n')
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "analyse", str(config), "-w", str(tmp_path / "ws")],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "1000"},
        timeout=300,
        check=False,
    )
    assert done.returncode == 2
    said = done.stdout + done.stderr
    assert "Traceback" not in said
    (error,) = [line for line in said.splitlines() if line.startswith("error:")]
    assert "text = 'Q1' matches 2 columns ('Q1 first', 'Q1 second'); write one of them in full" in error
    assert "Ward" not in error
    assert len(said.splitlines()) <= 3, said
