"""Code prototypes: a code as one vector (its description, blended with its examples) and a cosine threshold.

Each code becomes a prototype vector: the embedding of "name: description", averaged with the
mean of its example responses' embeddings when the codebook gives examples (both normalised
first, so a handful of examples and the description weigh the same). A passage takes every code
whose prototype is within ``margin`` of its best code's similarity, provided that similarity
reaches the best code's threshold; passages under it are left for theme discovery. The threshold
is ``threshold`` for a code described in words only; a code with at least
``CALIBRATION_EXAMPLES`` examples may lower it to the similarity of its least typical examples
(their 10th percentile): a passage as close as the analysts' own examples belongs. The defaults
and their measurements are in docs/EVALUATION.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from pipeline.config import Code

Matrix = npt.NDArray[np.float32]
Encode = Callable[[list[str]], Matrix]
CALIBRATION_EXAMPLES = 5
CALIBRATION_PERCENTILE = 10


def _unit(rows: Matrix) -> Matrix:
    out: Matrix = (rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12)).astype(np.float32)
    return out


def code_text(code: Code) -> str:
    """What is embedded for a code: its name, and its description when it has one."""
    return f"{code.name}: {code.description}" if code.description else code.name


def prototypes(codebook: Sequence[Code], encode: Encode, threshold: float = 1.0) -> tuple[Matrix, list[float]]:
    """One normalised prototype per code, and each code's threshold.

    The prototype is the description, blended with the examples if any; the threshold is
    ``threshold``, or lower where at least ``CALIBRATION_EXAMPLES`` examples show it should be.
    """
    described = encode([code_text(c) for c in codebook])
    rows, thresholds = [], []
    for code, vector in zip(codebook, described, strict=True):
        own = threshold
        if code.examples:
            examples = encode(list(code.examples))
            vector = _unit(vector + _unit(examples.mean(axis=0)))
            if len(code.examples) >= CALIBRATION_EXAMPLES:
                typical = float(np.percentile(examples @ vector, CALIBRATION_PERCENTILE))
                own = min(threshold, math.floor(typical * 100) / 100)
        rows.append(vector)
        thresholds.append(own)
    return _unit(np.stack(rows)), thresholds


def assign_codes(
    vectors: Matrix, protos: Matrix, threshold: float | Sequence[float], margin: float
) -> list[list[tuple[int, float]]]:
    """Per passage, the (code index, similarity) pairs it takes, best first (empty: uncoded).

    ``threshold`` is one number for every code or one per code (the best code's applies).
    """
    if not len(vectors) or not len(protos):
        return [[] for _ in range(len(vectors))]
    sims = vectors @ protos.T
    best = sims.max(axis=1, keepdims=True)
    bar = np.broadcast_to(np.asarray(threshold, dtype=np.float64), (protos.shape[0],))[sims.argmax(axis=1)]
    take = (sims >= best - margin) & (best[:, 0] >= bar)[:, None]
    out = []
    for row, mask in zip(sims, take, strict=True):
        chosen = np.flatnonzero(mask)
        out.append([(int(j), float(row[j])) for j in chosen[np.argsort(-row[chosen], kind="stable")]])
    return out
