"""BERTopic, where Throughline uses it: keywords of given clusters, and the baselines it is measured against.

``topic_keywords`` is BERTopic's manual topic modelling: the clusters come from
``pipeline.themes.cluster`` (deterministic Ward on centred vectors, ADR 0021), and BERTopic gives
each its c-TF-IDF words re-ranked by KeyBERTInspired and MMR. ``plain_bertopic_topics`` and
``plain_bertopic_zeroshot`` are what a user would write with BERTopic's defaults on the same
vectors (UMAP seeded), the baselines of ``throughline eval`` and ``eval-real``.
"""

from __future__ import annotations

import logging
import random
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from bertopic import BERTopic
from bertopic.backend import BaseEmbedder
from bertopic.representation import BaseRepresentation, KeyBERTInspired, MaximalMarginalRelevance
from bertopic.vectorizers import ClassTfidfTransformer
from sklearn.feature_extraction.text import CountVectorizer
from umap import UMAP

from models.embed import Embedder, Vectors

OUTLIER = -1


def _cache_umap_compilation() -> int:
    """Let numba keep UMAP's compiled functions on disk (it compiles them in every new process).

    UMAP marks its parallel functions without ``cache=True``, which cost ~6 s of compilation at
    the first fit of every run; ``enable_caching`` is what ``cache=True`` does. The cache lives
    beside UMAP's sources, or in the user's cache folder where those are read-only, and numba
    rebuilds it when UMAP's source changes. Returns how many functions were switched.
    """
    from numba.core.registry import CPUDispatcher
    from umap import layouts, umap_

    switched = 0
    for module in (umap_, layouts):
        for function in vars(module).values():
            if isinstance(function, CPUDispatcher) and type(function._cache).__name__ == "NullCache":  # type: ignore[attr-defined]
                function.enable_caching()
                switched += 1
    return switched


_cache_umap_compilation()


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
        self._known: dict[str, Vectors] = {}

    def embed(self, documents: list[str], verbose: bool = False) -> Vectors:
        # candidate words recur from topic to topic: each distinct one is embedded once
        new = list(dict.fromkeys(d for d in documents if d not in self._known))
        if new:
            self._known.update(zip(new, self._embedder.encode(new), strict=True))
        return np.stack([self._known[d] for d in documents])


@dataclass(frozen=True)
class TopicSettings:
    """The keyword model's seed (KeyBERTInspired samples documents) and how many keywords a topic gets."""

    seed: int = 42
    n_keywords: int = 8


def _umap(seed: int) -> UMAP:
    """BERTopic's default UMAP (15 neighbours, 5 dimensions, cosine), seeded: the baselines'."""
    return UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)


def keyword_models(settings: TopicSettings) -> list[BaseRepresentation]:
    """KeyBERT-like keywords from c-TF-IDF candidates, then MMR for variety."""
    return [
        KeyBERTInspired(top_n_words=settings.n_keywords * 2, random_state=settings.seed),
        MaximalMarginalRelevance(diversity=0.3, top_n_words=settings.n_keywords),
    ]


def plain_bertopic_topics(texts: Sequence[str], vectors: Vectors, seed: int) -> list[int]:
    """The baseline a user would write: ``BERTopic().fit_transform`` with only UMAP seeded.

    Same precomputed embeddings, every other part at BERTopic's defaults (HDBSCAN minimum cluster
    size 10, outliers left as ``-1``); used by ``throughline eval`` to measure what our defaults add.
    """
    random.seed(seed)
    np.random.seed(seed)
    model = BERTopic(
        umap_model=_umap(seed),
        calculate_probabilities=False,
    )
    topics, _ = model.fit_transform(list(texts), vectors)
    return [int(t) for t in topics]


def plain_bertopic_zeroshot(
    texts: Sequence[str], vectors: Vectors, topic_texts: Sequence[str], embedder: Embedder, seed: int
) -> list[int | None]:
    """The baseline for guided coding: BERTopic's zero-shot topic modelling at its defaults.

    ``zeroshot_topic_list`` gets the same code texts our prototypes embed; a text takes the code
    whose embedding is most similar when that cosine is at least BERTopic's default 0.7, the rest
    are clustered. Returns each text's code index, or None when it went to a clustered topic.
    """
    random.seed(seed)
    np.random.seed(seed)
    model = BERTopic(
        embedding_model=_EmbedderBackend(embedder),
        umap_model=_umap(seed),
        zeroshot_topic_list=list(topic_texts),
        calculate_probabilities=False,
    )
    with warnings.catch_warnings(), _quiet("BERTopic"):
        # BERTopic 0.17 assigns into a pandas slice (SettingWithCopyWarning); the result is unaffected
        warnings.simplefilter("ignore", category=Warning)
        topics, _ = model.fit_transform(list(texts), vectors)
    index = {text: i for i, text in enumerate(topic_texts)}
    labels = model.topic_labels_
    return [index.get(labels.get(int(t), "")) for t in topics]


def topic_keywords(
    docs: Sequence[str],
    topics: Sequence[int],
    vectors: Vectors,
    embedder: Embedder | None,
    settings: TopicSettings,
    background: Sequence[str] = (),
) -> dict[int, list[str]]:
    """Keywords of given topics: BERTopic's manual topic modelling (c-TF-IDF, then KeyBERT + MMR).

    The clusters come from elsewhere (``pipeline.themes.cluster``): BERTopic takes them as ``y``
    with its dimensionality reduction and clustering steps left empty. ``background`` words (those
    every answer to the question uses) are stop words here, so they never become a keyword.
    """
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    if len(set(topics) - {OUTLIER}) == 0:
        return {}
    random.seed(settings.seed)
    np.random.seed(settings.seed)
    model = BERTopic(
        embedding_model=_EmbedderBackend(embedder) if embedder is not None else None,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=CountVectorizer(
            stop_words=sorted(ENGLISH_STOP_WORDS | set(background)), ngram_range=(1, 2), min_df=1
        ),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=keyword_models(settings) if embedder is not None else None,
        top_n_words=settings.n_keywords * 2,
        calculate_probabilities=False,
    )
    with _quiet("BERTopic"):
        model.fit(list(docs), embeddings=np.asarray(vectors), y=np.asarray(topics))
    # BERTopic renumbers topics by size: map its numbers back to the clusters given
    ours = dict(zip((int(t) for t in model.topics_), (int(t) for t in topics), strict=True))
    found = model.get_topics()
    return {ours[t]: [w for w, _ in words if w] for t, words in found.items() if t != OUTLIER and t in ours}
