"""The analysis flow, unchanged, with its tasks on a two-worker Dask cluster."""

from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from pipeline.store import read_manifest, read_run_table

pytestmark = pytest.mark.slow


def test_flow_on_a_two_worker_cluster_gives_the_same_tables(
    sample_run: Path, sample_dir: Path, tmp_path: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch
    from distributed import LocalCluster
    from prefect.settings import PREFECT_API_URL

    import flows.analyse
    from flows.analyse import analyse_with

    # workers record their task runs with the same Prefect API as the flow, not a server of their own
    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    monkeypatch.setattr(flows.analyse, "EMBED_CHUNK", 300)  # the sample's ~1,000 passages in four batches
    # Dask's nanny starts workers with OMP_NUM_THREADS=1 while this process embeds with its own thread
    # count: torch sums in another order, the vectors differ at ~1e-7, and the themes must not move
    # (issue 17: they did with UMAP + HDBSCAN). Nothing is pinned here on purpose.
    assert torch.get_num_threads() >= 1
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:  # type: ignore[no-untyped-call]
        run = analyse_with(
            sample_dir / "consultation.toml", tmp_path / "workspace", dask_address=cluster.scheduler_address
        )
        workers_used = len(cluster.scheduler_info["workers"])
    assert workers_used == 2
    manifest = read_manifest(run)
    assert manifest["accounting"]["reconciles"]
    assert manifest["counts"]["passages_embedded_new"] == read_manifest(sample_run)["counts"]["passages_embedded_new"]
    for table in ("passages", "themes", "assignments", "quotes", "links", "theme_status", "breakdowns"):
        # every id, label, count and status the same; scores may differ as the vectors do (~1e-7)
        assert_frame_equal(
            read_run_table(run, table), read_run_table(sample_run, table), check_exact=False, abs_tol=1e-5
        )
