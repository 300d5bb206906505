"""Clusters of a question's passages: deterministic, catch-alls split, any size.

Why not UMAP + HDBSCAN (the BERTopic default, used here until issue 17): on real consultations
its themes moved with the seed (adjusted Rand 0.06 between seeds at 25 themes) and with the
thread count (vectors 1.8e-7 apart gave other themes), and the common direction of a
consultation's answers ("AI", the proposal's name) made one theme hold 78–99% of respondents.

Here (docs/decisions/0021-themes-per-question.md):

1. *Centre*: the question's mean vector is subtracted and the rows renormalised, so what every
   answer shares does not pull them together and the clusters separate what they say differently.
2. *Ward* agglomerative clustering on the centred unit vectors (Euclidean on unit vectors is a
   function of cosine), exact up to ``EXACT_MAX`` passages; above, the tree is built on a sample
   chosen by text hash and every passage joins its nearest cluster centre. No random state at
   all, so seed-to-seed agreement is 1 by construction, and a perturbation far below the model's
   precision moves a passage only where it sits on a boundary to within that perturbation.
3. *Granularity*: ``target`` clusters if asked, else about √n / 2 (2 … ``MAX_DEFAULT``).
4. *Catch-alls*: a cluster holding more than ``max_share`` of the passages is split along its own
   tree while both halves keep at least ``min_size`` passages.
5. *Too small*: clusters under ``min_size`` passages are dissolved; their passages join the
   nearest remaining centre when close enough (``join_threshold``), else stay unthemed.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import ClusterNode, linkage, to_tree
from scipy.spatial.distance import squareform
from sklearn.metrics import silhouette_score

Matrix = npt.NDArray[np.float32]
UNTHEMED = -1
EXACT_MAX = 6000  # a full distance matrix of 6,000 passages is 288 MB of float64
MIN_PASSAGES = 12  # fewer distinct substantive passages than this: too few for themes
MAX_DEFAULT = 40
SPLIT_SILHOUETTE = 0.15  # a catch-all's halves must be this well separated to become two themes
SILHOUETTE_SAMPLE = 2000
REFINE_ROUNDS = 10


@dataclass(frozen=True)
class ClusterSettings:
    """Granularity and clean-up of one question's clusters."""

    target: int | None = None
    min_size: int | None = None
    min_share: float | None = None
    max_share: float = 0.30
    join_threshold: float = 0.25
    per_question_min: int = 500  # distinct texts each question needs for themes of its own


@dataclass(frozen=True)
class Clusters:
    """Cluster per passage (``UNTHEMED`` for none) and what was done to get there."""

    labels: list[int]
    requested: int
    min_size: int
    split: int  # catch-alls split
    dissolved: int  # clusters under min_size dissolved


def default_count(n: int) -> int:
    """Clusters for ``n`` distinct passages when none are asked for: about √n / 2."""
    return max(2, min(MAX_DEFAULT, round(0.75 * math.sqrt(n))))


def default_min_size(n: int) -> int:
    """Smallest cluster kept: 1% of passages, at least 3."""
    return max(3, round(0.01 * n))


def centred(vectors: Matrix) -> npt.NDArray[np.float64]:
    """Unit rows after removing the mean direction.

    Not rounded: rounding to 5 decimals made a 1e-6 perturbation *change* themes (adjusted Rand
    0.877 on NHS comments with repeated texts, 1.0 unrounded), as equal vectors rounded apart.
    """
    rows = np.asarray(vectors, dtype=np.float64)
    rows = rows - rows.mean(axis=0)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.asarray(rows / np.maximum(norms, 1e-12))


def _ward_tree(rows: npt.NDArray[np.float64]) -> ClusterNode:
    """Ward's tree of unit rows; distances built in place (6,000 rows: 288 MB at the peak, not 720)."""
    distance = rows @ rows.T
    np.clip(distance, -1.0, 1.0, out=distance)
    np.multiply(distance, -2.0, out=distance)
    np.add(distance, 2.0, out=distance)
    np.maximum(distance, 0.0, out=distance)
    np.sqrt(distance, out=distance)
    np.fill_diagonal(distance, 0.0)
    condensed = squareform(distance, checks=False)
    del distance
    return to_tree(linkage(condensed, method="ward"))


def _cut(root: ClusterNode, k: int) -> list[ClusterNode]:
    """The ``k`` subtrees left after undoing the ``k - 1`` highest merges."""
    nodes = [root]
    while len(nodes) < k:
        highest = max((n for n in nodes if not n.is_leaf()), key=lambda n: (n.dist, n.id), default=None)
        if highest is None:
            break
        nodes.remove(highest)
        nodes += [highest.get_left(), highest.get_right()]
    return nodes


