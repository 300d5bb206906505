from pathlib import Path

import numpy as np
import pytest

from models.embed import EmbeddingCache, embed_cached, same_length_batches, text_hash

pytestmark = pytest.mark.slow


def test_default_model_is_offline_and_normalised(embedder) -> None:  # type: ignore[no-untyped-def]
    vectors = embedder.encode(
        ["Bring back the evening buses.", "Restore bus services after 7pm.", "The public toilets are closed."]
    )
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert embedder.model_id.startswith("all-MiniLM-L6-v2@53aa5117")


def test_order_does_not_change_vectors(embedder) -> None:  # type: ignore[no-untyped-def]
    texts = ["short", "a much longer sentence about the parking charges in the town centre", "mid length text"]
    forward = embedder.encode(texts)
    backward = embedder.encode(texts[::-1])[::-1]
    assert np.allclose(forward, backward, atol=1e-5)


def test_cache_embeds_each_text_once(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cache = EmbeddingCache(tmp_path, embedder.model_id)
    texts = ["More buses please.", "Cheaper parking.", "More buses please."]
    first, new = embed_cached(embedder, texts, cache)
    assert new == 2
    again, new = embed_cached(embedder, [*texts, "Safer cycle lanes."], cache)
    assert new == 1
    assert np.allclose(first, again[:3])
    assert np.array_equal(again[:3], first)  # cached vectors come back bit for bit
    assert np.array_equal(again[3], embedder.encode(["Safer cycle lanes."])[0])
    cheap = text_hash("Cheaper parking.")
    assert cache.known([cheap, text_hash("never embedded")]) == {cheap}
    found = cache.lookup([cheap])
    assert set(found) == {cheap}
    assert np.array_equal(found.vectors[found.rows[cheap]], first[1])
    assert {f.suffix for f in tmp_path.rglob("*") if f.is_file()} == {".parquet"}
    assert not list(tmp_path.rglob("*.tmp"))


def test_default_vectors_do_not_depend_on_batch_neighbours(embedder) -> None:  # type: ignore[no-untyped-def]
    texts = [f"Passage {i} about {'buses ' * (i % 7)}parking and the ring road." for i in range(40)]
    alone = embedder.encode(texts[5:6])
    among = embedder.encode(texts)[5:6]
    assert embedder.batch_size == 1
    assert np.array_equal(alone, among)  # bit for bit: UMAP amplifies even 1e-7 differences


def test_batched_vectors_depend_on_their_text_alone(embedder) -> None:  # type: ignore[no-untyped-def]
    target = "Bring back the evening buses after seven."
    same_length = [f"Bring back the {w} buses after seven." for w in ("morning", "weekend", "later", "Sunday")]
    others = ["Cheaper parking.", "The toilets by the harbour are always closed and dirty.", *same_length]
    alone = embedder.encode([target], batch_size=8)
    with_some = embedder.encode([*others[:3], target], batch_size=8)
    with_more = embedder.encode([target, *reversed(others)], batch_size=8)
    assert np.array_equal(alone[0], with_some[3])  # bit for bit, whoever the neighbours are
    assert np.array_equal(alone[0], with_more[0])
    full = embedder.encode([target, *same_length, *same_length], batch_size=4)
    assert np.array_equal(full[0], alone[0])  # a full batch or a short last one: the same bits
    longer = "Bring back the evening buses after seven, and the Sunday service to the hospital and the harbour."
    mates = [longer.replace("Sunday", w) for w in ("night", "early", "late", "weekday", "holiday", "school")]
    assert np.array_equal(
        embedder.encode([longer], batch_size=8)[0], embedder.encode([*mates, longer], batch_size=8)[-1]
    )
    one_at_a_time = embedder.encode([target], batch_size=1)
    assert float(one_at_a_time[0] @ alone[0]) > 0.99999


def test_same_length_batches_are_of_one_length_and_filled_only_to_a_few_tokens() -> None:
    lengths = [5, 7, 5, 5, 9, 7, 40, 40, 40]
    batches = same_length_batches(lengths, 2, min_tokens=10)
    assert batches == [[0, 2], [3, 3], [1, 5], [4, 4], [6, 7], [8]]
    assert same_length_batches([40] * 3, 32) == [[0, 1, 2]]  # long texts: a short batch is not padded
    assert all(len({lengths[i] for i in batch}) == 1 for batch in batches)
    assert sorted({i for batch in batches for i in batch}) == list(range(len(lengths)))
