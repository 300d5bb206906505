"""Runs reproduce exactly, and a run killed at any moment loses nothing.

Each run here is the real CLI in its own process (its own Prefect server, its own hash seed), as
an officer would start it; kills are SIGKILL to the run's whole process group.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pipeline.schema import TABLES
from pipeline.store import latest_run, read_manifest, read_run_table, runs

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
SLUG = "harbourside-transport"


def cli_env(hash_seed: str = "0") -> dict[str, str]:
    """The environment of an officer's shell: no test Prefect server, a given hash seed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return {**env, "PYTHONHASHSEED": hash_seed}


def analyse_command(config: Path, workspace: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", "analyse", str(config), "-w", str(workspace), *extra]


def analyse(config: Path, workspace: Path, hash_seed: str = "0", *extra: str) -> Path:
    done = subprocess.run(
        analyse_command(config, workspace, *extra), env=cli_env(hash_seed), capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run = latest_run(workspace, SLUG)
    assert run is not None
    return run


def tables_of(run: Path) -> dict[str, pl.DataFrame]:
    return {p.stem: pl.read_parquet(p) for p in sorted(run.glob("*.parquet"))}


def test_the_sample_twice_gives_identical_tables(sample_dir: Path, tmp_path: Path) -> None:
    """Two cold runs in separate workspaces and processes, with different hash seeds."""
    first = analyse(sample_dir / "consultation.toml", tmp_path / "one", "1")
    second = analyse(sample_dir / "consultation.toml", tmp_path / "two", "2")
    a, b = tables_of(first), tables_of(second)
    assert set(a) == set(b) >= set(TABLES) - {"reviews"}
    for name in a:
        assert a[name].equals(b[name]), f"table {name} differs between two runs of the same inputs"
    assert np.array_equal(np.load(first / "vectors.npy"), np.load(second / "vectors.npy"))
    report = [(r / "report" / "you-said-we-did.md").read_text().replace(r.name, "RUN") for r in (first, second)]
    assert report[0] == report[1]
    one, two = read_manifest(first), read_manifest(second)
    for key in ("config", "inputs", "versions", "models", "seeds", "counts", "statuses"):
        assert one[key] == two[key], key
    assert one["models"]["embedding"]["weights_sha256"]
    assert one["models"]["spacy"]["version"]
    assert one["models"]["spacy"]["data_sha256"]
    assert len(one["config"]["resolved_sha256"]) == 64
    assert all(len(i["sha256"]) == 64 for i in one["inputs"])


def files_digest(run: Path) -> dict[str, str]:
    return {str(p.relative_to(run)): hashlib.sha256(p.read_bytes()).hexdigest() for p in run.rglob("*") if p.is_file()}


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "the run ended before the kill point"
        assert time.monotonic() < deadline, "the kill point never came"
        time.sleep(0.05)


def partials(workspace: Path) -> set[Path]:
    return set((workspace / SLUG / "runs").glob(".*.partial"))


def new_partial_holds(workspace: Path, *names: str) -> Callable[[], bool]:
    """True once a run folder begun from now on (not a killed run's leftover) holds every one of ``names``."""
    before = partials(workspace)
    return lambda: any(all((p / n).exists() for n in names) for p in partials(workspace) - before)


def cached(workspace: Path, step: str, before: set[str]) -> Callable[[], bool]:
    """True once the step cache holds an entry of ``step`` not in ``before`` (old ones may be pruned)."""
    return lambda: bool(entries(workspace, step) - before)


def entries(workspace: Path, step: str) -> set[str]:
    folder = workspace / ".cache" / "steps" / step
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")} if folder.is_dir() else set()


def assert_previous_run_intact(workspace: Path, previous: Path, digest: dict[str, str], when: str) -> None:
    assert latest_run(workspace, SLUG) == previous, when
    assert [r.name for r in runs(workspace, SLUG)] == [previous.name], when  # no half-written run is listed
    assert files_digest(previous) == digest, when
    for name in TABLES:
        read_run_table(previous, name)  # every table reads whole


def assert_dashboard_reads(workspace: Path, run_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace))
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception
    assert app.title[0].value == "Harbourside town centre transport plan"
    assert [s.value for s in app.selectbox if s.label == "Run"] == [run_id]


def test_a_run_killed_at_any_step_leaves_the_previous_run_and_resumes(
    sample_dir: Path, workspace_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = workspace_copy
    previous = latest_run(workspace, SLUG)
    assert previous is not None
    digest = files_digest(previous)
    # An edited consultation: one answer corrected, so every step has work to do.
    edited = tmp_path / "edited"
    shutil.copytree(sample_dir, edited)
    csv = edited / "survey-responses.csv"
    csv.write_text(csv.read_text().replace("cracked and uneven", "cracked, broken and uneven", 1))
    config = edited / "consultation.toml"

    prepared_before = entries(workspace, "prepare")

    def prepare_cached_and_taken() -> Callable[[], bool]:
        # the prepare step's entry is new (saved by this run or by the one killed before it) and this
        # run has its passages: it is past prepare, in embed or themes
        saved, taken = cached(workspace, "prepare", prepared_before), new_partial_holds(workspace, "passages.parquet")
        return lambda: saved() and taken()

    # Each kill point is a condition made just before the run starts, met while the run is at that point.
    kill_points: list[tuple[str, Callable[[], Callable[[], bool]] | None]] = [
        ("while starting", None),
        (
            "after ingest, during prepare",
            lambda: new_partial_holds(workspace, "sources.parquet", "_work/blocks.parquet"),
        ),
        ("once prepare was cached, during embed or themes", prepare_cached_and_taken),
        ("during trace or report", lambda: new_partial_holds(workspace, "themes.parquet")),
    ]
    for when, kill_point in kill_points:
        condition = kill_point() if kill_point else None
        process = subprocess.Popen(
            analyse_command(config, workspace),
            env=cli_env(),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the Prefect server and workers die with it
        )
        try:
            if condition is None:
                time.sleep(2.0)
            else:
                wait_for(condition, process)
        finally:
            with contextlib.suppress(ProcessLookupError):  # ended already: wait_for says so
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert_previous_run_intact(workspace, previous, digest, when)

    assert_dashboard_reads(workspace, previous.name, monkeypatch)
    resumed = analyse(config, workspace)
    assert resumed != previous
    manifest = read_manifest(resumed)
    assert {"ingest", "prepare"} <= set(manifest["reused_steps"])  # finished before a kill, not redone
    assert manifest["accounting"]["reconciles"]
    assert not list((workspace / SLUG / "runs").glob(".*.partial"))  # the killed runs' leftovers are gone
    assert files_digest(previous) == digest
    passages = read_run_table(resumed, "passages")
    assert passages["text"].str.contains("cracked, broken and uneven").any()
