"""The canonical tables of a run and their columns, declared once.

Every table a run writes is listed in ``TABLES`` with its columns in order. ``conform`` selects
and casts a frame to its table's schema so that a missing or mistyped column fails loudly at the
step that produced it, not in the dashboard. ``responses`` may also carry respondent attribute
columns named ``attr_<name>`` (they differ per consultation).
"""

from __future__ import annotations

from typing import Final

import polars as pl

ATTRIBUTE_PREFIX: Final = "attr_"
PUBLIC_KINDS: Final = ("answer", "turn")  # passage kinds written by the public (the rest are documents)

TABLES: Final[dict[str, dict[str, pl.DataType]]] = {
    "sources": {
        "source_id": pl.String(),
        "path": pl.String(),
        "kind": pl.String(),
        "stage": pl.String(),
        "format": pl.String(),
        "sha256": pl.String(),
        "rows_read": pl.Int64(),
        "rows_analysed": pl.Int64(),
        "rows_rejected": pl.Int64(),
        "rows_merged": pl.Int64(),
    },
    "responses": {
        "response_id": pl.String(),
        "source_id": pl.String(),
        "channel": pl.String(),
        "respondent_id": pl.String(),
        "speaker": pl.String(),
        "speaker_role": pl.String(),
        "submitted": pl.String(),
        "start_s": pl.Float64(),
        "end_s": pl.Float64(),
        "language": pl.String(),
        "weight": pl.Int64(),
        "flag": pl.String(),
        "campaign_id": pl.String(),
        "text": pl.String(),
    },
    "campaigns": {
        "campaign_id": pl.String(),
        "kind": pl.String(),
        "canonical_response_id": pl.String(),
        "canonical_text": pl.String(),
        "n_members": pl.Int64(),
        "represented": pl.Int64(),
        "member_ids": pl.List(pl.String()),
        "first_seen": pl.String(),
        "last_seen": pl.String(),
    },
    "passages": {
        "passage_id": pl.String(),
        "source_id": pl.String(),
        "stage": pl.String(),
        "kind": pl.String(),
        "response_id": pl.String(),
        "question": pl.String(),
        "heading": pl.String(),
        "role": pl.String(),
        "position": pl.Int64(),
        "text": pl.String(),
    },
    "themes": {
        "theme_id": pl.String(),
        "label": pl.String(),
        "keywords": pl.List(pl.String()),
        "n_respondents": pl.Int64(),
        "n_represented": pl.Int64(),
        "share": pl.Float64(),
        "n_passages": pl.Int64(),
        "origin": pl.String(),
        "parent_id": pl.String(),
        "sentiment": pl.Float64(),
        "share_negative": pl.Float64(),
        "question": pl.String(),
    },
    "set_aside": {
        "passage_id": pl.String(),
        "response_id": pl.String(),
        "question": pl.String(),
        "category": pl.String(),
    },
    "theme_groups": {
        "parent_id": pl.String(),
        "label": pl.String(),
        "keywords": pl.List(pl.String()),
        "theme_ids": pl.List(pl.String()),
        "n_respondents": pl.Int64(),
        "n_represented": pl.Int64(),
        "share": pl.Float64(),
        "n_passages": pl.Int64(),
    },
    "breakdowns": {
        "theme_id": pl.String(),
        "attribute": pl.String(),
        "value": pl.String(),
        "n_group": pl.Int64(),
        "n_theme": pl.Int64(),
        "share": pl.Float64(),
        "overall_share": pl.Float64(),
        "lift": pl.Float64(),
        "expected": pl.Float64(),
        "suppressed": pl.Boolean(),
        "chi2": pl.Float64(),
        "p_value": pl.Float64(),
        "sentiment": pl.Float64(),
        "share_negative": pl.Float64(),
    },
    "tone": {
        "passage_id": pl.String(),
        "sentiment": pl.Float64(),
        "method": pl.String(),
    },
    "quotes": {
        "theme_id": pl.String(),
        "rank": pl.Int64(),
        "passage_id": pl.String(),
        "response_id": pl.String(),
        "text": pl.String(),
    },
    "assignments": {
        "passage_id": pl.String(),
        "response_id": pl.String(),
        "theme_id": pl.String(),
        "score": pl.Float64(),
    },
    "links": {
        "theme_id": pl.String(),
        "stage": pl.String(),
        "passage_id": pl.String(),
        "source_id": pl.String(),
        "heading": pl.String(),
        "role": pl.String(),
        "text": pl.String(),
        "linked": pl.Boolean(),
        "method": pl.String(),
        "score": pl.Float64(),
        "confidence": pl.Float64(),
        "carryover_words": pl.Int64(),
        "carryover_respondents": pl.Int64(),
        "public_span": pl.String(),
        "doc_span": pl.String(),
        "reference": pl.String(),
        "action": pl.String(),
        "agreement": pl.String(),
        "theme_opposes_change": pl.Boolean(),
        "evidence_passage_id": pl.String(),
        "evidence_response_id": pl.String(),
        "evidence_text": pl.String(),
        "review": pl.String(),
    },
    "theme_status": {
        "theme_id": pl.String(),
        "status": pl.String(),
        "confidence": pl.Float64(),
        "stance": pl.String(),
        "stages_reached": pl.List(pl.String()),
        "options_score": pl.Float64(),
        "decision_score": pl.Float64(),
        "options_passage_id": pl.String(),
        "decision_passage_id": pl.String(),
        "reason": pl.String(),
    },
    "decision_rows": {
        "source_id": pl.String(),
        "row": pl.Int64(),
        "passage_id": pl.String(),
        "option": pl.String(),
        "title": pl.String(),
        "outcome": pl.String(),
        "reason": pl.String(),
    },
    "options": {
        "option_id": pl.String(),
        "source_id": pl.String(),
        "number": pl.String(),
        "title": pl.String(),
        "text": pl.String(),
        "passage_ids": pl.List(pl.String()),
        "origin": pl.String(),
    },
    "passage_options": {
        "passage_id": pl.String(),
        "response_id": pl.String(),
        "option_id": pl.String(),
        "method": pl.String(),
        "score": pl.Float64(),
    },
    "response_options": {
        "response_id": pl.String(),
        "option_id": pl.String(),
        "method": pl.String(),
        "score": pl.Float64(),
        "passage_id": pl.String(),
        "evidence": pl.String(),
        "stance": pl.String(),
    },
    "option_outcomes": {
        "option_id": pl.String(),
        "outcome": pl.String(),
        "passage_id": pl.String(),
        "evidence": pl.String(),
        "method": pl.String(),
        "reason": pl.String(),
        "reason_passage_id": pl.String(),
    },
    "theme_options": {
        "theme_id": pl.String(),
        "option_id": pl.String(),
        "n_respondents": pl.Int64(),
        "share": pl.Float64(),
        "n_opposing": pl.Int64(),
        "evidence": pl.Float64(),
        "n_supporting": pl.Int64(),
    },
    "responsiveness": {
        "attribute": pl.String(),
        "value": pl.String(),
        "n_respondents": pl.Int64(),
        "n_reached": pl.Int64(),
        "share_reached": pl.Float64(),
        "n_not_taken_up": pl.Int64(),
        "suppressed": pl.Boolean(),
    },
    "rejects": {
        "source_id": pl.String(),
        "path": pl.String(),
        "row": pl.Int64(),
        "column": pl.String(),
        "record_id": pl.String(),
        "reason": pl.String(),
    },
}

