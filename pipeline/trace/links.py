"""The trace: each theme → the options and decision passages that address it, and its fate.

Inputs: ``themes``, ``assignments``, the public passages with their vectors and the document
passages (stage, heading, role) with theirs. Outputs: the ``links`` and ``theme_status`` tables.

A theme links to a document passage by any of three signals (``pipeline/trace/signals.py``;
thresholds in docs/decisions/0014-trace-signals.md):

- ``semantic``: the mean cosine between the passage and the ``TOP_K`` theme passages most
  similar to it reaches ``link_threshold`` — one stray sentence cannot make a link, yet a theme
  need not be uniform;
- ``carry-over``: at least ``carryover_min_respondents`` of the theme's respondents wrote words
  the passage reuses (a local alignment of ``carryover_min_words`` content words or more), and
  the theme holds at least ``carryover_min_share`` of all respondents reused there;
- ``reference``: the passage names an option ("Option 4 was not taken forward") whose defining
  section the theme links to by either signal above.

Each link records its evidence on both sides (the public passage and, for carry-over, the
aligned spans), its scores, methods, the passage's *action* (approves, rejects, retains,
proposes, notes) and how that action stands against the theme (``agreement``). Near misses (the
best few passages per stage below the threshold) are kept with ``linked = false`` so that a
reviewer can confirm them.

Status, from the decision stage's links: ``adopted`` (a passage does what the theme asks),
``adopted in part`` (some of what it asks is done, some rejected or contradicted),
``considered`` (considered, not adopted: it reached the options or the decision's reasoning,
or the decision rejected or deferred it), ``contrary`` (the decision approves a change that most
of the theme's respondents oppose, and that is the strongest link), ``not taken up`` (nothing
links). Each status has a confidence from the margins and the number of agreeing signals.
Without a decision-stage passage there is no verdict: every theme is ``not traced`` (no
confidence), still linked to the options when there are any, and ``trace_gap`` says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from pipeline.config import STAGE_ORDER
from pipeline.schema import NOT_TRACED, PUBLIC_KINDS, STATUSES, conform, empty
from pipeline.trace.signals import (
    Alignment,
    action,
    carry_over,
    defined_option,
    option_numbers,
    share_opposing,
    stop_words,
)

Matrix = npt.NDArray[np.float32]
TOP_K = 5
NEAR_MISS = 0.15  # near misses kept for review: within this of the threshold
NEAR_MISSES_PER_STAGE = 3
OPPOSING_SHARE = 0.5  # a theme opposes a change when this share of its respondents argue against one
REFERENCE_CONFIDENCE = 0.8
REVIEWED_CONFIDENCE = 0.95  # a link an officer confirmed
NO_EVIDENCE_CONFIDENCE = 0.5  # "not taken up" rests on the absence of a link: at most this sure
CONTRARY_DISCOUNT = 0.75  # contrary rests on cue words as well as the link: say so in the confidence


@dataclass(frozen=True)
class TraceSettings:
    """Thresholds of the three link signals (``[analysis]`` in the consultation file)."""

    link_threshold: float = 0.60
    carryover_min_words: int = 3
    carryover_min_respondents: int = 2
    carryover_min_share: float = 0.5
    languages: tuple[str, ...] = ("en",)


def split_passages(passages: pl.DataFrame, vectors: Matrix) -> tuple[pl.DataFrame, Matrix, pl.DataFrame, Matrix]:
    """The public's passages and the documents' sections, each with its vectors (rows as in ``passages``)."""
    indexed = passages.with_row_index("_row")
    public = indexed.filter(pl.col("kind").is_in(PUBLIC_KINDS))
    documents = indexed.filter(pl.col("kind") == "section")
    return (
        public.drop("_row"),
        vectors[public["_row"].to_numpy()],
        documents.drop("_row"),
        vectors[documents["_row"].to_numpy()],
    )


def link_scores(
    theme_vectors: Matrix, doc_vectors: Matrix, top_k: int = TOP_K
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Per document passage: mean of its ``top_k`` best cosines to the theme, and the best match.

    Cosines are rounded to 6 decimals: a matrix product may sum in another order on another
    number of BLAS threads (a Dask worker has one), and two copies of the same sentence must then
    still tie, so that the first of them is the evidence wherever the run happens.
    """
    sims = np.round(doc_vectors @ theme_vectors.T, 6)
    k = min(top_k, sims.shape[1])
    best = np.sort(sims, axis=1)[:, -k:]
    return best.mean(axis=1).astype(np.float64), sims.argmax(axis=1).astype(np.int64)


