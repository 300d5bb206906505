"""Personal data out of everything derived from the public's words, before anything is written.

Inputs: ``responses`` (after cleaning, with ``language``) and ``answers`` and a ``Redact`` implementation (the
Presidio-based one lives in ``models.pii``). Output: the same frames with free text redacted to
typed placeholders, attribute values redacted with patterns only (a ward name must not be taken
for a person), public speakers' names replaced by pseudonyms ("Member of the public 3"), and the
counts of what was redacted by entity type. Officials' names (chair, officer, councillor) and
public documents are left as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

import polars as pl

from pipeline.schema import ATTRIBUTE_PREFIX

OFFICIAL_ROLES = ("chair", "officer", "councillor")


class Redact(Protocol):
    """Anything that redacts many texts and counts what it removed in each."""

    def redact_each(
        self,
        texts: Iterable[str | None],
        *,
        patterns_only: bool = False,
        languages: Iterable[str] | None = None,
    ) -> list[tuple[str | None, Counter[str]]]:
        """Per text: the redacted text (None stays None) and its counts by entity type."""
        ...


_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W\d_]")
FREQUENT_SHARE = 0.002
FREQUENT_MIN = 10  # a name said in a few meeting turns ("Thank you, Maria.") stays a name


def consultation_vocabulary(texts: Iterable[str | None]) -> tuple[str, ...]:
    """The consultation's own ordinary words, which alone are never taken for a person's name.

    Words its texts use in lower case at least twice ("housing", "llamas"), and capitalised words
    that recur across many texts (in at least ``FREQUENT_SHARE`` of them, and ``FREQUENT_MIN``):
    the places, programmes and organisations everyone mentions ("Brooklyn", "Medicare", "City of
    Yes"). A member of the public's name is in one response, or a few; a title or "my name is"
    before it still marks it.
    """
    lower: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    n = 0
    for text in texts:
        if not text:
            continue
        n += 1
        words = _WORD.findall(text)
        lower.update(w for w in words if w.islower())
        capitalised.update({w for w in words[1:] if w[:1].isupper() and not w.isupper()})
    floor = max(FREQUENT_MIN, int(FREQUENT_SHARE * n))
    frequent = {w for w, c in lower.items() if c >= 2 and len(w) > 2}
    frequent |= {w for w, c in capitalised.items() if c >= floor}
    return tuple(sorted(frequent))


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

    A response's text is usually its answers joined by blank lines (a survey row; a meeting turn
    is its one answer): those responses are rebuilt from their redacted answers, so each piece of
    text goes through the language model once. Other responses (officials' turns, texts that
    differ) are redacted on their own. The counts are of the responses' text and attributes.
    """
    known = "language" in responses.columns  # without it every text goes through the name finder
    # a language not yet identified (null) is "und": the name finder reads it
    spoken = responses["language"].fill_null("und") if known else None
    language = dict(zip(responses["response_id"], spoken, strict=True)) if spoken is not None else {}
    done = redactor.redact_each(
        answers["text"].to_list(), languages=[language.get(r, "und") for r in answers["response_id"]] if known else None
    )
    answer_text = [text for text, _ in done]
    composed = _composed(responses, answers, done)
    alone = responses.filter(~pl.col("response_id").is_in(list(composed)))
    alone_done = redactor.redact_each(
        alone["text"].to_list(), languages=alone["language"].fill_null("und").to_list() if known else None
    )
    composed.update(zip(alone["response_id"], alone_done, strict=True))
    counts: Counter[str] = Counter()
    for _, found in composed.values():
        counts.update(found)
    columns = {"text": pl.Series([composed[r][0] for r in responses["response_id"]], dtype=pl.String())}
    for name in (c for c in responses.columns if c.startswith(ATTRIBUTE_PREFIX)):
        values = redactor.redact_each(responses[name].cast(pl.String()).to_list(), patterns_only=True)
        columns[name] = pl.Series([text for text, _ in values], dtype=pl.String())
        for _, found in values:
            counts.update(found)
    redacted = pseudonymised_speakers(responses.with_columns(**columns))
    return redacted, answers.with_columns(text=pl.Series(answer_text, dtype=pl.String())), counts


def _composed(
    responses: pl.DataFrame, answers: pl.DataFrame, done: list[tuple[str | None, Counter[str]]]
) -> dict[str, tuple[str | None, Counter[str]]]:
    """Redacted text and counts of each response whose text is exactly its answers, in order."""
    pieces: dict[str, list[tuple[str, tuple[str | None, Counter[str]]]]] = {}
    for response_id, text, result in zip(answers["response_id"], answers["text"], done, strict=True):
        pieces.setdefault(response_id, []).append((text, result))
    out: dict[str, tuple[str | None, Counter[str]]] = {}
    for response_id, text in zip(responses["response_id"], responses["text"], strict=True):
        parts = pieces.get(response_id)
        if not parts or text != "\n\n".join(original for original, _ in parts):
            continue
        counts: Counter[str] = Counter()
        for _, (_, found) in parts:
            counts.update(found)
        out[response_id] = ("\n\n".join(str(redacted) for _, (redacted, _) in parts), counts)
    return out
