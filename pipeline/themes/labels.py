"""Theme labels a person would write: short, neutral noun phrases found in the theme's own words.

For each theme, candidate phrases are spaCy noun chunks of its most central passages, trimmed
to their content words (no determiners, pronouns, numbers or evaluative adjectives such as
"terrible" or "great", so labels stay neutral). Candidates are ranked like c-TF-IDF — how many
of the theme's passages use the phrase against how many themes use it — and the best are
re-ranked by similarity to the theme's centre (KeyBERT-inspired) with maximal marginal
relevance, so the phrases kept say different things. The label is the phrase closest to the
theme's centre among those used by at least 5% of its passages (a slight bonus for two- and
three-word phrases favours "evening buses" over "buses"); the rest are kept as key phrases. Everything is deterministic: same passages, same label.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from spacy.language import Language
from spacy.tokens import Span, Token

Matrix = npt.NDArray[np.float32]
Encode = Callable[[list[str]], Matrix]

PASSAGES_PER_THEME = 150
CANDIDATES = 25
MAX_WORDS = 4
MMR_DIVERSITY = 0.3
LENGTH_BONUS = 0.02
LABEL_COVERAGE = 0.05
DROP_POS = {"DET", "PRON", "NUM", "PUNCT", "SYM", "CCONJ", "ADP", "PART", "SPACE", "X", "INTJ", "AUX", "VERB"}
# Evaluative words make a label take sides ("terrible buses"; the theme's sentiment is reported
# separately) and vague nouns name nothing ("lots", "things"). Checked against word and lemma.
EVALUATIVE = frozenset(
    """
    good great excellent fantastic brilliant lovely wonderful amazing nice perfect superb best better
    bad poor terrible awful horrible dreadful appalling disgraceful shocking ridiculous useless worst
    worse rubbish pathetic stupid crazy silly fine happy unhappy sad angry friendly unfriendly helpful
    unhelpful rude kind caring professional unprofessional efficient inefficient lazy dangerous unsafe
    safe disgusting filthy dirty clean scary frightening horrendous outrageous disgrace joke nightmare
    mess personally really real proper
    lot lots bit thing things way stuff time times people person everyone everything anything
    something nothing none one ones problem problems issue issues luck
    """.split()  # noqa: SIM905 - a word list reads best as words
)


# Nouns any consultation uses of itself: a label of only these (and background words) names nothing.
GENERIC = frozenset(
    """
    proposal proposals propose policy policies reason reasons statement statements plan plans
    opinion opinions response responses comment comments thank thanks initiative initiatives idea
    ideas view views point points question questions answer answers testimony yes
    """.split()  # noqa: SIM905 - a word list reads best as words
)


def title_words(title: str) -> frozenset[str]:
    """The lower-cased words of a consultation's title ("City of Yes for Housing Opportunity")."""
    return frozenset(w.lower() for w in re.findall(r"[^\W\d_]+", title) if len(w) > 2 or w.isupper())


@dataclass(frozen=True)
class ThemeLabel:
    """A label and the key phrases behind it (best first)."""

    label: str
    phrases: list[str]


def _placeholder(token: Token) -> bool:
    """A redaction, never part of a label.

    A word inside brackets ("[NAME]", "[redacted]"), or an export's own mask of X's ("XXXX", as
    in the NHS comments).
    """
    if len(token.text) >= 3 and set(token.text.upper()) == {"X"}:
        return True
    doc = token.doc
    before = doc[token.i - 1].text if token.i > 0 else ""
    after = doc[token.i + 1].text if token.i + 1 < len(doc) else ""
    return before.endswith("[") or after.startswith("]")


def _kept(token: Token) -> bool:
    if _placeholder(token):
        return False
    if token.like_num and not token.whitespace_ and token.i + 1 < len(token.doc) and token.nbor().is_alpha:
        return True  # "20mph", "24hr"
    return token.pos_ not in DROP_POS and not token.is_stop and token.is_alpha


def _joined(tokens: list[Token], form: Callable[[Token], str]) -> str:
    out = ""
    for i, token in enumerate(tokens):
        out += form(token)
        if i + 1 < len(tokens):
            out += "" if (not token.whitespace_ and tokens[i + 1].i == token.i + 1) else " "
    return out


