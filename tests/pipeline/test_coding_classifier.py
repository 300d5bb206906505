"""Codes learnt from examples, and what to offer an analyst next."""

from pathlib import Path

import numpy as np
import pytest

from pipeline.coding import agreement, fit_coder, to_review


def _clusters(n: int, seed: int = 0) -> tuple[np.ndarray, list[int]]:
    """Unit vectors around three directions, with noise; and which direction each came from."""
    rng = np.random.default_rng(seed)
    centres = np.eye(3, 16, dtype=np.float32)
    labels = [int(i) for i in rng.integers(0, 3, n)]
    vectors = centres[labels] + 0.35 * rng.standard_normal((n, 16)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), labels


def test_codes_are_learnt_from_examples_with_expected_precision_and_recall() -> None:
    vectors, labels = _clusters(300)
    protos = np.eye(3, 16, dtype=np.float32)
    coder = fit_coder(["a", "b", "c"], vectors[:60], [{y} for y in labels[:60]], protos, [0.3, 0.3, 0.3])
    assert [f.method for f in coder.fits] == ["classifier"] * 3
    assert all(f.precision is not None and f.precision > 0.8 for f in coder.fits)
    predicted = coder.predict(vectors[60:], forced=True)
    right = sum(taken[0][0] == y for taken, y in zip(predicted, labels[60:], strict=True))
    assert right / len(predicted) > 0.9
    assert np.allclose(coder.scores(vectors[60:]).sum(axis=1), 1.0)


def test_a_code_with_few_examples_keeps_its_prototype() -> None:
    vectors, labels = _clusters(200, seed=1)
    protos = np.eye(3, 16, dtype=np.float32)
    few = [i for i, y in enumerate(labels) if y != 2][:60] + [i for i, y in enumerate(labels) if y == 2][:3]
    coder = fit_coder(["a", "b", "c"], vectors[few], [{labels[i]} for i in few], protos, [0.3, 0.3, 0.3])
    assert [f.method for f in coder.fits] == ["classifier", "classifier", "prototype"]
    # unforced, a passage far from every prototype is left uncoded for discovery
    far = np.zeros((1, 16), dtype=np.float32)
    far[0, 10] = 1.0
    assert coder.predict(far) == [[]]


def test_the_question_is_a_feature_when_examples_answer_several() -> None:
    rng = np.random.default_rng(2)
    same = np.tile(np.eye(1, 16, dtype=np.float32), (40, 1)) + 0.01 * rng.standard_normal((40, 16)).astype(np.float32)
    questions = ["improve"] * 20 + ["well"] * 20
    codes = [{0}] * 20 + [{1}] * 20  # "Nothing." is praise for one question, criticism for the other
    protos = np.eye(2, 16, k=3, dtype=np.float32)
    coder = fit_coder(["praise", "criticism"], same, codes, protos, [-1.0, -1.0], questions)
    assert coder.questions == ["improve", "well"]
    assert coder.predict(same[:1], ["improve"], forced=True)[0][0][0] == 0
    assert coder.predict(same[:1], ["well"], forced=True)[0][0][0] == 1


def test_reviews_offer_the_least_sure_and_some_at_random() -> None:
    scores = np.array([[0.9, 0.1], [0.55, 0.45], [0.5, 0.5], [0.8, 0.2], [0.7, 0.3], [0.6, 0.4]])
    unsure, drawn = to_review(scores, 5, seed=0, random_share=0.4)
    assert unsure == [2, 1, 5]
    assert len(drawn) == 2
    assert not set(drawn) & set(unsure)
    assert agreement([{0}, {1}, {0, 1}], [{0}, {0}, {0, 1}]) == 2 / 3
    assert agreement([], []) is None


def test_tone_reads_the_question() -> None:
    from pipeline.coding.tone import fit_tone

    nothing = np.tile(np.eye(1, 16, dtype=np.float32), (20, 1))
    questions = ["improve"] * 10 + ["well"] * 10
    scores = [4.0] * 10 + [-4.0] * 10  # "Nothing." to improve is praise; nothing done well is criticism
    model = fit_tone(nothing, scores, questions)
    praise, criticism = model.predict(nothing[:2], ["improve", "well"])
    assert praise > 2 > -2 > criticism
    assert fit_tone(nothing, scores).predict(nothing[:1])[0] == pytest.approx(0.0, abs=0.5)  # blind to it


