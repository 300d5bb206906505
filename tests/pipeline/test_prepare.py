import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from models.nlp import blank_nlp
from pipeline.prepare import normalise_text, passages_from_answers, passages_from_blocks, with_language
from pipeline.prepare.passages import chunks


def test_normalise_text() -> None:
    assert normalise_text("  Too\u00a0 many\tspaces\r\n\r\n\r\nNew para\x07 ") == "Too many spaces\n\nNew para"
    assert normalise_text("cafe\u0301") == "café"
    assert normalise_text("line\nbreak") == "line break"


def test_chunks_join_fragments_to_neighbours() -> None:
    assert chunks(["Buses are late every single day.", "Why?", "Nobody ever tells us what is going on."]) == [
        "Buses are late every single day. Why?",
        "Nobody ever tells us what is going on.",
    ]
    assert chunks(["No.", "The parking charges are far too high here."]) == [
        "No. The parking charges are far too high here."
    ]


@pytest.mark.parametrize("use_trained", [False, True])
def test_passages_from_answers(use_trained: bool, request: pytest.FixtureRequest) -> None:
    nlp = request.getfixturevalue("nlp") if use_trained else blank_nlp()
    long = (
        "The number 7 bus is late more often than it is on time. There is no service at all on Sundays "
        "from the villages. Evening buses were withdrawn two years ago and young people cannot get home."
    )
    answers = pl.DataFrame(
        {
            "response_id": ["r1", "r1", "m-turn-002"],
            "source_id": ["s", "s", "m"],
            "stage": ["problem"] * 3,
            "question": ["Q2", "Q4", None],
            "text": ["Too expensive.", long, "Bring back the buses."],
        }
    )
    got = passages_from_answers(answers, nlp)
    assert_frame_equal(
        got.select("passage_id", "kind", "text"),
        pl.DataFrame(
            {
                "passage_id": ["r1:0:0", "r1:1:0", "r1:1:1", "r1:1:2", "m-turn-002:2:0"],
                "kind": ["answer", "answer", "answer", "answer", "turn"],
                "text": [
                    "Too expensive.",
                    "The number 7 bus is late more often than it is on time.",
                    "There is no service at all on Sundays from the villages.",
                    "Evening buses were withdrawn two years ago and young people cannot get home.",
                    "Bring back the buses.",
                ],
            }
        ),
    )
    assert got["question"].to_list() == ["Q2", "Q4", "Q4", "Q4", None]


def test_passages_from_blocks_keep_heading_and_role() -> None:
    blocks = pl.DataFrame(
        {
            "source_id": ["d"],
            "stage": ["decision"],
            "heading": ["Notice > Decision"],
            "role": ["resolution"],
            "position": [3],
            "text": ["approves the cycle lane;"],
        }
    )
    got = passages_from_blocks(blocks, blank_nlp())
    assert got.select("passage_id", "kind", "heading", "role", "stage").rows() == [
        ("d:3:0", "section", "Notice > Decision", "resolution", "decision")
    ]


def test_language_flags() -> None:
    frame = pl.DataFrame(
        {
            "text": [
                "The buses are always late in the evening and nobody tells us why",
                "Els autobusos sempre arriben tard al vespre i ningú ens diu per què",
                "Buses",
                None,
            ]
        }
    )
    assert with_language(frame)["language"].to_list() == ["en", "ca", "en", "und"]


def test_short_answers_take_the_main_language() -> None:
    # Each of these was taken for another language on its own (Nigerian Pidgin, Romanian, Faroese).
    short = ["Nature, New, For all", "Participate, learn, nature, culture", "Parking", "more buses please"]
    long = ["The evening buses were withdrawn two years ago and young people cannot get home at all."] * 3
    frame = pl.DataFrame({"text": short + long})
    assert set(with_language(frame)["language"]) == {"en"}
    spanish = ["Arreglo vestuarios Canterac", "Ampliar el centro de vida activa en Arca Real"]
    spanish_long = ["Arreglo de los vestuarios de la piscina cubierta, que llevan años sin ninguna reforma."] * 3
    got = with_language(pl.DataFrame({"text": spanish + spanish_long}), "en")
    assert set(got["language"]) == {"es"}


def test_a_confident_other_language_is_kept() -> None:
    german = "Die Regulierung von KI sollte risikobasiert sein und kleine Unternehmen nicht belasten."
    english = ["The evening buses were withdrawn two years ago and young people cannot get home at all."] * 3
    got = with_language(pl.DataFrame({"text": [german, *english]}))
    assert got["language"].to_list() == ["de", "en", "en", "en"]


def test_word_count_counts_cjk_characters() -> None:
    from pipeline.prepare.language import word_count

    assert word_count("Buses are late") == 3
    assert word_count("優步應該合法化") == 7
    assert with_language(pl.DataFrame({"text": ["政府應該增加公車的班次，晚上的公車太少了"]}))[
        "language"
    ].to_list() == ["zh"]


_PLACEHOLDER_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["[NAME]", "[EMAIL]", "[URL]", "[PHONE]", "[redacted]"]),
        st.sampled_from(["My name is", "and I live on", "I object.", "Why?", "It is late. Very late.", "(", ")", "."]),
        st.text(alphabet="abc XYZ.!?[]", min_size=1, max_size=12),
    ),
    min_size=1,
    max_size=40,
).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(text=_PLACEHOLDER_TEXT)
def test_placeholders_are_never_split_or_padded(text: str) -> None:
    from pipeline.prepare.passages import PLACEHOLDER, split_texts

    nlp = blank_nlp()
    whole = [m.group() for m in PLACEHOLDER.finditer(text)]
    passages = split_texts([text], nlp, whole_words=3)[0]
    found = [m.group() for p in passages for m in PLACEHOLDER.finditer(p)]
    assert found == whole
    assert all("[ " not in p or "[ " in text for p in passages)


def test_a_sentence_end_inside_a_placeholder_is_no_cut() -> None:
    from pipeline.prepare.passages import sentences_of

    text = "My name is [NAME], and I live on the hill. We need buses."
    # Where spaCy cut this one: after "[" and before "NAME]".
    assert sentences_of(text, [0, 12, 43]) == ["My name is [NAME], and I live on the hill.", "We need buses."]
