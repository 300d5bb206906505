"""BERTopic composed from explicit parts with fixed seeds, fitted on precomputed embeddings.

``build_topic_model`` wires UMAP (cosine, seeded), HDBSCAN (size chosen from the corpus), an
English stop-word vectorizer over 1-2-grams, c-TF-IDF, and KeyBERTInspired + MMR keywords.
``fit_topics`` fits it on distinct texts (duplicates would distort the density estimate), moves
outliers to their nearest topic when similar enough, and returns plain Python results.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from bertopic import BERTopic
from bertopic.backend import BaseEmbedder
from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance
from bertopic.vectorizers import ClassTfidfTransformer
from hdbscan import HDBSCAN
from sklearn.feature_extraction.text import CountVectorizer
from umap import UMAP

from models.embed import Embedder, SentenceTransformerEmbedder, Vectors

OUTLIER = -1
KEYWORD_BATCH = 64


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class _EmbedderBackend(BaseEmbedder):  # type: ignore[misc]  # BERTopic ships no type hints
    """Lets BERTopic's representation models embed keywords with our ``Embedder``."""

    def __init__(self, embedder: Embedder) -> None:
        super().__init__()
        self._embedder = embedder

    def embed(self, documents: list[str], verbose: bool = False) -> Vectors:
        # Keyword candidates are not cached and the same inputs form the same batches on every
        # run, so batching is reproducible here (unlike for cached passage vectors).
        if isinstance(self._embedder, SentenceTransformerEmbedder):
            return self._embedder.encode(list(documents), batch_size=KEYWORD_BATCH)
        return self._embedder.encode(list(documents))


@dataclass(frozen=True)
class TopicSettings:
    """Knobs of the topic model; ``min_cluster_size`` None means chosen from the corpus size."""

    seed: int = 42
    min_cluster_size: int | None = None
    outlier_threshold: float = 0.45
    n_keywords: int = 8


@dataclass(frozen=True)
class TopicFit:
    """Per-text topic (``-1`` for none) and each topic's keywords, best first."""

    topics: list[int]
    keywords: dict[int, list[str]]


def cluster_size_for(n_docs: int) -> int:
    """HDBSCAN's minimum cluster size: about 2.5% of distinct passages, at least 5."""
    return max(5, round(n_docs / 40))


def build_topic_model(settings: TopicSettings, embedder: Embedder, n_docs: int) -> BERTopic:
    """A BERTopic instance from explicit, seeded parts."""
    size = settings.min_cluster_size or cluster_size_for(n_docs)
    return BERTopic(
        embedding_model=_EmbedderBackend(embedder),
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=settings.seed),
        hdbscan_model=HDBSCAN(
            min_cluster_size=size,
            min_samples=max(2, size // 3),
            metric="euclidean",
            cluster_selection_method="eom",
            prediction_data=True,
        ),
        # BERTopic fits the vectorizer on one document per topic: min_df > 1 would keep only words
        # shared by several topics and drop exactly the distinctive ones.
        vectorizer_model=CountVectorizer(stop_words="english", ngram_range=(1, 2), min_df=1),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=[
            KeyBERTInspired(top_n_words=settings.n_keywords * 2, random_state=settings.seed),
            MaximalMarginalRelevance(diversity=0.3, top_n_words=settings.n_keywords),
        ],
        top_n_words=settings.n_keywords * 2,
        calculate_probabilities=False,
    )


def fit_topics(texts: Sequence[str], vectors: Vectors, embedder: Embedder, settings: TopicSettings) -> TopicFit:
    """Topics of ``texts`` (one per text) from a seeded BERTopic fit on the distinct texts."""
    keys = [" ".join(t.lower().split()) for t in texts]
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    rows = list(first.values())
    docs = [texts[i] for i in rows]
    if len(docs) < 10:
        return TopicFit(topics=[OUTLIER] * len(texts), keywords={})
    # BERTopic samples representative documents with the global RNGs: seed them for repeatability.
    random.seed(settings.seed)
    np.random.seed(settings.seed)
    model = build_topic_model(settings, embedder, len(docs))
    topics, _ = model.fit_transform(docs, vectors[rows])
    if OUTLIER in topics and len(set(topics)) > 1:
        topics = model.reduce_outliers(
            docs, topics, strategy="embeddings", embeddings=vectors[rows], threshold=settings.outlier_threshold
        )
        with _quiet("BERTopic"):  # it warns that custom assignments must be the last step; they are
            model.update_topics(
                docs,
                topics=topics,
                vectorizer_model=model.vectorizer_model,
                representation_model=model.representation_model,
                top_n_words=settings.n_keywords * 2,
            )
    by_key = {keys[i]: int(t) for i, t in zip(rows, topics, strict=True)}
    keywords = {int(t): [w for w, _ in words if w] for t, words in model.get_topics().items() if t != OUTLIER}
    return TopicFit(topics=[by_key[k] for k in keys], keywords=keywords)
