"""Trace links and statuses on small hand-made cases (vectors chosen so the answer is known)."""

import numpy as np
import polars as pl
import pytest

from pipeline.trace.links import (
    NO_DECISION,
    NO_DOCUMENTS,
    TraceSettings,
    combined,
    document_stages,
    link_scores,
    status_counts,
    theme_links,
    theme_status,
    trace_gap,
)

SETTINGS = TraceSettings(link_threshold=0.6)
BOTH = ("options", "decision")  # the document stages given


def unit(*rows: list[float]) -> np.ndarray:
    matrix = np.array(rows, dtype=np.float32)
    normalised: np.ndarray = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return normalised


def test_link_score_is_mean_of_best_k() -> None:
    theme = unit([1, 0], [1, 0], [0, 1])
    docs = unit([1, 0])
    scores, best = link_scores(theme, docs, top_k=2)
    assert scores.tolist() == [1.0]
    scores, _ = link_scores(theme, docs, top_k=3)
    assert abs(scores[0] - 2 / 3) < 1e-6
    assert best.tolist() == [0]


def public_frame(texts: list[str]) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame(
        {"passage_id": [f"p{i}" for i in range(n)], "response_id": [f"r{i}" for i in range(n)], "text": texts}
    )


def assigned(theme_of: list[str]) -> pl.DataFrame:
    n = len(theme_of)
    return pl.DataFrame(
        {
            "passage_id": [f"p{i}" for i in range(n)],
            "response_id": [f"r{i}" for i in range(n)],
            "theme_id": theme_of,
            "score": [1.0] * n,
        }
    )


