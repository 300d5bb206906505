"""A participatory budget whose responses name their project in a column: every theme's status follows it.

The fixture (tests/fixtures/parks-budget) is a small realistic process: 60 reasons for supporting
one of five shortlisted projects, each naming its project in a ``Project`` column; the decision
funds Projects 1, 3 and 5 and gives a reason for not funding 2 and 4.
"""

from pathlib import Path

import polars as pl
import pytest

from pipeline.store import latest_run, read_run_table

pytestmark = pytest.mark.slow
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "parks-budget"
FUNDED = {"1", "3", "5"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Path:
    from flows.analyse import analyse

    workspace = tmp_path_factory.mktemp("parks")
    analyse(FIXTURE / "consultation.toml", workspace)
    found = latest_run(workspace, "riverside-parks-budget")
    assert found is not None
    return found


def test_every_response_is_linked_to_the_project_its_column_names(run: Path) -> None:
    addressed = read_run_table(run, "response_options").filter(pl.col("method") == "column")
    named = pl.read_csv(FIXTURE / "responses.csv", infer_schema=False)
    expected = {(r, f"O{p}") for r, p in zip(named["Response ID"], named["Project"], strict=True)}
    assert set(zip(addressed["response_id"], addressed["option_id"], strict=True)) == expected


def test_each_theme_takes_the_fate_of_the_projects_its_respondents_named(run: Path) -> None:
    named = pl.read_csv(FIXTURE / "responses.csv", infer_schema=False).rename({"Response ID": "response_id"})
    assignments = read_run_table(run, "assignments").join(named, on="response_id")
    status = dict(read_run_table(run, "theme_status").select("theme_id", "status").iter_rows())
    for theme_id, projects in assignments.group_by("theme_id").agg(pl.col("Project").mode().first()).iter_rows():
        expected = "adopted" if projects in FUNDED else "considered"
        assert status[theme_id] == expected, (theme_id, projects)
    outcomes = read_run_table(run, "option_outcomes")
    reasons = dict(outcomes.select("option_id", "reason").iter_rows())
    assert "use up the budget" in reasons["O2"]
    assert "use up the budget" in reasons["O4"]
    assert dict(outcomes.select("option_id", "outcome").iter_rows()) == {
        "O1": "approved",
        "O2": "rejected",
        "O3": "approved",
        "O4": "rejected",
        "O5": "approved",
    }


@pytest.fixture(scope="module")
def minutes_run(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Path:
    from flows.analyse import analyse

    workspace = tmp_path_factory.mktemp("parks-minutes")
    analyse(FIXTURE / "consultation-minutes.toml", workspace)
    found = latest_run(workspace, "riverside-parks-minutes")
    assert found is not None
    return found


def test_a_decisions_table_gives_the_options_their_outcomes_and_reasons(minutes_run: Path) -> None:
    options = read_run_table(minutes_run, "options")
    assert dict(options.select("option_id", "title").iter_rows())["O2"] == "Skate park at the old tennis courts"
    assert set(options["origin"]) == {"decision table"}
    outcomes = read_run_table(minutes_run, "option_outcomes")
    assert dict(outcomes.select("option_id", "outcome").iter_rows()) == {
        "O1": "approved",
        "O2": "rejected",
        "O3": "approved",
        "O4": "rejected",
        "O5": "approved",
    }
    reasons = dict(outcomes.select("option_id", "reason").iter_rows())
    assert "use up the budget" in reasons["O2"]
    assert reasons["O1"] is None
    # The row without a decision is rejected with its row and column, and the counts reconcile.
    rejects = read_run_table(minutes_run, "rejects")
    assert rejects.select("row", "column", "reason").rows() == [(7, "Committee decision", "no outcome")]
    sources = read_run_table(minutes_run, "sources").filter(pl.col("kind") == "decisions")
    assert sources.select("rows_read", "rows_analysed", "rows_rejected").rows() == [(6, 5, 1)]


def test_with_a_decisions_table_every_theme_still_takes_its_projects_fate(minutes_run: Path) -> None:
    named = pl.read_csv(FIXTURE / "responses.csv", infer_schema=False).rename({"Response ID": "response_id"})
    assignments = read_run_table(minutes_run, "assignments").join(named, on="response_id")
    status = dict(read_run_table(minutes_run, "theme_status").select("theme_id", "status").iter_rows())
    for theme_id, project in assignments.group_by("theme_id").agg(pl.col("Project").mode().first()).iter_rows():
        assert status[theme_id] == ("adopted" if project in FUNDED else "considered"), (theme_id, project)


def test_eval_trace_scores_a_consultation_against_its_gold(tmp_path: Path, prefect_harness: None) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    output = tmp_path / "trace.json"
    result = CliRunner().invoke(
        app, ["eval-trace", str(FIXTURE / "trace.toml"), "-w", str(tmp_path / "ws"), "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "| throughline | 1.000" in result.output
    assert "| every option | 0.333" in result.output
    import json

    figures = json.loads(output.read_text())
    assert figures["outcomes"]["accuracy"] == 1.0
    assert figures["reasons"] == {"with_reason": 2, "reason_found": 2, "same_reason": 2}
    assert figures["statuses"]["agree"] == figures["statuses"]["themes"]


def test_a_closed_question_gives_each_respondents_stance_on_its_option(tmp_path: Path, prefect_harness: None) -> None:
    from flows.analyse import analyse

    run = analyse(FIXTURE / "consultation-stance.toml", tmp_path)
    addressed = read_run_table(run, "response_options").filter(pl.col("option_id") == "O4")
    stances = addressed.group_by("stance").len()
    assert dict(stances.iter_rows())["for"] >= 12
    # answering about the orchard is a stance, not a topic: only the orchard theme is about O4
    heat = read_run_table(run, "theme_options").filter(pl.col("option_id") == "O4")
    named = pl.read_csv(FIXTURE / "responses.csv", infer_schema=False).rename({"Response ID": "response_id"})
    assignments = read_run_table(run, "assignments").join(named, on="response_id")
    main = dict(assignments.group_by("theme_id").agg(pl.col("Project").mode().first()).iter_rows())
    orchard = [t for t, p in main.items() if p == "4"]
    assert set(heat.filter(pl.col("share") >= 0.3)["theme_id"]) == set(orchard)
    status = read_run_table(run, "theme_status").filter(pl.col("theme_id").is_in(orchard))
    # its supporters said so, and the committee did not fund it: the decision went against them
    assert set(status["status"]) == {"contrary"}
    assert "supported it; it was rejected" in status["reason"][0]
    others = read_run_table(run, "theme_status").filter(~pl.col("theme_id").is_in(orchard))
    for theme_id, got in others.select("theme_id", "status").iter_rows():
        assert got == ("adopted" if main[theme_id] in FUNDED else "considered"), theme_id


def test_officers_correct_the_options_and_the_links_and_it_survives_a_rerun(run: Path) -> None:
    from flows.analyse import analyse
    from pipeline.review import ReviewError, RunView, open_run, record_attribution, record_option, store_for

    store = store_for(run)
    view = open_run(run, store)
    named = pl.read_csv(FIXTURE / "responses.csv", infer_schema=False)
    orchard = named.filter(pl.col("Project") == "4")["Response ID"].to_list()
    playground = named.filter(pl.col("Project") == "1")["Response ID"].to_list()
    with pytest.raises(ReviewError, match="either a new title or remove"):
        record_option(store, view, "O2", "Officer E", run.name)
    with pytest.raises(ReviewError, match="no response 'RPB-999'"):
        record_attribution(store, view, "RPB-999", "O2", "rejected", "Officer E", run.name)
    record_option(store, view, "O2", "Officer E", run.name, title="Skate park at Station Park")
    record_attribution(store, view, orchard[0], "O4", "rejected", "Officer E", run.name)
    record_attribution(store, view, playground[0], "O5", "confirmed", "Officer E", run.name)

    def check(reviewed: RunView) -> None:
        tables = reviewed.tables
        assert dict(tables["options"].select("option_id", "title").iter_rows())["O2"] == "Skate park at Station Park"
        pairs = set(tables["response_options"].select("response_id", "option_id").iter_rows())
        assert (orchard[0], "O4") not in pairs
        confirmed = tables["response_options"].filter(
            (pl.col("response_id") == playground[0]) & (pl.col("option_id") == "O5")
        )
        assert confirmed["method"].to_list() == ["review"]
        heat = tables["theme_options"].filter(pl.col("option_id") == "O4")
        assert heat["n_respondents"].sum() == len(orchard) - 1

    check(open_run(run, store))
    # the orchard is not an option after all: its theme no longer addresses anything
    record_option(store, view, "O4", "Officer F", run.name, remove=True)
    reviewed = open_run(run, store)
    assert "O4" not in reviewed.tables["options"]["option_id"].to_list()
    assert "O4" not in reviewed.tables["theme_options"]["option_id"].to_list()
    themes = read_run_table(run, "assignments").join(named.rename({"Response ID": "response_id"}), on="response_id")
    main = dict(themes.group_by("theme_id").agg(pl.col("Project").mode().first()).iter_rows())
    statuses = dict(reviewed.tables["theme_status"].select("theme_id", "status").iter_rows())
    assert {statuses[t] for t, p in main.items() if p == "4"} == {"not taken up"}
    # every review names options by title and responses by id: a re-run finds them all again
    rerun = analyse(FIXTURE / "consultation.toml", run.parent.parent.parent)
    again = open_run(rerun, store_for(rerun))
    assert not again.orphaned
    assert "O4" not in again.tables["options"]["option_id"].to_list()
    assert dict(again.tables["options"].select("option_id", "title").iter_rows())["O2"] == "Skate park at Station Park"