# Fates of a theme, best first; "considered" reads "considered, not adopted" (see STATUS_LABELS).
# "not traced" is no verdict: the consultation has no decision (or no options and no decision).
NOT_TRACED: Final = "not traced"
STATUSES: Final = ("adopted", "adopted in part", "considered", "not taken up", "contrary", NOT_TRACED)
STATUS_LABELS: Final = {
    "adopted": "Adopted",
    "adopted in part": "Adopted in part",
    "considered": "Considered, not adopted",
    "not taken up": "Not taken up",
    "contrary": "Contrary to the decision",
    NOT_TRACED: "Not traced",
}
REACHED: Final = ("adopted", "adopted in part")  # statuses that count as reaching the decision
NOT_STATED: Final = "Not stated"  # the group of respondents with a blank or missing attribute


def answering(responses: pl.DataFrame, passages: pl.DataFrame) -> pl.DataFrame:
    """The responses with at least one public passage (an answer or a turn): the respondents counted."""
    public = passages.filter(pl.col("kind").is_in(PUBLIC_KINDS)).select("response_id").unique()
    return responses.join(public, on="response_id")


def respondent_of(responses: pl.DataFrame) -> dict[str, str]:
    """Response → the respondent who gave it (the response itself when no respondent is recorded)."""
    if responses.is_empty():
        return {}
    ids = responses["respondent_id"].fill_null(responses["response_id"])
    return dict(zip(responses["response_id"], ids, strict=True))


