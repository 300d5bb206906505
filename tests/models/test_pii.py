"""Redaction per entity type, what must stay, and the targets on the project's PII test set."""

import os

import pytest

from models import pii
from models.pii import PrivacySettings, Redactor, processes_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(PrivacySettings(allow=("Harbourside",)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at j.thornton@example.co.uk please.", "Email me at [EMAIL] please."),
        ("Call 07700 900123 or +44 20 7946 0018.", "Call [PHONE] or [PHONE]."),
        ("Our postcode is HB1 4QT.", "Our postcode is [POSTCODE]."),
        ("I live at Flat 2, 9 Harbour Way near the quay.", "I live at [ADDRESS] near the quay."),
        ("My NHS number is 943 476 5919.", "My NHS number is [NHS_NUMBER]."),
        ("NI number AB 12 34 56 C.", "NI number [NI_NUMBER]."),
        ("See https://www.example.org/petition for photos.", "See [URL] for photos."),
        ("Sent from 203.0.113.77 today.", "Sent from [IP] today."),
        ("My name is Margaret Thornton.", "My name is [NAME]."),
        ("Thank you, Pauline.", "Thank you, [NAME]."),
        ("mrs O'Brien complained again.", "[NAME] complained again."),
        ("I spoke to Kwame Mensah at the drop-in.", "I spoke to [NAME] at the drop-in."),
    ],
)
def test_each_type_is_replaced_by_its_placeholder(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Bridge Street is always full of vans.",
        "The 20 mph limit on Hill Street is ignored.",
        "Chapel Lane floods at the crossing.",
        "Keep the Market Square car park open.",
        "Dear Sir or Madam, I object.",
        "Route 7 should run until 11pm; parking is £4.80.",
        "The A38 junction backs up every summer in Harbourside.",
        "The consultation closes on 20 March 2026.",
    ],
)
def test_ordinary_text_is_left_alone(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == (text, {})


def test_counts_and_allow_list(redactor: Redactor) -> None:
    text, counts = redactor.redact("Ring Helen Price on 07700 900456 or email helen@example.org.")
    assert text == "Ring [NAME] on [PHONE] or email [EMAIL]."
    assert counts == {"PERSON": 1, "PHONE_NUMBER": 1, "EMAIL_ADDRESS": 1}
    allowed = Redactor(PrivacySettings(allow=("Helen Price",)))
    assert allowed.redact("Ring Helen Price today.")[0] == "Ring Helen Price today."


def test_patterns_only_skips_names(redactor: Redactor) -> None:
    assert redactor.redact("Eastcliff", patterns_only=True)[0] == "Eastcliff"
    assert redactor.redact("Grace Evans, grace@example.org", patterns_only=True)[0] == "Grace Evans, [EMAIL]"


def test_unknown_entity_types_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown entity types"):
        Redactor(PrivacySettings(entities=("PASSPORT",)))


def test_targets_on_the_project_test_set(redactor: Redactor) -> None:
    from benchmarks.pii_eval import MAX_OVER_REDACTION, TARGETS, evaluate

    score = evaluate(Redactor(PrivacySettings()))
    assert sum(score.planted.values()) >= 300
    for kind, target in TARGETS.items():
        assert score.recall(kind) >= target, (kind, score.recall(kind))
    assert score.over_redaction <= MAX_OVER_REDACTION


def test_spacy_processes_follow_the_number_of_texts() -> None:
    assert processes_for(10) == 1
    assert processes_for(100_000) == (os.cpu_count() or 1)


def test_redaction_shared_among_processes_is_the_same(redactor: Redactor, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        f"{greeting} I am {name}, write to {name.lower()}@example.org or call 07700 900{n:03d}. The buses are late."
        for n, (greeting, name) in enumerate(
            (g, nm) for g in ("Hello.", "Hi,", "Dear council,") for nm in ("Sarah Jones", "Tom Patel", "Aisha Khan")
        )
    ] * 2 + ["Nothing personal here at all.", None]
    alone = redactor.redact_each(texts)
    monkeypatch.setattr(pii, "TEXTS_PER_PROCESS", 3)
    assert pii.processes_for(9) == min(3, os.cpu_count() or 1)
    shared = redactor.redact_each(texts)
    assert shared == alone
    assert all(found for _, found in shared[:18])  # every letter had something redacted


@pytest.mark.parametrize(
    "text",
    [
        # From the real sets in ../shared/data, each redacted before (hearings, committees, comments).
        "Oh, yeah.",
        "Okay, thank you.",
        "So, how do you assess how children are doing in your new curriculum?",
        "Mr.Chair, our programs don't discriminate.",
        "Welcome to the Children, Young People and Education Committee.",
        "And how much how long would it take them on the Long Island Railroad?",
        "As an integral part of the health care ecosystem, Heath Technology appreciates the opportunity.",
        "We must keep Telehealth services.Such services save lives.",
        "The honourable member for ChicoutimiLe Fjord has the floor.",
        "Mr. Chair, Pitt Meadows is one of Canada's most beautiful places.",
    ],
)
def test_real_text_that_is_not_personal_data_is_left_alone(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == (text, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We will continue with Mr.Berthold.", "We will continue with [NAME]."),
        ("Thank you, Chair Garodnick.", "Thank you, [NAME]."),
        ("I need 5 by council member, Brewer.", "I need 5 by [NAME]."),
        ("Dear Administrator Oz, please act.", "Dear [NAME], please act."),
        ("My name is Thomas Young, I am a citizen.", "My name is [NAME], I am a citizen."),
        ("Then Maria De Anasantis will speak.", "Then [NAME] will speak."),
    ],
)
def test_titles_and_introductions_mark_names(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text)[0] == expected


def test_other_languages_get_the_patterns_only(redactor: Redactor) -> None:
    spanish = "Propuesta de Ana García: arreglar la calle Mieses 3, escribid a ana@example.es para apoyarla."
    english = "Ring Helen Price about it."
    done = redactor.redact_each([spanish, english], languages=["es", "en"])
    assert done[0][0] == "Propuesta de Ana García: arreglar la [ADDRESS], escribid a [EMAIL] para apoyarla."
    assert done[1][0] == "Ring [NAME] about it."


def test_the_consultations_own_words_are_not_names() -> None:
    text = "I am a lifelong Brooklyn resident."
    assert Redactor(PrivacySettings()).redact(text)[0] == "I am a lifelong [NAME] resident."
    assert Redactor(PrivacySettings(vocabulary=("Brooklyn",))).redact(text) == (text, {})


def test_the_shipped_common_words_match_spacys_lookups() -> None:
    from models.pii_rules import _common_words, common_words_from_lookups

    assert _common_words() == common_words_from_lookups()
    assert {"housing", "okay", "oh", "waste"} <= set(_common_words())
    assert not {"john", "williams", "kennedy"} & set(_common_words())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I spoke to DeShawn Williams about it.", "I spoke to [NAME] about it."),
        ("I spoke to Sarah Mills about it.", "I spoke to [NAME] about it."),
        ("I spoke to João dos Santos about it.", "I spoke to [NAME] about it."),
    ],
)
def test_a_first_name_and_a_surname_stay_a_name(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text)[0] == expected


def test_strong_cues_still_mark_names_in_other_languages(redactor: Redactor) -> None:
    texts = [
        "Je suis d'accord avec Mr. Smith, le parc doit rester ouvert pour tous.",
        "Hola, me llamo Lucía Gómez y vivo en el Carrer d'Aragó 250 desde hace años.",
    ]
    done = redactor.redact_each(texts, languages=["fr", "es"])
    assert done[0][0] == "Je suis d'accord avec [NAME], le parc doit rester ouvert pour tous."
    assert done[1][0] == "Hola, me llamo [NAME] y vivo en el [ADDRESS] desde hace años."
