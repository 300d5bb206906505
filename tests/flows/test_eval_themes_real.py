"""The theme and substance parts of the scoreboard: their scoring helpers, the real sets' readers."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from flows.eval_themes_real import SET_ASIDE, _by_response, _covered, _shape, is_procedure, substance_part
from pipeline.quality_doc import quality_markdown
from pipeline.realsets import exploded, nhs_comments, nyc_testimonies, passages_of, polis_statements, qmsum_meetings
from pipeline.theme_eval import UNTHEMED


def test_procedure_labels_are_all_procedure_words() -> None:
    assert is_procedure("Afternoon")
    assert is_procedure("City council")
    assert is_procedure("New York City")
    assert not is_procedure("Accessory dwelling units")
    assert not is_procedure("Proposal for parking minimums")
    assert not is_procedure("")


PASSAGES = pl.DataFrame(
    {
        "passage_id": ["a:0", "a:1", "a:2", "b:0", "c:0", "c:1"],
        "response_id": ["a", "a", "a", "b", "c", "c"],
        "text": ["x"] * 6,
    }
)


def test_a_response_takes_the_theme_of_most_of_its_passages() -> None:
    theme_of = {"a:0": "t1", "a:1": "t2", "a:2": "t2", "b:0": SET_ASIDE, "c:0": SET_ASIDE, "c:1": "t1"}
    assert _by_response(PASSAGES, theme_of) == {"a": "t2", "b": SET_ASIDE, "c": "t1"}


def test_shape_counts_respondents_and_lists_themes() -> None:
    theme_of = {"a:0": "t1", "a:1": "t2", "b:0": "t1", "c:0": SET_ASIDE}
    shape = _shape(PASSAGES, theme_of, {"t1": "Afternoon", "t2": "Buses"})
    assert shape["themes"] == 2
    assert shape["largest_share"] == round(2 / 3, 3)
    assert shape["procedure_themes"] == ["Afternoon"]
    assert shape["list"] == [("Afternoon", 2), ("Buses", 1)]
    assert shape["unthemed_passages"] == round(2 / 6, 3)  # a:2 and c:1 have no theme
    assert shape["set_aside_passages"] == round(1 / 6, 3)


def test_an_element_is_covered_by_a_theme_most_of_whose_speakers_discuss_it() -> None:
    n = 40
    passages = pl.DataFrame({"passage_id": [f"{i}:0" for i in range(n)], "response_id": [str(i) for i in range(n)]})
    elements = {str(i): (["ADU"] if i < 30 else ["UAP"]) for i in range(n)}
    theme_of = {f"{i}:0": ("t1" if i < 10 else "t2") for i in range(n)}
    covered = _covered(passages, theme_of, {"t1": "Backyard units", "t2": "Mixed"}, elements)
    assert covered == {"ADU": None}  # t1 is all ADU, but ADU is 75% everywhere: not 1.5 times the rate
    elements = (
        {str(i): (["ADU"] if i < 10 or i >= 38 else ["UAP"]) for i in range(n)}
        | {"x": ["ADU"]}
        | {f"y{k}": ["ADU"] for k in range(20)}
    )
    covered = _covered(passages, theme_of, {"t1": "Backyard units", "t2": "Mixed"}, elements)
    assert covered["ADU"] == "Backyard units"
    assert UNTHEMED not in covered.values()


def test_passages_are_regex_sentences_with_fragments_joined_and_formulae_apart() -> None:
    assert passages_of("Thank you, chair. The buses stop at six every evening. Please fix the evening buses now.") == [
        "Thank you, chair.",
        "The buses stop at six every evening.",
        "Please fix the evening buses now.",
    ]
    assert passages_of("The buses stop at six. Fix it!") == ["The buses stop at six. Fix it!"]
    spoken = "Thank you, chair. The buses stop at six every evening. Please fix the evening buses now."
    assert passages_of(spoken, spoken=True) == [
        "Thank you, chair.",
        "The buses stop at six every evening. Please fix the evening buses now.",
    ]


def test_the_page_shows_the_substance_part(tmp_path: Path) -> None:
    half = {
        "passages": 10,
        "other": 4,
        **{
            k: {"tp": 3, "said": 4, "precision": 0.75, "recall": 0.75}
            for k in ("throughline", "three_words_or_fewer", "keyword")
        },
    }
    page = quality_markdown(
        {"parts": {"substance": {"test": half, "dev": half, "date": "d", "commit": "c", "seconds": 1}}}
    )
    assert "## Substance or procedure" in page
    assert "| test (10, 4 other) | throughline | 75.0%" in page


@pytest.mark.realdata
def test_the_real_theme_sets_read_as_expected(shared_data: Path) -> None:
    assert nhs_comments(shared_data).height == 10_334
    meetings = qmsum_meetings(shared_data)
    assert len(meetings) == 36
    assert all(m["topic"].drop_nulls().len() > 0 for m in meetings.values())
    testimonies = nyc_testimonies(shared_data)
    assert testimonies.height == 203
    assert (testimonies["elements"].list.len() > 0).sum() >= 150  # silver labels matched by start time
    assert (testimonies["text"].str.len_chars() > 0).all()
    assert set(polis_statements(shared_data)) == {
        "american-assembly.bowling-green",
        "march-on.operation-marchin-orders",
        "bg2050-volunteers",
    }
    assert exploded(testimonies.head(3).select("response_id", "text"))["passage_id"].is_unique().all()


@pytest.mark.realdata
def test_substance_part_beats_its_baselines_on_the_test_half(shared_data: Path) -> None:
    result = substance_part(shared_data)
    test = result["test"]
    assert test["passages"] > 250
    ours = test["throughline"]
    assert ours["precision"] >= 0.9
    assert ours["recall"] > test["three_words_or_fewer"]["recall"]
    assert ours["precision"] > test["keyword"]["precision"]
