"""A failed run says which step failed, on which file, and what to do.

The flow raises ``StepFailed`` with that message, so the CLI prints it and Prefect records it as
the flow run's state message: the officer at the terminal and the Prefect UI read the same words.
Errors about the input (``ConfigError``, ``IngestError``) already name the file, row and column;
they keep their text behind the step's name.
"""

from __future__ import annotations

import errno
from pathlib import Path

from models.errors import ModelUnavailableError
from pipeline.config import ConfigError


class StepFailed(RuntimeError):
    """A step of a run failed; ``str()`` is the whole explanation."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(message)
        self.step = step


def _input_error(exc: BaseException) -> bool:
    from pipeline.ingest import IngestError  # ingest imports heavy readers; only needed on failure

    return isinstance(exc, ConfigError | IngestError)


def advice(exc: BaseException, config_path: Path) -> str:
    """What to do about ``exc``."""
    if _input_error(exc):
        return f"correct the file named above (or the source's settings in {config_path}) and run again"
    if isinstance(exc, ModelUnavailableError):
        return "install the model as the message says, or run `throughline doctor` to check the installation"
    if isinstance(exc, MemoryError):
        return (
            "the machine ran out of memory: close other programs, lower analysis.embedding_batch_size, "
            "or run on a larger machine or a Dask cluster (--dask-address)"
        )
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "the disk is full: free space in the workspace (old runs, .cache) and run again"
    if isinstance(exc, PermissionError):
        return "Throughline cannot write there: check the workspace's permissions (`throughline doctor`)"
    return (
        "this looks like a fault in Throughline, not in your files: run again with --fresh; if it fails again, "
        "run `throughline doctor` and report the message with the consultation file"
    )


def explain(step: str, exc: BaseException, config_path: Path) -> StepFailed:
    """``exc`` raised in ``step`` as a ``StepFailed`` saying where and what to do."""
    where = f" (file: {exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
    cause = str(exc) if _input_error(exc) else f"{type(exc).__name__}: {exc}"
    return StepFailed(
        step,
        f"step '{step}' of the analysis of {config_path} failed{where}: {cause}. "
        f"What to do: {advice(exc, config_path)}. The previous complete run is unchanged.",
    )
