"""What to offer an analyst to code next, and how far the model agrees with them.

Most of what is offered is what the model is least sure of (the smallest gap between its two
best codes: where an analyst's answer teaches it most); a share is drawn at random, so the
model's agreement with the analyst on those is an honest estimate of its agreement on the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from pipeline.coding.codebook import same_text
from pipeline.stats import wilson

RANDOM_SHARE = 0.2


def worth_coding(texts: Sequence[str], coded: Iterable[str]) -> list[int]:
    """Rows worth offering: the first of each distinct text (whitespace aside) with a word in it, not yet coded.

    A "?" is the least sure passage of all and teaches nothing; "Nothing." twenty times is one decision.
    """
    seen = {same_text(t) for t in coded}
    rows = []
    for i, text in enumerate(texts):
        key = same_text(text)
        if key not in seen and any(c.isalnum() for c in key):
            seen.add(key)
            rows.append(i)
    return rows


def to_review(
    scores: np.ndarray, n: int, seed: int = 0, random_share: float = RANDOM_SHARE
) -> tuple[list[int], list[int]]:
    """Rows of ``scores`` (passages × codes) to offer: (least sure, drawn at random), ``n`` in all."""
    if not len(scores) or n <= 0:
        return [], []
    top = np.sort(scores, axis=1)[:, ::-1]
    gap = top[:, 0] - (top[:, 1] if scores.shape[1] > 1 else 0.0)
    n = min(n, len(scores))
    randomly = round(n * random_share)
    unsure = [int(i) for i in np.argsort(gap, kind="stable")[: n - randomly]]
    rest = np.setdiff1d(np.arange(len(scores)), unsure)
    rng = np.random.default_rng(seed)
    drawn = sorted(int(i) for i in rng.choice(rest, min(randomly, len(rest)), replace=False)) if randomly else []
    return unsure, drawn


def agreement(predicted: Sequence[set[int]], analyst: Sequence[set[int]]) -> float | None:
    """Share of passages where the model's codes are exactly the analyst's (None when there are none)."""
    pairs = list(zip(predicted, analyst, strict=True))
    return sum(p == a for p, a in pairs) / len(pairs) if pairs else None


def agreement_interval(agreed: Sequence[bool]) -> tuple[float, float, float] | None:
    """The share of ``agreed`` that is true, with its Wilson 95% interval (None when there are none).

    Pooled over every random draw so far: ten draws alone swing by 20 points from one round to the next.
    """
    interval = wilson(sum(agreed), len(agreed))
    return (sum(agreed) / len(agreed), *interval) if interval else None
