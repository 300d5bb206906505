"""Scoring personal-data detection against a set of sentences with planted spans.

A planted span is *found* when at least ``COVERAGE`` of its characters fall inside detected spans
(of any type: an email caught as a name is still redacted). Over-redaction is measured on
ordinary words: whitespace-separated words outside every planted span, counted as redacted when
any of their characters is detected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

COVERAGE = 0.8
Span = tuple[int, int]


@dataclass(frozen=True)
class PrivacyScore:
    """Recall per type and the share of ordinary words redacted."""

    planted: dict[str, int]
    found: dict[str, int]
    ordinary_words: int
    ordinary_redacted: int

    def recall(self, kind: str) -> float:
        """Share of planted spans of ``kind`` that were found."""
        return self.found.get(kind, 0) / self.planted[kind] if self.planted.get(kind) else 0.0

    @property
    def over_redaction(self) -> float:
        """Share of ordinary words redacted."""
        return self.ordinary_redacted / self.ordinary_words if self.ordinary_words else 0.0


def _covered(span: Span, detected: set[int]) -> float:
    start, end = span
    return sum(i in detected for i in range(start, end)) / max(1, end - start)


def _words(text: str) -> Iterable[Span]:
    start = None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                yield start, i
                start = None
        elif start is None:
            start = i


def score_detection(records: Sequence[Mapping[str, object]], detect: Callable[[str], list[Span]]) -> PrivacyScore:
    """Score ``detect`` (text → detected character spans) on records with planted ``spans``."""
    planted: Counter[str] = Counter()
    found: Counter[str] = Counter()
    words = redacted = 0
    for record in records:
        text = str(record["text"])
        spans = [(int(s["start"]), int(s["end"]), str(s["type"])) for s in record["spans"]]  # type: ignore[attr-defined]
        detected = {i for start, end in detect(text) for i in range(start, end)}
        for start, end, kind in spans:
            planted[kind] += 1
            found[kind] += _covered((start, end), detected) >= COVERAGE
        inside = {i for start, end, _ in spans for i in range(start, end)}
        for start, end in _words(text):
            if not inside & set(range(start, end)):
                words += 1
                redacted += bool(detected & set(range(start, end)))
    return PrivacyScore(dict(planted), dict(found), words, redacted)


# What the redactor's entity types are called in the hand-labelled real-text set.
LABEL_OF = {
    "PERSON": "NAME",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "STREET_ADDRESS": "ADDRESS",
    "UK_POSTCODE": "ADDRESS",
    "URL": "URL",
}
Typed = tuple[int, int, str]


@dataclass(frozen=True)
class SpanScore:
    """Precision and recall per type of detected spans against hand-labelled ones.

    A detected span is right when it overlaps a labelled span; a labelled span is found when at
    least ``COVERAGE`` of its characters are detected (of any type). ``wrong`` keeps the texts of
    the detected spans that were not personal data, to be looked at.
    """

    labelled: dict[str, int]
    found: dict[str, int]
    detected: dict[str, int]
    right: dict[str, int]
    wrong: list[tuple[str, str, str]]

    def precision(self, kind: str) -> float | None:
        """Share of detected spans of ``kind`` that were personal data (None if none detected)."""
        return self.right.get(kind, 0) / self.detected[kind] if self.detected.get(kind) else None

    def recall(self, kind: str) -> float | None:
        """Share of labelled spans of ``kind`` found (None if none labelled)."""
        return self.found.get(kind, 0) / self.labelled[kind] if self.labelled.get(kind) else None


def score_spans(items: Sequence[tuple[str, str, list[Typed]]], detect: Callable[[str, str], list[Typed]]) -> SpanScore:
    """Score ``detect`` ((id, text) → typed spans) on (id, text, labelled spans) items."""
    labelled: Counter[str] = Counter()
    found: Counter[str] = Counter()
    detected: Counter[str] = Counter()
    right: Counter[str] = Counter()
    wrong: list[tuple[str, str, str]] = []
    for item_id, text, gold in items:
        spans = detect(item_id, text)
        covered = {i for start, end, _ in spans for i in range(start, end)}
        for start, end, kind in gold:
            labelled[kind] += 1
            found[kind] += _covered((start, end), covered) >= COVERAGE
        for start, end, kind in spans:
            detected[kind] += 1
            if any(start < g_end and g_start < end for g_start, g_end, _ in gold):
                right[kind] += 1
            else:
                wrong.append((item_id, kind, text[start:end]))
    return SpanScore(dict(labelled), dict(found), dict(detected), dict(right), wrong)
