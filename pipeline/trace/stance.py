"""The public's stance on an option from a closed survey question about it.

A responses source names its closed questions and the option each is about
(``[sources.stance] "Should the orchard be funded?" = "Project 4"``). Each answer is read as a
stance — *for*, *against* or *neutral* — from its words (English and Spanish: "Strongly
support", "Agree", "Yes", "Oppose", "No", "Neither", "Don't know", "A favor", "En contra") or a
five-point number (1–2 against, 3 neutral, 4–5 for). An answer with none of these has no stance.

The stance is the respondent's, not a topic: answering a question about Option 4 does not make
every theme of theirs "about" Option 4. It says what they thought of an option where they
addressed it (``response_options.stance``; ``theme_options.n_supporting`` / ``n_opposing``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import polars as pl

from pipeline.trace.attribution import Option, option_finder
from pipeline.trace.signals import fold

FOR, AGAINST, NEUTRAL = "for", "against", "neutral"
# Tried in this order: "strongly disagree" is against before "agree" could make it for.
_WORDS = (
    (NEUTRAL, r"neither|neutral|not sure|unsure|don'?t know|no opinion|ni de acuerdo|indiferente|no sabe|ns/nc"),
    (AGAINST, r"disagree|oppose|against|object|reject|\bno\b|en contra|desacuerdo|rechaz"),
    (FOR, r"agree|support|in favou?r|\byes\b|approve|\bfor\b|a favor|de acuerdo|\bsi\b|apoy"),
)


def stance_of(answer: str | None) -> str | None:
    """An answer's stance: ``for``, ``against``, ``neutral`` or None when it says none."""
    text = fold(str(answer or "")).strip()
    if not text:
        return None
    if re.fullmatch(r"[1-5](\.0)?", text):
        value = int(text[0])
        return AGAINST if value <= 2 else NEUTRAL if value == 3 else FOR
    for stance, pattern in _WORDS:
        if re.search(pattern, text):
            return stance
    return None


def closed_stances(
    responses: pl.DataFrame, questions: Mapping[str, str], options: Sequence[Option]
) -> tuple[dict[tuple[str, str], str], list[str]]:
    """(response, option) → stance from the closed questions (column → the option it asks about).

    Also the questions whose option names none of the options, or whose column is not in the run.
    """
    find = option_finder(options)
    found: dict[tuple[str, str], str] = {}
    unknown: list[str] = []
    for column, reference in questions.items():
        option = find(reference)
        if option is None or column not in responses.columns:
            unknown.append(column)
            continue
        rows = responses.select("response_id", pl.col(column).cast(pl.String)).drop_nulls()
        for response, answer in rows.iter_rows():
            stance = stance_of(answer)
            if stance is not None:
                found[(response, option)] = stance
    return found, unknown
