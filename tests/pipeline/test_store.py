import json
from pathlib import Path

import polars as pl

from pipeline.store import read_run_table


def test_an_older_run_without_newer_columns_or_tables_stays_readable(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"run_id": "old"}))
    pl.DataFrame({"theme_id": ["T01"], "label": ["Buses"], "n_respondents": [3]}).write_parquet(
        tmp_path / "themes.parquet"
    )
    themes = read_run_table(tmp_path, "themes")
    assert themes["label"].to_list() == ["Buses"]
    assert themes["parent_id"].to_list() == [None]  # added by a later version
    assert themes.schema["sentiment"] == pl.Float64()
    groups = read_run_table(tmp_path, "theme_groups")  # a table the old run never wrote
    assert groups.is_empty()
    assert "parent_id" in groups.columns
