from collections import Counter
from collections.abc import Iterable

import polars as pl

from pipeline.prepare.redact import public_vocabulary, redact_frames


class FakeRedactor:
    """Replaces the word 'secret' (and, unless patterns_only, 'Ann') so the frame logic is tested alone."""

    def redact_all(
        self, texts: Iterable[str | None], *, patterns_only: bool = False
    ) -> tuple[list[str | None], Counter[str]]:
        out: list[str | None] = []
        counts: Counter[str] = Counter()
        for text in texts:
            if text is None:
                out.append(None)
                continue
            counts["EMAIL_ADDRESS"] += text.count("secret")
            text = text.replace("secret", "[EMAIL]")
            if not patterns_only:
                counts["PERSON"] += text.count("Ann")
                text = text.replace("Ann", "[NAME]")
            out.append(text)
        return out, counts


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
