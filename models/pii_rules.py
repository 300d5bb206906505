"""Recognisers and name rules for ``models.pii``: UK formats, addresses, name cues, place words.

The patterns are compiled case-sensitively (``CASED``): Presidio's default is case-insensitive,
which would let "[A-Z]" match any letter. Weak name signals (spaCy's single-word PERSON, an
introduction, a vocative, a capitalised word) must start with a known first name; spans ending in
a street or place word are places.
"""

from __future__ import annotations

import re
from functools import lru_cache

import gender_guesser.detector as gender_detector
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

PHONE_REGIONS = ("GB", "IE", "US", "CA", "AU", "NZ", "FR", "DE", "ES", "IT", "NL", "BE", "PL", "PT", "IN")
STREET_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Way|Close|Cl|Drive|Dr|Terrace|Crescent|Cres|Place|Pl|"
    r"Court|Ct|Gardens|Grove|Hill|Square|Sq|Row|Parade|Walk|Mews|View|Rise|Park|Green"
)
NAME = r"(?:O'|Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
# Capitalised words that are also common first names but, capitalised mid-sentence, rarely people.
WORD_NAMES = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Will",
        "Hope",
        "Faith",
        "Joy",
        "Summer",
        "Sunny",
        "Dawn",
        "Holly",
        "Ivy",
        "Robin",
        "Rose",
        "Star",
        "Angel",
        "Christian",
        "Jordan",
        "Chelsea",
        "Paris",
        "London",
        "Victoria",
        "Albert",
        "Florence",
        "Charity",
        "Grant",
        "Mercy",
        "Lane",
    ]
)

# Presidio compiles patterns case-insensitively by default; names, streets and postcodes need case.
CASED = re.DOTALL | re.MULTILINE
WEAK_NAMES = "weak name cues"


def address_recognizer() -> PatternRecognizer:
    """Street addresses: a house number (optionally after "Flat 2,") before a street name."""
    # A street name alone ("Bridge Street") is what consultations are about; only a house number
    # (optionally after "Flat 2,") makes it an address.
    pattern = (
        rf"\b(?:(?:Flat|Apartment|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+"
        rf"(?:[A-Z][a-z]+\s+){{1,3}}(?:{STREET_TYPES})\b"
    )
    return PatternRecognizer(
        supported_entity="STREET_ADDRESS",
        name="street address",
        patterns=[Pattern("house number and street", pattern, 0.7)],
        global_regex_flags=CASED,
    )


def uk_patterns() -> list[PatternRecognizer]:
    """Strict UK postcode and UK phone formats."""
    # Presidio's postcode recogniser scores a bare postcode below the threshold unless a word like
    # "postcode" is near; a strictly formatted one is evidence enough. The phone pattern catches
    # UK numbers written in ways the phonenumbers parser does not match in running text.
    postcode = r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"
    phone = r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\w)"
    return [
        PatternRecognizer(
            supported_entity="UK_POSTCODE",
            name="uk postcode format",
            patterns=[Pattern("postcode", postcode, 0.6)],
            global_regex_flags=CASED,
        ),
        PatternRecognizer(
            supported_entity="PHONE_NUMBER", name="uk phone format", patterns=[Pattern("uk phone", phone, 0.5)]
        ),
    ]


def name_cue_recognizer() -> PatternRecognizer:
    """Strong name cues: titles, "my name is", "I'm called", sign-offs."""
    patterns = [
        Pattern("title and name", rf"\b(?i:mr|mrs|ms|miss|mx|dr|prof|cllr|sir|dame)\.?\s+(?:{NAME}\s+)?{NAME}\b", 0.75),
        Pattern("my name is", rf"(?<=\b[Mm]y name is )(?:{NAME})(?:\s+{NAME}){{0,2}}\b", 0.8),
        Pattern("I am called", rf"(?<=\b[Ii]'m called )(?:{NAME})(?:\s+{NAME})?\b", 0.7),
        Pattern(
            "signed",
            rf"(?<=\b(?:Regards|Thanks|Sincerely|Signed|Yours faithfully|Yours sincerely),\s)"
            rf"(?:{NAME})(?:\s+{NAME}){{0,2}}\b",
            0.7,
        ),
    ]
    return PatternRecognizer(supported_entity="PERSON", name="name cues", patterns=patterns, global_regex_flags=CASED)


