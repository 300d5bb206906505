"""Step reuse: keys that change exactly when a step's inputs do, and entries kept whole."""

import os
import time
from pathlib import Path

from flows.stepcache import ABANDONED_AFTER_S, StepCache, code_fingerprint, snapshot, step_keys
from pipeline.config import load_consultation

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "harbourside-transport"


def _keys(text: str, tmp_path: Path, sources: list[str] | None = None) -> dict[str, str]:
    path = tmp_path / "consultation.toml"
    path.write_text(text)
    for name in ("survey-responses.csv", "public-meeting.vtt", "options-appraisal.md", "cabinet-decision.docx"):
        target = tmp_path / name
        if not target.exists():
            target.write_bytes((SAMPLE / name).read_bytes())
    config = load_consultation(path)
    return step_keys(config, sources or ["a", "b", "c", "d"], "code")


def test_a_setting_changes_the_keys_of_the_steps_that_read_it_and_those_after(tmp_path: Path) -> None:
    text = (SAMPLE / "consultation.toml").read_text()
    base = _keys(text, tmp_path)
    trace_only = _keys(text.replace("seed = 42", "seed = 42\nlink_threshold = 0.65"), tmp_path)
    assert [s for s in base if base[s] != trace_only[s]] == ["themes", "trace"]  # themes read all of [analysis]
    batch = _keys(text.replace("seed = 42", "seed = 42\nembedding_batch_size = 4"), tmp_path)
    assert [s for s in base if base[s] != batch[s]] == ["embed", "themes", "trace"]
    source = _keys(text, tmp_path, ["a", "b", "c", "changed"])
    assert all(base[s] != source[s] for s in base)
    assert _keys(text, tmp_path) == base


def test_code_fingerprint_follows_package_versions() -> None:
    assert code_fingerprint((("polars", "1.0"),)) != code_fingerprint((("polars", "1.1"),))


def test_saved_step_restores_only_its_own_files(tmp_path: Path) -> None:
    staging = tmp_path / "run"
    (staging / "_work").mkdir(parents=True)
    (staging / "sources.parquet").write_text("from ingest")
    before = snapshot(staging)
    (staging / "passages.parquet").write_text("from prepare")
    (staging / "_work" / "answers.parquet").write_text("changed by prepare")
    cache = StepCache(tmp_path / "cache")
    cache.save("prepare", "k1", staging, before, {"seconds": 3.0, "passages": 2})
    fresh = tmp_path / "next"
    fresh.mkdir()
    assert cache.restore("prepare", "k1", fresh) == {"seconds": 3.0, "passages": 2}
    assert sorted(str(p.relative_to(fresh)) for p in fresh.rglob("*.parquet")) == [
        "_work/answers.parquet",
        "passages.parquet",
    ]
    assert cache.restore("prepare", "other", fresh) is None
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    cache = StepCache(tmp_path / "cache", keep=2)
    staging = tmp_path / "run"
    staging.mkdir()
    for key in ("k1", "k2", "k3"):
        (staging / "themes.parquet").write_text(key)
        cache.save("themes", key, staging, {}, {"seconds": 1.0})
    assert sorted(p.name for p in (tmp_path / "cache" / "themes").iterdir()) == ["k2", "k3"]


def test_an_entry_left_half_saved_by_a_killed_run_is_cleared_later(tmp_path: Path) -> None:
    cache = StepCache(tmp_path / "cache")
    folder = tmp_path / "cache" / "themes"
    old, fresh = folder / ".k0.dead.tmp", folder / ".k9.live.tmp"
    for tmp in (old, fresh):
        (tmp / "files").mkdir(parents=True)
    an_hour_ago = time.time() - ABANDONED_AFTER_S - 60
    os.utime(old, (an_hour_ago, an_hour_ago))
    staging = tmp_path / "run"
    staging.mkdir()
    (staging / "themes.parquet").write_text("k1")
    cache.save("themes", "k1", staging, {}, {"seconds": 1.0})
    assert not old.exists()  # abandoned long ago
    assert fresh.exists()  # may belong to a run saving now
    assert cache.restore("themes", "k1", tmp_path / "again") == {"seconds": 1.0}
