import numpy as np
import pytest

from pipeline.coding import assign_codes, code_text, prototypes
from pipeline.config import Code

pytestmark = pytest.mark.slow

CODEBOOK = (
    Code(name="Buses", description="Bus services, routes, frequency and fares."),
    Code(name="Parking", description="Car parking spaces and parking charges."),
    Code(name="Toilets", examples=("Reopen the public toilets.", "There is nowhere to go to the loo in town.")),
)


def test_prototypes_and_codes(embedder) -> None:  # type: ignore[no-untyped-def]
    def encode(texts: list[str]) -> np.ndarray:
        return embedder.encode(texts)  # type: ignore[no-any-return]

    assert code_text(CODEBOOK[0]) == "Buses: Bus services, routes, frequency and fares."
    assert code_text(CODEBOOK[2]) == "Toilets"
    protos, thresholds = prototypes(CODEBOOK, encode, 0.3)
    assert thresholds == [0.3, 0.3, 0.3]  # two examples are too few to calibrate on
    assert protos.shape == (3, 384)
    assert np.allclose(np.linalg.norm(protos, axis=1), 1.0, atol=1e-5)
    texts = [
        "The number 12 bus only runs once an hour.",
        "Parking charges in the town centre car park are too high.",
        "The public loos by the harbour are always locked.",
        "My cat enjoys sleeping in the sun.",
    ]
    codes = assign_codes(encode(texts), protos, threshold=0.3, margin=0.0)
    assert [[j for j, _ in taken] for taken in codes] == [[0], [1], [2], []]
    assert codes[0][0][1] >= 0.3


def test_margin_gives_more_than_one_code() -> None:
    vectors = np.array([[1.0, 0.0], [0.7, 0.7]], dtype=np.float32)
    protos = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    codes = assign_codes(vectors, protos, threshold=0.5, margin=0.05)
    assert [[j for j, _ in c] for c in codes] == [[0], [0, 1]]
    assert assign_codes(vectors, protos, threshold=0.99, margin=0.05) == [[(0, 1.0)], []]
    assert assign_codes(np.zeros((0, 2), np.float32), protos, 0.5, 0.0) == []


def test_enough_examples_lower_a_codes_threshold_to_its_least_typical_examples() -> None:
    space = {"desc": [1.0, 0.0, 0.0], "near": [0.9, 0.436, 0.0], "far": [0.6, 0.0, 0.8]}

    def encode(texts: list[str]) -> np.ndarray:
        return np.array([space[t] for t in texts], dtype=np.float32)

    many = Code(name="desc", examples=("near",) * 4 + ("far",))
    protos, thresholds = prototypes([Code(name="desc"), many], encode, 0.9)
    assert thresholds[0] == 0.9
    sims = encode(["near", "far"]) @ protos[1]
    expected = float(np.percentile(np.array([sims[0]] * 4 + [sims[1]]), 10))
    assert thresholds[1] == np.floor(expected * 100) / 100 < 0.9
    # per-code thresholds: the best code's applies
    vectors = encode(["near"])
    assert assign_codes(vectors, protos[1:], [0.99], 0.0) == [[]]
    assert [j for j, _ in assign_codes(vectors, protos[1:], thresholds[1:], 0.0)[0]] == [0]