def test_coded_texts_become_examples_and_bad_rows_are_named(tmp_path: Path) -> None:
    from pipeline.coding.examples import read_coded, with_examples
    from pipeline.config import Code

    book = (Code(name="Buses", examples=("Later buses.",)), Code(name="Toilets"))
    grown = with_examples(book, [("Later buses.", ["Buses"]), ("Open the loos.", ["Toilets", "Parking"])])
    assert [c.examples for c in grown] == [("Later buses.",), ("Open the loos.",)]
    path = tmp_path / "coded.csv"
    path.write_text("text,codes\nLater buses,Buses\nClean loos,Toilets|Buses\n,Buses\nNo code,\nCar parks,Parking\n")
    rows, problems = read_coded(path, "text", "codes", "|", ["Buses", "Toilets"])
    assert rows == [("Later buses", ["Buses"], None), ("Clean loos", ["Toilets", "Buses"], None)]
    assert problems == [
        f"{path}: row 4, column 'text': no text",
        f"{path}: row 5, column 'codes': no code",
        f"{path}: row 6, column 'codes': not in the codebook: ['Parking']",
    ]
    _, missing = read_coded(path, "comment", "codes", None, ["Buses"])
    assert "comment" in missing[0]


def test_scores_spread_to_near_neighbours_and_known_passages_pass_their_codes_on() -> None:
    from pipeline.coding.neighbours import neighbours, spread

    vectors, labels = _clusters(120, seed=3)
    own = np.full((120, 3), 1 / 3)  # a classifier with no idea
    known = {i: {labels[i]} for i in range(12)}
    smoothed = spread(own, vectors, known)
    assert np.allclose(smoothed.sum(axis=1), 1.0)
    assert all(smoothed[i, labels[i]] == 1.0 for i in known)  # held at the analyst's codes
    right = sum(int(np.argmax(smoothed[i])) == labels[i] for i in range(12, 120))
    assert right / 108 > 0.8  # the examples' codes reached their neighbours
    index, _ = neighbours(np.vstack([vectors[:1], vectors[:1], vectors[1:5]]))
    assert not (index == np.arange(6)[:, None]).any()  # never its own neighbour, duplicates included
    assert spread(own[:1], vectors[:1]).tolist() == own[:1].tolist()


def test_examples_that_are_passages_reuse_their_vectors_and_questions() -> None:
    from pipeline.coding.codebook import Passages, learn, remembering
    from pipeline.config import Code

    vectors, labels = _clusters(40, seed=4)
    texts = [f"passage {i}" for i in range(40)]
    questions = ["improve" if i % 2 else "well" for i in range(40)]
    passages = Passages(texts, vectors, questions)
    asked: list[list[str]] = []

    def encode(batch: list[str]) -> np.ndarray:
        asked.append(batch)
        return np.eye(len(batch), 16, dtype=np.float32)

    memory: dict[str, np.ndarray] = {}
    encoded = remembering(encode, memory, passages)(["passage  3", "code text", "code text"])
    assert asked == [["code text"]]  # the passage's vector is reused, the rest embedded once
    assert np.array_equal(encoded[0], vectors[3])
    book = tuple(
        Code(name=name, description=f"about {name}", examples=tuple(texts[i] for i in range(40) if labels[i] == j))
        for j, name in enumerate("abc")
    )
    learnt = learn(book, remembering(encode, memory, passages), 0.3, passages)
    assert learnt.examples == 40
    assert learnt.coder.questions == ["improve", "well"]
    assert learnt.known[5] == {labels[5]}


def test_agreement_is_pooled_with_an_interval() -> None:
    from pipeline.coding import agreement_interval

    share, low, high = agreement_interval([True] * 7 + [False] * 3) or (0, 0, 0)
    assert share == 0.7
    assert 0.39 < low < 0.41
    assert 0.89 < high < 0.90
    assert agreement_interval([]) is None


