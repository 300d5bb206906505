from pathlib import Path

import polars as pl

from pipeline.evaluate import load_key, score_against_key


def test_score_against_key(tmp_path: Path) -> None:
    key_path = tmp_path / "key.toml"
    key_path.write_text(
        '[themes.buses]\nstatus = "adopted"\nresponses = ["a", "b", "c"]\n'
        '[themes.toilets]\nstatus = "not taken up"\nresponses = ["d", "e"]\n'
    )
    assignments = pl.DataFrame({"response_id": ["a", "b", "c", "d"], "theme_id": ["T01", "T01", "T02", "T03"]})
    status = pl.DataFrame({"theme_id": ["T01", "T02", "T03"], "status": ["adopted", "adopted", "considered"]})
    result = score_against_key(load_key(key_path), assignments, status)
    assert result.select("planted", "theme_id", "overlap", "found", "status_matches").rows() == [
        ("buses", "T01", 0.667, True, True),
        ("toilets", "T03", 0.5, True, False),
    ]
