"""Codes learnt from the analysts' examples: a classifier per code, blended with the code's prototype.

For each code with at least ``MIN_EXAMPLES`` examples (and as many examples of other codes), a
logistic regression on the passage vector, beside the vector's similarity to every code's
prototype (the description and examples as a prior the regression refines) and, where the
passages answer several questions, the question (so "Nothing." answering "What could we
improve?" and "What did we do well?" can be told apart). A code's score is the mean of its
regression's share of the passage's probabilities and its prototype's share of a softmax over the
prototypes; a code with too few examples has its prototype's share alone. The scores are then
spread over each passage's nearest neighbours among the passages being coded (``neighbours``).

A passage takes its best code — where that code's cosine to its prototype clears the code's
threshold (else it is left for theme discovery; ``forced`` takes it anyway) — and every other code
scoring at least ``RATIO`` of the best. Deciding per code with its own threshold was tried and
over-assigned the rare codes: the examples are drawn evenly per code while the comments are not
(docs/EVALUATION.md).

Each code's expected precision and recall come from cross-validation on the examples, with the
same rule, without the spreading (the examples alone are too few to be each other's neighbours).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import KFold

from pipeline.coding.neighbours import spread
from pipeline.coding.ovr import OneVsRest, fit_one_vs_rest
from pipeline.coding.questions import known_questions, question_columns

Matrix = npt.NDArray[np.float32]
MIN_EXAMPLES = 5  # a code needs this many examples (and this many of other codes) to be learnt
FOLDS = 5
C = 16.0  # inverse regularisation (NHS dev half, standardised features: 1 and 16 alike, 0.1 −0.003, 0.01 −0.012)
PROTOTYPE_WEIGHT = 5.0  # the prototype similarities beside the vector (moot once standardised: ovr.STANDARDISE)
TEMPERATURE = 20.0  # softmax over prototype cosines
RATIO = 0.8  # a second code is taken when it scores at least this share of the best


@dataclass(frozen=True)
class CodeFit:
    """How one code is assigned, and how well cross-validation on the examples says it works."""

    name: str
    examples: int
    method: str  # "classifier" (learnt, blended with the prototype) or "prototype"
    threshold: float  # the prototype cosine the best code must reach (unless forced)
    precision: float | None  # expected, from cross-validation on the examples
    recall: float | None


def _features(vectors: Matrix, protos: Matrix, questions: Sequence[str | None] | None, known: Sequence[str]) -> Matrix:
    """Vector, similarity to each code's prototype, and one column per known question."""
    columns = question_columns(questions, known, len(vectors))
    return np.hstack([vectors, PROTOTYPE_WEIGHT * (vectors @ protos.T), columns]).astype(np.float32)


def _fit_models(features: Matrix, codes: Sequence[set[int]], n_codes: int, start: OneVsRest | None = None) -> OneVsRest:
    """Every code with ``MIN_EXAMPLES`` examples (and as many without) learnt, in one fit."""
    truth = np.array([[j in c for j in range(n_codes)] for c in codes], dtype=bool).reshape(len(codes), n_codes)
    learnt = (truth.sum(axis=0) >= MIN_EXAMPLES) & ((~truth).sum(axis=0) >= MIN_EXAMPLES)
    return fit_one_vs_rest(features, truth, learnt, C, start)


def _blend(features: Matrix, cosines: np.ndarray, models: OneVsRest) -> np.ndarray:
    """Per passage and code: mean of the regression's and the prototype's share (the prototype's alone without one)."""
    soft: np.ndarray = np.exp(TEMPERATURE * (cosines - cosines.max(axis=1, keepdims=True)))
    soft /= soft.sum(axis=1, keepdims=True)
    learnt = models.learnt
    if not learnt.any():
        return soft
    probs = models.probabilities(features)
    share = probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12) * soft[:, learnt].sum(axis=1, keepdims=True)
    blended: np.ndarray = np.where(learnt, (share + soft) / 2, soft)
    return blended


def _decide(
    scores: np.ndarray, cosines: np.ndarray, thresholds: np.ndarray, forced: bool, held: frozenset[int] = frozenset()
) -> list[list[tuple[int, float]]]:
    out: list[list[tuple[int, float]]] = []
    for i, (row, cos) in enumerate(zip(scores, cosines, strict=True)):
        best = int(np.argmax(row))
        if not forced and i not in held and cos[best] < thresholds[best]:
            out.append([])
            continue
        taken = np.flatnonzero(row >= RATIO * row[best])
        out.append([(int(j), float(row[j])) for j in taken[np.argsort(-row[taken], kind="stable")]])
    return out


