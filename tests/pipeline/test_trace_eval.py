"""The Decidim link evaluation: ground truth read correctly, scores computed correctly."""

from pathlib import Path

import numpy as np
import pytest

from pipeline.trace import TraceSettings
from pipeline.trace.evaluate import _titles, by_method, load_decidim_links, predicted_links, scores

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
def test_decidim_links_and_carry_over_on_the_real_export(shared_data: Path) -> None:
    data = load_decidim_links(shared_data / DECIDIM)
    assert (data.proposals.height, data.projects.height, len(data.truth), data.skipped_projects) == (217, 220, 217, 0)
    documents = [f"{t}. {d}" for t, d in zip(data.projects["title"], data.projects["description"], strict=True)]
    # orthogonal vectors: only carry-over can link, so this measures that signal alone
    dim = data.proposals.height + data.projects.height
    vectors = np.eye(dim, dtype=np.float32)
    settings = TraceSettings(languages=("ca", "es"), carryover_min_respondents=1, carryover_min_share=0.0)
    links = predicted_links(
        data, documents, vectors[: data.proposals.height], vectors[data.proposals.height :], settings
    )
    carried = by_method(links, data.truth)["carry-over"]
    assert carried["precision"] >= 0.7
    assert carried["recall"] >= 0.5
