"""Codes learnt from the analysts' examples: one calibrated classifier per code, several codes per passage.

For each code with at least ``MIN_EXAMPLES`` examples (and as many examples of other codes), a
logistic regression on the passage vectors — class-weighted, so a rare code is not drowned by
the others — with the code's prototype similarities beside the vector (the description is a
prior the examples refine) and, where the passages come from several questions, the question as
one more feature (so "Nothing." answering "What could we improve?" and "What did we do well?"
can be told apart). Its threshold is the one that maximises F1 over cross-validated predictions
on the examples, and the precision and recall at that threshold are the code's expected figures.
A code with fewer examples keeps its prototype and cosine threshold (``pipeline.coding.prototypes``).

A passage takes every code whose score clears that code's threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

Matrix = npt.NDArray[np.float32]
MIN_EXAMPLES = 5  # a code needs this many examples (and this many of other codes) to be learnt
FOLDS = 5
C = 4.0  # inverse regularisation: unit-length 384-d vectors need a weak penalty
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.01), 2)


@dataclass(frozen=True)
class CodeFit:
    """How one code is assigned, and how well cross-validation says it works."""

    name: str
    examples: int
    method: str  # "classifier" (learnt from examples) or "prototype" (description, cosine threshold)
    threshold: float
    precision: float | None  # expected, from cross-validation on the examples (None for prototypes)
    recall: float | None


def _features(vectors: Matrix, protos: Matrix, questions: Sequence[str] | None, known: Sequence[str]) -> Matrix:
    """Vector, similarity to each code's prototype, and one column per known question."""
    parts = [vectors, vectors @ protos.T]
    if known:
        given = list(questions) if questions is not None else [""] * len(vectors)
        parts.append(np.array([[q == k for k in known] for q in given], dtype=np.float32).reshape(len(vectors), -1))
    return np.hstack(parts).astype(np.float32)


def _best_threshold(truth: np.ndarray, scores: np.ndarray) -> tuple[float, float, float]:
    """(threshold, precision, recall) maximising F1 of ``scores >= threshold`` against ``truth``."""
    best = (0.5, 0.0, 0.0, -1.0)
    for t in THRESHOLDS:
        chosen = scores >= t
        tp = float((chosen & truth).sum())
        precision = tp / chosen.sum() if chosen.sum() else 0.0
        recall = tp / truth.sum() if truth.sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best[3] + 1e-12:
            best = (float(t), precision, recall, f1)
    return best[0], round(best[1], 3), round(best[2], 3)


class Coder:
    """A fitted codebook: per code a classifier or a prototype, and its threshold."""

    def __init__(
        self,
        fits: list[CodeFit],
        models: list[LogisticRegression | None],
        protos: Matrix,
        questions: list[str],
    ) -> None:
        self.fits, self.models, self.protos, self.questions = fits, models, protos, questions

    def scores(self, vectors: Matrix, questions: Sequence[str] | None = None) -> np.ndarray:
        """Per passage and code: the classifier's probability, or the cosine to the prototype."""
        if not len(vectors):
            return np.zeros((0, len(self.fits)))
        features = _features(vectors, self.protos, questions, self.questions)
        cosines = vectors @ self.protos.T
        out = np.empty((len(vectors), len(self.fits)))
        for j, model in enumerate(self.models):
            out[:, j] = model.predict_proba(features)[:, 1] if model is not None else cosines[:, j]
        return out

    def predict(
        self, vectors: Matrix, questions: Sequence[str] | None = None, forced: bool = False
    ) -> list[list[tuple[int, float]]]:
        """Per passage, the (code, score) pairs it takes, best first; ``forced``: at least its best code."""
        scores = self.scores(vectors, questions)
        bars = np.array([f.threshold for f in self.fits])
        out = []
        for row in scores:
            taken = np.flatnonzero(row >= bars)
            if forced and not len(taken) and len(row):
                taken = np.array([int(np.argmax(row - bars))])
            out.append([(int(j), float(row[j])) for j in taken[np.argsort(-row[taken], kind="stable")]])
        return out


def fit_coder(
    names: Sequence[str],
    example_vectors: Matrix,
    example_codes: Sequence[set[int]],
    protos: Matrix,
    prototype_thresholds: Sequence[float],
    example_questions: Sequence[str] | None = None,
    seed: int = 0,
) -> Coder:
    """Learn each code with enough examples; the rest keep their prototype and threshold.

    ``example_codes``: per example, the codes it has (several where it fits several);
    ``example_questions``: the question each example answered, if the passages come from several.
    """
    known = sorted(set(example_questions)) if example_questions is not None else []
    known = known if len(known) > 1 else []
    features = _features(example_vectors, protos, example_questions, known)
    fits: list[CodeFit] = []
    models: list[LogisticRegression | None] = []
    for j, name in enumerate(names):
        truth = np.array([j in codes for codes in example_codes], dtype=bool)
        positives, negatives = int(truth.sum()), int((~truth).sum())
        if positives < MIN_EXAMPLES or negatives < MIN_EXAMPLES:
            fits.append(CodeFit(name, positives, "prototype", float(prototype_thresholds[j]), None, None))
            models.append(None)
            continue
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
        folds = StratifiedKFold(n_splits=min(FOLDS, positives, negatives), shuffle=True, random_state=seed)
        predicted = cross_val_predict(model, features, truth, cv=folds, method="predict_proba")[:, 1]
        threshold, precision, recall = _best_threshold(truth, predicted)
        fits.append(CodeFit(name, positives, "classifier", threshold, precision, recall))
        models.append(model.fit(features, truth))
    return Coder(fits, models, protos, known)
