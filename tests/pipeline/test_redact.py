from collections import Counter
from collections.abc import Iterable

import polars as pl

from pipeline.prepare.redact import public_vocabulary, redact_frames


class FakeRedactor:
    """Replaces the word 'secret' (and, unless patterns_only, 'Ann') so the frame logic is tested alone."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def redact_each(
        self, texts: Iterable[str | None], *, patterns_only: bool = False, languages: Iterable[str] | None = None
    ) -> list[tuple[str | None, Counter[str]]]:
        out: list[tuple[str | None, Counter[str]]] = []
        for text in texts:
            if text is None:
                out.append((None, Counter()))
                continue
            self.seen.append(text)
            counts: Counter[str] = Counter()
            counts["EMAIL_ADDRESS"] += text.count("secret")
            text = text.replace("secret", "[EMAIL]")
            if not patterns_only:
                counts["PERSON"] += text.count("Ann")
                text = text.replace("Ann", "[NAME]")
            out.append((text, counts))
        return out


def test_redact_frames_texts_attributes_and_speakers() -> None:
    responses = pl.DataFrame(
        {
            "response_id": ["r1", "m-turn-001", "m-turn-002", "m-turn-003"],
            "source_id": ["s", "m", "m", "m"],
            "respondent_id": ["r1", "m:Resident (Ann)", "m:Cllr Hughes", "m:Bob"],
            "speaker": [None, "Resident (Ann)", "Cllr Hughes", "Bob"],
            "speaker_role": [None, "public", "chair", "public"],
            "text": ["Ann says secret", "I am Ann", "Thank you Ann", "Hello"],
            "attr_ward": ["Ann ward", "secret", None, None],
        }
    )
    answers = pl.DataFrame({"response_id": ["r1"], "text": ["Ann says secret"]})
    got, got_answers, counts = redact_frames(responses, answers, FakeRedactor())
    assert got["text"].to_list() == ["[NAME] says [EMAIL]", "I am [NAME]", "Thank you [NAME]", "Hello"]
    assert got["attr_ward"].to_list() == ["Ann ward", "[EMAIL]", None, None]  # attributes: patterns only
    assert got["speaker"].to_list() == [None, "Member of the public 1", "Cllr Hughes", "Member of the public 2"]
    assert got["respondent_id"].to_list() == [
        "r1",
        "m:Member of the public 1",
        "m:Cllr Hughes",
        "m:Member of the public 2",
    ]
    assert got_answers["text"].to_list() == ["[NAME] says [EMAIL]"]
    assert counts == {"PERSON": 3, "EMAIL_ADDRESS": 2}


def test_responses_made_of_their_answers_are_rebuilt_not_redacted_twice() -> None:
    responses = pl.DataFrame(
        {
            "response_id": ["r1", "r2", "r3"],
            "source_id": ["s", "s", "s"],
            "respondent_id": ["r1", "r2", "r3"],
            "speaker": [None, None, None],
            "speaker_role": [None, None, None],
            "text": ["Ann wrote\n\nsecret plan", "Ann again", "something else entirely"],
        }
    )
    answers = pl.DataFrame(
        {
            "response_id": ["r1", "r2", "r1", "r3"],
            "text": ["Ann wrote", "Ann again", "secret plan", "not the response text"],
        }
    )
    redactor = FakeRedactor()
    got, got_answers, counts = redact_frames(responses, answers, redactor)
    assert got["text"].to_list() == ["[NAME] wrote\n\n[EMAIL] plan", "[NAME] again", "something else entirely"]
    assert got_answers["text"].to_list() == ["[NAME] wrote", "[NAME] again", "[EMAIL] plan", "not the response text"]
    # r1 and r2 were rebuilt from their answers; only r3's text (not its answers joined) went through again
    assert sorted(redactor.seen) == sorted([*answers["text"], "something else entirely"])
    assert counts == {"PERSON": 2, "EMAIL_ADDRESS": 1}


def test_public_vocabulary_takes_capitalised_phrases_from_documents() -> None:
    documents = pl.DataFrame(
        {
            "text": ["Close the road outside St Mary's on Chapel Lane.", "RESOLVED: approve."],
            "heading": ["Option 5: School streets", None],
        }
    )
    vocabulary = public_vocabulary(documents)
    assert {"Chapel Lane", "St Mary's", "Chapel", "Option", "School"} <= set(vocabulary)
    assert "RESOLVED" not in vocabulary


def test_consultation_vocabulary_holds_its_ordinary_and_recurring_words() -> None:
    from pipeline.prepare.redact import consultation_vocabulary

    texts = [f"I live in Brooklyn and housing costs too much, says response {i}." for i in range(10)]
    texts += ["My name is Evelyn Boyd and housing matters.", "Nothing else."]
    vocabulary = consultation_vocabulary(texts)
    assert {"housing", "Brooklyn", "costs"} <= set(vocabulary)
    assert "Evelyn" not in vocabulary
    assert "Boyd" not in vocabulary


def test_a_name_said_in_a_few_turns_is_not_the_consultations_vocabulary() -> None:
    from pipeline.prepare.redact import consultation_vocabulary

    turns = ["Thank you, Maria.", "Maria, go ahead.", "Over to you, Maria."] + ["The buses are late."] * 50
    assert "Maria" not in consultation_vocabulary(turns)
