"""Personal data out of everything derived from the public's words, before anything is written.

Inputs: ``responses`` and ``answers`` (after cleaning) and a ``Redact`` implementation (the
Presidio-based one lives in ``models.pii``). Output: the same frames with free text redacted to
typed placeholders, attribute values redacted with patterns only (a ward name must not be taken
for a person), public speakers' names replaced by pseudonyms ("Member of the public 3"), and the
counts of what was redacted by entity type. Officials' names (chair, officer, councillor) and
public documents are left as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol

import polars as pl

from pipeline.schema import ATTRIBUTE_PREFIX

OFFICIAL_ROLES = ("chair", "officer", "councillor")


class Redact(Protocol):
    """Anything that redacts many texts and counts what it removed."""

    def redact_all(
        self, texts: Iterable[str | None], *, patterns_only: bool = False
    ) -> tuple[list[str | None], Counter[str]]:
        """Redacted texts (None stays None) and counts by entity type."""
        ...


def public_vocabulary(documents: pl.DataFrame) -> tuple[str, ...]:
    """Capitalised words and phrases (up to three words) of the consultation's public documents.

    Names of places, streets, schools and officials that the council itself publishes are not
    personal data here; they join the allow-list so that "Chapel Lane" in a response stays.
    """
    found: set[str] = set()
    for text in documents["text"].to_list() + documents["heading"].drop_nulls().to_list():
        words = [w.strip('.,;:()"!?') for w in text.split()]
        for i in range(len(words)):
            for n in (1, 2, 3):
                phrase = words[i : i + n]
                if len(phrase) == n and all(w[:1].isupper() and w[1:2].islower() for w in phrase):
                    found.add(" ".join(phrase))
    return tuple(sorted(found))


def pseudonymised_speakers(responses: pl.DataFrame) -> pl.DataFrame:
    """Public speakers renamed "Member of the public N" (by first appearance); officials kept."""
    public = responses.filter(pl.col("speaker").is_not_null() & ~pl.col("speaker_role").is_in(OFFICIAL_ROLES))
    names = public["speaker"].unique(maintain_order=True).to_list()
    aliases = {name: f"Member of the public {i}" for i, name in enumerate(names, start=1)}
    renamed = pl.col("speaker").replace(aliases)
    return responses.with_columns(
        speaker=renamed,
        respondent_id=pl.when(pl.col("speaker").is_in(names))
        .then(pl.format("{}:{}", "source_id", renamed))
        .otherwise("respondent_id"),
    )


def redact_frames(
    responses: pl.DataFrame, answers: pl.DataFrame, redactor: Redact
) -> tuple[pl.DataFrame, pl.DataFrame, Counter[str]]:
    """``responses`` and ``answers`` with personal data replaced, and counts by entity type.

    The counts are of redactions in the responses' text and attributes (answers repeat that text).
    """
    response_text, counts = redactor.redact_all(responses["text"].to_list())
    answer_text, _ = redactor.redact_all(answers["text"].to_list())
    columns = {"text": pl.Series(response_text, dtype=pl.String())}
    for name in (c for c in responses.columns if c.startswith(ATTRIBUTE_PREFIX)):
        values, found = redactor.redact_all(responses[name].cast(pl.String()).to_list(), patterns_only=True)
        columns[name] = pl.Series(values, dtype=pl.String())
        counts.update(found)
    redacted = pseudonymised_speakers(responses.with_columns(**columns))
    return redacted, answers.with_columns(text=pl.Series(answer_text, dtype=pl.String())), counts
