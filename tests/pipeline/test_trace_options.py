"""Options, decisions per option and attribution on small realistic documents (no model needed)."""

import numpy as np
import polars as pl

from pipeline.schema import TABLES
from pipeline.trace.attribution import AttributionSettings, Option, attribute, mention_patterns, specific_terms
from pipeline.trace.options import named, options_table
from pipeline.trace.outcomes import NOT_MENTIONED, option_outcomes, outcomes_from_table, reason_in, table_outcome


def _passages(source: str, stage: str, blocks: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "passage_id": [f"{source}-{i}" for i in range(len(blocks))],
            "source_id": [source] * len(blocks),
            "stage": [stage] * len(blocks),
            "response_id": [None] * len(blocks),
            "heading": [h for h, _, _ in blocks],
            "role": [r for _, r, _ in blocks],
            "position": list(range(len(blocks))),
            "text": [t for _, _, t in blocks],
        },
        schema_overrides={"response_id": pl.String()},
    )


PAPER = _passages(
    "S3",
    "options",
    [
        ("Plan > 1. Purpose", "other", "This report appraises the options."),
        ("Plan > 3. Options > Option 1: Do minimum", "option", "Routine maintenance only."),
        ("Plan > 3. Options > Option 2: Active travel corridors", "option", "A segregated cycle lane on Station Road."),
        ("Plan > 3. Options > Option 2: Active travel corridors", "option", "Cycle parking at the station."),
        ("Plan > 3. Options > Option 3: Market Square pedestrian zone", "option", "Close the Market Square car park."),
        ("Plan > 4. Recommendation", "recommendation", "Officers recommend Options 2 and 3."),
    ],
)


def test_named_items_become_options_with_their_numbers_titles_and_text() -> None:
    options = options_table(PAPER)
    assert options["option_id"].to_list() == ["O1", "O2", "O3"]
    assert options["title"].to_list() == ["Do minimum", "Active travel corridors", "Market Square pedestrian zone"]
    assert options.row(1, named=True)["passage_ids"] == ["S3-2", "S3-3"]
    assert "Cycle parking" in options.row(1, named=True)["text"]
    assert named("Project 126 – Skate park in Delicias") == ("126", "Skate park in Delicias")
    assert named("Options for the town centre") is None


def test_headed_sections_are_options_when_nothing_is_numbered() -> None:
    doc = _passages(
        "S1",
        "options",
        [
            ("Background", "other", "The city needs homes."),
            ("Universal Affordability Preference (UAP)", "other", "Twenty per cent more housing if affordable."),
            ("Parking Mandates", "other", "Parking will no longer be required."),
            ("Accessory Dwelling Units (ADUs)", "other", "Backyard cottages and basement apartments."),
        ],
    )
    options = options_table(doc)
    assert options["title"].to_list() == [
        "Universal Affordability Preference (UAP)",
        "Parking Mandates",
        "Accessory Dwelling Units (ADUs)",
    ]
    assert set(options["origin"]) == {"section"}


def test_a_document_without_options_gives_none() -> None:
    doc = _passages("S1", "options", [("Report", "other", "Some background."), ("Report", "other", "More text.")])
    assert options_table(doc).is_empty()


OPTIONS = [
    Option("O1", "1", "Do minimum", "Routine highway maintenance only."),
    Option("O2", "2", "Active travel corridors", "A kerb-segregated cycle lane on Station Road and cycle parking."),
    Option("O3", "3", "Market Square pedestrian zone", "Close the Market Square car park for a pedestrian space."),
    Option("O4", "4", "Residents' parking zone", "A controlled parking zone with residents' permits."),
]
DECISION = pl.DataFrame(
    {
        "passage_id": ["D1", "D2", "D3", "D4", "D5"],
        "role": ["resolution", "resolution", "rationale", "rationale", "other"],
        "text": [
            "RESOLVED: that Cabinet approves the cycle lane on Station Road, subject to a safety audit.",
            "agrees that the Market Square car park will remain open.",
            "Option 3 was rejected following objections from market traders and blue badge holders.",
            "Option 4 was not taken forward at this time because it needs a separate traffic order.",
            "None declared.",
        ],
    }
)


def test_each_option_gets_its_outcome_its_deciding_passage_and_its_reason() -> None:
    linked = pl.DataFrame({"response_id": ["D1"], "option_id": ["O2"], "method": ["words"]})
    got = {r["option_id"]: r for r in option_outcomes(DECISION, OPTIONS, linked).iter_rows(named=True)}
    assert got["O2"]["outcome"] == "approved with changes"
    assert got["O2"]["passage_id"] == "D1"
    assert got["O3"]["outcome"] == "rejected"
    assert got["O3"]["method"] == "mention"
    assert got["O3"]["reason"].startswith("following objections from market traders")
    assert got["O4"]["outcome"] == "deferred"
    assert "separate traffic order" in got["O4"]["reason"]
    assert got["O1"]["outcome"] == NOT_MENTIONED
    assert got["O1"]["passage_id"] is None


