"""Adding responses to an analysed consultation extends its themes rather than refitting them."""

import csv
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.store import latest_run, read_manifest, read_run_table

pytestmark = pytest.mark.slow
SLUG = "harbourside-transport"


def _with_late_responses(sample_dir: Path, folder: Path, n: int) -> Path:
    """The sample plus a second survey export of ``n`` later responses (reworded earlier ones)."""
    shutil.copytree(sample_dir, folder)
    with (sample_dir / "survey-responses.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], [r for r in rows[1:] if r[6].strip()][:n]
    with (folder / "late-responses.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i, row in enumerate(body, start=1):
            writer.writerow([f"LATE-{i:03d}", "2026-03-01", *row[2:6], f"Writing in late: {row[6]}", *row[7:]])
    config = (folder / "consultation.toml").read_text(encoding="utf-8")
    late = config.split("[[sources]]")[1].replace("survey-responses.csv", "late-responses.csv")
    (folder / "consultation.toml").write_text(config.replace("[analysis]", f"[[sources]]{late}[analysis]"))
    return folder / "consultation.toml"


def test_added_responses_join_the_earlier_themes(
    workspace_copy: Path, sample_dir: Path, tmp_path: Path, prefect_harness: None
) -> None:
    from flows.analyse import analyse

    first = latest_run(workspace_copy, SLUG)
    assert first is not None
    config = _with_late_responses(sample_dir, tmp_path / "consultation", 25)
    run = analyse(config, workspace_copy)
    manifest = read_manifest(run)
    fit = manifest["themes"]["fit"]
    assert fit["mode"] == "extended", fit["note"]
    assert fit["from_run"] == first.name
    assert fit["new_passages"] > 25
    assert fit["joined"] >= 0.9 * fit["new_passages"]

    # the earlier passages keep their themes (ids may renumber by size; labels do not change)
    def labelled(folder: Path) -> pl.DataFrame:
        themes = read_run_table(folder, "themes").select("theme_id", "label")
        return read_run_table(folder, "assignments").join(themes, on="theme_id").select("passage_id", "label")

    before, after = labelled(first), labelled(run)
    kept = before.join(after, on="passage_id", suffix="_now")
    assert kept.height == before.height
    assert (kept["label"] == kept["label_now"]).all()
    late = after.filter(pl.col("passage_id").str.starts_with("LATE-"))
    assert late.height == fit["joined"]
    assert (
        read_run_table(run, "themes")["label"].sort().to_list()
        == read_run_table(first, "themes")["label"].sort().to_list()
    )
    assert manifest["accounting"]["reconciles"]
