"""The Decidim link evaluation: ground truth read correctly, scores computed correctly."""

from pathlib import Path

import pytest

from pipeline.trace.evaluate import _titles, load_decidim_links, scores

DECIDIM = "decidim-barcelona-pb/www.decidim.barcelona-open-data-projects.csv"


def test_joined_titles_split_into_the_right_number() -> None:
    assert _titles("Carril bici Via Augusta, Carril Bici Via Augusta, Creació de dos carrils", 3) == [
        "Carril bici Via Augusta",
        "Carril Bici Via Augusta",
        "Creació de dos carrils",
    ]
    assert _titles("Parc, jardí i font, Plaça nova", 2) == ["Parc, jardí i font", "Plaça nova"]
    assert _titles("a, b, c", 2) is None


def test_scores() -> None:
    truth = {("p1", "j1"), ("p2", "j2")}
    assert scores({("p1", "j1"), ("p1", "j2")}, truth) == {
        "predicted": 2,
        "correct": 1,
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
    }


@pytest.mark.realdata
def test_decidim_gold_links_are_read_from_the_real_export(shared_data: Path) -> None:
    data = load_decidim_links(shared_data / DECIDIM)
    assert (data.proposals.height, data.projects.height, len(data.truth), data.skipped_projects) == (217, 220, 217, 0)
    assert {p for p, _ in data.truth} == set(data.proposals["proposal_id"])
