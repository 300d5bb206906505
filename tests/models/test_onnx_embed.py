"""The ONNX int8 backend: exported offline from the packaged model, validated against torch."""

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from models.embed import DEFAULT_MODEL
from models.errors import ModelUnavailableError
from models.onnx_embed import INFO_FILE, OnnxEmbedder, export_onnx

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def onnx_embedder(tmp_path_factory: pytest.TempPathFactory) -> OnnxEmbedder:
    folder = export_onnx(DEFAULT_MODEL, tmp_path_factory.mktemp("models") / "minilm-onnx-int8")
    return OnnxEmbedder(folder, batch_size=32)


def test_onnx_vectors_match_torch_on_the_sample(  # type: ignore[no-untyped-def]
    onnx_embedder: OnnxEmbedder, embedder, sample_dir: Path
) -> None:
    responses = pl.read_csv(sample_dir / "survey-responses.csv", infer_schema_length=0)
    texts = [t for column in responses.columns if column.lower().startswith("q") for t in responses[column] if t]
    texts = [t for t in texts if len(t) > 20]
    assert len(texts) >= 500
    ours = onnx_embedder.encode(texts)
    reference = embedder.encode(texts)
    assert ours.shape == reference.shape
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine = (ours * reference).sum(axis=1)
    words = np.array([len(t.split()) for t in texts])
    assert cosine.mean() >= 0.99
    assert cosine[words >= 8].min() >= 0.98
    assert cosine.min() >= 0.97  # a handful of words moves most ("Good luck with it all.": 0.976)
    # neighbours: ONNX's nearest text is among torch's three nearest, at a similarity just as high
    similarity = reference @ reference.T
    np.fill_diagonal(similarity, -1.0)
    ours_similarity = ours @ ours.T
    np.fill_diagonal(ours_similarity, -1.0)  # duplicates tie with the text itself: never pick it
    ours_nearest = ours_similarity.argmax(axis=1)
    top3 = np.argsort(-similarity, axis=1)[:, :3]
    assert np.mean([ours_nearest[i] in top3[i] for i in range(len(texts))]) >= 0.85
    rows = np.arange(len(texts))
    assert (similarity[rows, top3[:, 0]] - similarity[rows, ours_nearest]).mean() < 0.01


def test_export_records_its_source_and_order_does_not_matter(onnx_embedder: OnnxEmbedder) -> None:
    assert onnx_embedder.model_id.startswith("all-MiniLM-L6-v2+onnx-int8@")
    assert onnx_embedder.info["source_weights_sha256"].startswith("53aa5117")
    texts = ["short", "a much longer sentence about the parking charges in the town centre", "mid length text"]
    forward = onnx_embedder.encode(texts)
    backward = onnx_embedder.encode(texts[::-1])[::-1]
    assert np.allclose(forward, backward, atol=1e-4)


def test_a_missing_export_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="no ONNX export"):
        OnnxEmbedder(tmp_path)
    assert not (tmp_path / INFO_FILE).exists()
