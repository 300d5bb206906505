"""Guided coding: responses assigned to the analysts' own codebook, zero or more codes each.

Each code becomes a prototype vector: the embedding of "name: description", averaged with the
mean of its example responses' embeddings when the codebook gives examples (both normalised
first, so a handful of examples and the description weigh the same). A passage takes every code
whose prototype is within ``margin`` of its best code's similarity, provided that similarity is
at least ``threshold``; passages under the threshold are left for theme discovery. The defaults
and their measurements are in docs/EVALUATION.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from pipeline.config import Code

Matrix = npt.NDArray[np.float32]
Encode = Callable[[list[str]], Matrix]


def _unit(rows: Matrix) -> Matrix:
    out: Matrix = (rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12)).astype(np.float32)
    return out


def code_text(code: Code) -> str:
    """What is embedded for a code: its name, and its description when it has one."""
    return f"{code.name}: {code.description}" if code.description else code.name


def prototypes(codebook: Sequence[Code], encode: Encode) -> Matrix:
    """One normalised prototype per code (description, blended with its examples if any)."""
    described = encode([code_text(c) for c in codebook])
    rows = []
    for code, vector in zip(codebook, described, strict=True):
        if code.examples:
            examples = _unit(encode(list(code.examples)).mean(axis=0))
            vector = vector + examples
        rows.append(vector)
    return _unit(np.stack(rows))


def assign_codes(vectors: Matrix, protos: Matrix, threshold: float, margin: float) -> list[list[tuple[int, float]]]:
    """Per passage, the (code index, similarity) pairs it takes, best first (empty: uncoded)."""
    if not len(vectors) or not len(protos):
        return [[] for _ in range(len(vectors))]
    sims = vectors @ protos.T
    best = sims.max(axis=1, keepdims=True)
    take = (sims >= best - margin) & (best >= threshold)
    out = []
    for row, mask in zip(sims, take, strict=True):
        chosen = np.flatnonzero(mask)
        out.append([(int(j), float(row[j])) for j in chosen[np.argsort(-row[chosen], kind="stable")]])
    return out
