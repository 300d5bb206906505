from pathlib import Path

import numpy as np
import pytest

from pipeline.config import ConfigError
from pipeline.theme_eval import UNTHEMED, clustering_scores, example_rows, load_eval_spec, multilabel_scores


def test_clustering_scores_perfect_and_renamed() -> None:
    gold = ["a", "a", "b", "b", "c"]
    scores = clustering_scores(gold, ["x", "x", "y", "y", "z"])
    assert scores["nmi"] == pytest.approx(1.0)
    assert scores["ari"] == pytest.approx(1.0)
    assert scores["clusters"] == 3
    assert scores["unthemed_share"] == 0.0


def test_unthemed_comments_are_one_more_cluster_and_cost_score() -> None:
    gold = ["a", "a", "b", "b", "c", "c"]
    full = clustering_scores(gold, ["x", "x", "y", "y", "z", "z"])
    partial = clustering_scores(gold, ["x", UNTHEMED, "y", UNTHEMED, "z", UNTHEMED])
    assert partial["unthemed_share"] == 0.5
    assert partial["clusters"] == 3
    assert partial["nmi"] < full["nmi"]
    with pytest.raises(ValueError, match="2 gold labels but 1"):
        clustering_scores(["a", "b"], ["x"])


def test_multilabel_micro_scores_and_intervals() -> None:
    gold = [{"a"}, {"b"}, {"a", "b"}, {"c"}]
    predicted = [{"a"}, {"a"}, {"a"}, set()]
    scores = multilabel_scores(gold, predicted, n_boot=500, seed=1)
    # tp = 2 (rows 0 and 2), fp = 1 (row 1), fn = 3 (b in rows 1 and 2, c in row 3)
    assert scores["micro_precision"] == pytest.approx(2 / 3)
    assert scores["micro_recall"] == pytest.approx(2 / 5)
    assert scores["micro_f1"] == pytest.approx(2 * (2 / 3) * 0.4 / (2 / 3 + 0.4))
    low, high = scores["micro_f1_ci"]
    assert 0.0 <= low <= scores["micro_f1"] <= high <= 1.0
    assert scores["uncoded_share"] == 0.25
    assert scores["per_code"]["a"] == {"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "support": 2}
    assert multilabel_scores(gold, predicted, n_boot=500, seed=1) == scores  # seeded bootstrap


def test_examples_drawn_per_code_repeatably() -> None:
    labels = ["a"] * 30 + ["b"] * 25
    first = example_rows(labels, ["a", "b"], 20, seed=3)
    assert first == example_rows(labels, ["a", "b"], 20, seed=3)
    assert {len(v) for v in first.values()} == {20}
    assert all(labels[r] == "a" for r in first["a"])
    assert first != example_rows(labels, ["a", "b"], 20, seed=4)
    with pytest.raises(ConfigError, match="code 'b' has 25 coded rows, fewer than 30"):
        example_rows(labels, ["a", "b"], 30, seed=3)
    assert np.unique(first["b"]).size == 20


def test_evaluation_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "eval.toml"
    bad.write_text('[dataset]\nname = "x"\npath = "data.csv"\ntext = "t"\nlevels = []\n')
    with pytest.raises(ConfigError, match=r"eval\.toml: invalid evaluation file"):
        load_eval_spec(bad)


def test_bundled_evaluation_file_parses() -> None:
    spec = load_eval_spec(Path(__file__).resolve().parents[2] / "evaluation" / "nhs-fft.toml")
    assert spec.dataset.levels == ("label", "subcategory")
    assert spec.guided is not None
    assert len(spec.guided.codebook) == 9
    assert spec.dataset.path.name == "text_data.csv"