def semantic_confidence(score: float, threshold: float) -> float:
    """0.5 at the threshold, 0.95 a tenth above it (and symmetrically below)."""
    return float(np.clip(0.5 + (score - threshold) / 0.2, 0.05, 0.95))


def carryover_confidence(words: int, respondents: int, settings: TraceSettings) -> float:
    """0.6 for the smallest carry-over that counts, more for longer spans and more respondents."""
    extra = (words - settings.carryover_min_words) + (respondents - settings.carryover_min_respondents)
    return float(min(0.95, 0.6 + 0.05 * extra))


def combined(confidences: Sequence[float]) -> float:
    """Noisy-or: the chance that at least one agreeing signal is right."""
    return min(0.99, float(1.0 - np.prod([1.0 - c for c in confidences]))) if confidences else 0.0


def agreement(theme_opposes: bool, what: str) -> str:
    """How a passage's action stands against a theme: agrees, not adopted, contrary or notes."""
    if what == "approves":
        return "contrary" if theme_opposes else "agrees"
    if what in ("rejects", "retains"):
        return "agrees" if theme_opposes else "not adopted"
    return "notes"


@dataclass
class _Carried:
    respondents: set[str] = field(default_factory=set)
    best: Alignment | None = None


@dataclass
class _Link:
    evidence: int
    methods: list[str] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)
    via: int | None = None


def _carry_over_by_theme(
    assignments: pl.DataFrame, public: pl.DataFrame, documents: pl.DataFrame, settings: TraceSettings
) -> dict[tuple[str, int], _Carried]:
    """Per (theme, document row): respondents whose words the passage reuses, and the longest span."""
    found = carry_over(
        public["text"].to_list(),
        documents["text"].to_list(),
        stop_words(settings.languages),
        settings.carryover_min_words,
    )
    response_of = public["response_id"].to_list()
    passage_of = public["passage_id"].to_list()
    themes_of: dict[str, list[str]] = defaultdict(list)
    for passage_id, theme_id in assignments.select("passage_id", "theme_id").iter_rows():
        themes_of[passage_id].append(theme_id)
    everyone: dict[int, set[str]] = defaultdict(set)
    by_theme: dict[tuple[str, int], _Carried] = defaultdict(_Carried)
    for a in found:
        everyone[a.document].add(response_of[a.public])
        for theme_id in themes_of.get(passage_of[a.public], []):
            entry = by_theme[(theme_id, a.document)]
            entry.respondents.add(response_of[a.public])
            if entry.best is None or a.words > entry.best.words:
                entry.best = a
    return {
        key: entry
        for key, entry in by_theme.items()
        if len(entry.respondents) >= settings.carryover_min_respondents
        and len(entry.respondents) / len(everyone[key[1]]) >= settings.carryover_min_share
    }