def test_reasons_and_table_cells_are_read_in_english_and_spanish() -> None:
    assert reason_in("Not funded because the site belongs to the regional government.")
    assert reason_in("Approved.") is None
    assert table_outcome("Seleccionada / ratificada por la mesa") == "approved"
    assert table_outcome("Descartada por la mesa") == "rejected"
    assert table_outcome("Reserva") == "deferred"
    assert table_outcome("No detectada en el acta") == NOT_MENTIONED
    assert table_outcome("") is None
    table = pl.DataFrame(
        {"id": ["2", "4", "9"], "decision": ["Funded", "Not funded", "Funded"], "why": [None, "Too costly", None]}
    )
    got = outcomes_from_table(table, OPTIONS, "id", "decision", "why")
    assert got["outcome"].to_list() == ["not mentioned", "approved", "not mentioned", "rejected"]
    assert got["reason"].to_list()[3] == "Too costly"


def test_specific_words_belong_to_one_option_and_the_title_is_no_evidence() -> None:
    public = [f"text {i}" for i in range(50)] + [
        "the cycle lane on station road",
        "a parking zone please",
        "market square",
    ]
    weights = specific_terms(OPTIONS, public, "Town centre plan for Market Square", AttributionSettings())
    assert "cycle lane" in weights["O2"]
    assert "parking" in weights["O4"]  # three of the options' four uses of "parking" are O4's
    assert "parking" not in weights["O2"]  # "cycle parking" once: not O2's evidence
    assert "market square" not in weights["O3"]  # in the consultation's title
    assert mention_patterns([Option("O9", None, "Universal Affordability Preference (UAP)", "")], "")["O9"].search(
        "the UAPs would help"
    )


def test_attribution_is_relative_to_the_other_options() -> None:
    rng = np.random.default_rng(0)
    n = 40
    texts = ["I back option 4.", "Something about cycling.", "Anything."] + [f"General remark {i}." for i in range(n)]
    public = pl.DataFrame(
        {
            "passage_id": [f"p{i}" for i in range(len(texts))],
            "response_id": [f"r{i}" for i in range(len(texts))],
            "text": texts,
        }
    )
    axes = np.eye(4, dtype=np.float32)
    units = [axes[i : i + 1] for i in range(4)]
    general = 0.5 + 0.02 * rng.standard_normal((len(texts), 4)).astype(np.float32)  # a little like every option
    vectors = general.copy()
    vectors[1] = [0.2, 0.95, 0.2, 0.2]  # far closer to option 2 than passages usually are
    got = attribute(public, vectors, OPTIONS, units, column={"r2": "O1"})
    pairs = {(r, o, m) for r, o, m in got.select("response_id", "option_id", "method").iter_rows()}
    assert ("r0", "O4", "mention") in pairs
    assert ("r1", "O2", "meaning") in pairs
    assert not any(r.startswith("r") and int(r[1:]) >= 3 for r, _, _ in pairs)  # like every option: addresses none
    assert ("r2", "O1", "column") in pairs


def test_option_rows_and_a_response_trail_say_who_addressed_what_and_what_became_of_it() -> None:
    from pipeline.trace.options_view import option_rows, response_trail

    options = options_table(PAPER)
    linked = pl.DataFrame({"response_id": ["D1"], "option_id": ["O2"], "method": ["words"]})
    outcomes = option_outcomes(DECISION, OPTIONS[:3], linked)
    addressed = pl.DataFrame(
        {
            "response_id": ["r1", "r2", "r2", "r3"],
            "option_id": ["O2", "O2", "O3", "O3"],
            "method": ["column", "words", "mention", "meaning"],
            "score": [1.0, 1.2, 1.0, 3.1],
            "passage_id": [None, "p2", "p3", "p4"],
            "evidence": [
                None,
                "A cycle lane please.",
                "Don't close the Market Square car park!",
                "A square for people.",
            ],
        }
    )
    responses = pl.DataFrame({"response_id": ["r1", "r2", "r3", "r4"], "respondent_id": ["a", "b", "c", "a"]})
    none = pl.DataFrame(schema=TABLES["theme_options"])
    rows = {r["option_id"]: r for r in option_rows(options, outcomes, addressed, responses, none).to_dicts()}
    assert rows["O3"]["n_respondents"] == 2
    assert rows["O3"]["share"] == 2 / 3  # of the three respondents
    assert rows["O3"]["n_opposing"] == 1  # "Don't close …"
    assert rows["O3"]["outcome"] == "rejected"
    assert rows["O1"]["n_respondents"] == 0
    assert rows["O1"]["outcome"] == "not mentioned"
    trail = response_trail("r2", addressed, options, outcomes)
    assert [(t["option"], t["outcome"]) for t in trail] == [
        ("O2: Active travel corridors", "approved with changes"),
        ("O3: Market Square pedestrian zone", "rejected"),
    ]


def test_one_passage_can_approve_one_option_and_reject_another() -> None:
    decision = pl.DataFrame(
        {
            "passage_id": ["D1"],
            "role": ["resolution"],
            "text": ["Members approved Option 2 and rejected Option 3 because of the traders' objections."],
        }
    )
    got = dict(option_outcomes(decision, OPTIONS).select("option_id", "outcome").iter_rows())
    assert got == {"O1": "not mentioned", "O2": "approved", "O3": "rejected", "O4": "not mentioned"}
    assert table_outcome("Funded, works now under way") == "approved"  # "now" is not "no"
    assert reason_in("Approved, with measures such as the new crossing.") is None
