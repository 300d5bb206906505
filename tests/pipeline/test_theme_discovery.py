"""Themes per question, substance set aside, deterministic clusters (pipeline/themes/)."""

import numpy as np
import polars as pl
import pytest

from models.topics import TopicSettings
from pipeline.themes.background import background_words
from pipeline.themes.cluster import MIN_PASSAGES, UNTHEMED, ClusterSettings, centred, cluster, default_count
from pipeline.themes.discover import discover_themes, separate_questions
from pipeline.themes.stability import perturbed, same_passages_ari
from pipeline.themes.substance import category_of


def blobs(sizes: list[int], dim: int = 32, spread: float = 0.15, seed: int = 0) -> np.ndarray:
    """Unit vectors around one random centre per blob, all sharing a strong common direction."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=dim)
    rows = []
    for size in sizes:
        centre = rng.normal(size=dim)
        rows.append(3 * common + centre + spread * rng.normal(size=(size, dim)) * np.linalg.norm(centre))
    out = np.vstack(rows).astype(np.float32)
    return np.asarray(out / np.linalg.norm(out, axis=1, keepdims=True), dtype=np.float32)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thank you, chair.", "thanks"),
        ("Good morning, everyone.", "greeting"),
        ("My name is [NAME].", "introduction"),
        ("I'm here on behalf of the Tenants Union.", "introduction"),
        ("Can you hear me?", "procedure"),
        ("We'll move on to [NAME], followed by [NAME].", "procedure"),
        ("See attached file(s)", "attachment"),
        ("Please find our complete responses in the attached document.", "attachment"),
        ("N/A", "no_comment"),
        ("no comment", "no_comment"),
        ("Okay.", "filler"),
        ("Mehmet Oz", "filler"),
        ("Nothing.", None),  # answers "what could we improve?"
        ("All good", None),
        ("Thank you for the excellent care on the ward.", None),
        ("Buses.", None),
        ("Thank you. I oppose the upzoning because our street floods every spring.", None),
        ("Parking charges are ruining the high street and I am the owner of a bakery there.", None),
    ],
)
def test_substance_categories(text: str, expected: str | None) -> None:
    assert category_of(text) == expected


def test_background_words_are_those_most_answers_use() -> None:
    texts = [f"AI must be regulated for {w}" for w in ("health", "cars", "banks", "schools")] * 5
    assert {"ai", "regulated"} <= background_words(texts)
    assert "health" in background_words(texts)  # 5 of 20: at the 5% floor of 5 texts
    assert "health" not in background_words(texts, share=0.3)


def test_clusters_separate_what_differs_not_what_all_share() -> None:
    vectors = blobs([40, 40, 40])
    texts = [f"t{i}" for i in range(len(vectors))]
    found = cluster(texts, vectors, ClusterSettings(target=3, max_share=1.0))
    labels = np.array(found.labels)
    assert sorted(np.bincount(labels)) == [40, 40, 40]
    assert len({tuple(labels[i : i + 40]) for i in (0, 40, 80)}) == 3  # each blob is one cluster


def test_clusters_do_not_move_with_noise_far_below_model_precision() -> None:
    vectors = blobs([60, 50, 40, 30, 20], seed=1)
    texts = [f"t{i}" for i in range(len(vectors))]
    first = cluster(texts, vectors)
    again = cluster(texts, perturbed(vectors))
    assert first.labels == again.labels
    assert cluster(texts, vectors).labels == first.labels  # no random state at all


def test_a_catch_all_is_split_along_its_tree() -> None:
    vectors = blobs([60, 60, 60, 60], seed=2, spread=0.05)
    texts = [f"t{i}" for i in range(len(vectors))]
    found = cluster(texts, vectors, ClusterSettings(target=2, max_share=0.3, min_size=5))
    assert found.split == 2
    assert sorted(np.bincount(found.labels)) == [60, 60, 60, 60]
    one_blob = blobs([200], seed=2)  # no sub-themes: left whole however large
    assert cluster([str(i) for i in range(200)], one_blob, ClusterSettings(target=1, min_size=5)).split == 0


def test_too_few_passages_get_no_themes_and_small_sets_still_split() -> None:
    few = blobs([3, 3, 3])
    assert set(cluster([str(i) for i in range(9)], few).labels) == {UNTHEMED}
    assert len(few) < MIN_PASSAGES
    sixty = blobs([20, 20, 20], seed=3)
    found = cluster([str(i) for i in range(60)], sixty, ClusterSettings(target=3, max_share=1.0))
    assert len(set(found.labels) - {UNTHEMED}) == 3
    assert default_count(60) >= 3 or default_count(60) == round(0.5 * 60**0.5)


def test_centred_rows_are_unit_and_lose_the_common_direction() -> None:
    rows = centred(blobs([30, 30]))
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)
    assert abs(rows.mean(axis=0)).max() < 0.2


def _public(questions: list[str], vectors: np.ndarray) -> pl.DataFrame:
    n = len(vectors)
    return pl.DataFrame(
        {
            "passage_id": [f"p{i}" for i in range(n)],
            "response_id": [f"r{i % (n // len(set(questions)))}" for i in range(n)],
            "question": questions,
            "text": [f"answer number {i} about topic {i % 7}" for i in range(n)],
        }
    )


def test_each_big_question_gets_its_own_themes() -> None:
    vectors = np.vstack([blobs([30, 30], seed=4), blobs([30, 30], seed=5)])
    public = _public(["Q1"] * 60 + ["Q2"] * 60, vectors)
    found = discover_themes(
        public, vectors, {}, ClusterSettings(target=2, per_question_min=50), TopicSettings(), None, False
    )
    assert set(found.questions.values()) == {"Q1", "Q2"}
    assert {k.split(".")[0] for k in found.questions} == {"q1", "q2"}
    pooled = discover_themes(
        public, vectors, {}, ClusterSettings(target=2, per_question_min=500), TopicSettings(), None, False
    )
    assert set(pooled.questions.values()) == {None}
    assert separate_questions(public, {}, 50)
    assert not separate_questions(public, {}, 61)


def test_set_aside_passages_are_never_themed_and_are_counted() -> None:
    vectors = blobs([20, 20], seed=6)
    public = _public(["Q1"] * 40, vectors).with_columns(
        text=pl.when(pl.int_range(pl.len()) < 3).then(pl.lit("Thank you.")).otherwise(pl.col("text"))
    )
    found = discover_themes(public, vectors, {}, ClusterSettings(target=2), TopicSettings(), None, False)
    assert found.set_aside["passage_id"].to_list() == ["p0", "p1", "p2"]
    assert set(found.set_aside["category"]) == {"thanks"}
    assert not set(found.assigned["passage_id"]) & {"p0", "p1", "p2"}


def test_same_passages_ari() -> None:
    a = pl.DataFrame({"passage_id": ["a", "b", "c"], "theme_id": ["x", "x", "y"]})
    b = pl.DataFrame({"passage_id": ["a", "b", "c"], "theme_id": ["1", "1", "2"]})
    assert same_passages_ari(a, b) == 1.0


def test_a_cluster_of_short_formulae_is_procedure_but_letters_that_open_with_one_are_not() -> None:
    from pipeline.themes.substance import procedure_clusters

    greetings = ["Good afternoon, commissioners, can you all hear me today?"] * 4 + ["Housing matters here."] * 6
    letters = ["Dear Councillors, I am writing to object to the closure of the Market Square car park, which "
               "the Tuesday and Saturday markets need for unloading and for older shoppers."] * 10  # fmt: skip
    praise = ["Thank you for the excellent care you gave my mother."] * 10  # praise, not procedure
    runs = ["Good evening. Thank you for having me. Can you hear me?"] * 2 + ["The bus is late every day."] * 8
    assert procedure_clusters(greetings + letters + praise + runs, [0] * 10 + [1] * 10 + [2] * 10 + [3] * 10) == {0, 3}