def theme_links(
    assignments: pl.DataFrame,
    public: pl.DataFrame,
    public_vectors: Matrix,
    documents: pl.DataFrame,
    document_vectors: Matrix,
    settings: TraceSettings,
) -> pl.DataFrame:
    """The ``links`` table: linked (theme, document passage) pairs with evidence, and near misses."""
    if assignments.is_empty() or documents.is_empty():
        return empty("links")
    threshold = settings.link_threshold
    row_of = {pid: i for i, pid in enumerate(public["passage_id"])}
    carried = _carry_over_by_theme(assignments, public, documents, settings)
    stages = documents["stage"].to_list()
    roles = documents["role"].to_list()
    texts = documents["text"].to_list()
    actions = [action(t, r) for t, r in zip(texts, roles, strict=True)]
    defines = [
        defined_option(h, t) if r == "option" else None
        for h, t, r in zip(documents["heading"].to_list(), texts, roles, strict=True)
    ]
    names = [option_numbers(t) if d is None else [] for t, d in zip(texts, defines, strict=True)]
    rows: list[dict[str, Any]] = []
    for (theme_id,), group in assignments.group_by("theme_id", maintain_order=True):
        members = [row_of[p] for p in dict.fromkeys(group["passage_id"]) if p in row_of]
        if not members:
            continue
        scores, best = link_scores(public_vectors[members], document_vectors)
        by_respondent: dict[str, list[str]] = defaultdict(list)
        for i in members:
            by_respondent[public["response_id"][i]].append(public["text"][i])
        opposes = share_opposing(by_respondent.values()) >= OPPOSING_SHARE
        linked: dict[int, _Link] = {}
        for j in range(len(texts)):
            link = _Link(evidence=members[int(best[j])])
            if scores[j] >= threshold:
                link.methods.append("semantic")
                link.confidences.append(semantic_confidence(float(scores[j]), threshold))
            entry = carried.get((theme_id, j))
            if entry is not None and entry.best is not None:
                link.methods.append("carry-over")
                link.confidences.append(carryover_confidence(entry.best.words, len(entry.respondents), settings))
                if scores[j] < threshold:
                    link.evidence = entry.best.public
            if link.methods:
                linked[j] = link
        # references: a passage naming an option the theme links to inherits that link
        options: dict[int, int] = {}
        for j in sorted(linked, key=lambda j: -scores[j]):
            number = defines[j]
            if number is not None:
                options.setdefault(number, j)
        for j, numbers in enumerate(names):
            via = next((options[n] for n in numbers if n in options), None)
            if via is None or actions[j] == "notes":
                continue
            link = linked.setdefault(j, _Link(evidence=linked[via].evidence))
            link.methods.append("reference")
            link.confidences.append(REFERENCE_CONFIDENCE)
            link.via = via
        for j in [*linked, *_near_misses(scores, stages, set(linked), threshold)]:
            rows.append(
                _link_row(
                    theme_id,
                    j,
                    linked.get(j),
                    carried.get((theme_id, j)),
                    float(scores[j]),
                    members[int(best[j])],
                    defines,
                    actions[j],
                    opposes,
                    public,
                )
            )
    if not rows:
        return empty("links")
    frame = pl.DataFrame(rows, infer_schema_length=None)
    docs = documents.select("passage_id", "source_id", "stage", "heading", "role", "text").with_row_index(
        "passage_index"
    )
    links = frame.join(docs.with_columns(pl.col("passage_index").cast(pl.Int64)), on="passage_index", how="left")
    order = {stage: i for i, stage in enumerate(STAGE_ORDER)}
    return conform(
        links.with_columns(
            review=pl.lit(None, pl.String()), _stage=pl.col("stage").replace_strict(order, default=99)
        ).sort(["theme_id", "linked", "_stage", "score"], descending=[False, True, False, True]),
        "links",
    )


def _link_row(
    theme_id: str,
    j: int,
    link: _Link | None,
    carried: _Carried | None,
    score: float,
    nearest: int,
    defines: list[int | None],
    what: str,
    opposes: bool,
    public: pl.DataFrame,
) -> dict[str, Any]:
    """One row of ``links`` (before the document passage's columns are joined on)."""
    aligned = carried.best if (link is not None and carried is not None and "carry-over" in link.methods) else None
    evidence = link.evidence if link is not None else nearest
    via = link.via if link is not None else None
    return {
        "theme_id": theme_id,
        "passage_index": j,
        "linked": link is not None,
        "score": round(score, 4),
        "carryover_words": aligned.words if aligned else None,
        "carryover_respondents": len(carried.respondents) if aligned and carried else None,
        "public_span": aligned.public_span if aligned else None,
        "doc_span": aligned.document_span if aligned else None,
        "reference": f"Option {defines[via]}" if via is not None else None,
        "method": "+".join(link.methods) if link is not None else "near miss",
        "confidence": round(combined(link.confidences), 3) if link is not None else None,
        "action": what,
        "agreement": agreement(opposes, what),
        "theme_opposes_change": opposes,
        "evidence_passage_id": public["passage_id"][evidence],
        "evidence_response_id": public["response_id"][evidence],
        "evidence_text": public["text"][evidence],
    }


