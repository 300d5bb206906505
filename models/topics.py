"""BERTopic composed from explicit parts with fixed seeds, fitted on precomputed embeddings.

``build_topic_model`` wires UMAP (cosine, seeded), HDBSCAN (size chosen from the corpus), an
English stop-word vectorizer over 1-2-grams, c-TF-IDF, and KeyBERTInspired + MMR keywords.
``fit_topics`` fits it on distinct texts (duplicates would distort the density estimate), moves
outliers to their nearest topic when similar enough, and returns plain Python results.
"""

from __future__ import annotations

import logging
import math
import random
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from bertopic import BERTopic
from bertopic.backend import BaseEmbedder
from bertopic.representation import BaseRepresentation, KeyBERTInspired, MaximalMarginalRelevance
from bertopic.vectorizers import ClassTfidfTransformer
from hdbscan import HDBSCAN
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
    """Knobs of the topic model; granularity left at None is chosen from the corpus size.

    At most one of ``min_cluster_size`` (passages), ``min_cluster_share`` (of distinct passages)
    and ``target_topics`` (clusters merged by BERTopic down to about this many) is meant to be set.
    Outliers join their nearest topic centre at cosine ≥ ``outlier_threshold``; when that would
    leave more than ``max_unthemed`` of the texts without a topic, the threshold is lowered just
    enough, but never below ``outlier_floor``.
    """

    seed: int = 42
    min_cluster_size: int | None = None
    min_cluster_share: float | None = None
    target_topics: int | None = None
    outlier_threshold: float = 0.45
    outlier_floor: float = 0.25
    max_unthemed: float = 0.10
    n_keywords: int = 8


@dataclass(frozen=True)
class TopicFit:
    """Per-text topic (``-1`` for none), each topic's keywords, and how outliers were handled."""

    topics: list[int]
    keywords: dict[int, list[str]]
    min_cluster_size: int = 0
    outliers_found: int = 0
    outliers_reassigned: int = 0
    outlier_threshold: float = 0.0


def _umap(seed: int) -> UMAP:
    """BERTopic's default UMAP (15 neighbours, 5 dimensions, cosine), seeded: the baselines'."""
    return UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)


# UMAP searches neighbours exactly below 4,096 points (kept: the sample's themes are tuned on it)
# and approximately above (NNDescent); between these two sizes a matrix product is exact and quicker.
EXACT_KNN_MIN, EXACT_KNN_MAX = 4096, 40_000
KNN_BLOCK_CELLS = 1 << 24  # similarities per block: 64 MB of float32 (and 128 MB of int64 indices)


def cosine_knn(vectors: Vectors, k: int) -> tuple[npt.NDArray[np.int32], Vectors]:
    """Exact ``k`` nearest neighbours (self first) of unit vectors and their cosine distances.

    Blocks of rows against all vectors with one matrix product each, sized so that a block holds
    at most ``KNN_BLOCK_CELLS`` similarities whatever the number of points (a fixed 2,048 rows took
    1.2 GB at 36,000 points); ties are broken by row number, so the result never varies.
    """
    n = len(vectors)
    k = min(k, n)
    block = max(1, KNN_BLOCK_CELLS // max(n, 1))
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        far = vectors[start : start + block] @ vectors.T
        np.negative(far, out=far)  # in place: smallest first is nearest first
        rows = np.arange(len(far))
        far[rows, rows + start] = -np.inf  # each point is its own nearest neighbour
        part = np.argpartition(far, k - 1, axis=1)[:, :k]
        order = np.lexsort((part, np.take_along_axis(far, part, axis=1)), axis=1)
        best = np.take_along_axis(part, order, axis=1)
        indices[start : start + len(far)] = best
        chosen = -np.take_along_axis(far, best, axis=1)
        chosen[:, 0] = 1.0
        distances[start : start + len(far)] = np.clip(1.0 - chosen, 0.0, 2.0)
        del far, part
    return indices, distances


class ExactKnnUMAP(UMAP):  # type: ignore[misc]  # umap ships no type hints
    """UMAP over exact cosine neighbours computed with one matrix product per block.

    Above 4,096 points UMAP finds neighbours approximately with NNDescent, which is compiled in
    every new process and slower than it needs to be: on unit vectors a blocked matrix product
    gives the exact neighbours in seconds (25,000 points: ~4 s). Below, UMAP's own exact search
    is kept as it is, so results on small consultations are the same as before.
    """

    def fit(self, X: Vectors, y: object = None, *args: object, **kwargs: object) -> ExactKnnUMAP:
        """UMAP's fit, given the exact neighbours first where they are computed here."""
        if EXACT_KNN_MIN <= len(X) <= EXACT_KNN_MAX:
            indices, distances = cosine_knn(np.asarray(X, dtype=np.float32), self.n_neighbors)
            self.precomputed_knn = (indices, distances, None)
        with warnings.catch_warnings():
            # without a search index UMAP cannot transform new points; BERTopic here never asks it to
            warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]", category=UserWarning)
            super().fit(X, y, *args, **kwargs)
        return self


def _fast_umap(seed: int) -> UMAP:
    """Our UMAP: BERTopic's default settings over exact neighbours (``ExactKnnUMAP``)."""
    return ExactKnnUMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)


def cluster_size_for(n_docs: int) -> int:
    """HDBSCAN's minimum cluster size from the number of distinct passages, at least 5.

    About 3% of passages for small consultations (500 answers give about 10 themes) and three
    quarters of the square root beyond ~700 passages, so 10,000 short comments give ~30 themes
    rather than a handful of giant ones or 190 tiny ones (docs/EVALUATION.md has the measurements).
    """
    return max(5, min(round(n_docs / 35), round(0.75 * math.sqrt(n_docs))))


