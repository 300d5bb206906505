"""Sentence sentiment with VADER: a lexicon and rules, offline, deterministic and fast.

VADER (Hutto & Gilbert, 2014) scores a text from a human-rated lexicon of ~7,500 words and
emoticons with rules for negation ("not good"), intensifiers ("very"), capitals and "but". The
``compound`` score runs from -1 (most negative) to +1; |score| < 0.05 is neutral. It reads tone,
not stance: "I oppose the bus gate" is neutral to it. See docs/THEMES.md for how it is used and
how it agrees with the NHS comments' human criticality codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

NEUTRAL_BAND = 0.05


@cache
def _analyser() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def sentiment_scores(texts: Sequence[str]) -> list[float]:
    """VADER compound score of each text, from -1 to 1."""
    analyser = _analyser()
    return [float(analyser.polarity_scores(text)["compound"]) for text in texts]


def word_valence(word: str) -> float:
    """A lower-case word's rating in VADER's lexicon, -4 … 4 (0 for a word it does not rate)."""
    return float(_analyser().lexicon.get(word, 0.0))
