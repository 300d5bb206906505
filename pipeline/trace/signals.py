"""The signals a trace link is built from, each usable and testable on its own.

- *Carry-over*: the public's wording reused in a document, found as in text-reuse detection:
  word-level local alignment (Smith–Waterman, Biopython's ``PairwiseAligner``) between a public
  passage and a document passage that share a content-word pair. An alignment counts when it
  matches at least ``min_words`` content words (stop words of the consultation's languages do not
  count), so "the first hour free" is found in "making the first hour of parking free".
- *References*: "Option 3", "Options 2, 6, 7 and 8" — the option numbers a passage names, and the
  option a section defines (its innermost heading).
- *Direction*: what a decision passage does with what it addresses (approves, rejects or
  defers, retains the status quo, or only notes it), and whether a public passage opposes a
  change ("don't close…", "keep…", "object to…"), judged from cue words.

Everything here is plain text processing: no model, same answer on every run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import numpy as np
from Bio import Align

_TOKEN = re.compile(r"\w+(?:['’]\w+)*")


def fold(text: str) -> str:
    """Lower-cased, accents removed, curly apostrophes straightened ("Déu" and "Deu" match)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Folded word tokens (apostrophes kept inside words)."""
    return _TOKEN.findall(fold(text))


@cache
def stop_words(languages: tuple[str, ...]) -> frozenset[str]:
    """Stop words (spaCy's lists) for each language it knows, English always included."""
    from spacy.util import get_lang_class  # spaCy's import is slow; only stop words need it

    words: set[str] = set()
    for language in sorted({"en", *languages}):
        try:
            words |= set(get_lang_class(language).Defaults.stop_words)
        except ImportError:
            continue
    return frozenset(fold(w) for w in words)


WHOLE = 0.8  # a short passage reused (nearly) whole counts even under min_words content words


@dataclass(frozen=True)
class Alignment:
    """One carried-over span: public passage ``public`` reused in document passage ``document``."""

    public: int
    document: int
    words: int  # content words matched
    public_span: str
    document_span: str


def _content(words: Sequence[str], stop: frozenset[str]) -> tuple[list[str], list[int]]:
    """The content words of a token list and their positions in it."""
    kept = [(w, i) for i, w in enumerate(words) if w not in stop]
    return [w for w, _ in kept], [i for _, i in kept]


def _pairs(content: Sequence[str]) -> set[tuple[str, str]]:
    return set(pairwise(w for w in content if not w.isdigit()))


def carry_over(
    public_texts: Sequence[str],
    document_texts: Sequence[str],
    stop: frozenset[str],
    min_words: int = 3,
) -> list[Alignment]:
    """Every (public, document) passage pair whose best local alignment matches ``min_words``+.

    The alignment runs over content words (stop words dropped, accents folded), so "the first
    hour free" matches "the first hour of parking free" and "Superilla de Sants" matches
    "una superilla a Sants". A short public passage reused nearly whole (``WHOLE`` of its
    content words, at least two) counts too: a two-word proposal title copied into a project's
    title is carry-over. Spans are reported in the passages' own (lower-cased) words.

    Candidates are pairs sharing a content-word pair (an inverted index over the documents), so
    the cost grows with the reuse found, not with public × document passages.
    """
    aligner = Align.PairwiseAligner(  # type: ignore[no-untyped-call]
        mode="local", match_score=1.0, mismatch_score=-1.0, open_gap_score=-1.0, extend_gap_score=-0.5
    )
    vocabulary: dict[str, int] = {}

    def encode(words: Sequence[str]) -> np.ndarray:
        return np.array([vocabulary.setdefault(w, len(vocabulary)) for w in words], dtype=np.int32)

    doc_words = [tokens(t) for t in document_texts]
    doc_content = [_content(w, stop) for w in doc_words]
    doc_codes = [encode(c) for c, _ in doc_content]
    index: dict[tuple[str, str], set[int]] = {}
    for j, (content, _) in enumerate(doc_content):
        for pair in _pairs(content):
            index.setdefault(pair, set()).add(j)
    found: list[Alignment] = []
    for i, text in enumerate(public_texts):
        words = tokens(text)
        content, positions = _content(words, stop)
        candidates = sorted(set().union(*(index.get(p, set()) for p in _pairs(content))))
        if not candidates:
            continue
        codes = encode(content)
        for j in candidates:
            alignment = aligner.align(codes, doc_codes[j])[0]  # type: ignore[no-untyped-call]
            coordinates = alignment.coordinates
            matched = _matched(coordinates, content, doc_content[j][0])
            if matched >= min_words or (matched >= 2 and matched >= WHOLE * len(content)):
                (p0, p1), (d0, d1) = coordinates[:, [0, -1]]
                spots = doc_content[j][1]
                found.append(
                    Alignment(
                        i,
                        j,
                        matched,
                        " ".join(words[positions[p0] : positions[p1 - 1] + 1]),
                        " ".join(doc_words[j][spots[d0] : spots[d1 - 1] + 1]),
                    )
                )
    return found


def _matched(coordinates: np.ndarray, left: Sequence[str], right: Sequence[str]) -> int:
    """Words the alignment pairs with an identical word."""
    matched = 0
    for k in range(coordinates.shape[1] - 1):
        (l0, r0), (l1, r1) = coordinates[:, k], coordinates[:, k + 1]
        if l1 - l0 == r1 - r0:  # an aligned block, not a gap
            matched += sum(1 for a, b in zip(left[l0:l1], right[r0:r1], strict=True) if a == b)
    return matched


_OPTIONS = re.compile(
    r"\b(?:options?|projects?|proposals?|schemes?)\s+(\d+(?:\s*(?:,|and|&|or|to)\s*\d+)*)", re.IGNORECASE
)


def option_numbers(text: str) -> list[int]:
    """Option numbers named in ``text`` ("Options 2, 6 and 8" → [2, 6, 8]; "Projects 1 and 3" too)."""
    numbers: list[int] = []
    for match in _OPTIONS.finditer(text):
        numbers.extend(int(n) for n in re.findall(r"\d+", match.group(1)))
    return sorted(set(numbers))


def defined_option(heading: str | None, text: str) -> int | None:
    """The option a section defines: "Option 3" in its innermost heading or at its start."""
    for candidate in ((heading or "").split(" > ")[-1], text[:40]):
        match = re.match(r"\s*(?:\d+(?:\.\d+)*\.?\s+)?option\s+(\d+)\b", candidate, re.IGNORECASE)
        if match:
            return int(match.group(1))
    return None


_REJECTS = re.compile(
    r"\b(rejected|not\s+(?:be\s+)?(?:pursued|taken\s+forward|progressed|proceeded\s+with|approved|supported|"
    r"funded|adopted|agreed)|will\s+not|declined?|refused|deferred|kept\s+under\s+review|no\s+further\s+action|"
    r"withdrawn|not\s+at\s+this\s+time)\b",
    re.IGNORECASE,
)
_RETAINS = re.compile(
    r"\b(remains?(?:\s+open)?|will\s+remain|retain(?:s|ed|ing)?|kept\s+open|keep(?:s|ing)?\s+\w+\s+open|"
    r"continue\s+to\s+operate|unchanged)\b",
    re.IGNORECASE,
)
DECIDING_ROLES = ("resolution", "recommendation")


def action(text: str, role: str | None) -> str:
    """What a document passage does: ``approves``, ``rejects`` (or defers), ``retains``, ``proposes``, ``notes``.

    A rejection or deferral cue wins anywhere ("Option 4 was not taken forward"); a resolution or
    recommendation that keeps things as they are ("will remain open") retains; one without either
    approves. Options propose; everything else (background, reasons) only notes.
    """
    if _REJECTS.search(text):
        return "rejects"
    if role in DECIDING_ROLES:
        return "retains" if _RETAINS.search(text) else "approves"
    if role == "option":
        return "proposes"
    return "notes"


_OPPOSES = re.compile(
    r"\b(?:(?:don'?t|do\s+not|never|stop|no)\s+(?:\w+\s+)?(?:clos\w*|remov\w*|los(?:e|ing)|cut\w*|scrap\w*|"
    r"shut\w*|sell\w*|tak\w*\s+away|build\w*)"
    r"|oppos\w*|object(?:s|ed|ing)?\s+to|objection|against\s+(?:the|any|this|closing|plans?)|hands\s+off"
    r"|keep\s+(?:the|our)\b|retain\s+(?:the|our)\b|save\s+(?:the|our)\b"
    r"|(?:clos|remov|los|cutt|scrapp)(?:e|es|ing|ure)\b[^.]{0,40}\b(?:would|will)\b[^.]{0,20}"
    r"\b(?:harm|hurt|ruin|kill|destroy|damage))",
    re.IGNORECASE,
)


def opposes_change(text: str) -> bool:
    """True when a public passage argues against a change ("don't close…", "keep the…", "object to…")."""
    return _OPPOSES.search(text) is not None


def share_opposing(texts_by_respondent: Iterable[Sequence[str]]) -> float:
    """Share of respondents with at least one passage opposing a change."""
    flags = [any(opposes_change(t) for t in texts) for texts in texts_by_respondent]
    return sum(flags) / len(flags) if flags else 0.0
