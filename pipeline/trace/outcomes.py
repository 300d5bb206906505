"""What the decision did with each option: approved, approved with changes, rejected, deferred, not mentioned.

Each option's outcome is read from the passages of the decision documents that address it, with
the deciding passage and the stated reason kept beside it (table ``option_outcomes``):

- a passage *addresses* an option when it names it ("Option 4 was not taken forward…", the
  option's acronym or title) or, for the deciding passages (resolutions and recommendations) and
  the reasons, when ``attribution`` links it to that option by its words or meaning;
- what the passage does with it comes from its wording and role (``trace_signals.action``):
  "rejected", "not taken forward", "declined" reject — and defer when they say "at this time",
  "deferred", "kept under review", "next year"; a resolution that approves approves — "with
  changes" when it says "subject to", "amended", "reduced", "in part"; a resolution that keeps
  things as they are ("will remain open") rejects the option that would change them;
- a named option outranks one found by words, and that one one found by meaning; between
  passages of the same strength, a deciding passage outranks a reason, and a reason anything else;
- the reason is the clause after "because", "as", "following", "due to" or "since" in the deciding
  passage, else a reason passage ("Reasons for the decision") about the same option.

A decision *table* (one row per option, with its outcome and reason: a participatory budget's
minutes) is read by :func:`outcomes_from_table`. An option no decision passage addresses is "not
mentioned" — no outcome, never a rejection.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import polars as pl

from pipeline.schema import TABLES
from pipeline.trace.attribution import Option, mention_patterns, mentions, numbered_options, option_finder
from pipeline.trace.signals import DECIDING_ROLES, action, fold, option_numbers

OUTCOMES = ("approved", "approved with changes", "rejected", "deferred", "not mentioned")
NOT_MENTIONED = "not mentioned"
_DEFERS = re.compile(
    r"\b(deferred|defer|postponed?|at\s+this\s+time|this\s+year|next\s+year|kept\s+under\s+review|"
    r"future\s+(?:year|phase|programme|budget)|later\s+date|reserva|aplazad[ao]s?|pendiente)\b",
    re.IGNORECASE,
)
_CHANGES = re.compile(
    r"\b(subject\s+to|amended|modified|with\s+(?:the\s+following\s+)?changes|reduced|scaled\s+back|in\s+part|"
    r"partially|except|excluding|but\s+not|con\s+cambios|parcialmente)\b",
    re.IGNORECASE,
)
_BECAUSE = re.compile(
    r"(?<!such )\b(because|as\s+(?=it|the|this|they|there)|following(?!\s+be\b)|due\s+to|since|given\s+that|owing\s+to|porque|ya\s+que|"
    r"debido\s+a)\b\s*(.*)",
    re.IGNORECASE | re.DOTALL,
)
OUTCOMES_SCHEMA = TABLES["option_outcomes"]


def outcome_of(text: str, role: str | None) -> str | None:
    """The outcome a decision passage gives the option it addresses (None: it only notes it)."""
    what = action(text, role)
    if what == "rejects":
        return "deferred" if _DEFERS.search(text) else "rejected"
    if what == "retains":
        return "rejected"
    if what == "approves":
        return "approved with changes" if _CHANGES.search(text) else "approved"
    return None


def reason_in(text: str) -> str | None:
    """The stated reason inside a passage: what follows "because", "following", "due to" …."""
    match = _BECAUSE.search(text)
    if not match or len(match.group(2).split()) < 3:
        return None
    return match.group(0).strip()


_STRENGTH = {"mention": 0, "words": 1, "meaning": 2}
# Where a passage that decides several options divides: "approved Option 2 and rejected Option 3".
_CLAUSES = re.compile(r"[.;]\s+|,\s*(?:and|but|while|whereas)\s+|\s+(?:and|but|while|whereas)\s+(?=\w+ed\b)", re.I)


_DECIDES = re.compile(r"\b(approv|fund|agree|adopt|accept|select|support|retain|remain|defer)\w*", re.I)


def clause_about(text: str, option: Option, pattern: re.Pattern[str] | None) -> str:
    """The clause of ``text`` that names ``option`` with its own verb, else the whole text.

    "Members approved Option 2 and rejected Option 3": for Option 3 the clause is "rejected Option
    3", so one passage can approve one option and reject another.
    """
    parts = [p for p in _CLAUSES.split(text) if p and p.strip()]
    if len(parts) < 2:
        return text
    for part in parts:
        numbers = option_numbers(part)
        if (option.number and option.number.isdigit() and int(option.number) in numbers) or (
            pattern is not None and (pattern.search(part) or pattern.search(fold(part)))
        ):
            return part if action(part, "resolution") == "rejects" or _DECIDES.search(part) else text
    return text


def _rank(method: str, role: str | None) -> tuple[int, int]:
    place = 0 if role in DECIDING_ROLES else 1 if role == "rationale" else 2
    return _STRENGTH.get(method, 3), place


def option_outcomes(
    decision: pl.DataFrame,
    options: Sequence[Option],
    linked: pl.DataFrame | None = None,
    title: str = "",
) -> pl.DataFrame:
    """The ``option_outcomes`` table from the decision passages (passage_id, role, text).

    ``linked`` is :func:`pipeline.trace.attribution.attribute` run over the decision passages
    (``response_id`` = the passage's id); without it only named options are found.
    """
    patterns = mention_patterns(options, title)
    numbered = numbered_options(options)
    role_of = dict(zip(decision["passage_id"], decision["role"], strict=True))
    text_of = dict(zip(decision["passage_id"], decision["text"], strict=True))
    found: dict[str, list[tuple[tuple[int, int], str, str]]] = {}
    for passage, text in text_of.items():
        for option in mentions(text, patterns, numbered):
            found.setdefault(option, []).append((_rank("mention", role_of[passage]), passage, "mention"))
    if linked is not None:
        for passage, option, method in linked.select("response_id", "option_id", "method").iter_rows():
            if role_of.get(passage) in (*DECIDING_ROLES, "rationale") and method in _STRENGTH:
                found.setdefault(option, []).append((_rank(method, role_of[passage]), passage, method))

    def said_of(option: Option, passage: str) -> str:
        """The part of a passage about ``option``: its clause when the passage decides several options."""
        return clause_about(text_of[passage], option, patterns.get(option.option_id))

    rows = []
    for o in options:
        candidates = sorted(found.get(o.option_id, []))
        decided = [(rank, p, m) for rank, p, m in candidates if outcome_of(said_of(o, p), role_of[p])]
        if not decided:
            rows.append(dict.fromkeys(OUTCOMES_SCHEMA) | {"option_id": o.option_id, "outcome": NOT_MENTIONED})
            continue
        _, passage, method = decided[0]
        reason = reason_in(text_of[passage])
        reason_passage = passage if reason else None
        if reason is None:
            because = next((p for _, p, _ in candidates if role_of[p] == "rationale" and p != passage), None)
            reason, reason_passage = (text_of[because], because) if because else (None, None)
        rows.append(
            {
                "option_id": o.option_id,
                "outcome": outcome_of(said_of(o, passage), role_of[passage]),
                "passage_id": passage,
                "evidence": text_of[passage],
                "method": method,
                "reason": reason,
                "reason_passage_id": reason_passage,
            }
        )
    return pl.DataFrame(rows, schema=OUTCOMES_SCHEMA) if rows else pl.DataFrame(schema=OUTCOMES_SCHEMA)


# Words a decision table uses for each outcome (English and Spanish; lower case, accents folded).
TABLE_WORDS: Mapping[str, tuple[str, ...]] = {
    "approved with changes": ("with changes", "amended", "con cambios", "parcial"),
    "approved": ("approved", "funded", "selected", "adopted", "agreed", "accepted", "yes", "seleccionad", "aprobad"),
    "deferred": ("deferred", "reserve", "reserva", "postponed", "aplazad", "pending", "pendiente"),
    "rejected": ("rejected", "not funded", "excluded", "declined", "no", "descartad", "rechazad", "excluid"),
    NOT_MENTIONED: ("not mentioned", "not found", "no detectad", "not detected"),
}


def table_outcome(value: str | None) -> str | None:
    """The outcome a decision table's cell says ("Seleccionada / ratificada por la mesa" → approved)."""
    if value is None or not str(value).strip():
        return None
    text = fold(str(value))
    for outcome in (NOT_MENTIONED, "approved with changes", "deferred", "rejected", "approved"):
        for word in TABLE_WORDS[outcome]:
            pattern = r"\bno\b" if word == "no" else rf"\b{re.escape(word)}"
            if re.search(pattern, text) and not (word == "no" and "no detectad" in text):
                return outcome
    return None


def outcomes_from_table(
    table: pl.DataFrame,
    options: Sequence[Option],
    id_column: str,
    outcome_column: str,
    reason_column: str | None,
    title_column: str | None = None,
    passage_column: str | None = None,
) -> pl.DataFrame:
    """``option_outcomes`` from a decision table: each row's option by its id (else title), outcome and reason.

    The first row naming an option decides it; the deciding passage is ``passage_column``'s value
    (the row's passage in a run) or ``row<N>``.
    """
    find = option_finder(options)
    rows: dict[str, dict[str, object]] = {}
    for i, row in enumerate(table.iter_rows(named=True)):
        option = find(str(row.get(id_column) or "")) or (
            find(str(row.get(title_column) or "")) if title_column else None
        )
        outcome = table_outcome(row.get(outcome_column))
        if option is None or outcome is None or option in rows:
            continue
        reason = row.get(reason_column) if reason_column else None
        passage = str(row[passage_column]) if passage_column and row.get(passage_column) else f"row{i + 1}"
        rows[option] = {
            "option_id": option,
            "outcome": outcome,
            "passage_id": passage,
            "evidence": str(row.get(outcome_column)),
            "method": "table",
            "reason": str(reason).strip() if reason and str(reason).strip() else None,
            "reason_passage_id": passage if reason else None,
        }
    out = [
        rows.get(o.option_id) or {**dict.fromkeys(OUTCOMES_SCHEMA), "option_id": o.option_id, "outcome": NOT_MENTIONED}
        for o in options
    ]
    return pl.DataFrame(out, schema=OUTCOMES_SCHEMA)


def with_table_outcomes(outcomes: pl.DataFrame, rows: pl.DataFrame, options: Sequence[Option]) -> pl.DataFrame:
    """``outcomes`` with every option a decisions-table row names decided by that row (``decision_rows``)."""
    if rows.is_empty():
        return outcomes
    table = outcomes_from_table(rows, options, "option", "outcome", "reason", "title", "passage_id")
    decided = table.filter(pl.col("method") == "table")
    return pl.concat([outcomes.filter(~pl.col("option_id").is_in(decided["option_id"].to_list())), decided]).sort(
        pl.col("option_id").replace_strict({o.option_id: i for i, o in enumerate(options)}, default=len(options))
    )