class Coder:
    """A fitted codebook: per code a classifier (or none), the prototypes and their thresholds."""

    def __init__(self, fits: list[CodeFit], models: OneVsRest, protos: Matrix, questions: list[str]) -> None:
        self.fits, self.models, self.protos, self.questions = fits, models, protos, questions

    def scores(
        self,
        vectors: Matrix,
        questions: Sequence[str | None] | None = None,
        known: Mapping[int, set[int]] | None = None,
        alone: bool = False,
    ) -> np.ndarray:
        """Per passage and code: the blended score, spread over the passages' neighbours (rows sum to 1).

        ``vectors`` are every passage being coded (the neighbours are found among them);
        ``known``: rows whose codes an analyst gave; ``alone``: each passage on its own, unspread.
        """
        if not len(vectors):
            return np.zeros((0, len(self.fits)))
        features = _features(vectors, self.protos, questions, self.questions)
        own = _blend(features, vectors @ self.protos.T, self.models)
        return own if alone else spread(own, vectors, known)

    def decide(
        self, scores: np.ndarray, vectors: Matrix, forced: bool = False, known: Mapping[int, set[int]] | None = None
    ) -> list[list[tuple[int, float]]]:
        """Per passage, the (code, score) pairs its ``scores`` give, best first (empty: left uncoded).

        ``known`` rows (the analysts' own) take their codes whatever their prototype cosine.
        """
        thresholds = np.array([f.threshold for f in self.fits])
        held = frozenset(i for i, codes in (known or {}).items() if codes)
        return _decide(scores, vectors @ self.protos.T, thresholds, forced, held) if len(vectors) else []

    def predict(
        self,
        vectors: Matrix,
        questions: Sequence[str | None] | None = None,
        forced: bool = False,
        known: Mapping[int, set[int]] | None = None,
    ) -> list[list[tuple[int, float]]]:
        """Per passage (of all those being coded), the (code, score) pairs it takes, best first (empty: uncoded)."""
        return self.decide(self.scores(vectors, questions, known), vectors, forced, known)


def fit_coder(
    names: Sequence[str],
    example_vectors: Matrix,
    example_codes: Sequence[set[int]],
    protos: Matrix,
    prototype_thresholds: Sequence[float],
    example_questions: Sequence[str | None] | None = None,
    seed: int = 0,
) -> Coder:
    """Learn each code with enough examples, and estimate every code's precision and recall.

    ``example_codes``: per example, the codes it has (several where it fits several);
    ``example_questions``: the question each example answered, if the passages answer several.
    """
    known = known_questions(example_questions)
    features = _features(example_vectors, protos, example_questions, known)
    models = _fit_models(features, example_codes, len(names))
    thresholds = np.asarray(prototype_thresholds, dtype=np.float64)
    predicted: list[set[int]] = [set() for _ in example_codes]
    if len(example_codes) >= 2 * FOLDS:
        for train, test in KFold(FOLDS, shuffle=True, random_state=seed).split(features):
            fold = _fit_models(features[train], [example_codes[i] for i in train], len(names), models)
            scores = _blend(features[test], example_vectors[test] @ protos.T, fold)
            for i, taken in zip(test, _decide(scores, example_vectors[test] @ protos.T, thresholds, True), strict=True):
                predicted[i] = {j for j, _ in taken}
    fits = []
    for j, name in enumerate(names):
        truth = np.array([j in c for c in example_codes], dtype=bool)
        chosen = np.array([j in p for p in predicted], dtype=bool)
        tp = int((truth & chosen).sum())
        estimated = len(example_codes) >= 2 * FOLDS and truth.any()
        fits.append(
            CodeFit(
                name,
                int(truth.sum()),
                "classifier" if models.learnt[j] else "prototype",
                float(thresholds[j]),
                round(tp / chosen.sum(), 3) if estimated and chosen.any() else (0.0 if estimated else None),
                round(tp / truth.sum(), 3) if estimated else None,
            )
        )
    return Coder(fits, models, protos, known)
