"""The trace on the sample's real passages and vectors, with the decision rewritten.

The sample's decision adopts, rejects and ignores themes; these variants make it go against a
theme (contrary) and do half of what one asks (adopted in part), re-embedding the changed text
with the real model.
"""

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from pipeline.evaluate import load_key
from pipeline.store import VECTORS_FILE, read_run_table
from pipeline.trace import TraceSettings, document_stages, split_passages, theme_links, theme_status

pytestmark = pytest.mark.slow


def planted(key: pl.DataFrame, name: str) -> list[str]:
    """Response ids of one planted theme of the answer key."""
    return key.filter(pl.col("planted") == name)["response_id"].to_list()


def theme_of(run: Path, response_ids: list[str]) -> str:
    assignments = read_run_table(run, "assignments").filter(pl.col("response_id").is_in(response_ids))
    return str(assignments["theme_id"].mode().sort()[0])


def retrace(run: Path, embedder, replace: dict[str, str], drop: tuple[str, ...] = ()) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    public, public_vectors, documents, doc_vectors = split_passages(
        read_run_table(run, "passages"), np.load(run / VECTORS_FILE)
    )
    kept = ~documents["passage_id"].is_in(list(drop))
    documents, doc_vectors = documents.filter(kept), doc_vectors[kept.to_numpy()].copy()
    for passage_id, text in replace.items():
        i = documents["passage_id"].to_list().index(passage_id)
        documents = documents.with_columns(
            text=pl.when(pl.col("passage_id") == passage_id).then(pl.lit(text)).otherwise("text")
        )
        doc_vectors[i] = embedder.encode([text])[0]
    links = theme_links(
        read_run_table(run, "assignments"),
        public,
        public_vectors,
        documents,
        doc_vectors,
        TraceSettings(),
    )
    return theme_status(read_run_table(run, "themes"), links, 0.6, stages=document_stages(documents))


def test_a_decision_against_what_a_theme_asks_is_contrary(sample_run: Path, sample_dir: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    key = load_key(sample_dir / "answer_key.toml")
    market = theme_of(sample_run, planted(key, "market_square"))
    status = retrace(
        sample_run,
        embedder,
        {
            "cabinet-decision:6:0": "approves the closure of the Market Square car park and its conversion to a "
            "pedestrian zone for events and café seating (Option 3);"
        },
        drop=("cabinet-decision:9:0", "options-appraisal:12:0"),  # the rejections of Option 3
    )
    row = status.filter(pl.col("theme_id") == market).row(0, named=True)
    assert row["status"] == "contrary", row
    assert row["stance"] == "opposes a change"
    assert "closure of the Market Square car park" in row["reason"]
    others = status.filter(pl.col("theme_id") != market)
    assert "contrary" not in others["status"].to_list()


def test_doing_half_of_what_a_theme_asks_is_adopted_in_part(sample_run: Path, sample_dir: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    key = load_key(sample_dir / "answer_key.toml")
    buses = theme_of(sample_run, planted(key, "buses"))
    status = retrace(
        sample_run,
        embedder,
        {
            "cabinet-decision:4:0": "approves funding for evening bus services on routes 3 and 7 until 11pm;",
            "cabinet-decision:8:0": "A Sunday bus service to the villages was rejected because the operator could "
            "not provide drivers.",
        },
    )
    assert status.filter(pl.col("theme_id") == buses)["status"].item() == "adopted in part"


def test_the_sample_is_traced_option_by_option(sample_run: Path) -> None:
    from pipeline.report import report_data, to_markdown
    from pipeline.review import open_run
    from pipeline.store import read_manifest

    options = read_run_table(sample_run, "options")
    assert options["option_id"].to_list() == [f"O{i}" for i in range(1, 9)]
    assert options.filter(pl.col("option_id") == "O3")["title"].item() == "Market Square pedestrian zone"
    outcomes = {r["option_id"]: r for r in read_run_table(sample_run, "option_outcomes").iter_rows(named=True)}
    assert {o: r["outcome"] for o, r in outcomes.items()} == {
        "O1": "rejected",
        "O2": "approved",
        "O3": "rejected",
        "O4": "deferred",
        "O5": "deferred",
        "O6": "approved",
        "O7": "approved",
        "O8": "approved",
    }
    assert "market traders" in outcomes["O3"]["reason"]
    assert "traffic regulation order" in outcomes["O4"]["reason"]
    addressed = read_run_table(sample_run, "response_options")
    assert addressed.filter(pl.col("option_id") == "O3").height >= 40  # the Market Square campaign and more
    assert addressed.filter(pl.col("method") != "column")["evidence"].is_not_null().all()  # every link quotes
    shares = read_run_table(sample_run, "theme_options")
    assert shares["share"].is_between(0, 1).all()
    # a theme no option reached is never reported with more than coin-toss confidence
    unreached = read_run_table(sample_run, "theme_status").filter(pl.col("status") == "not taken up")
    assert unreached.height >= 1
    assert (unreached["confidence"] <= 0.5).all()
    report = to_markdown(report_data(open_run(sample_run).tables, read_manifest(sample_run)))
    assert "## Option by option" in report
    assert "| O3: Market Square pedestrian zone | Rejected |" in report
