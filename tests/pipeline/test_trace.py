import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from pipeline.trace import link_scores, theme_links, theme_status


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


def test_links_respect_threshold_and_carry_evidence() -> None:
    public = pl.DataFrame({"passage_id": ["p1", "p2"], "text": ["more buses", "evening buses"]})
    assignments = pl.DataFrame(
        {"passage_id": ["p1", "p2"], "response_id": ["r1", "r2"], "theme_id": ["T01", "T01"], "score": [1.0, 1.0]}
    )
    documents = pl.DataFrame(
        {
            "passage_id": ["d1", "d2"],
            "source_id": ["dec", "dec"],
            "stage": ["decision"] * 2,
            "heading": ["Decision", "Decision"],
            "role": ["resolution"] * 2,
            "text": ["funds evening buses", "approves a cycle lane"],
        }
    )
    links = theme_links(assignments, public, unit([1, 0.1], [1, 0]), documents, unit([1, 0], [0, 1]), threshold=0.6)
    assert links.select("theme_id", "passage_id", "evidence_passage_id", "method").rows() == [
        ("T01", "d1", "p2", "embedding")
    ]


def test_status_rules() -> None:
    themes = pl.DataFrame({"theme_id": ["T01", "T02", "T03", "T04"]})
    links = pl.DataFrame(
        {
            "theme_id": ["T01", "T01", "T02", "T03"],
            "stage": ["options", "decision", "options", "decision"],
            "passage_id": ["o1", "d1", "o2", "d9"],
            "role": ["option", "resolution", "option", "rationale"],
            "score": [0.7, 0.8, 0.65, 0.7],
        }
    )
    status = theme_status(themes, links)
    assert_frame_equal(
        status.select("theme_id", "status", "options_score", "decision_score", "decision_passage_id"),
        pl.DataFrame(
            {
                "theme_id": ["T01", "T02", "T03", "T04"],
                "status": ["adopted", "considered", "considered", "not taken up"],
                "options_score": [0.7, 0.65, 0.7, None],
                "decision_score": [0.8, None, None, None],
                "decision_passage_id": ["d1", None, None, None],
            }
        ),
    )
