"""A failed step names itself, the file and what to do."""

import errno
from pathlib import Path

from flows.failures import StepFailed, explain
from models.errors import ModelUnavailableError
from pipeline.ingest import IngestError

CONFIG = Path("/data/plan/consultation.toml")


def test_input_errors_keep_their_file_row_and_column() -> None:
    failed = explain("ingest", IngestError("responses.csv, row 12, column 'Q2': not UTF-8"), CONFIG)
    assert isinstance(failed, StepFailed)
    assert failed.step == "ingest"
    text = str(failed)
    assert text.startswith(f"step 'ingest' of the analysis of {CONFIG} failed: responses.csv, row 12, column 'Q2'")
    assert "correct the file named above" in text
    assert "The previous complete run is unchanged." in text


def test_each_kind_of_failure_says_what_to_do() -> None:
    full = OSError(errno.ENOSPC, "No space left on device", "/ws/plan/runs/.x.partial/passages.parquet")
    assert "(file: /ws/plan/runs/.x.partial/passages.parquet)" in str(explain("prepare", full, CONFIG))
    assert "the disk is full" in str(explain("prepare", full, CONFIG))
    assert "ran out of memory" in str(explain("themes", MemoryError(), CONFIG))
    assert "throughline doctor" in str(explain("embed", ModelUnavailableError("no model"), CONFIG))
    assert "permissions" in str(explain("report", PermissionError(errno.EACCES, "denied", "/ws/x"), CONFIG))
    bug = str(explain("trace", KeyError("theme_id"), CONFIG))
    assert "KeyError: 'theme_id'" in bug
    assert "--fresh" in bug
