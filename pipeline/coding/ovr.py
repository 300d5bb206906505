"""One-vs-rest logistic regression for every code at once: one L-BFGS run over all the codes' weights.

On standardised features, the same objective as scikit-learn's
``LogisticRegression(C, class_weight="balanced")`` fitted once per code (L2 on the weights, not the intercepts; each code's positives and negatives
weighted to count equally), but the codes' losses are summed and minimised together, so each
step is one matrix product over all codes instead of one solver per code. With 44 codes and
~1,400 examples, 44 separate fits took minutes; together they take about a second
(docs/PERFORMANCE.md).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import expit

Matrix = npt.NDArray[np.float32]
MAX_ITERATIONS = 3000
STANDARDISE = True
TOLERANCE = 1e-4  # scikit-learn's default


class OneVsRest:
    """Per code, the probability that a passage has it (codes not ``learnt`` give 0)."""

    def __init__(
        self, weights: np.ndarray, intercepts: np.ndarray, learnt: np.ndarray, centre: np.ndarray, scale: np.ndarray
    ) -> None:
        self.weights, self.intercepts, self.learnt = weights, intercepts, learnt
        self.centre, self.scale = centre, scale

    def probabilities(self, features: Matrix) -> np.ndarray:
        """Passages × codes."""
        x = (features.astype(np.float64) - self.centre) / self.scale
        out: np.ndarray = expit(x @ self.weights + self.intercepts) * self.learnt
        return out


def fit_one_vs_rest(
    features: Matrix, truth: np.ndarray, learnt: np.ndarray, c: float, start: OneVsRest | None = None
) -> OneVsRest:
    """Fit the codes marked ``learnt`` (``truth``: examples × codes, bool) with inverse regularisation ``c``.

    ``start``: a fit to start from (cross-validation folds start from the fit on all examples).
    """
    n, d = features.shape
    centre, scale = np.zeros(d), np.ones(d)
    weights = np.zeros((d, truth.shape[1]))
    intercepts = np.zeros(truth.shape[1])
    if n == 0 or not learnt.any():
        return OneVsRest(weights, intercepts, learnt, centre, scale)
    if STANDARDISE:
        centre = features.mean(axis=0, dtype=np.float64)
        spread = features.std(axis=0, dtype=np.float64)
        scale = np.where(spread > 1e-6, spread, 1.0)  # a constant column stays as it is (as StandardScaler does)
    x = (features.astype(np.float64) - centre) / scale
    y = truth[:, learnt].astype(np.float64)
    k = y.shape[1]
    positives = y.sum(axis=0)
    # "balanced": each side of each code weighs n / 2 in all
    sample = np.where(y > 0, n / (2 * np.maximum(positives, 1)), n / (2 * np.maximum(n - positives, 1)))

    # scaled as scikit-learn scales it (loss averaged over the sample weights), so its tolerance means the same
    sample /= n
    penalty = 1.0 / (c * n)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[: d * k].reshape(d, k), theta[d * k :]
        z = x @ w + b
        loss = float((sample * (np.logaddexp(0.0, z) - y * z)).sum())
        residual = sample * (expit(z) - y)
        gradient = np.concatenate([(x.T @ residual + penalty * w).ravel(), residual.sum(axis=0)])
        return loss + 0.5 * penalty * float((w * w).sum()), gradient

    initial = np.zeros(d * k + k)
    if start is not None:
        initial = np.concatenate([start.weights[:, learnt].ravel(), start.intercepts[learnt]])
    found = minimize(
        objective,
        initial,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": MAX_ITERATIONS, "gtol": TOLERANCE, "ftol": 64 * np.finfo(float).eps, "maxls": 50},
    )
    weights[:, learnt] = found.x[: d * k].reshape(d, k)
    intercepts[learnt] = found.x[d * k :]
    return OneVsRest(weights, intercepts, learnt, centre, scale)
