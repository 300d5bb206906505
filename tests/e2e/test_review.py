"""Human review end to end on the sample: reviews change what is shown and survive a re-run."""

from pathlib import Path

import docx
import polars as pl
import pytest

from flows.analyse import analyse
from pipeline.evaluate import load_key
from pipeline.report import report_data, write_reports
from pipeline.review import open_run, record_link, record_merge, record_rename, record_split, store_for
from pipeline.store import latest_run, read_manifest, read_run_table

pytestmark = pytest.mark.slow


def planted(key: pl.DataFrame, name: str) -> list[str]:
    """Response ids of one planted theme of the answer key."""
    return key.filter(pl.col("planted") == name)["response_id"].to_list()


SLUG = "harbourside-transport"


def theme_with(view, response_ids: list[str]) -> str:  # type: ignore[no-untyped-def]
    chosen = view.tables["assignments"].filter(pl.col("response_id").is_in(response_ids))
    return str(chosen["theme_id"].mode().sort()[0])


def status_of(view, theme_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(view.tables["theme_status"].filter(pl.col("theme_id") == theme_id)["status"].item())


def label_of(view, theme_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(view.tables["themes"].filter(pl.col("theme_id") == theme_id)["label"].item())


def test_reviews_apply_and_survive_a_rerun(
    workspace_copy: Path, sample_dir: Path, tmp_path: Path, prefect_harness: None
) -> None:
    workspace = workspace_copy
    run = latest_run(workspace, SLUG)
    assert run is not None
    key = load_key(sample_dir / "answer_key.toml")
    store = store_for(run)
    view = open_run(run, store)
    cycling = theme_with(view, planted(key, "cycle_lanes"))
    park_ride = theme_with(view, planted(key, "park_and_ride"))
    toilets = theme_with(view, planted(key, "toilets_seating"))
    permits = theme_with(view, planted(key, "residents_permits"))
    assert status_of(view, cycling) == "adopted"
    n_before = view.tables["themes"].height

    # reject the cycle theme's decision link(s): it falls back to "considered" (its option remains)
    decided = view.tables["links"].filter(
        (pl.col("theme_id") == cycling) & (pl.col("stage") == "decision") & pl.col("linked")
    )
    for passage_id in decided["passage_id"]:
        record_link(store, view, cycling, passage_id, "rejected", "Officer A", run.name)
    record_rename(store, view, permits, "Residents' parking permits", "Officer B", run.name)
    record_merge(store, view, park_ride, [toilets], "Officer B", run.name, label="Visitors: park and ride, toilets")
    record_split(store, view, cycling, 2, "Officer C", run.name)

    reviewed = open_run(run, store)
    assert not reviewed.orphaned
    assert label_of(reviewed, permits) == "Residents' parking permits"
    assert toilets not in reviewed.tables["themes"]["theme_id"].to_list()
    assert label_of(reviewed, park_ride) == "Visitors: park and ride, toilets"
    merged = reviewed.tables["themes"].filter(pl.col("theme_id") == park_ride)["n_respondents"].item()
    sizes = dict(view.tables["themes"].select("theme_id", "n_respondents").iter_rows())
    assert max(sizes[park_ride], sizes[toilets]) < merged <= sizes[park_ride] + sizes[toilets]
    parts = [t for t in reviewed.tables["themes"]["theme_id"] if t.startswith(f"{cycling}.")]
    assert sorted(parts) == [f"{cycling}.1", f"{cycling}.2"]
    assert reviewed.tables["themes"].height == n_before  # one merged away, one split in two
    # breakdowns follow: the merged theme's cells are recounted, the parts get their own, the rest stand
    cells = reviewed.tables["breakdowns"]
    assert set(cells["theme_id"]) == set(reviewed.tables["themes"]["theme_id"])
    channel = cells.filter((pl.col("theme_id") == park_ride) & (pl.col("attribute") == "channel"))
    assert (channel["overall_share"] * channel["n_group"].sum()).round(6).unique().item() == merged
    same = view.tables["breakdowns"].filter(pl.col("theme_id") == permits)
    assert cells.filter(pl.col("theme_id") == permits).equals(same)
    assert set(reviewed.tables["theme_status"]["theme_id"]) == set(reviewed.tables["themes"]["theme_id"])
    # the theme × option heatmap describes the themes shown: no row for the merged-away theme, rows for the parts
    heat = set(reviewed.tables["theme_options"]["theme_id"])
    assert toilets not in heat
    assert heat <= set(reviewed.tables["themes"]["theme_id"])
    assert {f"{cycling}.1", f"{cycling}.2"} & heat
    log = store.audit_log()
    assert {"Officer A", "Officer B", "Officer C"} <= set(log["who"])
    assert log.filter(pl.col("action") == "rename")["before"].item() == f'"{label_of(view, permits)}"'

    # the links the officer rejected stay rejected on the split parts? No: a split re-traces, so
    # check rejection where it still applies - on a fresh view without the split.
    store.withdraw(int(log.filter(pl.col("action") == "split")["review_id"].item()), "Officer C")
    unsplit = open_run(run, store)
    assert status_of(unsplit, cycling) == "considered"
    assert (unsplit.tables["links"].filter(pl.col("theme_id") == cycling)["review"] == "rejected").any()

    # a re-run renumbers nothing here but must find every review again by the theme's members
    rerun = analyse(sample_dir / "consultation.toml", workspace)
    assert rerun != run
    again = open_run(rerun, store_for(rerun))
    assert not again.orphaned
    assert len(again.applied) == len(unsplit.applied)
    assert label_of(again, theme_with(again, planted(key, "residents_permits"))) == "Residents' parking permits"
    assert status_of(again, theme_with(again, planted(key, "cycle_lanes"))) == "considered"
    manifest = read_manifest(rerun)
    assert manifest["review"]["applied"] == len(unsplit.applied)
    # nothing but reviews changed: every step is reused (no re-fit), the tables are the first run's
    assert manifest["reused_steps"] == ["ingest", "prepare", "embed", "themes", "trace"]
    for table in ("passages", "themes", "assignments", "quotes", "links", "theme_status", "breakdowns"):
        assert read_run_table(rerun, table).equals(read_run_table(run, table)), table
    markdown = (rerun / "report" / "you-said-we-did.md").read_text(encoding="utf-8")
    assert "Residents' parking permits" in markdown
    assert "Visitors: park and ride, toilets" in markdown


def test_reports_open_in_every_format(sample_run: Path, tmp_path: Path) -> None:
    view = open_run(sample_run, store_for(sample_run))
    paths = write_reports(report_data(view.tables, read_manifest(sample_run)), tmp_path)
    assert sorted(p.name for p in paths) == ["you-said-we-did.docx", "you-said-we-did.html", "you-said-we-did.md"]
    document = docx.Document(str(tmp_path / "you-said-we-did.docx"))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "Theme by theme" in headings
    adopted = view.tables["theme_status"].filter(pl.col("status") == "adopted").height
    assert adopted >= 5
    assert sum(": Adopted" in h and ": Adopted in part" not in h for h in headings) == adopted
    page = (tmp_path / "you-said-we-did.html").read_text(encoding="utf-8")
    assert page.count("<section>") == view.tables["themes"].height
    assert "Content-Security-Policy" in page


def test_an_officer_corrects_an_options_outcome_and_the_statuses_follow(
    workspace_copy: Path, sample_dir: Path, prefect_harness: None
) -> None:
    from pipeline.review import ReviewError, record_outcome

    run = latest_run(workspace_copy, SLUG)
    assert run is not None
    store = store_for(run)
    view = open_run(run, store)
    buses = theme_with(view, planted(load_key(sample_dir / "answer_key.toml"), "buses"))
    assert status_of(view, buses) == "adopted"
    with pytest.raises(ReviewError, match="outcome must be one of"):
        record_outcome(store, view, "O7", "funded", None, "Officer D", run.name)
    with pytest.raises(ReviewError, match="no option 'O99'"):
        record_outcome(store, view, "O99", "rejected", None, "Officer D", run.name)
    record_outcome(store, view, "O7", "deferred", "The operator's contract ends in 2027.", "Officer D", run.name)
    reviewed = open_run(run, store)
    outcome = reviewed.tables["option_outcomes"].filter(pl.col("option_id") == "O7").row(0, named=True)
    assert (outcome["outcome"], outcome["reason"], outcome["method"]) == (
        "deferred",
        "The operator's contract ends in 2027.",
        "review by Officer D",
    )
    assert status_of(reviewed, buses) == "considered"
    assert store.audit_log().filter(pl.col("action") == "outcome")["before"].item() == '"approved"'
    # the correction names the option by its title: a re-run finds it again
    rerun = analyse(sample_dir / "consultation.toml", workspace_copy)
    again = open_run(rerun, store_for(rerun))
    assert not again.orphaned
    assert status_of(again, theme_with(again, planted(load_key(sample_dir / "answer_key.toml"), "buses"))) == (
        "considered"
    )
