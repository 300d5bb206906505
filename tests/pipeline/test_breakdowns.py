import polars as pl
import pytest
from scipy.stats import chi2_contingency

from pipeline.breakdowns import breakdown, breakdowns


def _units(groups: dict[str, int]) -> pl.DataFrame:
    rows = [(f"{g}{i}", g) for g, n in groups.items() for i in range(n)]
    return pl.DataFrame(rows, schema={"unit_id": pl.String(), "value": pl.String()}, orient="row")


def test_share_lift_expected_and_chi_square() -> None:
    units = _units({"resident": 40, "business": 40, "visitor": 4})
    in_theme = [f"resident{i}" for i in range(30)] + [f"business{i}" for i in range(10)] + ["visitor0"]
    members = pl.DataFrame({"unit_id": in_theme, "theme_id": "T01", "sentiment": [-0.5] * 30 + [0.5] * 11})
    table = breakdown(units, members, "type")
    row = {r["value"]: r for r in table.iter_rows(named=True)}
    overall = 41 / 84
    assert row["resident"]["n_theme"] == 30
    assert row["resident"]["share"] == pytest.approx(0.75)
    assert row["resident"]["lift"] == pytest.approx(0.75 / overall)
    assert row["resident"]["expected"] == pytest.approx(40 * overall)
    assert row["resident"]["sentiment"] == pytest.approx(-0.5)
    assert row["resident"]["share_negative"] == 1.0
    # 4 visitors: expected 1.95 in the theme < 5, so the cell is suppressed and blanked
    assert row["visitor"]["suppressed"]
    assert row["visitor"]["n_theme"] is None
    assert row["visitor"]["share"] is None
    assert row["visitor"]["sentiment"] is None
    assert row["visitor"]["n_group"] == 4
    # the test runs on the unsuppressed groups only
    expected = chi2_contingency([[30, 10], [10, 30]], correction=False)
    assert row["resident"]["chi2"] == pytest.approx(expected.statistic)
    assert row["resident"]["p_value"] == pytest.approx(expected.pvalue)
    assert row["resident"]["attribute"] == "type"


def test_no_test_when_one_group_is_left() -> None:
    units = _units({"a": 50, "b": 3})
    members = pl.DataFrame({"unit_id": [f"a{i}" for i in range(20)], "theme_id": "T01", "sentiment": 0.0})
    table = breakdown(units, members, "x")
    assert table.filter(pl.col("value") == "a")["chi2"].to_list() == [None]


def test_breakdowns_cover_attributes_channel_and_question() -> None:
    n = 60
    respondents = pl.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(n)],
            "respondent_id": [f"p{i}" for i in range(n)],
            "channel": ["survey"] * n,
            "attr_ward": ["North" if i % 2 else "South" for i in range(n)],
        }
    )
    passages = pl.DataFrame(
        {
            "passage_id": [f"r{i}:{q}" for i in range(n) for q in ("Q1", "Q2")],
            "response_id": [f"r{i}" for i in range(n) for _ in range(2)],
            "question": [q for _ in range(n) for q in ("Q1", "Q2")],
        }
    )
    assignments = pl.DataFrame(
        {
            "passage_id": [f"r{i}:Q1" for i in range(0, n, 2)] + [f"r{i}:Q2" for i in range(1, n, 3)],
            "response_id": [f"r{i}" for i in range(0, n, 2)] + [f"r{i}" for i in range(1, n, 3)],
            "theme_id": "T01",
        }
    )
    sentiment = passages.select("passage_id").with_columns(sentiment=pl.lit(0.1))
    table = breakdowns(assignments, respondents, passages, sentiment)
    assert set(table["attribute"]) == {"ward", "question"}  # one channel only: no breakdown
    ward = {r["value"]: r for r in table.filter(pl.col("attribute") == "ward").iter_rows(named=True)}
    assert ward["South"]["n_theme"] == 30  # every even respondent answered Q1 in the theme
    assert ward["South"]["n_group"] == 30
    question = {r["value"]: r for r in table.filter(pl.col("attribute") == "question").iter_rows(named=True)}
    assert question["Q1"]["n_theme"] == 30
    assert question["Q2"]["n_theme"] == 20
    assert question["Q1"]["n_group"] == question["Q2"]["n_group"] == n


def test_a_blank_attribute_is_the_group_not_stated_and_the_groups_add_up() -> None:
    respondents = pl.DataFrame(
        {
            "response_id": ["r1", "r2", "r3", "r4", "r5", "r6", "r7"],
            "respondent_id": ["p1", "p2", "p3", "p4", "p5", "p6", "p7"],
            "channel": ["survey"] * 5 + ["meeting"] * 2,
            "attr_ward": ["North", "North", "South", "", "  ", None, None],
        }
    )
    passages = pl.DataFrame({"passage_id": ["r1:0", "r4:0", "r6:0"], "response_id": ["r1", "r4", "r6"]})
    passages = passages.with_columns(question=pl.lit(None, pl.String()))
    assignments = passages.select("passage_id", "response_id").with_columns(theme_id=pl.lit("T01"))
    sentiment = passages.select("passage_id").with_columns(sentiment=pl.lit(0.0))
    table = breakdowns(assignments, respondents, passages, sentiment)
    ward = table.filter(pl.col("attribute") == "ward").sort("value")
    assert ward.select("value", "n_group").rows() == [("North", 2), ("Not stated", 4), ("South", 1)]
    assert ward["n_group"].sum() == respondents.height  # everyone is in a group
    assert ward["overall_share"].to_list() == [3 / 7] * 3  # of all respondents, not only those who said
    channel = table.filter(pl.col("attribute") == "channel")
    assert channel["n_group"].sum() == respondents.height
