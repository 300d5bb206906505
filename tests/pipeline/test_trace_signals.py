"""The link signals on their own: carry-over alignment, option references, direction cues."""

import pytest

from pipeline.trace.signals import (
    action,
    carry_over,
    defined_option,
    opposes_change,
    option_numbers,
    share_opposing,
    stop_words,
    tokens,
)

STOP = stop_words(("en",))


def test_tokens_keep_apostrophes_inside_words() -> None:
    assert tokens("St Mary’s school isn't SAFE!") == ["st", "mary's", "school", "isn't", "safe"]
    assert tokens("Plaça d’Adrià") == ["placa", "d'adria"]


def test_near_verbatim_phrase_is_carried_over_with_its_spans() -> None:
    public = ["Please make the first hour free in the Bridge Street car park, it would help shops."]
    decision = ["approves making the first hour of parking free in the Bridge Street car park"]
    [found] = carry_over(public, decision, STOP, min_words=3)
    assert (found.public, found.document) == (0, 0)
    assert found.words >= 5  # free, bridge, street, car, park (stop words do not count)
    assert "free in the bridge street car park" in found.document_span
    assert "bridge street car park" in found.public_span


def test_function_words_and_accents_do_not_hide_reuse() -> None:
    [found] = carry_over(["Superilla de Sants"], ["Avancem cap a una superilla a Sants"], stop_words(("ca",)))
    assert found.words == 2  # the whole (two-content-word) title
    assert found.document_span == "superilla a sants"
    [found] = carry_over(
        ["Reducció del trànsit al c. Mare de Deu del Coll"],
        ["Reduïm el trànsit al carrer de la Mare de Déu del Coll"],
        stop_words(("ca",)),
    )
    assert "mare de deu del coll" in found.document_span


def test_shared_stop_words_and_short_overlaps_are_not_carry_over() -> None:
    public = ["I think that it is what it is and we should do it."]
    decision = ["The council thinks that it should do what it is asked."]
    assert carry_over(public, decision, STOP, min_words=3) == []
    assert carry_over(["more buses please"], ["more buses will run"], STOP, min_words=3) == []


def test_carry_over_works_in_other_languages_with_their_stop_words() -> None:
    stop = stop_words(("ca",))
    public = ["Estudiar la possibilitat de posar bancs per a la gent gran a les voreres"]
    project = ["Projecte: posar bancs per a la gent gran a les voreres de l'Eixample"]
    [found] = carry_over(public, project, stop, min_words=3)
    assert "bancs" in found.document_span
    assert "voreres" in found.document_span


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("That Cabinet approves Options 2, 6, 7 and 8 as the plan.", [2, 6, 7, 8]),
        ("Option 4, a residents' parking zone, was not taken forward", [4]),
        ("Options 4 and 5 are kept under review", [4, 5]),
        ("There are several options to consider.", []),
    ],
)
def test_option_numbers(text: str, numbers: list[int]) -> None:
    assert option_numbers(text) == numbers


def test_defined_option_from_heading_or_opening() -> None:
    assert defined_option("Plan > 3. Options > Option 3: Market Square pedestrian zone", "Close the car park") == 3
    assert defined_option("Plan > Options", "Option 12: do minimum") == 12
    assert defined_option("Plan > Background", "Footfall fell by 14%.") is None


@pytest.mark.parametrize(
    ("text", "role", "expected"),
    [
        ("approves funding for evening bus services (Option 7);", "resolution", "approves"),
        ("agrees that the Market Square car park will remain open", "resolution", "retains"),
        ("Option 4 was not taken forward at this time because of cost.", "rationale", "rejects"),
        ("That Option 3 is not pursued and Options 4 and 5 are kept under review.", "recommendation", "rejects"),
        ("Close the Market Square car park and convert the square.", "option", "proposes"),
        ("The consultation showed strong support for safer cycling.", "rationale", "notes"),
    ],
)
def test_action_of_a_document_passage(text: str, role: str, expected: str) -> None:
    assert action(text, role) == expected


def test_opposition_cues() -> None:
    assert opposes_change("Please don't close the car park in Market Square.")
    assert opposes_change("I object to the proposal to close the car park.")
    assert opposes_change("Keep the Market Square car park, the market depends on it.")
    assert opposes_change("Closing it would badly harm the traders.")
    assert not opposes_change("We need more evening buses and a Sunday service.")
    assert not opposes_change("I can't find a space near my house because of commuters.")
    assert share_opposing([["Keep the car park"], ["more buses"], ["don't close it", "anything"]]) == 2 / 3