def grouping_columns(frame: pl.DataFrame) -> list[str]:
    """The columns respondents are grouped by: ``channel`` and every ``attr_*`` attribute."""
    return ["channel", *(c for c in frame.columns if c.startswith(ATTRIBUTE_PREFIX))]


def stated(column: str) -> pl.Expr:
    """An attribute as text, with a blank or missing value as ``NOT_STATED`` (so every respondent has a group)."""
    text = pl.col(column).cast(pl.String())
    blank = text.is_null() | (text.str.strip_chars() == "")
    return pl.when(blank).then(pl.lit(NOT_STATED)).otherwise(text).alias(column)


def empty(table: str) -> pl.DataFrame:
    """An empty frame with ``table``'s schema."""
    return pl.DataFrame(schema=TABLES[table])


def conform(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """``frame`` with exactly ``table``'s columns, in order and cast; attribute columns kept."""
    schema = TABLES[table]
    missing = [name for name in schema if name not in frame.columns]
    if missing:
        raise ValueError(f"table {table!r} is missing columns {missing}")
    extra = [c for c in frame.columns if table == "responses" and c.startswith(ATTRIBUTE_PREFIX)]
    return frame.select(
        *(pl.col(name).cast(dtype) for name, dtype in schema.items()),
        *(pl.col(c).cast(pl.String()) for c in extra),
    )


TABLE_DESCRIPTIONS: Final = {
    "sources": "Input files with their row accounting (read = analysed + rejected + merged).",
    "responses": "Survey responses and transcript turns (text redacted), with respondent attributes (attr_*).",
    "campaigns": "Groups of near-identical responses (campaigns, duplicates) and their representative.",
    "passages": "Units of analysis: answer passages, transcript turns and document sections.",
    "themes": "Themes of the public's passages: label, key phrases, size in respondents, share, tone.",
    "theme_groups": "Parent themes grouping related themes (across questions where they are the same concern).",
    "set_aside": (
        "Passages with nothing to theme (thanks, greetings, introductions, procedure, 'see attached', "
        "no comment, filler), with their category."
    ),
    "breakdowns": "Theme by respondent group: counts, share, lift, chi-square; small cells suppressed.",
    "tone": (
        "Each public passage's tone (−1 … 1): learnt from analysts' tone scores with the question where "
        "there are 20 or more ([[tone_examples]], review codes --tone), else VADER; method says which."
    ),
    "quotes": "Verbatim quotes chosen for each theme.",
    "assignments": "Which passages belong to which theme.",
    "links": "Theme to document passage links with evidence, method, scores and review state.",
    "theme_status": (
        "Each theme's fate in the decision (adopted, in part, considered, not taken up, contrary; "
        "not traced when no decision was given)."
    ),
    "decision_rows": (
        'The rows of decisions tables (kind = "decisions"): each names an option and gives the outcome and reason '
        "as written."
    ),
    "options": "The options the options documents put forward: id, number, title, text and their passages.",
    "passage_options": "Every public passage → option link (method: mention, words, meaning) with its score.",
    "response_options": (
        "Which options each response addresses, with its strongest evidence (column, mention, words, meaning)."
    ),
    "option_outcomes": (
        "What the decision did with each option (approved, approved with changes, rejected, deferred, "
        "not mentioned), the deciding passage and the stated reason."
    ),
    "theme_options": "Theme by option: respondents of the theme who addressed the option, their share, how many opposed it.",
    "responsiveness": "Share of respondents whose themes reached the decision, overall and by group.",
    "rejects": "Input rows not analysed, with the reason, file, row and column.",
}