def _acronym(word: str) -> bool:
    """SMEs, DIHs, NHS, ADUs: capitals (a plural s allowed), kept as written; "VIsIt" is a typo, not one."""
    stem = word[:-1] if word.endswith("s") else word
    letters = [c for c in stem if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _same_words(text: str) -> frozenset[str]:
    """A label's words without case or a plural s: "SMEs" and "Smes", "bus lane" and "bus lanes"."""
    return frozenset(w.lower().rstrip("s") for w in re.findall(r"\w+", text))


class _Said:
    """The labels given so far, and whether a new one says the same: the same words, or one the other's acronym.

    "UAP" and "Universal affordability preference" are one label; "Parking spaces" and "Pedestrian
    safety" share initials but are not.
    """

    def __init__(self) -> None:
        self.words: set[frozenset[str]] = set()
        self.initials: set[str] = set()
        self.acronyms: set[str] = set()

    @staticmethod
    def _parts(text: str) -> tuple[frozenset[str], str | None, str | None]:
        words = re.findall(r"\w+", text)
        initials = "".join(w[0] for w in words).lower() if len(words) >= 2 else None
        acronym = words[0].lower().rstrip("s") if len(words) == 1 and _acronym(words[0]) else None
        return _same_words(text), initials, acronym

    def said(self, text: str) -> bool:
        words, initials, acronym = self._parts(text)
        return words in self.words or initials in self.acronyms or acronym in self.initials

    def add(self, text: str) -> None:
        words, initials, acronym = self._parts(text)
        self.words.add(words)
        self.initials |= {initials} if initials else set()
        self.acronyms |= {acronym} if acronym else set()


def _background_only(key: str, display: str, background: frozenset[str]) -> bool:
    """True when every word of a phrase is one the whole question uses ("AI", "Europe") or names nothing.

    Words that say a passage is *about* something without saying what ("proposal", "reasons",
    "response") name no theme on their own or beside background words ("Yes proposal" at a hearing
    on City of Yes); inside a phrase with a word of its own they stay ("Local plan").
    """
    words = background | GENERIC
    return all(w in words for w in key.split()) or all(w in words for w in display.lower().split())


def phrase_of(chunk: Span) -> tuple[str, str] | None:
    """(display text, matching key) of a noun chunk's content words, or None if nothing is left."""
    tokens = [t for t in chunk if _kept(t)]
    while tokens and (tokens[0].lemma_.lower() in EVALUATIVE or tokens[0].lower_ in EVALUATIVE):
        tokens = tokens[1:]
    if not tokens or tokens[-1].lemma_.lower() in EVALUATIVE or tokens[-1].pos_ not in {"NOUN", "PROPN"}:
        return None
    tokens = [t for t in tokens if t.lemma_.lower() not in EVALUATIVE and t.lower_ not in EVALUATIVE][-MAX_WORDS:]
    if not tokens or all(len(t.text) < 3 for t in tokens):
        return None
    display = _joined(tokens, lambda t: t.text if t.pos_ == "PROPN" or _acronym(t.text) else t.text.lower())
    key = _joined(tokens, lambda t: t.lemma_.lower())
    return display, key


_PHRASES: dict[tuple[str, str], list[tuple[str, str]]] = {}
PHRASE_MEMO_MAX = 200_000


def _phrases_of(nlp: Language, texts: Sequence[str]) -> list[list[tuple[str, str]]]:
    """Per text, its noun phrases as (display, key); each distinct text is parsed once per process.

    Parent themes are labelled from their children's passages, so the memo halves the parsing.
    """
    model = f"{nlp.meta.get('name')}-{nlp.meta.get('version')}-{','.join(nlp.pipe_names)}"
    todo = list(dict.fromkeys(t for t in texts if (model, t) not in _PHRASES))
    if len(_PHRASES) + len(todo) > PHRASE_MEMO_MAX:
        _PHRASES.clear()
    for text, doc in zip(todo, nlp.pipe(todo, batch_size=64), strict=True):
        _PHRASES[(model, text)] = [found for chunk in doc.noun_chunks if (found := phrase_of(chunk))]
    return [_PHRASES[(model, t)] for t in texts]


def _theme_phrases(nlp: Language, texts: Sequence[str]) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """Per phrase key: in how many texts it occurs, and its display forms."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for phrases in _phrases_of(nlp, texts):
        for display, key in phrases:
            forms.setdefault(key, Counter())[display] += 1
        counts.update({key for _, key in phrases})
    return counts, forms


def _mmr(scores: npt.NDArray[np.float64], vectors: Matrix, k: int, first: int) -> list[int]:
    chosen = [first]
    while len(chosen) < min(k, len(scores)):
        redundancy = (vectors @ vectors[chosen].T).max(axis=1)
        value = (1 - MMR_DIVERSITY) * scores - MMR_DIVERSITY * redundancy
        value[chosen] = -np.inf
        chosen.append(int(value.argmax()))
    return chosen


def sentence_case(text: str) -> str:
    """The text with its first letter capitalised."""
    return text[:1].upper() + text[1:]


def theme_labels(
    texts: Mapping[str, Sequence[str]],
    centres: Mapping[str, npt.NDArray[np.float32]],
    nlp: Language,
    encode: Encode,
    fallback: Mapping[str, Sequence[str]],
    n_phrases: int = 5,
    background: Mapping[str, frozenset[str]] | None = None,
) -> dict[str, ThemeLabel]:
    """A label per theme from its passages (most central first) and its normalised centre.

    ``fallback`` (theme → keywords) is used when no noun phrase is found (a blank spaCy pipeline
    has no parser); labels are made unique by falling back to a theme's next phrase (the same
    words in another case or number count as the same label). ``background`` (theme → the words
    its question's answers all use) keeps such words from naming a theme alone.
    """
    parsed = {
        theme: _theme_phrases(nlp, list(items)[:PASSAGES_PER_THEME]) if nlp.has_pipe("parser") else (Counter(), {})
        for theme, items in texts.items()
    }
    spread = Counter(key for counts, _ in parsed.values() for key in counts)
    out: dict[str, ThemeLabel] = {}
    used = _Said()
    for theme in sorted(texts, key=lambda t: (-len(texts[t]), t)):
        counts, forms = parsed[theme]
        common_words = (background or {}).get(theme, frozenset())
        counts = Counter(
            {k: c for k, c in counts.items() if not _background_only(k, forms[k].most_common(1)[0][0], common_words)}
        )
        n = max(1, min(len(texts[theme]), PASSAGES_PER_THEME))
        ranked = sorted(
            ((c / n) * math.log(1 + len(texts) / spread[key]), key) for key, c in counts.items() if c >= 2 or n < 10
        )[::-1][:CANDIDATES]
        phrases: list[str] = []
        if ranked:
            shown = [forms[key].most_common(1)[0][0] for _, key in ranked]
            vectors = encode(shown)
            # How well the phrase names the theme, a little in favour of specific (longer) phrases;
            # only phrases used by enough of the theme's passages may become its label.
            closeness = vectors @ centres[theme] + LENGTH_BONUS * np.minimum([len(k.split()) - 1 for _, k in ranked], 2)
            common = np.array([counts[key] >= max(2, LABEL_COVERAGE * n) for _, key in ranked])
            first = int(np.where(common, closeness, -np.inf).argmax()) if common.any() else int(closeness.argmax())
            order = _mmr(closeness, vectors, n_phrases, first)
            phrases = [shown[i] for i in order]
        phrases = phrases or [k for k in fallback.get(theme, []) if k and not _background_only(k, k, common_words)]
        label = next((p for p in phrases if not used.said(p)), phrases[0] if phrases else "")
        label = sentence_case(label) if label else "Unlabelled theme"
        if used.said(label):
            label = f"{label} ({theme})"
        used.add(label)
        out[theme] = ThemeLabel(label=label, phrases=phrases)
    return out


def clean_keywords(keywords: Sequence[str]) -> list[str]:
    """Keywords with stray whitespace removed and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for word in keywords:
        word = re.sub(r"\s+", " ", word).strip()
        if word:
            seen.setdefault(word, None)
    return list(seen)


def parent_label(found: ThemeLabel) -> str:
    """A parent spans several themes: its two leading key phrases when they say different things."""

    def stems(text: str) -> set[str]:
        return {w.lower().rstrip("s") for w in text.split()}

    first, *rest = found.phrases or [found.label]
    second = next((p for p in rest[:1] if not stems(p) & stems(first)), None)
    text = f"{first} and {second}" if second else first
    return sentence_case(text)