def _cluster_size(settings: TopicSettings, n_docs: int) -> int:
    if settings.min_cluster_size:
        return settings.min_cluster_size
    if settings.min_cluster_share:
        return max(2, round(settings.min_cluster_share * n_docs))
    if settings.target_topics:  # fine clusters first, merged down afterwards
        return max(5, round(cluster_size_for(n_docs) / 2))
    return cluster_size_for(n_docs)


def keyword_models(settings: TopicSettings) -> list[BaseRepresentation]:
    """KeyBERT-like keywords from c-TF-IDF candidates, then MMR for variety."""
    return [
        KeyBERTInspired(top_n_words=settings.n_keywords * 2, random_state=settings.seed),
        MaximalMarginalRelevance(diversity=0.3, top_n_words=settings.n_keywords),
    ]


def build_topic_model(settings: TopicSettings, embedder: Embedder | None, n_docs: int) -> BERTopic:
    """A BERTopic instance from explicit, seeded parts.

    It fits with c-TF-IDF words only; ``fit_topics`` adds the keyword models once the topics are
    final (after merging and outliers), rather than computing keywords for topics about to change.
    """
    size = _cluster_size(settings, n_docs)
    return BERTopic(
        embedding_model=_EmbedderBackend(embedder) if embedder is not None else None,
        umap_model=_fast_umap(settings.seed),
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
        representation_model=None,
        top_n_words=settings.n_keywords * 2,
        calculate_probabilities=False,
    )


def topic_centres(vectors: Vectors, topics: Sequence[int]) -> tuple[list[int], Vectors]:
    """Topic numbers and their normalised mean vectors (outliers excluded)."""
    labels = np.asarray(topics)
    ids = sorted(set(labels.tolist()) - {OUTLIER})
    if not ids:
        return [], np.zeros((0, vectors.shape[1]), dtype=np.float32)
    centres = np.stack([vectors[labels == t].mean(axis=0) for t in ids]).astype(np.float32)
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    return ids, centres


def reassign_outliers(vectors: Vectors, topics: Sequence[int], settings: TopicSettings) -> tuple[list[int], float]:
    """Outliers moved to their nearest topic centre when similar enough; returns the threshold used.

    The threshold is ``outlier_threshold`` unless more than ``max_unthemed`` of the texts would
    stay outliers; then it is the similarity that leaves exactly that share (rounded down to two
    decimals), but not below ``outlier_floor``.
    """
    labels = np.asarray(topics).copy()
    ids, centres = topic_centres(vectors, topics)
    outliers = np.flatnonzero(labels == OUTLIER)
    if not ids or not len(outliers):
        return labels.tolist(), settings.outlier_threshold
    sims = vectors[outliers] @ centres.T
    best, nearest = sims.max(axis=1), sims.argmax(axis=1)
    threshold = settings.outlier_threshold
    allowed = math.floor(settings.max_unthemed * len(labels))
    if int((best < threshold).sum()) > allowed:
        # the (allowed+1)-th lowest similarity is the lowest that must still join a topic
        needed = float(np.sort(best)[allowed])  # below it: exactly `allowed` outliers at most
        threshold = max(settings.outlier_floor, math.floor(needed * 100) / 100)
    join = best >= threshold
    labels[outliers[join]] = np.asarray(ids)[nearest[join]]
    return labels.tolist(), threshold


def _distinct(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    keys = [" ".join(t.lower().split()) for t in texts]
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    return keys, list(first.values())


def fit_topics(texts: Sequence[str], vectors: Vectors, embedder: Embedder | None, settings: TopicSettings) -> TopicFit:
    """Topics of ``texts`` (one per text) from a seeded BERTopic fit on the distinct texts.

    Without an ``embedder`` no keywords are made (quicker; used for stability checks).
    """
    keys, rows = _distinct(texts)
    docs = [texts[i] for i in rows]
    if len(docs) < 10:
        return TopicFit(topics=[OUTLIER] * len(texts), keywords={})
    # BERTopic samples representative documents with the global RNGs: seed them for repeatability.
    random.seed(settings.seed)
    np.random.seed(settings.seed)
    model = build_topic_model(settings, embedder, len(docs))
    topics, _ = model.fit_transform(docs, vectors[rows])
    if settings.target_topics and len(set(topics) - {OUTLIER}) > settings.target_topics:
        with _quiet("BERTopic"):
            model.reduce_topics(docs, nr_topics=settings.target_topics + (OUTLIER in topics))
        topics = list(model.topics_)
    found = sum(t == OUTLIER for t in topics)
    topics, threshold = reassign_outliers(vectors[rows], topics, settings)
    reassigned = found - sum(t == OUTLIER for t in topics)
    if embedder is not None:  # keywords of the final topics (stability fits need none)
        with _quiet("BERTopic"):  # it warns that custom assignments must be the last step; they are
            model.update_topics(
                docs,
                topics=topics,
                vectorizer_model=model.vectorizer_model,
                representation_model=keyword_models(settings),
                top_n_words=settings.n_keywords * 2,
            )
    by_key = {keys[i]: int(t) for i, t in zip(rows, topics, strict=True)}
    keywords = {int(t): [w for w, _ in words if w] for t, words in model.get_topics().items() if t != OUTLIER}
    return TopicFit(
        topics=[by_key[k] for k in keys],
        keywords=keywords,
        min_cluster_size=_cluster_size(settings, len(docs)),
        outliers_found=found,
        outliers_reassigned=reassigned,
        outlier_threshold=threshold,
    )


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