def coherent_split(rows: npt.NDArray[np.float64], node: ClusterNode) -> bool:
    """Whether a cluster's two halves are sub-themes, not one theme cut in two: mean silhouette ≥ ``SPLIT_SILHOUETTE``."""
    left, right = node.get_left().pre_order(), node.get_right().pre_order()
    members = np.array(left + right)
    labels = np.array([0] * len(left) + [1] * len(right))
    if len(members) > SILHOUETTE_SAMPLE:  # every k-th member: deterministic
        keep = np.arange(0, len(members), len(members) // SILHOUETTE_SAMPLE + 1)
        members, labels = members[keep], labels[keep]
    if len(set(labels.tolist())) < 2:
        return False
    return float(silhouette_score(rows[members], labels, metric="cosine")) >= SPLIT_SILHOUETTE


def _split_large(
    rows: npt.NDArray[np.float64], nodes: list[ClusterNode], n: int, max_share: float, min_size: int
) -> tuple[list[ClusterNode], int]:
    """Clusters above ``max_share`` of ``n`` split along their tree into coherent halves.

    Both halves must keep ``min_size`` passages and form sub-themes of their own (``coherent_split``).
    """
    out, split, todo = [], 0, list(nodes)
    while todo:
        node = todo.pop()
        if (
            node.count > max_share * n
            and not node.is_leaf()
            and min(node.get_left().count, node.get_right().count) >= min_size
            and coherent_split(rows, node)
        ):
            todo += [node.get_left(), node.get_right()]
            split += 1
        else:
            out.append(node)
    return out, split


def _sample(texts: Sequence[str], size: int) -> npt.NDArray[np.intp]:
    """``size`` rows chosen by a hash of their text: the same whatever the order or the machine."""
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    return np.sort(np.argsort(keys, kind="stable")[:size])


def cluster(texts: Sequence[str], vectors: Matrix, settings: ClusterSettings = ClusterSettings()) -> Clusters:
    """Clusters of distinct passages ``texts`` with their ``vectors`` (rows in the same order)."""
    n = len(texts)
    min_size = settings.min_size or (max(2, round(settings.min_share * n)) if settings.min_share else None)
    min_size = min_size or default_min_size(n)
    if n < MIN_PASSAGES:
        return Clusters([UNTHEMED] * n, 0, min_size, 0, 0)
    k = min(settings.target or default_count(n), n // 2)
    rows = centred(vectors)
    fitted = np.arange(n) if n <= EXACT_MAX else _sample(texts, EXACT_MAX)
    root = _ward_tree(rows[fitted])
    nodes, split = _split_large(
        rows[fitted], _cut(root, k), len(fitted), settings.max_share, max(2, min_size * len(fitted) // n)
    )
    members = [fitted[node.pre_order()] for node in nodes]
    labels = np.full(n, UNTHEMED, dtype=np.int64)
    for c, rows_of in enumerate(members):
        labels[rows_of] = c
    labels = refined(rows, labels)  # passages outside a sample join their nearest centre here too
    labels, dissolved = _dissolve_small(rows, labels, min_size, settings.join_threshold)
    return Clusters(_renumbered(labels), k, min_size, split, dissolved)


def refined(
    rows: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], rounds: int = REFINE_ROUNDS
) -> npt.NDArray[np.int64]:
    """Each passage moved to its nearest cluster centre, centres recomputed, until nothing moves.

    Ward merges greedily and never revisits a merge: a passage joined early to the wrong group
    stays there. A few rounds of spherical k-means started from the Ward clusters put it right;
    it starts from the tree, not from random centres, so it stays deterministic. Unlabelled rows
    (``UNTHEMED``, e.g. outside the sample the tree was built on) join their nearest centre.
    """
    out = labels.copy()
    for _ in range(rounds):
        ids = np.array(sorted(set(out.tolist()) - {UNTHEMED}))
        nearest = ids[np.argmax(rows @ _centres(rows, out).T, axis=1)]
        if np.array_equal(nearest, out):
            break
        out = nearest
    return out


def _centres(rows: npt.NDArray[np.float64], labels: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    ids = sorted(set(labels.tolist()) - {UNTHEMED})
    centres = np.stack([rows[labels == c].mean(axis=0) for c in ids])
    return np.asarray(centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12))


def _dissolve_small(
    rows: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], min_size: int, threshold: float
) -> tuple[npt.NDArray[np.int64], int]:
    sizes = np.bincount(labels[labels >= 0])
    small = [c for c, size in enumerate(sizes) if 0 < size < min_size]
    kept = [c for c, size in enumerate(sizes) if size >= min_size]
    if not small or not kept:
        return labels, 0
    out = labels.copy()
    moving = np.flatnonzero(np.isin(labels, small))
    centres = np.stack([rows[labels == c].mean(axis=0) for c in kept])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    sims = rows[moving] @ centres.T
    best, nearest = sims.max(axis=1), sims.argmax(axis=1)
    out[moving] = np.where(best >= threshold, np.asarray(kept)[nearest], UNTHEMED)
    return out, len(small)


def _renumbered(labels: npt.NDArray[np.int64]) -> list[int]:
    """Clusters numbered 0… by first appearance (unthemed stays -1)."""
    order: dict[int, int] = {}
    for label in labels.tolist():
        if label != UNTHEMED:
            order.setdefault(label, len(order))
    return [order.get(label, UNTHEMED) for label in labels.tolist()]
