import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from pipeline.themes.extend import extend_themes
from pipeline.themes.parents import parent_count, parents_of
from pipeline.themes.tables import centroid_scores, quotes_table, themes_table, topic_assignments

LABELS = {"5": "Parking costs", "2": "Buses"}
KEYWORDS = {"5": ["parking", "cost"], "2": ["buses"]}


def test_parents_group_similar_theme_centres() -> None:
    centres = np.array([[1, 0, 0], [0.95, 0.3, 0], [0, 1, 0], [0, 0.9, 0.4], [0, 0, 1]], dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    groups = parents_of(centres, 3)
    assert groups[0] == groups[1] != groups[2] == groups[3] != groups[4]
    assert parents_of(centres, 0) == [0, 1, 2, 3, 4]  # no hierarchy asked for
    assert parent_count(5) == 0
    assert parent_count(14) == 4
    assert parent_count(35) == 6


def test_centroid_scores_zero_for_outliers() -> None:
    vectors = np.array([[1, 0], [0.8, 0.6], [0, 1]], dtype=np.float32)
    scores = centroid_scores(vectors, [0, 0, -1])
    assert scores[2] == 0.0
    assert scores[0] == scores[1] > 0.9


PASSAGES = pl.DataFrame(
    {
        "passage_id": ["a:0:0", "a:1:0", "b:0:0", "c:0:0", "d:0:0", "e:0:0"],
        "response_id": ["a", "a", "b", "c", "d", "e"],
        "text": [
            "Parking is far too expensive in town now.",
            "Parking costs too much for a quick errand in town.",
            "Parking is far too expensive in town now!",
            "The buses stop running far too early.",
            "Buses.",
            "The weather was lovely.",
        ],
    }
)


def test_themes_counted_in_respondents_ties_broken_by_label() -> None:
    assigned = topic_assignments(PASSAGES, [5, 5, 5, 2, 2, -1], [0.9, 0.8, 0.95, 0.9, 0.7, 0.0])
    respondents = pl.DataFrame(
        {"response_id": list("abcde"), "respondent_id": list("abcde"), "weight": [1, 40, 1, 1, 1]}
    )
    themes, assignments = themes_table(assigned, respondents, LABELS, KEYWORDS, {"5": "codebook"})
    assert themes["n_represented"].to_list() == [2, 41]
    assert_frame_equal(
        themes.select("theme_id", "label", "n_respondents", "n_passages", "share"),
        pl.DataFrame(
            {
                "theme_id": ["T01", "T02"],
                "label": ["Buses", "Parking costs"],
                "n_respondents": [2, 2],
                "n_passages": [2, 3],
                "share": [0.4, 0.4],
            }
        ),
    )
    assert assignments.filter(pl.col("theme_id") == "T02")["passage_id"].to_list() == ["a:0:0", "a:1:0", "b:0:0"]
    assert "e:0:0" not in assignments["passage_id"].to_list()
    assert themes["origin"].to_list() == ["discovered", "codebook"]
    assert themes["keywords"].to_list() == [["buses"], ["parking", "cost"]]


def test_quotes_are_verbatim_distinct_and_one_per_response() -> None:
    assigned = topic_assignments(PASSAGES, [5, 5, 5, 2, 2, -1], [0.9, 0.8, 0.95, 0.9, 0.7, 0.0])
    respondents = pl.DataFrame({"response_id": list("abcde"), "respondent_id": list("abcde"), "weight": [1] * 5})
    _, assignments = themes_table(assigned, respondents, LABELS, KEYWORDS)
    quotes = quotes_table(assignments, PASSAGES, per_theme=3)
    parking = quotes.filter(pl.col("theme_id") == "T02")
    # b's passage scores highest; a's identical text is a repeat, so a contributes its other passage.
    assert parking.select("rank", "response_id", "text").rows() == [
        (1, "b", "Parking is far too expensive in town now!"),
        (2, "a", "Parking costs too much for a quick errand in town."),
    ]
    buses = quotes.filter(pl.col("theme_id") == "T01")
    assert buses["text"].to_list() == ["The buses stop running far too early.", "Buses."]
    assert set(quotes["text"]) <= set(PASSAGES["text"])


def test_members_follow_their_representative() -> None:
    from pipeline.themes.tables import propagated_to_members

    public = pl.DataFrame({"passage_id": ["a:0:0", "a:0:1", "b:0:0", "b:0:1"], "response_id": ["a", "a", "b", "b"]})
    vectors = np.array([[1, 0], [0, 1], [0.1, 1], [1, 0.1]], dtype=np.float32)
    assigned = pl.DataFrame(
        {"passage_id": ["a:0:0", "a:0:1"], "response_id": ["a", "a"], "theme_id": ["1", "2"], "score": [1.0, 1.0]}
    )
    got = propagated_to_members(assigned, public, vectors, {"b": "a"})
    assert got.filter(pl.col("response_id") == "b").select("passage_id", "theme_id").rows() == [
        ("b:0:0", "2"),
        ("b:0:1", "1"),
    ]


def test_quotes_skip_near_repeats() -> None:
    passages = pl.DataFrame(
        {
            "passage_id": ["a:0:0", "b:0:0", "c:0:0"],
            "response_id": ["a", "b", "c"],
            "text": [
                "Better buses please, more of them and more often.",
                "better buses please, more of them and more often!! improve the service",
                "Evening buses stop far too early for shift workers.",
            ],
        }
    )
    assignments = passages.select("passage_id", "response_id").with_columns(
        theme_id=pl.lit("T01"), score=pl.Series([0.9, 0.8, 0.7])
    )
    quotes = quotes_table(assignments, passages, per_theme=3)
    assert quotes["response_id"].to_list() == ["a", "c"]


def _extension_case() -> tuple[dict[str, str], pl.DataFrame, pl.DataFrame, pl.DataFrame, np.ndarray]:
    """Two earlier themes (along x and along y) over four passages; two new passages, one per theme."""
    earlier = {"a:0": "buses", "b:0": "more buses", "c:0": "parking", "d:0": "cheap parking"}
    previous = pl.DataFrame(
        {
            "passage_id": ["a:0", "b:0", "c:0", "d:0"],
            "response_id": ["a", "b", "c", "d"],
            "theme_id": ["T01", "T01", "T02", "T02"],
            "score": [0.9, 0.9, 0.9, 0.9],
        }
    )
    themes = pl.DataFrame(
        {
            "theme_id": ["T01", "T02"],
            "label": ["Buses", "Parking"],
            "keywords": [["bus"], ["parking"]],
            "origin": ["discovered", "codebook"],
        }
    )
    public = pl.DataFrame(
        {
            "passage_id": [*earlier, "e:0", "f:0"],
            "response_id": ["a", "b", "c", "d", "e", "f"],
            "text": [*earlier.values(), "evening buses", "parking fees"],
        }
    )
    vectors = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.14, 0.99], [0.95, 0.31], [0.31, 0.95]], dtype=np.float32)
    return earlier, previous, themes, public, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_new_passages_join_the_earlier_themes_when_they_fit() -> None:
    earlier, previous, themes, public, vectors = _extension_case()
    options = {"threshold": 0.8, "max_new_share": 0.5, "max_unthemed": 0.1}
    extension, note = extend_themes(earlier, previous, themes, public, vectors, **options)
    assert extension is not None, note
    assert dict(zip(extension.assigned["passage_id"], extension.assigned["theme_id"], strict=True)) == {
        "a:0": "T01",
        "b:0": "T01",
        "c:0": "T02",
        "d:0": "T02",
        "e:0": "T01",
        "f:0": "T02",
    }
    assert (extension.new_passages, extension.joined) == (2, 2)
    assert extension.labels == {"T01": "Buses", "T02": "Parking"}
    assert extension.origin["T02"] == "codebook"


def test_earlier_themes_are_refitted_when_they_no_longer_fit() -> None:
    earlier, previous, themes, public, vectors = _extension_case()
    options = {"threshold": 0.8, "max_new_share": 0.5, "max_unthemed": 0.1}
    edited = public.with_columns(text=pl.when(pl.col("passage_id") == "a:0").then(pl.lit("trams")).otherwise("text"))
    assert extend_themes(earlier, previous, themes, edited, vectors, **options)[1].startswith("1 passages of the")
    too_many = {**options, "max_new_share": 0.25}
    assert "more than 25%" in extend_themes(earlier, previous, themes, public, vectors, **too_many)[1]
    far = {**options, "threshold": 0.999}
    extension, note = extend_themes(earlier, previous, themes, public, vectors, **far)
    assert extension is None
    assert "only 0% of the 2 new passages" in note