def documents(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    """(stage, heading, role, text) per document passage."""
    return pl.DataFrame(
        {
            "passage_id": [f"d{i}" for i in range(len(rows))],
            "source_id": [r[0] for r in rows],
            "stage": [r[0] for r in rows],
            "heading": [r[1] for r in rows],
            "role": [r[2] for r in rows],
            "text": [r[3] for r in rows],
        }
    )


def test_semantic_link_respects_threshold_and_carries_evidence() -> None:
    public = public_frame(["more buses", "evening buses"])
    docs = documents(
        [("decision", "Decision", "resolution", "funds evening buses"), ("decision", "D", "resolution", "a cycle lane")]
    )
    links = theme_links(assigned(["T01", "T01"]), public, unit([1, 0.1], [1, 0]), docs, unit([1, 0], [0, 1]), SETTINGS)
    linked = links.filter("linked")
    assert linked.select("theme_id", "passage_id", "evidence_passage_id", "method", "agreement").rows() == [
        ("T01", "d0", "p1", "semantic", "agrees")
    ]
    assert (links.filter(~pl.col("linked"))["score"] < 0.6).all()


def test_a_phrase_copied_from_responses_into_the_decision_is_carry_over() -> None:
    """Vectors say nothing in common (orthogonal): only the reused words can make this link."""
    public = public_frame(
        [
            "Put a zebra crossing outside the Harbour Road library please",
            "We need a zebra crossing outside Harbour Road library, it is dangerous",
            "Something else entirely",
        ]
    )
    docs = documents(
        [("decision", "Decision", "resolution", "approves a zebra crossing outside the Harbour Road library")]
    )
    vectors = unit([1, 0, 0], [1, 0, 0], [0, 1, 0])
    links = theme_links(assigned(["T01", "T01", "T02"]), public, vectors, docs, unit([0, 0, 1]), SETTINGS)
    [link] = links.filter("linked").to_dicts()
    assert (link["theme_id"], link["method"], link["carryover_respondents"]) == ("T01", "carry-over", 2)
    assert "zebra crossing outside" in link["doc_span"]
    assert link["public_span"]
    assert "harbour road library" in link["public_span"]
    status = theme_status(pl.DataFrame({"theme_id": ["T01", "T02"]}), links, 0.6, stages=BOTH)
    assert status["status"].to_list() == ["adopted", "not taken up"]


def test_carry_over_needs_enough_respondents_and_a_majority_of_the_reuse() -> None:
    public = public_frame(["a zebra crossing outside the library", "zebra crossing outside the library now", "nothing"])
    docs = documents([("decision", "Decision", "resolution", "approves a zebra crossing outside the library")])
    vectors = unit([1, 0, 0], [0, 1, 0], [0, 1, 0])
    # one respondent per theme: below carryover_min_respondents = 2
    links = theme_links(assigned(["T01", "T02", "T02"]), public, vectors, docs, unit([0, 0, 1]), SETTINGS)
    assert links.filter("linked").is_empty()


def test_a_reference_to_an_option_the_theme_links_to_carries_the_link() -> None:
    public = public_frame(["residents permits please", "permits for residents"])
    docs = documents(
        [
            ("options", "Options > Option 4: Residents' parking", "option", "Introduce permits for residents."),
            ("decision", "Alternative options considered and rejected", "rationale", "Option 4 was not taken forward."),
            ("decision", "Decision", "resolution", "approves Option 2."),
        ]
    )
    vectors = unit([1, 0, 0], [1, 0, 0])
    links = theme_links(
        assigned(["T01", "T01"]), public, vectors, docs, unit([1, 0, 0], [0, 1, 0], [0, 0, 1]), SETTINGS
    )
    rows = links.filter("linked").select("passage_id", "method", "reference", "action", "agreement").rows()
    assert rows == [
        ("d0", "semantic", None, "proposes", "notes"),
        ("d1", "reference", "Option 4", "rejects", "not adopted"),
    ]
    status = theme_status(pl.DataFrame({"theme_id": ["T01"]}), links, 0.6, stages=BOTH).row(0, named=True)
    assert status["status"] == "considered"
    assert status["stages_reached"] == ["problem", "options", "decision"]
    assert "Option 4 was not taken forward" in status["reason"]


def link_rows(rows: list[tuple[str, str, str, str, float, float]]) -> pl.DataFrame:
    """(theme, stage, passage, agreement, score, confidence) → a links table for theme_status."""
    return pl.DataFrame(
        {
            "theme_id": [r[0] for r in rows],
            "stage": [r[1] for r in rows],
            "passage_id": [r[2] for r in rows],
            "role": ["resolution"] * len(rows),
            "text": ["some passage"] * len(rows),
            "action": ["approves"] * len(rows),
            "method": ["semantic"] * len(rows),
            "agreement": [r[3] for r in rows],
            "score": [r[4] for r in rows],
            "confidence": [r[5] for r in rows],
            "linked": [True] * len(rows),
            "review": pl.Series([None] * len(rows), dtype=pl.String()),
            "theme_opposes_change": [False] * len(rows),
        }
    )


def test_status_rules() -> None:
    themes = pl.DataFrame({"theme_id": ["A", "B", "C", "D", "E", "F"]})
    links = link_rows(
        [
            ("A", "decision", "d1", "agrees", 0.8, 0.9),
            ("B", "decision", "d1", "agrees", 0.7, 0.8),
            ("B", "decision", "d2", "not adopted", 0.7, 0.8),
            ("C", "options", "o1", "notes", 0.7, 0.8),
            ("D", "decision", "d3", "contrary", 0.8, 0.9),
            ("D", "decision", "d4", "agrees", 0.65, 0.6),
            ("E", "decision", "d2", "not adopted", 0.7, 0.8),
        ]
    )
    status = theme_status(themes, links, 0.6, stages=BOTH)
    assert status["status"].to_list() == [
        "adopted",
        "adopted in part",
        "considered",
        "contrary",
        "considered",
        "not taken up",
    ]
    confidence = dict(status.select("theme_id", "confidence").iter_rows())
    assert confidence["A"] == 0.9
    assert confidence["D"] < 0.9  # contrary rests on cue words too
    assert confidence["F"] == 0.5  # nothing came near: absence of evidence is never more than a coin toss


def test_reviews_override_the_machine() -> None:
    themes = pl.DataFrame({"theme_id": ["A"]})
    links = link_rows([("A", "decision", "d1", "agrees", 0.8, 0.9)])
    rejected = links.with_columns(review=pl.lit("rejected"))
    assert theme_status(themes, rejected, 0.6, stages=BOTH)["status"].to_list() == ["not taken up"]
    near_miss = links.with_columns(linked=pl.lit(False), review=pl.lit("confirmed"))
    assert theme_status(themes, near_miss, 0.6, stages=BOTH)["status"].to_list() == ["adopted"]


@pytest.mark.parametrize(("parts", "expected"), [([], 0.0), ([0.5], 0.5), ([0.5, 0.5], 0.75), ([0.9, 0.9, 0.9], 0.99)])
def test_confidence_is_noisy_or_capped(parts: list[float], expected: float) -> None:
    assert combined(parts) == pytest.approx(expected)


def test_a_theme_is_traced_through_every_stage_present() -> None:
    public = public_frame(["more evening buses", "evening buses please"])
    docs = documents(
        [
            ("options", "Options > Option 7: Buses", "option", "Restore evening buses."),
            ("decision", "Decision", "resolution", "approves evening buses (Option 7)"),
            ("implementation", "Progress", "other", "Evening buses began running in September."),
            ("evaluation", "Review", "other", "Evening bus use rose by a fifth."),
        ]
    )
    vectors = unit([1, 0], [1, 0])
    links = theme_links(
        assigned(["T01", "T01"]), public, vectors, docs, unit([1, 0], [1, 0], [1, 0], [1, 0.2]), SETTINGS
    )
    status = theme_status(pl.DataFrame({"theme_id": ["T01"]}), links, 0.6, stages=BOTH).row(0, named=True)
    assert status["status"] == "adopted"
    assert status["stages_reached"] == ["problem", "options", "decision", "implementation", "evaluation"]
    assert links["stage"].to_list() == ["options", "decision", "implementation", "evaluation"]  # policy-cycle order


def test_without_options_or_decision_nothing_is_traced_and_nothing_is_judged() -> None:
    public = public_frame(["more evening buses", "evening buses please", "fix the pavements"])
    links = theme_links(
        assigned(["T01", "T01", "T02"]),
        public,
        unit([1, 0], [1, 0], [0, 1]),
        documents([]),
        np.zeros((0, 2), np.float32),
        SETTINGS,
    )
    assert links.is_empty()
    status = theme_status(pl.DataFrame({"theme_id": ["T01", "T02"]}), links, 0.6, stages=())
    assert status["status"].to_list() == ["not traced", "not traced"]
    assert status["confidence"].to_list() == [None, None]  # no verdict, so no confidence in one
    assert status["stages_reached"].to_list() == [["problem"], ["problem"]]
    assert status["reason"].to_list() == ["no options paper or decision was given, so nothing can be traced"] * 2
    assert status_counts(status) == {"not traced": 2}
    assert trace_gap(()) == NO_DOCUMENTS
    assert 'add a source with stage = "options" or "decision"' in NO_DOCUMENTS


def test_options_without_a_decision_link_themes_but_give_no_outcome() -> None:
    public = public_frame(["more evening buses", "evening buses please", "fix the pavements"])
    docs = documents([("options", "Options > Option 7: Buses", "option", "Restore evening buses.")])
    links = theme_links(
        assigned(["T01", "T01", "T02"]), public, unit([1, 0], [1, 0], [0, 1]), docs, unit([1, 0]), SETTINGS
    )
    status = theme_status(pl.DataFrame({"theme_id": ["T01", "T02"]}), links, 0.6, stages=("options",))
    buses, pavements = status.to_dicts()
    assert (buses["status"], pavements["status"]) == ("not traced", "not traced")
    assert buses["stages_reached"] == ["problem", "options"]
    assert buses["options_passage_id"] == "d0"
    assert buses["options_score"] == pytest.approx(1.0)
    assert buses["decision_passage_id"] is None
    assert buses["reason"].startswith("no decision was given, so it has no outcome; it reached the options: ")
    assert "Restore evening buses." in buses["reason"]
    assert pavements["reason"] == "no decision was given, so it has no outcome; no options passage addresses it"
    assert trace_gap(("options",)) == NO_DECISION
    assert trace_gap(("options", "decision")) is None


def test_the_stages_traced_are_those_with_document_passages() -> None:
    passages = pl.DataFrame(
        {
            "kind": ["answer", "turn", "section", "section"],
            "stage": ["problem", "problem", "options", "options"],
        }
    )
    assert document_stages(passages) == frozenset({"options"})
    assert document_stages(passages.filter(pl.col("kind") != "section")) == frozenset()


def test_status_counts_list_the_verdicts_when_traced() -> None:
    status = pl.DataFrame({"status": ["adopted", "adopted", "contrary"]})
    assert status_counts(status) == {
        "adopted": 2,
        "adopted in part": 0,
        "considered": 0,
        "not taken up": 0,
        "contrary": 1,
    }