def weak_name_recognizer() -> PatternRecognizer:
    """Weak name cues, kept only when they start with a known first name."""
    # "Pauline, from Eastcliff." / "Thank you, Pauline." — a capitalised word opening a sentence
    # before a comma, or addressed after a comma. Weak on their own: kept only for known first names.
    patterns = [
        Pattern("first name", rf"(?<![.!?]\s)(?<!^)\b{NAME}(?:\s+{NAME})?\b", 0.5),
        Pattern("introduction", r"(?:(?<=^)|(?<=[.!?]\s)|(?<=\n))[A-Z][a-z]+(?=,\s)", 0.6),
        Pattern("vocative", r"(?<=,\s)[A-Z][a-z]+(?=[.,!?](?:\s|$))", 0.6),
    ]
    return PatternRecognizer(supported_entity="PERSON", name=WEAK_NAMES, patterns=patterns, global_regex_flags=CASED)


PLACE_WORDS = frozenset(STREET_TYPES.split("|")) | {
    "Primary",
    "School",
    "Academy",
    "College",
    "University",
    "Station",
    "Harbour",
    "Market",
    "Centre",
    "Center",
    "Hospital",
    "Church",
    "Library",
    "Council",
    "Bridge",
    "Quay",
    "Beach",
    "Pier",
    "Estate",
    "Village",
    "Town",
    "City",
    "Ward",
    "Retail",
    "Stadium",
    "Surgery",
    "Pool",
    "Airport",
}


def trimmed(result: RecognizerResult, text: str) -> RecognizerResult:
    """A spaCy PERSON span cut to start at its first name ("Ring Helen Price" → "Helen Price")."""
    metadata = result.recognition_metadata or {}
    if result.entity_type != "PERSON" or metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) != "SpacyRecognizer":
        return result
    words = text[result.start : result.end].split()
    detector = _first_names()
    if len(words) > 1 and detector.get_gender(words[0]) == "unknown" and detector.get_gender(words[1]) != "unknown":
        start = text.index(words[1], result.start)
        return RecognizerResult(
            result.entity_type,
            start,
            result.end,
            result.score,
            result.analysis_explanation,
            result.recognition_metadata,
        )
    return result


def spacy_false_person(result: RecognizerResult, text: str) -> bool:
    """A PERSON found by spaCy's NER or a weak cue (not a strong one) whose text is not a name."""
    metadata = result.recognition_metadata or {}
    return (
        result.entity_type == "PERSON"
        and metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) in ("SpacyRecognizer", WEAK_NAMES)
        and _not_a_name(
            text[result.start : result.end],
            trusted_shape=metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) == "SpacyRecognizer",
        )
    )


@lru_cache(maxsize=1)
def _first_names() -> gender_detector.Detector:
    return gender_detector.Detector(case_sensitive=True)


def _not_a_name(span: str, *, trusted_shape: bool) -> bool:
    """Whether a PERSON span from spaCy or a weak cue is not a person's name.

    The small English model tags places and capitalised words as people ("Chapel Lane",
    "Westgate", "Keep", "Madam"). A span ending in a street or place word is a place. Otherwise a
    multi-word span from spaCy (``trusted_shape``) is a name; a single word, or any weak-cue span,
    must start with a known first name (gender-guesser's ~40,000, many countries) that is not also a
    common capitalised word (months, days, "Hope").
    """
    words = [w.strip(".,'’") for w in span.replace("'s", "").replace("’s", "").split()]
    if not words or span.startswith("[") or any(ch.isdigit() for ch in span) or words[-1] in PLACE_WORDS:
        return True
    if trusted_shape and len(words) > 1:
        return False
    first = words[0]
    return first in WORD_NAMES or _first_names().get_gender(first) == "unknown"
