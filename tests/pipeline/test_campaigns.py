import polars as pl

from pipeline.overlap import jaccard
from pipeline.prepare.campaigns import campaigns, near_duplicate_groups, shingles

LETTER = (
    "Dear Councillors, I am writing to object to the proposal to close the Market Square car park, which the "
    "Tuesday and Saturday markets depend on for traders and older shoppers."
)


def test_shingles_and_jaccard() -> None:
    assert shingles("The buses, the BUSES!") == {"the buses the", "buses the buses"}
    assert jaccard({"a", "b"}, {"b", "c"}) == 1 / 3


def test_near_duplicates_group_but_short_answers_do_not() -> None:
    texts = [
        LETTER,
        LETTER.replace("Dear Councillors", "Dear Sir or Madam"),
        LETTER + " Please listen.",
        "More buses please.",
        "More buses please.",
        "A completely different answer about cycling lanes on the seafront and lighting at night near the harbour.",
    ]
    groups = near_duplicate_groups([f"r{i}" for i in range(6)], texts, threshold=0.8)
    assert groups == [["r0", "r1", "r2"]]


def test_campaign_table_counts_members_and_weights() -> None:
    responses = pl.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(7)],
            "channel": ["survey"] * 6 + ["meeting"],
            "text": [LETTER] * 5
            + ["We oppose the late enrolment penalty and ask for a simpler process for everyone.", LETTER],
            "weight": [1, 1, 1, 1, 1, 1200, 1],
            "submitted": ["2026-01-02", "2026-01-01", "2026-01-05", None, "2026-01-03", "2026-01-04", None],
            "campaign_id": [None] * 7,  # as ingest leaves it
        },
        schema_overrides={"campaign_id": pl.String()},
    )
    table, tagged = campaigns(responses, threshold=0.8, min_campaign=5)
    assert table.select("campaign_id", "kind", "n_members", "represented", "first_seen", "last_seen").rows() == [
        ("C001", "campaign", 5, 5, "2026-01-01", "2026-01-05"),
        ("C002", "duplicate count", 1, 1200, "2026-01-04", "2026-01-04"),
    ]
    assert table["member_ids"][0].to_list() == ["r0", "r1", "r2", "r3", "r4"]
    assert tagged.filter(pl.col("response_id") == "r6")["campaign_id"].item() is None  # meeting turns are not grouped
    assert tagged["campaign_id"].to_list()[:6] == ["C001"] * 5 + ["C002"]


def test_group_maps() -> None:
    from pipeline.prepare.campaigns import group_maps

    table = pl.DataFrame(
        {
            "campaign_id": ["C001", "C002"],
            "canonical_response_id": ["a", "z"],
            "member_ids": [["a", "b", "c"], ["z"]],
            "n_members": [3, 1],
        }
    )
    assert group_maps(table) == ({"b": "a", "c": "a"}, {"a": "C001", "b": "C001", "c": "C001"})