def test_only_passages_worth_an_analysts_time_are_offered() -> None:
    from pipeline.coding.active import worth_coding

    texts = ["?", "Nothing.", "Nothing. ", "Later buses", "…", "Open the loos", "later buses"]
    assert worth_coding(texts, ["Open  the loos"]) == [1, 3, 6]


def test_all_codes_fitted_at_once_match_one_regression_per_code() -> None:
    from sklearn.linear_model import LogisticRegression

    from pipeline.coding.ovr import fit_one_vs_rest

    vectors, labels = _clusters(200, seed=5)
    truth = np.array([[y == j for j in range(3)] for y in labels])
    learnt = np.array([True, True, False])
    joint = fit_one_vs_rest(vectors, truth, learnt, 4.0).probabilities(vectors)
    assert (joint[:, 2] == 0).all()  # a code not learnt has no probability of its own
    standard = (vectors - vectors.mean(axis=0)) / vectors.std(axis=0)
    for j in (0, 1):
        alone = LogisticRegression(C=4.0, class_weight="balanced").fit(standard, truth[:, j])
        assert np.abs(alone.predict_proba(standard)[:, 1] - joint[:, j]).max() < 0.02


def test_tone_scores_are_read_with_the_codes_and_learnt_onto_vaders_scale(tmp_path: Path) -> None:
    from pipeline.coding.codebook import Passages
    from pipeline.coding.examples import read_coded
    from pipeline.coding.tone import passage_tone

    path = tmp_path / "toned.csv"
    path.write_text("text,codes,score\nLater buses,Buses,-3\nLovely staff,,4\nNo idea,,\nOdd,,very\n")
    rows, problems = read_coded(path, "text", "codes", None, ["Buses"], "score")
    assert rows == [("Later buses", ["Buses"], -3.0), ("Lovely staff", [], 4.0)]
    assert problems == [
        f"{path}: row 4, column 'codes': no code and no tone",
        f"{path}: row 5, column 'score': not a number: 'very'",
    ]
    # "Nothing." is praise answering "improve", criticism answering "well": learnt with the question
    rng = np.random.default_rng(6)
    vectors = np.tile(np.eye(1, 16, dtype=np.float32), (40, 1)) + 0.01 * rng.standard_normal((40, 16)).astype(
        np.float32
    )
    texts = [f"nothing {i}" for i in range(40)]
    questions = ["improve" if i % 2 else "well" for i in range(40)]
    examples = [(texts[i], 5.0 if questions[i] == "improve" else -5.0) for i in range(24)]
    passages = Passages(texts, vectors, questions)
    tone = passage_tone(examples, passages, lambda batch: np.zeros((len(batch), 16), dtype=np.float32))
    assert tone is not None
    assert tone.min() >= -1.0
    assert tone.max() <= 1.0
    assert all((t > 0.5) == (q == "improve") for t, q in zip(tone[24:], questions[24:], strict=True))
    assert passage_tone(examples[:5], passages, lambda batch: vectors[: len(batch)]) is None  # too few: VADER


def test_no_examples_leave_every_code_to_its_prototype() -> None:
    protos = np.eye(3, 16, dtype=np.float32)
    coder = fit_coder(["a", "b", "c"], np.zeros((0, 16), dtype=np.float32), [], protos, [0.3, 0.3, 0.3])
    assert [f.method for f in coder.fits] == ["prototype"] * 3
    vectors, _ = _clusters(30, seed=7)
    assert [t[0][0] for t in coder.predict(vectors, forced=True)] == [int(np.argmax(v @ protos.T)) for v in vectors]


def test_a_tone_given_alone_keeps_the_texts_codes_and_codes_keep_its_tone(tmp_path: Path) -> None:
    from pipeline.review import ReviewStore, coded_examples, record_codes, toned_examples

    store = ReviewStore(tmp_path / "review.sqlite")
    record_codes(store, "Later buses", ["Buses"], "Rao")
    record_codes(store, "Later  buses", None, "Rao", tone=-2)  # a tone import with no code
    assert coded_examples(store) == [("Later buses", ["Buses"])]
    record_codes(store, "Later buses", ["Buses", "Evenings"], "Rao")  # the Coding page: codes only
    assert coded_examples(store) == [("Later buses", ["Buses", "Evenings"])]
    assert toned_examples(store) == [("Later buses", -2.0)]