def _near_misses(scores: npt.NDArray[np.float64], stages: list[str], linked: set[int], threshold: float) -> list[int]:
    """The best few unlinked passages per stage scoring within ``NEAR_MISS`` of the threshold."""
    picked: list[int] = []
    for stage in dict.fromkeys(stages):
        candidates = [
            j for j, s in enumerate(stages) if s == stage and j not in linked and scores[j] >= threshold - NEAR_MISS
        ]
        picked += sorted(candidates, key=lambda j: -scores[j])[:NEAR_MISSES_PER_STAGE]
    return picked


STATUS_REASONS = {
    "adopted": "the decision does what this theme asks",
    "adopted in part": "the decision does some of what this theme asks and rejects or goes against the rest",
    "considered": "it reached the options or the decision's reasoning but was not adopted",
    "contrary": "the decision approves a change most of this theme's respondents oppose",
    "not taken up": "no options or decision passage addresses it",
    NOT_TRACED: "no options paper or decision was given, so nothing can be traced",
}
NO_DOCUMENTS = (
    "No options paper or decision was given, so nothing can be traced; "
    'add a source with stage = "options" or "decision".'
)
NO_DECISION = (
    "No decision was given, so no theme has an outcome: themes are linked to the options only; "
    'add a source with stage = "decision".'
)
_NO_OUTCOME = "no decision was given, so it has no outcome"


def document_stages(passages: pl.DataFrame) -> frozenset[str]:
    """The stages with at least one document passage (``kind = section``): what the trace can reach."""
    return frozenset(passages.filter(pl.col("kind") == "section")["stage"].drop_nulls().to_list())


def trace_gap(stages: Collection[str]) -> str | None:
    """Why the themes have no outcome (``NO_DOCUMENTS``, ``NO_DECISION``), or None when a decision was given."""
    if "decision" in stages:
        return None
    return NO_DECISION if "options" in stages else NO_DOCUMENTS


def counts() -> pl.Expr:
    """Whether a link counts: the trace linked it or a reviewer confirmed it, and no reviewer rejected it."""
    return (pl.col("linked") | (pl.col("review") == "confirmed")) & (pl.col("review").fill_null("") != "rejected")


def theme_status(
    themes: pl.DataFrame, links: pl.DataFrame, threshold: float, *, stages: Collection[str]
) -> pl.DataFrame:
    """The ``theme_status`` table from the links that count (linked or confirmed, not rejected).

    ``stages``: the document stages the trace had passages of (``document_stages``); without
    ``decision`` among them every theme is ``not traced``.
    """
    decided = trace_gap(stages) is None
    confirmed = pl.col("review") == "confirmed"
    counted = links.filter(counts()).with_columns(  # a reviewer's confirmation is evidence in itself
        confidence=pl.when(confirmed)
        .then(pl.max_horizontal(pl.col("confidence").fill_null(0.0), pl.lit(REVIEWED_CONFIDENCE)))
        .otherwise("confidence")
    )
    rows = []
    for theme_id in themes["theme_id"]:
        mine = counted.filter(pl.col("theme_id") == theme_id)
        everything = links.filter(pl.col("theme_id") == theme_id)
        fate = _status_of(mine, everything, threshold) if decided else _untraced(mine, everything, stages)
        rows.append({"theme_id": theme_id, **fate})
    frame = pl.DataFrame(rows, schema_overrides={"stages_reached": pl.List(pl.String())}, infer_schema_length=None)
    return conform(frame, "theme_status")


def _best(frame: pl.DataFrame) -> dict[str, Any] | None:
    if frame.is_empty():
        return None
    return frame.sort(["confidence", "score"], descending=True, nulls_last=True).row(0, named=True)


