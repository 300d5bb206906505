"""Scoring a run's trace against a gold file: ``throughline eval-trace SPEC``.

A trace spec (TOML) names a consultation file and one or both kinds of gold:

```toml
consultation = "consultation.toml"      # analysed first; relative to this file

[links]                                  # which options each response addresses
path = "gold-links.csv"
response = "Response ID"                 # the response id, as the consultation's id column gives it
option = "Project"                       # an option's number, id or title
separator = ";"                          # several options in one cell (optional)

[outcomes]                               # what the decision did with each option
path = "minutes.csv"
option = "Project no."
outcome = "Decision"                     # Throughline's words, or mapped with [outcomes.values]
reason = "Reason"                        # optional: are the stated reasons found?

[outcomes.values]
"Funded" = "approved"
```

The scores (pure functions here; ``flows/trace_evaluation.py`` runs them):

- *links*: micro precision/recall/F1 over (response, option) pairs of the responses the gold
  file lists, bootstrap 95% intervals (responses resampled), per option, and by the strongest
  evidence; beside every option for every response, and one keyword per option (its title's least
  common word);
- *outcomes*: accuracy with a bootstrap interval, the confusion, beside the majority outcome;
  reasons found where the gold gives one;
- *statuses*: each theme's status against the status the same rule gives with the gold outcomes
  (so a wrong outcome's effect on the statuses is seen), and how the reported confidence
  matches how often the status is right (a reliability table).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.config import ConfigError
from pipeline.ingest.base import IngestError
from pipeline.ingest.survey import resolve_column
from pipeline.ingest.tables import ROW, read_table, table_format
from pipeline.theme_eval import multilabel_scores
from pipeline.trace.attribution import Option, option_finder, rarity
from pipeline.trace.outcomes import OUTCOMES, table_outcome
from pipeline.trace.signals import fold
from pipeline.trace.status import theme_status_from_options

Result = dict[str, Any]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GoldLinks(_Frozen):
    """``[links]``: response → option(s)."""

    path: Path
    response: str
    option: str
    separator: str | None = None
    sheet: str | None = None


class GoldOutcomes(_Frozen):
    """``[outcomes]``: option → outcome (and reason)."""

    path: Path
    option: str
    outcome: str
    reason: str | None = None
    values: dict[str, str] = Field(default_factory=dict)
    sheet: str | None = None


class TraceSpec(_Frozen):
    """A trace evaluation file."""

    consultation: Path
    links: GoldLinks | None = None
    outcomes: GoldOutcomes | None = None


def load_trace_spec(path: Path) -> TraceSpec:
    """Read and check a trace spec before anything is analysed.

    Paths resolve against the spec's folder; every file and column is checked, all problems listed at once.
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        spec = TraceSpec.model_validate(raw)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read trace spec: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path}: invalid trace spec: {exc}") from exc
    if spec.links is None and spec.outcomes is None:
        raise ConfigError(f"{path}: a trace spec needs [links], [outcomes] or both")
    base = path.parent
    spec = spec.model_copy(
        update={
            "consultation": (base / spec.consultation).resolve(),
            "links": spec.links and spec.links.model_copy(update={"path": (base / spec.links.path).resolve()}),
            "outcomes": spec.outcomes
            and spec.outcomes.model_copy(update={"path": (base / spec.outcomes.path).resolve()}),
        }
    )
    problems = [] if spec.consultation.is_file() else [f"consultation: {spec.consultation} not found"]
    for key, gold, columns in (
        ("links", spec.links, ("response", "option")),
        ("outcomes", spec.outcomes, ("option", "outcome", "reason")),
    ):
        if gold is not None:
            problems += _column_problems(key, gold, columns)
    if spec.outcomes:
        wrong = {k: v for k, v in spec.outcomes.values.items() if v not in OUTCOMES}
        problems += [f"outcomes.values: {k!r} = {v!r} is not one of {', '.join(OUTCOMES)}" for k, v in wrong.items()]
    if problems:
        raise ConfigError(f"{path}: invalid trace spec\n" + "\n".join(f"  {p}" for p in problems))
    return spec


