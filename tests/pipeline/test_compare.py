"""Comparing two runs: themes matched by members, changes and new responses."""

import polars as pl

from pipeline.compare import compare_runs, matched_themes


def run(themes: dict[str, list[str]], statuses: dict[str, str], responses: list[str]) -> dict[str, pl.DataFrame]:
    rows = [(p, t) for t, members in themes.items() for p in members]
    return {
        "assignments": pl.DataFrame(rows, schema=["passage_id", "theme_id"], orient="row"),
        "themes": pl.DataFrame(
            {
                "theme_id": list(themes),
                "label": [f"theme {t}" for t in themes],
                "n_respondents": [len(m) for m in themes.values()],
            }
        ),
        "theme_status": pl.DataFrame({"theme_id": list(statuses), "status": list(statuses.values())}),
        "responses": pl.DataFrame({"response_id": responses}),
    }


def test_changes_between_runs() -> None:
    before = run(
        {"T01": ["a", "b", "c", "d"], "T02": ["e", "f", "g"], "T03": ["h", "i"]},
        {"T01": "adopted", "T02": "considered", "T03": "not taken up"},
        ["r1", "r2", "r3"],
    )
    after = run(  # renumbered: old T02 is now T01 and grew; old T01 unchanged as T02; T03 gone; a new theme
        {"T01": ["e", "f", "g", "x", "y"], "T02": ["a", "b", "c", "d"], "T03": ["p", "q"]},
        {"T01": "adopted", "T02": "adopted", "T03": "not taken up"},
        ["r1", "r2", "r3", "r4", "r5"],
    )
    assert matched_themes(before["assignments"], after["assignments"]) == {"T01": "T02", "T02": "T01"}
    counts, table = compare_runs(before, after)
    assert counts == {"responses_before": 3, "responses_after": 5, "new_responses": 2, "removed_responses": 0}
    changes = {
        (r["theme_before"], r["theme_after"]): (r["change"], r["status_changed"]) for r in table.iter_rows(named=True)
    }
    assert changes == {
        ("T01", "T02"): ("same", False),
        ("T02", "T01"): ("grew", True),
        ("T03", None): ("gone", False),
        (None, "T03"): ("appeared", False),
    }