def _status_of(mine: pl.DataFrame, everything: pl.DataFrame, threshold: float) -> dict[str, Any]:
    decision = mine.filter(pl.col("stage") == "decision")
    agrees = _best(decision.filter(pl.col("agreement") == "agrees"))
    against = _best(decision.filter(pl.col("agreement") == "contrary"))
    refused = _best(decision.filter(pl.col("agreement") == "not adopted"))
    noted = _best(decision.filter(pl.col("agreement") == "notes"))
    options = _best(mine.filter(pl.col("stage") == "options"))
    deciding: dict[str, Any] | None
    if against and (agrees is None or _strength(against) >= _strength(agrees)):
        status, deciding = "contrary", against
    elif agrees and (against or refused):
        status, deciding = "adopted in part", agrees
    elif agrees:
        status, deciding = "adopted", agrees
    elif refused or noted or options:
        status, deciding = "considered", refused or noted or options
    else:
        status, deciding = "not taken up", None
    if deciding is None:
        best = float(everything["score"].fill_null(0.0).max() or 0.0)  # type: ignore[arg-type]
        # Nothing found is weak evidence that nothing is there: never more sure than a coin toss.
        confidence = min(NO_EVIDENCE_CONFIDENCE, 1.0 - semantic_confidence(best, threshold))
    else:
        confidence = float(deciding["confidence"] or 0.5)
        confidence *= CONTRARY_DISCOUNT if status == "contrary" else 1.0
    return {
        "status": status,
        "confidence": round(confidence, 3),
        "stance": _stance(everything),
        "stages_reached": _reached(mine),
        "options_score": options["score"] if options else None,
        "options_passage_id": options["passage_id"] if options else None,
        "decision_score": deciding["score"] if deciding and deciding["stage"] == "decision" else None,
        "decision_passage_id": deciding["passage_id"] if deciding and deciding["stage"] == "decision" else None,
        "reason": _reason(status, deciding),
    }


def _untraced(mine: pl.DataFrame, everything: pl.DataFrame, stages: Collection[str]) -> dict[str, Any]:
    """No verdict (no decision given): the options link, if any, and why there is no outcome."""
    options = _best(mine.filter(pl.col("stage") == "options"))
    if "options" not in stages:
        reason = STATUS_REASONS[NOT_TRACED]
    elif options is None:
        reason = f"{_NO_OUTCOME}; no options passage addresses it"
    else:
        reason = f"{_NO_OUTCOME}; it reached the options{_quoted(options)}"
    return {
        "status": NOT_TRACED,
        "confidence": None,
        "stance": _stance(everything),
        "stages_reached": _reached(mine),
        "options_score": options["score"] if options else None,
        "options_passage_id": options["passage_id"] if options else None,
        "decision_score": None,
        "decision_passage_id": None,
        "reason": reason,
    }


def _reached(mine: pl.DataFrame) -> list[str]:
    """The stages where a counted link addresses the theme, in policy-cycle order (problem always)."""
    found = set(mine["stage"].to_list())
    return ["problem", *(s for s in STAGE_ORDER if s != "problem" and s in found)]


def _stance(links: pl.DataFrame) -> str | None:
    """What the theme asks, as judged when linking (unknown for a theme nothing came near)."""
    if links.is_empty():
        return None
    return "opposes a change" if links["theme_opposes_change"].any() else "asks for action"


def _strength(link: dict[str, Any]) -> float:
    return float(link["confidence"] or 0.0)


def _reason(status: str, link: dict[str, Any] | None) -> str:
    return STATUS_REASONS[status] + (_quoted(link) if link is not None else "")


def _quoted(link: dict[str, Any]) -> str:
    """``: <stage> <role> <action> “<text>” (<how it was found>)`` for a reason."""
    snippet = str(link["text"])
    snippet = snippet if len(snippet) <= 90 else snippet[:88].rsplit(" ", 1)[0] + "…"
    where = f"{link['stage']} {link['role']}"
    how = "confirmed by a reviewer" if link.get("review") == "confirmed" else str(link["method"]).replace("+", ", ")
    return f": {where} {link['action']} “{snippet}” ({how})"


def status_counts(status: pl.DataFrame) -> dict[str, int]:
    """Themes per status, in the order of ``STATUSES``.

    The verdicts (zeros included) when the themes were traced to a decision; ``not traced``
    alone (and any verdict some theme still has) when they were not.
    """
    found = dict(status.group_by("status").len().iter_rows())
    untraced = bool(found.get(NOT_TRACED))
    return {s: int(found.get(s, 0)) for s in STATUSES if (s == NOT_TRACED) == untraced or found.get(s)}
