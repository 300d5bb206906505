"""Scoring a trace against gold files: the spec is checked up front, gold read, figures computed."""

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pipeline.config import ConfigError
from pipeline.trace.attribution import Option
from pipeline.trace.scoring import (
    GoldLinks,
    GoldOutcomes,
    keyword_links,
    link_scores,
    load_trace_spec,
    outcome_scores,
    read_gold_links,
    read_gold_outcomes,
    reason_scores,
    status_scores,
)

OPTIONS = [
    Option("O1", "1", "New playground at Mill Meadow", ""),
    Option("O2", "2", "Skate park at the old tennis courts", ""),
    Option("O3", "3", "Lighting on the riverside path", ""),
]


def test_every_problem_in_a_spec_is_listed_at_once(tmp_path: Path) -> None:
    (tmp_path / "gold.csv").write_text("id,choice\nr1,1\n")
    spec = tmp_path / "trace.toml"
    spec.write_text(
        'consultation = "missing.toml"\n'
        '[links]\npath = "gold.csv"\nresponse = "Response ID"\noption = "choice"\n'
        '[outcomes]\npath = "nowhere.csv"\noption = "x"\noutcome = "y"\n'
        '[outcomes.values]\nFunded = "yes"\n'
    )
    with pytest.raises(ConfigError) as error:
        load_trace_spec(spec)
    message = str(error.value)
    assert "missing.toml not found" in message
    assert "links.response" in message
    assert "Response ID" in message
    assert "nowhere.csv not found" in message
    assert "'Funded' = 'yes' is not one of" in message


def test_a_spec_needs_some_gold(tmp_path: Path) -> None:
    spec = tmp_path / "trace.toml"
    spec.write_text('consultation = "c.toml"\n')
    with pytest.raises(ConfigError, match=r"needs \[links\], \[outcomes\] or both"):
        load_trace_spec(spec)


def test_gold_links_match_options_by_number_or_title_and_report_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text("id,options\nr1,1; 3\nr2,skate park at the OLD tennis courts\nr3,Project 9\nr4,\n")
    gold, unmatched = read_gold_links(GoldLinks(path=path, response="id", option="options", separator=";"), OPTIONS)
    assert gold == {"r1": {"O1", "O3"}, "r2": {"O2"}, "r3": set(), "r4": set()}
    assert unmatched == ["Project 9"]


def test_gold_outcomes_in_the_bodys_words_or_mapped(tmp_path: Path) -> None:
    path = tmp_path / "minutes.csv"
    path.write_text("no,decision,why\n1,Funded,\n2,Not funded,Over budget\n3,Parked,\n4,Funded,\n")
    spec = GoldOutcomes(path=path, option="no", outcome="decision", reason="why", values={"Parked": "deferred"})
    gold, problems = read_gold_outcomes(spec, OPTIONS)
    assert gold == {
        "O1": {"outcome": "approved", "reason": None},
        "O2": {"outcome": "rejected", "reason": "Over budget"},
        "O3": {"outcome": "deferred", "reason": None},
    }
    assert problems == ["row 5: '4' names no option"]


def test_link_scores_and_the_keyword_baseline() -> None:
    gold = {"r1": {"O1"}, "r2": {"O2", "O3"}}
    scores = link_scores(gold, {"r1": {"O1"}, "r2": {"O2", "O1"}}, ["r1", "r2"])
    assert scores["micro_precision"] == pytest.approx(2 / 3)
    assert scores["micro_recall"] == pytest.approx(2 / 3)
    assert scores["per_option"] == {"O1": 0.667, "O2": 1.0, "O3": 0.0}
    found = keyword_links(OPTIONS, {"r1": "A skatepark? No: the skate ramps", "r2": "the riverside is dark"}, ("en",))
    assert found == {"r1": {"O2"}, "r2": {"O3"}}


def test_outcome_and_reason_scores() -> None:
    gold: dict[str, dict[str, Any]] = {
        "O1": {"outcome": "approved", "reason": None},
        "O2": {"outcome": "rejected", "reason": "It is over the budget of the year"},
        "O3": {"outcome": "approved", "reason": None},
    }
    scores = outcome_scores(gold, {"O1": "approved", "O2": "rejected", "O3": "deferred"})
    assert scores["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert scores["majority_outcome"] == "approved"
    assert scores["confusion"] == {"approved → deferred": 1}
    assert reason_scores(gold, {"O2": "over the budget of the year"}) == {
        "with_reason": 1,
        "reason_found": 1,
        "same_reason": 1,
    }


def test_statuses_are_scored_against_the_gold_outcomes_with_a_reliability_table() -> None:
    theme_options = pl.DataFrame(
        {
            "theme_id": ["T1", "T2"],
            "option_id": ["O1", "O2"],
            "n_respondents": [5, 4],
            "share": [1.0, 0.8],
            "n_opposing": [0, 0],
            "evidence": [1.0, 1.0],
        }
    )
    statuses = pl.DataFrame({"theme_id": ["T1", "T2"], "status": ["adopted", "adopted"], "confidence": [0.9, 0.6]})
    gold = {"O1": {"outcome": "approved", "reason": None}, "O2": {"outcome": "rejected", "reason": None}}
    scores = status_scores(statuses, theme_options, gold, {"O1": "Playground", "O2": "Skate park"})
    assert (scores["agree"], scores["themes"]) == (1, 2)
    assert scores["disagreements"] == {"considered → adopted": 1}
    assert scores["reliability"] == [
        {"confidence": "0.50–0.70", "themes": 1, "right": 0},
        {"confidence": "0.85–1.00", "themes": 1, "right": 1},
    ]
