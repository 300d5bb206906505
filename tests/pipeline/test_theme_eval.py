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
    first, short = example_rows(labels, ["a", "b"], 20, seed=3)
    assert first == example_rows(labels, ["a", "b"], 20, seed=3)[0]
    assert short == {}
    assert {len(v) for v in first.values()} == {20}
    assert all(labels[r] == "a" for r in first["a"])
    assert first != example_rows(labels, ["a", "b"], 20, seed=4)[0]
    assert np.unique(first["b"]).size == 20
    # a code with fewer coded rows than asked gives what it has, and says so
    fewer, short = example_rows(labels, ["a", "b"], 30, seed=3)
    assert (len(fewer["a"]), len(fewer["b"]), short) == (30, 25, {"b": 25})


def test_multi_label_gold_and_unknown_codes_are_found_before_any_model(tmp_path: Path) -> None:
    from pipeline.theme_eval import gold_codes, load_coded

    assert gold_codes(["a; b", "", None, "c"], ";") == [{"a", "b"}, set(), set(), {"c"}]
    data = tmp_path / "coded.csv"
    data.write_text("text,codes\nGreat staff,Staff; Care\nLong wait,Waiting|x\nNothing,Nothing\n")
    spec = tmp_path / "eval.toml"
    spec.write_text(
        '[dataset]\nname = "t"\npath = "coded.csv"\ntext = "text"\nlevels = ["codes", "missing"]\n'
        '[guided]\nlevel = "codes"\nseparator = ";"\n'
        '[[guided.codebook]]\nname = "Staff"\n[[guided.codebook]]\nname = "Care"\n'
    )
    with pytest.raises(ConfigError) as error:
        load_coded(load_eval_spec(spec))
    message = str(error.value)
    assert "missing columns ['missing']" in message
    assert "missing from the codebook: ['Nothing', 'Waiting|x']" in message


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