def _column_problems(key: str, gold: GoldLinks | GoldOutcomes, columns: Sequence[str]) -> list[str]:
    if not gold.path.is_file():
        return [f"{key}.path: {gold.path} not found"]
    try:
        names = [c for c in read_table(gold.path, table_format(gold.path), gold.sheet).columns if c != ROW]
    except IngestError as exc:
        return [f"{key}.path: {exc}"]
    problems = []
    for column in columns:
        wanted = getattr(gold, column)
        if wanted is None:
            continue
        try:
            resolve_column(wanted, names, gold.path, f"{key}.{column}")
        except IngestError as exc:
            problems.append(f"{key}.{column}: {exc}")
    return problems


def _gold_table(gold: GoldLinks | GoldOutcomes, columns: Sequence[str]) -> pl.DataFrame:
    table = read_table(gold.path, table_format(gold.path), gold.sheet)
    names = [c for c in table.columns if c != ROW]
    picked = {c: resolve_column(getattr(gold, c), names, gold.path, c) for c in columns if getattr(gold, c)}
    return table.select(ROW, *(pl.col(v).alias(k) for k, v in picked.items()))


def read_gold_links(gold: GoldLinks, options: Sequence[Option]) -> tuple[dict[str, set[str]], list[str]]:
    """Response → the options the gold file gives it, and the gold values that name no option."""
    find = option_finder(options)
    out: dict[str, set[str]] = {}
    unmatched: list[str] = []
    for row in _gold_table(gold, ("response", "option")).iter_rows(named=True):
        response = (row["response"] or "").strip()
        if not response:
            continue
        cell = row["option"] or ""
        values = cell.split(gold.separator) if gold.separator else [cell]
        found = out.setdefault(response, set())
        for value in (v.strip() for v in values if v.strip()):
            option = find(value)
            if option is None:
                unmatched.append(value)
            else:
                found.add(option)
    return out, unmatched


def read_gold_outcomes(gold: GoldOutcomes, options: Sequence[Option]) -> tuple[dict[str, Result], list[str]]:
    """Option → {outcome, reason} from the gold file (first row per option), and values not understood."""
    find = option_finder(options)
    out: dict[str, Result] = {}
    problems: list[str] = []
    for row in _gold_table(gold, ("option", "outcome", "reason")).iter_rows(named=True):
        value = (row["option"] or "").strip()
        option = find(value) if value else None
        said = (row["outcome"] or "").strip()
        outcome = gold.values.get(said) or (said if said in OUTCOMES else table_outcome(said))
        if option is None:
            problems.append(f"row {row[ROW]}: {value!r} names no option")
            continue
        if outcome is None:
            problems.append(f"row {row[ROW]}: outcome {said!r} not understood (map it in [outcomes.values])")
            continue
        reason = (row.get("reason") or "").strip() or None
        out.setdefault(option, {"outcome": outcome, "reason": reason})
    return out, problems


def keyword_links(options: Sequence[Option], texts: Mapping[str, str], languages: Sequence[str]) -> dict[str, set[str]]:
    """The keyword baseline: an option is addressed when its title's least common word appears."""
    words = {}
    for option in options:
        candidates = re.findall(r"[^\W\d_]{4,}", fold(re.sub(r"\(.*?\)", "", option.title)))
        words[option.option_id] = min(candidates, key=lambda w: -rarity(w, tuple(languages)), default=None)
    out: dict[str, set[str]] = {}
    for response, text in texts.items():
        folded = fold(text)
        out[response] = {o for o, w in words.items() if w and re.search(rf"\b{re.escape(w)}", folded)}
    return out


