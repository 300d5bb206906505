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
import polars as pl
from sklearn.linear_model import Ridge

from pipeline.coding.codebook import Encode, Passages, remembering, same_text
from pipeline.coding.questions import known_questions, question_columns
from pipeline.config import ConsultationFile
from pipeline.schema import conform

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


MIN_TONE_EXAMPLES = 20  # fewer, and the lexicon (VADER) gives the tone


def passage_tone(examples: Sequence[tuple[str, float]], passages: Passages, encode: Encode) -> np.ndarray | None:
    """Each passage's tone learnt from the analysts' tone scores, on VADER's scale (−1 … 1); None with too few.

    The examples' own scale (say −5 … 5) is mapped onto −1 … 1 by its lowest and highest score, so
    the themes' tone and "share negative" read the same whichever way it was made. An example that
    is one of the passages brings its vector and its question (when its text answers only one).
    """
    scored = {same_text(t): float(v) for t, v in examples if same_text(t)}
    if len(scored) < MIN_TONE_EXAMPLES or len(set(scored.values())) < 2:
        return None
    texts = list(scored)
    vectors = remembering(encode, {}, passages)(texts)
    answered = [passages.answers(t) for t in texts]
    asked = [next(iter(a)) if len(a) == 1 else None for a in answered]
    model = fit_tone(vectors, [scored[t] for t in texts], asked if any(q is not None for q in asked) else None)
    low, high = min(scored.values()), max(scored.values())
    predicted = model.predict(passages.vectors, list(passages.questions) if passages.questions is not None else None)
    out: np.ndarray = np.clip(2 * (predicted - low) / (high - low) - 1, -1.0, 1.0)
    return out


def passage_tone_table(config: ConsultationFile, public: pl.DataFrame, vectors: Matrix, encode: Encode) -> pl.DataFrame:
    """The ``tone`` table: each public passage's tone, learnt from ``[[tone_examples]]`` where there are enough, else VADER."""
    from models.sentiment import sentiment_scores

    passages = Passages(public["text"].to_list(), vectors, public["question"].to_list())
    if public.is_empty():
        return conform(
            pl.DataFrame(schema={"passage_id": pl.String(), "sentiment": pl.Float64(), "method": pl.String()}), "tone"
        )
    learnt = passage_tone([(e.text, e.tone) for e in config.tone_examples], passages, encode)
    distinct = len({same_text(e.text) for e in config.tone_examples})
    method = f"learnt from {distinct} examples" if learnt is not None else "VADER"
    scores = learnt.tolist() if learnt is not None else sentiment_scores(passages.texts)
    return conform(
        pl.DataFrame({"passage_id": public["passage_id"], "sentiment": scores}).with_columns(method=pl.lit(method)),
        "tone",
    )
