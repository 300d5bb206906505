"""How far the themes hold when nothing that matters changes.

The clustering has no random state, so refitting with another seed gives the same themes by
construction. What can still move them is noise far below the model's precision: the same model
summing in another order on another machine, or with another thread count, gives vectors some
1e-7 apart (issue 17 saw 1.8e-7). ``perturbation_stability`` refits on vectors moved by
``NOISE`` (ten times more) and reports the adjusted Rand index between the two fits' passages.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from sklearn.metrics import adjusted_rand_score

from models.topics import TopicSettings
from pipeline.themes.cluster import ClusterSettings, Matrix
from pipeline.themes.discover import Discovered, discover_themes

NOISE = 1e-6


def perturbed(vectors: Matrix, scale: float = NOISE, seed: int = 0) -> Matrix:
    """``vectors`` plus Gaussian noise of standard deviation ``scale`` (a fixed draw)."""
    noise = np.random.default_rng(seed).normal(0.0, scale, vectors.shape)
    return np.asarray(vectors + noise, dtype=vectors.dtype)


def same_passages_ari(first: pl.DataFrame, second: pl.DataFrame) -> float:
    """Adjusted Rand index of two passage → theme assignments over every passage in either."""
    both = first.select("passage_id", a="theme_id").join(
        second.select("passage_id", b="theme_id"), on="passage_id", how="full", coalesce=True
    )
    a = both["a"].fill_null("-").to_list()
    b = both["b"].fill_null("-").to_list()
    return 1.0 if not a else float(adjusted_rand_score(a, b))


def perturbation_stability(
    public: pl.DataFrame,
    vectors: Matrix,
    canonical_of: dict[str, str],
    settings: ClusterSettings,
    found: Discovered,
) -> dict[str, Any]:
    """Agreement of ``found`` with a refit on vectors moved by ``NOISE`` (keywords skipped)."""
    if found.assigned.is_empty():
        return {"method": "deterministic", "perturbation": NOISE, "ari": None, "mean_ari": None, "seeds": []}
    again = discover_themes(public, perturbed(vectors), canonical_of, settings, TopicSettings(), None, False)
    ari = round(same_passages_ari(found.assigned, again.assigned), 4)
    return {"method": "deterministic", "perturbation": NOISE, "ari": ari, "mean_ari": ari, "seeds": []}
