"""Responsiveness: who raised something the decision took up, overall and by group."""

import polars as pl

from pipeline.responsiveness import MIN_GROUP, fates, headline, largest_not_taken_up, responsiveness


def test_headline_and_groups() -> None:
    n = 30
    respondents = pl.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(n)],
            "respondent_id": [f"r{i}" for i in range(n)],
            "channel": ["survey"] * n,
            "attr_ward": ["North"] * 20 + ["South"] * 5 + ["East"] * 5,
        }
    )
    # r0-r9: adopted theme A; r10-r19: not taken up theme C; r20-r29: considered B, r25 also A
    theme_of = ["A"] * 10 + ["C"] * 10 + ["B"] * 10 + ["A"]
    who = [f"r{i}" for i in range(n)] + ["r25"]
    assignments = pl.DataFrame(
        {"passage_id": [f"p{i}" for i in range(len(who))], "response_id": who, "theme_id": theme_of}
    )
    status = pl.DataFrame({"theme_id": ["A", "B", "C"], "status": ["adopted", "considered", "not taken up"]})
    table = responsiveness(assignments, status, respondents)
    overall = headline(table)
    assert (overall["n_reached"], overall["n_respondents"], overall["share_reached"]) == (11, 30, round(11 / 30, 4))
    assert "adopted in part" in overall["definition"]
    wards = {r["value"]: r for r in table.filter(pl.col("attribute") == "ward").iter_rows(named=True)}
    assert wards["North"]["n_reached"] == 10
    assert wards["North"]["n_not_taken_up"] == 10
    assert wards["South"]["suppressed"]
    assert wards["South"]["n_reached"] is None
    assert MIN_GROUP == 10
    assert table.filter(pl.col("attribute") == "channel").is_empty()  # one channel: nothing to compare


def test_themes_ranked_against_their_fate() -> None:
    themes = pl.DataFrame(
        {
            "theme_id": ["T1", "T2", "T3"],
            "label": ["a", "b", "c"],
            "n_respondents": [5, 50, 20],
            "share": [0.05, 0.5, 0.2],
        }
    )
    status = pl.DataFrame(
        {
            "theme_id": ["T1", "T2", "T3"],
            "status": ["not taken up", "not taken up", "adopted"],
            "confidence": [0.9] * 3,
            "reason": [""] * 3,
        }
    )
    assert fates(themes, status)["theme_id"].to_list() == ["T2", "T3", "T1"]
    assert fates(themes, status)["fate"].to_list() == ["Not taken up", "Adopted", "Not taken up"]
    assert largest_not_taken_up(themes, status, top=1)["label"].to_list() == ["b"]


def test_without_a_decision_nothing_is_computed_not_zero() -> None:
    n = 24
    respondents = pl.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(n)],
            "respondent_id": [f"r{i}" for i in range(n)],
            "channel": ["survey"] * n,
            "attr_ward": ["North"] * 12 + ["South"] * 12,
        }
    )
    assignments = pl.DataFrame(
        {"passage_id": [f"p{i}" for i in range(n)], "response_id": respondents["response_id"], "theme_id": ["A"] * n}
    )
    status = pl.DataFrame({"theme_id": ["A"], "status": ["not traced"], "confidence": [None], "reason": ["none"]})
    table = responsiveness(assignments, status, respondents)
    overall = headline(table)
    assert (overall["share_reached"], overall["n_reached"], overall["n_respondents"]) == (None, None, n)
    assert table["n_respondents"].to_list() == [24, 12, 12]
    assert table.select("n_reached", "share_reached", "n_not_taken_up").null_count().row(0) == (3, 3, 3)
    assert fates(pl.DataFrame({"theme_id": ["A"], "label": ["a"], "n_respondents": [n], "share": [1.0]}), status)[
        "fate"
    ].to_list() == ["Not traced"]
    assert largest_not_taken_up(
        pl.DataFrame({"theme_id": ["A"], "label": ["a"], "n_respondents": [n], "share": [1.0]}), status
    ).is_empty()


def test_a_blank_attribute_is_a_group_of_its_own() -> None:
    respondents = pl.DataFrame(
        {
            "response_id": ["r1", "r2", "r3", "r4"],
            "respondent_id": ["r1", "r2", "r3", "r4"],
            "channel": ["survey"] * 4,
            "attr_ward": ["North", "South", None, "  "],
        }
    )
    assignments = pl.DataFrame({"passage_id": ["p1", "p2", "p3", "p4"], "response_id": ["r1", "r2", "r3", "r4"]})
    assignments = assignments.with_columns(theme_id=pl.lit("A"))
    status = pl.DataFrame({"theme_id": ["A"], "status": ["adopted"]})
    wards = responsiveness(assignments, status, respondents).filter(pl.col("attribute") == "ward")
    assert dict(wards.select("value", "n_respondents").iter_rows()) == {"North": 1, "Not stated": 2, "South": 1}