def half_of(response_id: str) -> str:
    """``dev`` or ``test``, fixed by the id's hash (the split never depends on the data's order)."""
    return "dev" if int(hashlib.sha1(response_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def link_scores(gold: Mapping[str, set[str]], predicted: Mapping[str, set[str]], ids: Sequence[str]) -> Result:
    """Micro P/R/F1 over (response, option) pairs of ``ids``, with bootstrap intervals and per option."""
    found = multilabel_scores([gold[i] for i in ids], [predicted.get(i, set()) for i in ids])
    keep = ("micro_precision", "micro_recall", "micro_f1", "micro_f1_ci", "macro_f1")
    out = {k: found[k] for k in keep}
    out["per_option"] = {k: round(v["f1"], 3) for k, v in found["per_code"].items() if v["support"]}
    return out


def outcome_scores(gold: Mapping[str, Result], found: Mapping[str, str], n_boot: int = 1000, seed: int = 0) -> Result:
    """Accuracy of the outcome per option (bootstrap interval), the confusion, and the majority baseline."""
    options = sorted(gold)
    right = np.array([found.get(o) == gold[o]["outcome"] for o in options], dtype=float)
    if not options:
        return {"options": 0}
    rng = np.random.default_rng(seed)
    boot = right[rng.integers(0, len(right), size=(n_boot, len(right)))].mean(axis=1)
    majority, majority_n = Counter(gold[o]["outcome"] for o in options).most_common(1)[0]
    return {
        "options": len(options),
        "accuracy": round(float(right.mean()), 4),
        "accuracy_ci": [round(float(np.percentile(boot, 2.5)), 4), round(float(np.percentile(boot, 97.5)), 4)],
        "majority_outcome": majority,
        "majority_accuracy": round(majority_n / len(options), 4),
        "confusion": dict(
            Counter(f"{gold[o]['outcome']} → {found.get(o)}" for o in options if found.get(o) != gold[o]["outcome"])
        ),
    }


def reason_scores(gold: Mapping[str, Result], reasons: Mapping[str, str | None]) -> Result:
    """Of the options the gold gives a reason for, how many got a reason, and how many the same words."""
    wanted = [o for o, g in gold.items() if g.get("reason")]
    attached = [o for o in wanted if reasons.get(o)]
    same = [o for o in attached if _overlap(str(gold[o]["reason"]), str(reasons[o])) >= 0.5]
    return {"with_reason": len(wanted), "reason_found": len(attached), "same_reason": len(same)}


def _overlap(a: str, b: str) -> float:
    """Share of ``a``'s words that ``b`` has (0–1)."""
    words = set(re.findall(r"\w{3,}", fold(a)))
    return len(words & set(re.findall(r"\w{3,}", fold(b)))) / max(1, len(words))


def status_scores(
    statuses: pl.DataFrame, theme_options: pl.DataFrame, gold: Mapping[str, Result], titles: dict[str, str]
) -> Result:
    """Each theme's status against the status the gold outcomes give, and a reliability table of its confidence.

    Options the gold file does not list keep the run's outcome ("not mentioned" if none): the
    gold decides only what it covers.
    """
    themes = statuses["theme_id"].to_list()
    gold_outcomes = pl.DataFrame(
        [{"option_id": o, "outcome": g["outcome"], "method": "table"} for o, g in gold.items()],
        schema={"option_id": pl.String(), "outcome": pl.String(), "method": pl.String()},
    )
    expected = {
        s["theme_id"]: s["status"] for s in theme_status_from_options(themes, theme_options, gold_outcomes, titles)
    }
    rows = [
        (t, s, float(c or 0.0), expected.get(t))
        for t, s, c in statuses.select("theme_id", "status", "confidence").iter_rows()
    ]
    right = [s == e for _, s, _, e in rows]
    bins = []
    for low, high in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.85), (0.85, 1.01)):
        inside = [r for r, (_, _, c, _) in zip(right, rows, strict=True) if low <= c < high]
        if inside:
            bins.append({"confidence": f"{low:.2f}–{min(high, 1.0):.2f}", "themes": len(inside), "right": sum(inside)})
    return {
        "themes": len(rows),
        "agree": sum(right),
        "accuracy": round(sum(right) / len(rows), 4) if rows else None,
        "disagreements": dict(Counter(f"{e} → {s}" for _, s, _, e in rows if s != e)),
        "reliability": bins,
        "expected": dict(Counter(e for *_, e in rows)),
    }
