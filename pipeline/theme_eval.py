"""Scores of discovered themes against human coding.

Two families, both pure functions over label lists:

- ``clustering_scores``: one theme per comment against one human code per comment — NMI, ARI
  and V-measure (with homogeneity and completeness). Comments left without a theme count as one
  more cluster, so leaving comments unthemed is not free.
- ``multilabel_scores``: zero or more codes per comment (guided coding) against the human codes
  — micro precision, recall and F1 with bootstrap 95% confidence intervals (comments resampled
  with replacement), plus macro F1 and per-code figures.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sklearn.metrics import (
    adjusted_rand_score,
    homogeneity_completeness_v_measure,
    normalized_mutual_info_score,
)

from pipeline.config import Code, ConfigError

UNTHEMED = "(unthemed)"


def clustering_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """NMI (arithmetic mean normalisation), ARI, V-measure, homogeneity and completeness."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    homogeneity, completeness, v_measure = homogeneity_completeness_v_measure(gold, predicted)
    return {
        "nmi": float(normalized_mutual_info_score(gold, predicted)),
        "ari": float(adjusted_rand_score(gold, predicted)),
        "v_measure": float(v_measure),
        "homogeneity": float(homogeneity),
        "completeness": float(completeness),
        "clusters": len(set(predicted) - {UNTHEMED}),
        "unthemed_share": sum(p == UNTHEMED for p in predicted) / max(1, len(predicted)),
    }


def _counts(gold: Sequence[set[str]], predicted: Sequence[set[str]]) -> np.ndarray:
    """Per comment: true positives, false positives, false negatives."""
    return np.array(
        [(len(g & p), len(p - g), len(g - p)) for g, p in zip(gold, predicted, strict=True)], dtype=np.int64
    ).reshape(-1, 3)


def _prf(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return precision, recall, f1


def multilabel_scores(
    gold: Sequence[set[str]], predicted: Sequence[set[str]], n_boot: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """Micro P/R/F1 with bootstrap 95% intervals, macro F1 and per-code P/R/F1/support."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold label sets but {len(predicted)} predictions")
    counts = _counts(gold, predicted)
    totals = counts.sum(axis=0)
    precision, recall, f1 = _prf(*(np.array([t]) for t in totals))
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, len(counts), size=(n_boot, len(counts)))
    boot = np.stack([counts[s].sum(axis=0) for s in samples]) if len(counts) else np.zeros((n_boot, 3))
    bp, br, bf = _prf(boot[:, 0], boot[:, 1], boot[:, 2])
    codes = sorted(set().union(*gold, *predicted)) if gold else []
    per_code = {}
    for code in codes:
        tp = sum(code in g and code in p for g, p in zip(gold, predicted, strict=True))
        fp = sum(code not in g and code in p for g, p in zip(gold, predicted, strict=True))
        fn = sum(code in g and code not in p for g, p in zip(gold, predicted, strict=True))
        cp, cr, cf = _prf(np.array([tp]), np.array([fp]), np.array([fn]))
        per_code[code] = {
            "precision": float(cp[0]),
            "recall": float(cr[0]),
            "f1": float(cf[0]),
            "support": tp + fn,
        }

    def interval(values: np.ndarray) -> list[float]:
        return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]

    return {
        "micro_precision": float(precision[0]),
        "micro_recall": float(recall[0]),
        "micro_f1": float(f1[0]),
        "micro_precision_ci": interval(bp),
        "micro_recall_ci": interval(br),
        "micro_f1_ci": interval(bf),
        "macro_f1": float(np.mean([c["f1"] for c in per_code.values() if c["support"]])) if per_code else 0.0,
        "comments": len(gold),
        "uncoded_share": sum(not p for p in predicted) / max(1, len(predicted)),
        "per_code": per_code,
    }


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dataset(_Frozen):
    """``[dataset]``: a human-coded CSV and its columns."""

    name: str
    path: Path
    text: str
    levels: tuple[str, ...] = Field(min_length=1)
    sentiment_gold: str | None = None
    question: str | None = None  # the column naming the question each comment answers


class Guided(_Frozen):
    """``[guided]``: the codebook for guided coding, and how examples are drawn.

    The gold codes are in column ``level``: one code a row, or several split by ``separator``.
    """

    level: str
    separator: str | None = None
    examples_per_code: int = Field(default=20, ge=1)
    seed: int = 0
    codebook: tuple[Code, ...] = Field(min_length=1)


class EvalSpec(_Frozen):
    """An evaluation file (see ``evaluation/nhs-fft.toml``)."""

    dataset: Dataset
    guided: Guided | None = None


def load_eval_spec(path: Path) -> EvalSpec:
    """Read an evaluation file; the dataset path resolves against the file's folder."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        spec = EvalSpec.model_validate(raw)
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path}: invalid evaluation file: {exc}") from exc
    data = spec.dataset.model_copy(update={"path": (path.parent / spec.dataset.path).resolve()})
    return spec.model_copy(update={"dataset": data})


def load_coded(spec: EvalSpec) -> pl.DataFrame:
    """The dataset's columns the spec names, blank texts dropped; every problem named at once, before any model runs.

    Checks the file, its columns, and that every gold code of the guided level is in the codebook.
    """
    data = spec.dataset
    if not data.path.is_file():
        raise ConfigError(f"{data.path}: evaluation data not found")
    frame = pl.read_csv(data.path, infer_schema=False)
    wanted = [data.text, *data.levels, *(c for c in (data.sentiment_gold, data.question) if c)]
    if spec.guided:
        wanted.append(spec.guided.level)
    problems = []
    missing = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
    if missing:
        problems.append(f"missing columns {missing}; it has {frame.columns}")
    coded = frame.select([c for c in dict.fromkeys(wanted) if c in frame.columns])
    if data.text in coded.columns:
        coded = coded.filter(pl.col(data.text).str.strip_chars().str.len_chars() > 0)
    if spec.guided and spec.guided.level in coded.columns:
        names = {c.name for c in spec.guided.codebook}
        used = {
            code for codes in gold_codes(coded[spec.guided.level].to_list(), spec.guided.separator) for code in codes
        }
        unknown = sorted(used - names)
        if unknown:
            problems.append(f"codes in column {spec.guided.level!r} missing from the codebook: {unknown}")
    if problems:
        raise ConfigError(f"{data.path}: " + "; ".join(problems))
    return coded


def gold_codes(cells: Sequence[str | None], separator: str | None) -> list[set[str]]:
    """Each row's gold codes: the cell, or its parts split by ``separator`` (blank: none)."""
    out = []
    for cell in cells:
        parts = (cell or "").split(separator) if separator else [cell or ""]
        out.append({p.strip() for p in parts if p.strip()})
    return out


def example_rows(
    gold: Sequence[set[str]] | Sequence[str], codes: Sequence[str], per_code: int, seed: int
) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Row numbers of up to ``per_code`` examples of each code, drawn at random with ``seed``.

    A code with fewer coded rows than asked gives what it has; the second value says which
    (code → rows available).
    """
    sets = [g if isinstance(g, set) else {g} for g in gold]
    rng = np.random.default_rng(seed)
    out: dict[str, list[int]] = {}
    short: dict[str, int] = {}
    for code in codes:
        rows = np.array([i for i, g in enumerate(sets) if code in g], dtype=np.int64)
        if len(rows) < per_code:
            short[code] = len(rows)
        chosen = rng.choice(rows, min(per_code, len(rows)), replace=False) if len(rows) else rows
        out[code] = sorted(int(r) for r in chosen)
    return out, short
