"""The question a passage answers, as features: one 0/1 column per question (classifier and tone alike)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]


def known_questions(questions: Sequence[str | None] | None) -> list[str]:
    """The questions to make columns of: those the examples answer, when they answer more than one (unknown ones aside)."""
    known = sorted({q for q in questions if q is not None}) if questions is not None else []
    return known if len(known) > 1 else []


def question_columns(questions: Sequence[str | None] | None, known: Sequence[str], rows: int) -> Matrix:
    """One 0/1 column per known question for ``rows`` passages (no column when none is known)."""
    given = list(questions) if questions is not None else [None] * rows
    return np.array([[q == k for k in known] for q in given], dtype=np.float32).reshape(rows, len(known))
