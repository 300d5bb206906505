"""A consultation's ``[[codebook]]`` applied to its passages: learnt where the examples allow, else prototypes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from pipeline.coding.classifier import MIN_EXAMPLES, CodeFit, Coder, fit_coder
from pipeline.coding.prototypes import assign_codes, prototypes
from pipeline.config import Code

Matrix = npt.NDArray[np.float32]
Encode = Callable[[list[str]], Matrix]


def code_passages(
    codebook: Sequence[Code], vectors: Matrix, encode: Encode, threshold: float, margin: float
) -> tuple[list[list[tuple[int, float]]], list[CodeFit]]:
    """Per passage the (code, score) pairs it takes (empty: left for discovery), and how each code is assigned.

    With at least ``MIN_EXAMPLES`` examples for some code, the classifier learns from all the
    codebook's examples (an example listed under several codes has them all); otherwise each code
    is its prototype and cosine threshold, passages within ``margin`` of their best code taking it too.
    """
    if not any(len(c.examples) >= MIN_EXAMPLES for c in codebook):
        protos, thresholds = prototypes(codebook, encode, threshold)
        fits = [
            CodeFit(c.name, len(c.examples), "prototype", t, None, None)
            for c, t in zip(codebook, thresholds, strict=True)
        ]
        return assign_codes(vectors, protos, thresholds, margin), fits
    coder, _ = learn(codebook, encode, threshold)
    return coder.predict(vectors), coder.fits


def learn(codebook: Sequence[Code], encode: Encode, threshold: float) -> tuple[Coder, int]:
    """A coder from the codebook's descriptions and every example it has (classifier where enough), and how many examples."""
    protos, thresholds = prototypes(codebook, encode, threshold)
    codes_of: dict[str, set[int]] = {}
    for j, code in enumerate(codebook):
        for text in code.examples:
            codes_of.setdefault(text, set()).add(j)
    texts = list(codes_of)
    vectors = encode(texts) if texts else np.zeros((0, protos.shape[1]), np.float32)
    names = [c.name for c in codebook]
    return fit_coder(names, vectors, [codes_of[t] for t in texts], protos, thresholds), len(texts)
