"""Tone learnt from the analysts' own tone codes, reading the question each passage answers.

"Nothing." is praise answering "What could we improve?" and criticism answering "What did we do
well?"; a lexicon (VADER) sees neither. Given examples with an analyst's tone score (say −5 very
critical … 5 praise), a ridge regression on the passage vector and the question (one column per
question) predicts the rest. Measured in docs/EVALUATION.md (NHS: Spearman 0.73 with the
question, 0.51 without, VADER 0.11).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import Ridge

from pipeline.coding.questions import known_questions, question_columns

Matrix = npt.NDArray[np.float32]
ALPHA = 1.0  # NHS dev runs: 0.1 → 0.66, 1 → 0.73, 10 → 0.71 (with the question)


def _features(vectors: Matrix, questions: Sequence[str | None] | None, known: Sequence[str]) -> Matrix:
    return np.hstack([vectors, question_columns(questions, known, len(vectors))]).astype(np.float32)


@dataclass(frozen=True)
class ToneModel:
    """A fitted tone regression and the questions it knows."""

    model: Ridge
    questions: list[str]

    def predict(self, vectors: Matrix, questions: Sequence[str | None] | None = None) -> np.ndarray:
        """The predicted tone score of each passage."""
        predicted: np.ndarray = self.model.predict(_features(vectors, questions, self.questions))
        return predicted


def fit_tone(
    vectors: Matrix, scores: Sequence[float] | np.ndarray, questions: Sequence[str | None] | None = None
) -> ToneModel:
    """Learn tone from examples scored by analysts (the question as a feature when they answer several)."""
    known = known_questions(questions)
    model = Ridge(alpha=ALPHA).fit(_features(vectors, questions, known), np.asarray(scores, dtype=np.float64))
    return ToneModel(model, known)
