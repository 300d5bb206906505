"""Codes spread to near neighbours: a passage's scores are smoothed with those of the passages nearest it.

The classifier scores each passage alone. Passages that say the same thing sit close together,
and most of the consultation is not among the examples, so each passage's scores are blended
with its ``NEIGHBOURS`` nearest passages' (label spreading over a cosine k-nearest-neighbour
graph, Zhou et al. 2004): ``F = (1 - ALPHA) · S + ALPHA · W F``, iterated, with the examples and
reviewed passages held at their analysts' codes. On NHS phase 1 (dev half, 20 examples per code)
this raised micro-F1 from 0.574 to 0.614 and macro-F1 from 0.478 to 0.490; neighbours within the
same question only, or ALPHA 0.5 or 0.9, were no better (docs/EVALUATION.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
from sklearn.neighbors import NearestNeighbors

Matrix = npt.NDArray[np.float32]
NEIGHBOURS = 10
ALPHA = 0.8  # weight of the neighbours against the passage's own scores
ROUNDS = 10
SHARPNESS = 3  # neighbour weight: cosine similarity to this power (near ones count most)


_last: dict[tuple[bytes, int], tuple[np.ndarray, np.ndarray]] = {}  # keyed by the vectors' hash (shape in it)


def neighbours(vectors: Matrix, k: int = NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` nearest other rows (by cosine) and their weights; fewer where there are fewer rows.

    The last graph is kept: a review loop refits and re-spreads over the same passages many times.
    """
    key = (hashlib.blake2b(np.ascontiguousarray(vectors).tobytes(), digest_size=16).digest(), k)
    found = _last.get(key)
    if found is None:
        found = _graph(vectors, k)
        _last.clear()  # one graph kept (dashboard sessions share it: the value is returned, not re-read)
        _last[key] = found
    return found


def _graph(vectors: Matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    k = min(k, len(vectors) - 1)
    if k <= 0:
        return np.zeros((len(vectors), 0), dtype=np.int64), np.zeros((len(vectors), 0))
    found = NearestNeighbors(n_neighbors=k + 1, metric="cosine").fit(vectors)
    distances, index = found.kneighbors(vectors)
    # the row itself is usually first, but not when duplicates tie: drop it wherever it is
    rows = np.arange(len(vectors))[:, None]
    keep = index != rows
    keep[keep.sum(axis=1) > k, -1] = False  # the row was not among them: drop the farthest instead
    index = index[keep].reshape(len(vectors), k)
    weights = np.maximum(1.0 - distances[keep].reshape(len(vectors), k), 0.0) ** SHARPNESS
    return index, weights


def spread(
    scores: np.ndarray,
    vectors: Matrix,
    known: Mapping[int, set[int]] | None = None,
    alpha: float = ALPHA,
    k: int = NEIGHBOURS,
) -> np.ndarray:
    """``scores`` (passages × codes, rows summing to 1) smoothed over each passage's nearest neighbours.

    ``known``: rows whose codes an analyst gave (examples, reviews); they are held at those codes
    and pass them on to their neighbours.
    """
    if len(scores) < 2 or alpha <= 0:
        return scores
    index, weights = neighbours(vectors, k)
    prior = scores.copy()
    held = np.array(sorted(i for i, codes in (known or {}).items() if codes), dtype=np.int64)
    if len(held):
        given = np.zeros((len(held), scores.shape[1]))
        for r, i in enumerate(held):
            codes = sorted((known or {})[int(i)])
            given[r, codes] = 1.0 / len(codes)
        prior[held] = given
    total = np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    smoothed = prior
    for _ in range(ROUNDS):
        near = (smoothed[index] * weights[..., None]).sum(axis=1) / total
        smoothed = (1 - alpha) * prior + alpha * near
        if len(held):
            smoothed[held] = prior[held]
    out: np.ndarray = smoothed / np.maximum(smoothed.sum(axis=1, keepdims=True), 1e-12)
    return out
