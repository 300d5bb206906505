"""Closed-question answers read as a stance on an option."""

import polars as pl
import pytest

from pipeline.trace.attribution import Option
from pipeline.trace.stance import closed_stances, stance_of


@pytest.mark.parametrize(
    ("answer", "stance"),
    [
        ("Strongly support", "for"),
        ("Agree", "for"),
        ("Yes", "for"),
        ("Strongly disagree", "against"),
        ("Oppose", "against"),
        ("No", "against"),
        ("Neither agree nor disagree", "neutral"),
        ("Don't know", "neutral"),
        ("No opinion", "neutral"),
        ("A favor", "for"),
        ("En contra", "against"),
        ("Sí", "for"),
        ("5", "for"),
        ("2", "against"),
        ("3", "neutral"),
        ("", None),
        ("Car", None),
    ],
)
def test_answers_read_as_a_stance(answer: str, stance: str | None) -> None:
    assert stance_of(answer) == stance


def test_closed_questions_name_their_option_by_number_or_title() -> None:
    responses = pl.DataFrame({"response_id": ["r1", "r2", "r3"], "q4": ["Support", "Oppose", None], "qx": ["Yes"] * 3})
    options = [Option("O4", "4", "Community orchard", "")]
    found, unknown = closed_stances(responses, {"q4": "Project 4", "qx": "Option 9"}, options)
    assert found == {("r1", "O4"): "for", ("r2", "O4"): "against"}
    assert unknown == ["qx"]
