"""Which language each response is in, without guessing on texts too short to tell.

``with_language``: ``responses`` → ``responses`` with ``language`` (ISO 639-1). A text is given
the language the identifier names only when it is long enough (``CONFIDENT_WORDS``) and the
identifier is sure of it (probability ≥ ``CONFIDENT``); every other text — "Nature, New, For
all", "more buses please" — takes the consultation's main language, the most common language
among the texts it was sure of (or ``default`` when it was sure of none). The identifier chooses
among ``CANDIDATES``, the languages consultations are written in, so that three English words are
never called Nigerian Pidgin or Faroese. Empty texts are ``und``.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import polars as pl
from py3langid.langid import MODEL_FILE, LanguageIdentifier

CONFIDENT_WORDS = 8
CONFIDENT = 0.9
# Official languages of Europe and the Americas plus the most spoken ones elsewhere.
CANDIDATES = [
    "ar",
    "bg",
    "bn",
    "ca",
    "cs",
    "cy",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "eu",
    "fa",
    "fi",
    "fr",
    "ga",
    "gl",
    "he",
    "hi",
    "hr",
    "hu",
    "id",
    "it",
    "ja",
    "ko",
    "lt",
    "lv",
    "mt",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "ru",
    "sk",
    "sl",
    "sr",
    "sv",
    "sw",
    "ta",
    "th",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh",
]
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_WORDS = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")


def word_count(text: str) -> int:
    """Words of a text, counting each Chinese, Japanese or Korean character as one."""
    return len(_WORDS.findall(text))


@cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(CANDIDATES)
    return identifier


def detected(text: str) -> tuple[str, float]:
    """The identifier's language for ``text`` and its probability (``und``, 0 for a blank text)."""
    if not text.strip():
        return "und", 0.0
    lang, probability = _identifier().classify(text)
    return str(lang), float(probability)


def is_confident(text: str, probability: float) -> bool:
    """Whether a detection is trusted: a long enough text and a sure identifier."""
    return word_count(text) >= CONFIDENT_WORDS and probability >= CONFIDENT


def main_language(found: list[tuple[str, float]], texts: list[str], default: str) -> str:
    """The most common confidently detected language, else ``default``."""
    sure = Counter(lang for (lang, p), text in zip(found, texts, strict=True) if is_confident(text, p))
    return sure.most_common(1)[0][0] if sure else default


def languages_of(texts: list[str], default: str = "en") -> list[str]:
    """Each text's language: the confident detection, else the texts' main language."""
    found = [detected(text) for text in texts]
    main = main_language(found, texts, default)
    return [
        "und" if not text.strip() else lang if is_confident(text, p) else main
        for (lang, p), text in zip(found, texts, strict=True)
    ]


def with_language(responses: pl.DataFrame, default: str = "en") -> pl.DataFrame:
    """``responses`` with ``language`` filled from ``text`` (see the module docstring)."""
    texts = responses["text"].fill_null("").to_list()
    return responses.with_columns(pl.Series("language", languages_of(texts, default), dtype=pl.String()))


def in_languages(passages: pl.DataFrame, responses: pl.DataFrame, languages: tuple[str, ...]) -> pl.Series:
    """Which public passages are in a language the themes are found in (or too short to tell)."""
    language = responses.select("response_id", "language")
    joined = passages.select("response_id").join(language, on="response_id", how="left", maintain_order="left")
    return joined["language"].is_in([*languages, "und"])


def unthemed_by_language(passages: pl.DataFrame, responses: pl.DataFrame, languages: tuple[str, ...]) -> dict[str, int]:
    """Responses left out of the themes because of their language: how many, per language, largest first."""
    language = responses.select("response_id", "language")
    left = (
        passages.filter(~in_languages(passages, responses, languages))
        .select("response_id")
        .unique()
        .join(language, on="response_id", how="left")
    )
    counts = left.group_by("language").len().sort(["len", "language"], descending=[True, False])
    return {str(k): int(v) for k, v in counts.iter_rows()}
