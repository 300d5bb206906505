import json
from pathlib import Path

import polars as pl
import pytest

from flows.runs import atomic_write_bytes, finalise_run, new_run_id, staging_dir, write_table
from pipeline.store import consultations, latest_run, read_manifest, read_run_table, runs


def test_run_ids_sort_by_time_and_are_unique() -> None:
    ids = {new_run_id() for _ in range(20)}
    assert len(ids) == 20
    assert all(len(i) == 23 and i[8] == "T" for i in ids)


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "latest"
    atomic_write_bytes(target, b"one\n")
    atomic_write_bytes(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["latest"]


def test_contract_tables_are_conformed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="table 'themes' is missing columns"):
        write_table(tmp_path, "themes", pl.DataFrame({"theme_id": ["T01"]}))


def test_a_run_appears_only_when_finalised(tmp_path: Path) -> None:
    staging = staging_dir(tmp_path, "demo", "20260101T000000Z-abcdef")
    write_table(staging, "rejects", pl.DataFrame(schema=read_run_table(tmp_path, "rejects").schema))
    (staging / "_work").mkdir()
    assert runs(tmp_path, "demo") == []
    assert latest_run(tmp_path, "demo") is None
    final = finalise_run(staging, {"run_id": "20260101T000000Z-abcdef"})
    assert not staging.exists()
    assert sorted(p.name for p in final.iterdir()) == ["manifest.json", "rejects.parquet"]
    assert latest_run(tmp_path, "demo") == final
    assert (tmp_path / "demo" / "latest").read_text() == "20260101T000000Z-abcdef\n"
    assert consultations(tmp_path) == ["demo"]
    assert read_manifest(final) == {"run_id": "20260101T000000Z-abcdef"}


def test_latest_falls_back_to_newest_complete_run(tmp_path: Path) -> None:
    for run_id in ("20260101T000000Z-aaaaaa", "20260102T000000Z-bbbbbb"):
        folder = tmp_path / "demo" / "runs" / run_id
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"run_id": run_id}))
    (tmp_path / "demo" / "runs" / "20260103T000000Z-cccccc").mkdir()  # no manifest: incomplete
    assert latest_run(tmp_path, "demo") == tmp_path / "demo" / "runs" / "20260102T000000Z-bbbbbb"
