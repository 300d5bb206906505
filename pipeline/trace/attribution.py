"""Which options each response addresses, and the evidence for each link.

A passage is compared with the options *against each other*, not with a fixed bar: the question
is "which option does this passage speak to, if any", so a broad passage that is a little like
every option addresses none, and a passage about one option addresses it even when its wording
is loose. Four kinds of evidence, strongest first:

- ``column``: the response names its option in a column of its own (``option = "project_id"``);
- ``mention``: the passage names the option — "Option 3", the option's acronym ("UAP"), or its
  title ("Town Center Zoning");
- ``words``: the passage uses words that belong to one option only (``specific_terms``): "parking
  mandates", "accessory dwelling"; words in every option, in the consultation's title or in most
  of the public's passages are no evidence;
- ``meaning``: the passage's vector is closest to this option's, by a clear margin over the other
  options (``TraceSettings``-like ``AttributionSettings``), and close enough in absolute terms.

Each (response, option) link keeps its best piece of evidence (passage, method, score). The cost
is linear in passages × options (one matrix product), and the word evidence in passage length.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import polars as pl

from pipeline.schema import TABLES
from pipeline.trace.signals import fold, option_numbers, stop_words, tokens

Matrix = npt.NDArray[np.float32]
METHODS = ("review", "column", "question", "mention", "words", "meaning")  # strongest first


@dataclass(frozen=True)
class AttributionSettings:
    """How much evidence links a passage to an option (tuned on the NYC hearing's dev half; docs/TRACE.md)."""

    meaning: float = 3.0  # meaning: a passage's affinity (z over the public's passages) to its closest option
    option_vector: str = "title"  # meaning compares passages with the option's "title" or "mean" vector
    words: float = 0.5  # words: this much specific-term weight in one response
    gate: float = 1.0  # words count in a passage whose affinity to the option is at least this
    public_share: float = 0.4  # a term in more than this share of the public's passages is no evidence
    min_tf: int = 2  # a term a long option's text uses at least this often (its title counts twice)
    owned: float = 0.75  # ... making at least this share of the uses of the term in all the options' texts
    languages: tuple[str, ...] = ("en",)


@dataclass(frozen=True)
class Option:
    """What attribution needs of an option: its id, number, title and text."""

    option_id: str
    number: str | None
    title: str
    text: str


def listed_options(table: pl.DataFrame) -> list[Option]:
    """The rows of an ``options`` table as :class:`Option` s."""
    return [Option(r["option_id"], r["number"], r["title"], r["text"]) for r in table.iter_rows(named=True)]


def _stem(word: str) -> str:
    """A crude singular: "cities" → "city", "mandates" → "mandate", "glass" stays."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ses") and word[:-2].endswith(("us", "ss")):
        return word[:-2]  # "campuses", "businesses", "buses"
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


def _term_list(text: str, stop: frozenset[str]) -> list[str]:
    """Content-word unigrams and adjacent bigrams, folded and singular ("parking mandate"), as they occur."""
    words = [_stem(w) for w in tokens(text) if w not in stop and not w.isdigit() and len(w) > 2]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def _terms(text: str, stop: frozenset[str]) -> set[str]:
    return set(_term_list(text, stop))


COMMON_ZIPF = 5.0  # words at least this frequent in the language ("need", "change", "office") say nothing specific


@cache
def rarity(word: str, languages: tuple[str, ...]) -> float:
    """How uncommon a word is in everyday language: ``COMMON_ZIPF`` minus its Zipf frequency, 0–2.

    From ``wordfreq``'s tables (bundled with the package, no download): "mandate" (Zipf 4.0) → 1.0,
    "affordability" (3.2) → 1.8, "parking" (4.5) → 0.5, "need" (6.0) → 0.
    """
    from wordfreq import zipf_frequency

    known = [zipf_frequency(word, language) for language in languages]
    return min(2.0, max(0.0, COMMON_ZIPF - max(known, default=0.0)))


def _weight(term: str, languages: tuple[str, ...]) -> float:
    parts = term.split()
    if len(parts) == 1:
        return rarity(parts[0], languages)
    return sum(rarity(p, languages) for p in parts) + BIGRAM_BASE


BIGRAM_BASE = 0.5
LONG_OPTION_WORDS = 80  # a phrase the option repeats is specific even in everyday words ("town center")


def specific_terms(
    options: Sequence[Option], public_texts: Sequence[str], title: str, settings: AttributionSettings
) -> dict[str, dict[str, float]]:
    """Per option, its specific terms and their weights.

    A term is specific when only one option uses it, the consultation's title does not, at most
    ``public_share`` of the public's passages do, and it is uncommon in everyday language; its
    weight is that rarity (:func:`rarity`), a two-word term the sum of its words' plus a bonus when
    both are uncommon ("parking mandate" 2.0, "mandate" 1.0).
    """
    stop = stop_words(settings.languages)
    per_option = {o.option_id: Counter(_term_list(f"{o.title} {o.title} {o.text}", stop)) for o in options}
    used_by: Counter[str] = Counter()
    for terms in per_option.values():
        used_by.update(terms)
    named = _terms(title, stop)
    # In a long description a word used once is said in passing; in a short one every word counts.
    min_tf = {o.option_id: settings.min_tf if len(o.text.split()) >= LONG_OPTION_WORDS else 1 for o in options}
    public = Counter(t for text in public_texts for t in _terms(text, stop))
    n = max(1, len(public_texts))
    out: dict[str, dict[str, float]] = {}
    for option_id, terms in per_option.items():
        weights = {}
        for term in terms:
            owned = terms[term] / used_by[term]  # the share of the options' uses of the term that are this one's
            if owned < settings.owned or term in named or set(term.split()) <= named:
                continue
            if public[term] == 0 or public[term] / n > settings.public_share or terms[term] < min_tf[option_id]:
                continue  # never said (no evidence to weigh), said by everyone (no evidence at all), or in passing
            weight = _weight(term, settings.languages) * owned
            if weight > 0:
                weights[term] = round(weight, 3)
        out[option_id] = weights
    return out


_ACRONYM = re.compile(r"\(([A-Z]{2,}s?)\)|\b([A-Z]{2,}s?)\b")


def mention_patterns(options: Sequence[Option], title: str) -> dict[str, re.Pattern[str]]:
    """Per option, a pattern for its name: its acronym ("UAP", "ADUs") or its whole title.

    A title that is also in the consultation's own title names nothing in particular.
    """
    out = {}
    named = fold(title)
    for o in options:
        names = []
        for a, b in _ACRONYM.findall(o.title):
            acronym = (a or b).rstrip("s")
            names.append(rf"\b{re.escape(acronym)}s?\b")
        words = re.sub(r"\([^)]*\)", "", o.title).strip()
        if len(words.split()) >= 2 and fold(words) not in named:
            names.append(r"\b" + r"\s+".join(re.escape(w) for w in fold(words).split()) + r"\b")
        if names:
            out[o.option_id] = re.compile("|".join(names))
    return out


def numbered_options(options: Sequence[Option]) -> dict[int, str]:
    """Option number → option id, for the options numbered in digits."""
    return {int(o.number): o.option_id for o in options if o.number and o.number.isdigit()}


def mentions(text: str, patterns: Mapping[str, re.Pattern[str]], numbered: Mapping[int, str]) -> set[str]:
    """The options ``text`` names: by number ("Options 2 and 3") or by acronym or title (``mention_patterns``)."""
    found = {numbered[n] for n in option_numbers(text) if n in numbered}
    folded = fold(text)
    found |= {o for o, p in patterns.items() if p.search(text) or p.search(folded)}
    return found


def option_affinity(vectors: Matrix, option_units: Sequence[Matrix], kind: str = "title") -> Matrix:
    """How much more each passage is like each option than the public's passages are on the whole.

    The cosine to the option (its title's vector, or the mean of its title and sentences) as a
    z-score over all passages, per option: an option every passage is somewhat like (a broad one,
    or one worded like the consultation itself) needs a passage far above its usual similarity.
    """
    if kind == "both":
        return np.maximum(
            option_affinity(vectors, option_units, "title"), option_affinity(vectors, option_units, "mean")
        )
    columns = []
    for units in option_units:
        if kind == "title":
            centre = units[0]
        else:
            centre = units.mean(axis=0)
            centre = centre / max(float(np.linalg.norm(centre)), 1e-12)
        columns.append(vectors @ centre)
    # Rounded far below the model's precision, so that thread counts cannot move a passage across a bar.
    similarity = np.round(np.stack(columns, axis=1).astype(np.float64), 6)
    spread = similarity.std(axis=0)
    z: Matrix = ((similarity - similarity.mean(axis=0)) / np.where(spread > 0, spread, 1.0)).astype(np.float32)
    return z


def option_finder(options: Sequence[Option]) -> Callable[[str], str | None]:
    """A function from a cell's value to the option it names (None if it names none).

    By number or id ("126", "Project 126", "O126", "126.0" as a spreadsheet writes it) or by title
    (accents, case and spacing aside).
    """
    from pipeline.trace.options import named

    by_number = {o.number.upper(): o.option_id for o in options if o.number}
    by_id = {o.option_id.upper(): o.option_id for o in options}
    by_title = {" ".join(fold(o.title).split()): o.option_id for o in options}

    def find(value: str) -> str | None:
        text = value.strip()
        number = (named(text) or (text, ""))[0].strip().upper()
        option = by_number.get(number) or by_id.get(text.upper()) or by_title.get(" ".join(fold(text).split()))
        if option is None and re.fullmatch(r"\d+(\.0)?", text):
            option = by_number.get(text.split(".")[0])
        return option

    return find


def column_options(values: Mapping[str, str | None], options: Sequence[Option]) -> tuple[dict[str, str], list[str]]:
    """Response → option from a column naming it, and the values that name no option.

    A value names an option by its number or id ("126", "Project 126", "O126") or by its title
    (accents, case and spacing aside).
    """
    find = option_finder(options)
    found: dict[str, str] = {}
    unknown: list[str] = []
    for response, value in values.items():
        text = (value or "").strip()
        if not text:
            continue
        option = find(text)
        if option:
            found[response] = option
        else:
            unknown.append(text)
    return found, sorted(set(unknown))


def passage_options(
    public: pl.DataFrame,
    vectors: Matrix,
    options: Sequence[Option],
    option_units: Sequence[Matrix],
    title: str = "",
    settings: AttributionSettings | None = None,
) -> pl.DataFrame:
    """Every (passage, option) link with its method and score (``PASSAGE_OPTIONS_SCHEMA``).

    ``public`` has passage_id, response_id, text (rows as ``vectors``); ``option_units`` holds,
    per option, the normalised vectors of its title and sentences. A passage's specific words
    count when its response's words, summed over its passages, reach ``settings.words``.
    """
    settings = settings or AttributionSettings()
    if not options or public.is_empty():
        return pl.DataFrame(schema=PASSAGE_OPTIONS_SCHEMA)
    ids = [o.option_id for o in options]
    texts = public["text"].to_list()
    passages = public["passage_id"].to_list()
    responses = public["response_id"].to_list()
    rows: list[tuple[str, str, str, str, float]] = []
    patterns = mention_patterns(options, title)
    numbered = numbered_options(options)
    for i, text in enumerate(texts):
        rows.extend((passages[i], responses[i], o, "mention", 1.0) for o in sorted(mentions(text, patterns, numbered)))
    weights = specific_terms(options, texts, title, settings)
    stop = stop_words(settings.languages)
    per_response: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    per_passage: list[tuple[int, str, float]] = []
    for i, text in enumerate(texts):
        terms = _terms(text, stop)
        for option, table in weights.items():
            hit = {t: table[t] for t in terms & table.keys()}
            if hit:
                per_response[(responses[i], option)].update(hit)
                per_passage.append((i, option, sum(hit.values())))
    z = option_affinity(vectors, option_units, settings.option_vector)
    for i, option, score in per_passage:
        if (
            sum(per_response[(responses[i], option)].values()) >= settings.words
            and z[i, ids.index(option)] >= settings.gate
        ):
            rows.append((passages[i], responses[i], option, "words", round(score, 4)))
    top = z.argmax(axis=1)
    for j in np.flatnonzero(z[np.arange(len(texts)), top] >= settings.meaning).tolist():
        rows.append((passages[j], responses[j], ids[top[j]], "meaning", round(float(z[j, top[j]]), 4)))
    frame = pl.DataFrame(rows, schema=PASSAGE_OPTIONS_SCHEMA, orient="row")
    return frame.sort("passage_id", "option_id", "method")


def response_options(
    passage_links: pl.DataFrame,
    text_of: Mapping[str, str],
    column: Mapping[str, str] | None = None,
    stances: Mapping[tuple[str, str], str] | None = None,
) -> pl.DataFrame:
    """The ``response_options`` table: per (response, option), its strongest evidence and the stance.

    ``column`` maps a response to the option its own column names (method ``column``);
    ``stances`` gives (response, option) → for/against/neutral from a closed question about the
    option (method ``question`` where nothing stronger links them).
    """
    stances = stances or {}
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for response, option in (column or {}).items():
        rows[(response, option)] = {
            "response_id": response,
            "option_id": option,
            "method": "column",
            "score": 1.0,
            "passage_id": None,
            "evidence": None,
        }
    for (response, option), stance in stances.items():
        rows.setdefault(
            (response, option),
            {
                "response_id": response,
                "option_id": option,
                "method": "question",
                "score": 1.0,
                "passage_id": None,
                "evidence": stance,
            },
        )
    ranked = passage_links.with_columns(
        rank=pl.col("method").replace_strict({m: i for i, m in enumerate(METHODS)}, return_dtype=pl.Int64)
    ).sort(["rank", "score", "passage_id"], descending=[False, True, False])
    for passage, response, option, method, score in ranked.select(
        "passage_id", "response_id", "option_id", "method", "score"
    ).iter_rows():
        rows.setdefault(
            (response, option),
            {
                "response_id": response,
                "option_id": option,
                "method": method,
                "score": score,
                "passage_id": passage,
                "evidence": text_of.get(passage),
            },
        )
    if not rows:
        return pl.DataFrame(schema=RESPONSE_OPTIONS_SCHEMA)
    for key, row in rows.items():
        row["stance"] = stances.get(key)
    return pl.DataFrame(list(rows.values()), schema=RESPONSE_OPTIONS_SCHEMA).sort("response_id", "option_id")


def attribute(
    public: pl.DataFrame,
    vectors: Matrix,
    options: Sequence[Option],
    option_units: Sequence[Matrix],
    title: str = "",
    settings: AttributionSettings | None = None,
    column: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """``response_options`` straight from the passages (:func:`passage_options` then :func:`response_options`)."""
    links = passage_options(public, vectors, options, option_units, title, settings)
    return response_options(links, dict(zip(public["passage_id"], public["text"], strict=True)), column)


PASSAGE_OPTIONS_SCHEMA = TABLES["passage_options"]
RESPONSE_OPTIONS_SCHEMA = TABLES["response_options"]
