"""Every supported format on a small, awkward fixture (tests/fixtures/ingest)."""

from pathlib import Path

import polars as pl
import pytest

from pipeline.config import Source
from pipeline.ingest import IngestError, ingest_source
from pipeline.ingest.detect import detect_format
from tests.pdf import write_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def source(name: str, kind: str = "responses", **spec: object) -> Source:
    return Source.model_validate({"path": FIXTURES / name, "kind": kind, "stage": "problem", **spec})


def reconciles(got) -> bool:  # type: ignore[no-untyped-def]
    return bool(got.rows_read == got.rows_analysed + got.rows_rejected + got.rows_merged)


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("citizen-space.csv", "responses", "citizen-space"),
        ("citizen-space-blank-row.csv", "responses", "citizen-space"),
        ("decidim-proposals.csv", "responses", "decidim"),
        ("consul.csv", "responses", "consul"),
        ("comments.csv", "responses", "polis"),
        ("regulations.csv", "responses", "regulations-gov"),
        ("responses.jsonl", "responses", "jsonl"),
        ("meeting.srt", "transcript", "srt"),
        ("minutes.txt", "transcript", "minutes"),
        ("turns.json", "transcript", "turns-json"),
        ("decision.html", "document", "html"),
    ],
)
def test_format_is_detected(name: str, kind: str, expected: str) -> None:
    assert detect_format(source(name, kind)) == expected


def test_citizen_space_two_header_rows_and_detected_free_text() -> None:
    got = ingest_source(source("citizen-space.csv", id="Response ID"), "cs")
    assert reconciles(got)
    assert got.responses["response_id"].to_list() == ["ANON-1", "ANON-2", "ANON-3"]
    assert got.answers["question"].unique().sort().to_list() == [
        "1b What would make you walk or cycle more?",
        "2 Any other comments on the plan?",
    ]
    assert "attr_1a_how_do_you_travel_into_town" in got.responses.columns  # closed question → attribute
    # Rows are counted as a spreadsheet shows them: the two header rows, then one row a record.
    assert got.rejects.select("row", "reason").rows() == [(6, "no free-text answer")]
    assert (
        got.responses.filter(pl.col("response_id") == "ANON-3")["text"]
        .item()
        .endswith("Please keep the\nmarket car park")
    )


def test_citizen_space_blank_row_under_header(tmp_path: Path) -> None:
    got = ingest_source(source("citizen-space-blank-row.csv", id="Response ID"), "cs")
    assert got.responses["response_id"].to_list() == ["ID-1", "ID-2"]
    assert got.rows_read == 2
    assert got.answers["question"].unique().to_list() == ["Section 1 - What should change and why?"]


def test_decidim_merges_locales_and_strips_html() -> None:
    got = ingest_source(source("decidim-proposals.csv"), "d")
    assert reconciles(got)
    text = dict(zip(got.responses["response_id"], got.responses["text"], strict=True))
    assert text["1"] == "Més arbres\n\nPlantar arbres al carrer Major."
    assert text["2"] == "Carril bici\n\nUn carril bici segregado en la Diagonal."
    assert text["3"] == "Bancs"
    spanish = ingest_source(source("decidim-proposals.csv", locale="es"), "d")
    assert spanish.responses["text"][0] == "Más árboles\n\nPlantar árboles en la calle Mayor."
    assert got.responses["attr_state"].to_list() == ["accepted", "evaluating", "rejected"]


def test_consul_proposals_and_comments() -> None:
    got = ingest_source(source("consul.csv"), "c")
    assert reconciles(got)
    assert got.responses.select("response_id", "attr_kind", "attr_proposal").rows() == [
        ("proposal-101", "proposal", "101"),
        ("comment-9001", "comment", "101"),
        ("comment-9002", "comment", "101"),
        ("proposal-102", "proposal", "102"),
    ]
    assert got.rejects.select("row", "reason").rows() == [(5, "blank row")]
    assert (got.rows_read, got.rows_analysed, got.rows_merged) == (4, 3, 0)
    assert "attr_author" not in got.responses.columns


def test_polis_keeps_and_flags_moderated_statements() -> None:
    got = ingest_source(source("comments.csv"), "p")
    assert got.rows_analysed == 3
    assert got.responses.select("response_id", "flag", "attr_agrees").rows() == [
        ("0", None, "25"),
        ("1", "moderated out", "2"),
        ("2", None, "18"),
    ]


def test_regulations_gov_weights_stubs_and_no_names() -> None:
    got = ingest_source(source("regulations.csv"), "r")
    assert reconciles(got)
    assert got.responses.select("response_id", "weight").rows() == [("X-0002", 1), ("X-0003", 1200)]
    assert got.rejects.select("record_id", "reason").rows() == [
        ("X-0001", "no inline text: the comment is in an attachment"),
        ("X-0004", "no inline text: the comment is in an attachment"),
        ("X-0005", "no inline text: the comment is in an attachment"),
    ]
    assert not {"attr_first_name", "attr_last_name"} & set(got.responses.columns)


def test_jsonl_with_blank_lines_and_nested_values() -> None:
    got = ingest_source(source("responses.jsonl", id="id", text=["answer"]), "j")
    assert got.responses["response_id"].to_list() == ["j1", "j3"]
    assert got.rejects.select("row", "reason").rows() == [(3, "no free-text answer")]
    assert got.responses["attr_ward"].to_list() == ["Harbour", None]


def test_srt_speakers_from_prefixes_and_continuations() -> None:
    got = ingest_source(source("meeting.srt", "transcript", speakers={"CHAIR": "chair", "OFFICER": "officer"}), "m")
    assert reconciles(got)
    assert got.responses.select("speaker", "start_s", "end_s").rows() == [
        ("CHAIR", 1.0, 4.0),
        ("Pat Jones", 4.5, 10.5),
        ("OFFICER", 11.0, 14.0),
    ]
    assert got.answers["text"].to_list() == ["The buses stop far too early and there are none at all on Sundays."]


def test_minutes_with_preamble_and_continuation_lines() -> None:
    got = ingest_source(source("minutes.txt", "transcript"), "min")
    assert reconciles(got)
    assert got.responses.select("speaker", "text").rows() == [
        ("Chair", "The meeting was opened at 6pm."),
        ("Resident (Pat)", "Parking charges are too high. They keep going up every year."),
        ("Officer", "A tariff review is planned."),
    ]
    assert got.rejects.select("row", "reason").rows() == [(1, "preamble before the first 'Speaker:' line")]


def test_turn_list_json_and_cdp_json() -> None:
    turns = ingest_source(source("turns.json", "transcript"), "q")
    assert turns.responses["speaker"].to_list() == ["Chair", "Member A", "Witness"]
    assert turns.rows_merged == 1
    cdp = ingest_source(source("cdp.json", "transcript", format="cdp-json"), "cdp")
    assert cdp.responses.select("speaker", "start_s", "end_s").rows() == [
        ("Council President", 0.0, 3.5),
        ("Speaker 1", 3.5, 12.0),
    ]


def test_html_document_blocks_and_roles() -> None:
    got = ingest_source(source("decision.html", "document"), "h")
    assert got.blocks.select("heading", "role", "text").rows() == [
        ("Cabinet decision notice > Decision", "resolution", "RESOLVED: that Cabinet"),
        ("Cabinet decision notice > Decision", "resolution", "approves the segregated cycle lane on Station Road;"),
        ("Cabinet decision notice > Decision", "resolution", "freezes short-stay parking charges."),
        (
            "Cabinet decision notice > Alternative options considered and rejected",
            "rationale",
            "Option 4, a residents' parking zone, was not taken forward.",
        ),
    ]


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "options.pdf"
    write_pdf(
        path,
        [
            [
                "Options appraisal",
                "Option 1: Do minimum",
                "Continue routine highway maintenance only, with no new schemes and no capital cost, which",
                "does not meet the objectives.",
                "Option 2: Active travel",
                "Build a segregated cycle lane.",
            ]
        ],
    )
    got = ingest_source(Source.model_validate({"path": path, "kind": "document", "stage": "options"}), "pdf")
    assert got.blocks.select("heading", "role", "text").rows() == [
        (
            "Option 1: Do minimum",
            "option",
            "Continue routine highway maintenance only, with no new schemes and no "
            "capital cost, which does not meet the objectives.",
        ),
        ("Option 2: Active travel", "option", "Build a segregated cycle lane."),
    ]


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    write_pdf(path, [[]])
    with pytest.raises(IngestError, match=r"scan\.pdf: the PDF has no text layer"):
        ingest_source(Source.model_validate({"path": path, "kind": "document", "stage": "options"}), "s")


@pytest.mark.parametrize(
    ("name", "content", "kind", "message"),
    [
        ("bad.srt", "1\nnot a timing\nHello\n", "transcript", r"bad\.srt: line 1: expected a cue timing"),
        ("bad.json", '{"meeting_transcripts": [', "transcript", r"bad\.json: line 1, column 26: not valid JSON"),
        ("bad.jsonl", '{"id": 1}\n{"id": \n', "responses", r"bad\.jsonl: line 2: not valid JSON"),
        ("bad.pdf", "%PDF-1.4 garbage", "document", r"bad\.pdf: not a readable PDF"),
        ("bad.xyz", "x", "document", r"bad\.xyz: cannot tell the format of a document file ending '\.xyz'"),
    ],
)
def test_unparseable_files_get_one_clear_error(
    tmp_path: Path, name: str, content: str, kind: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    spec = {"path": path, "kind": kind, "stage": "problem", **({"text": ["id"]} if kind == "responses" else {})}
    with pytest.raises(IngestError, match=message):
        ingest_source(Source.model_validate(spec), "x")


def test_decidim_zip_entities(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "decidim-open-data.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("www.example.org-open-data-proposals.csv", (FIXTURES / "decidim-proposals.csv").read_text())
        zf.writestr(
            "www.example.org-open-data-meetings.csv",
            "id;title/en;closing_report/en\n7;Open meeting;<p>Residents asked for <b>more trees</b>.</p>\n",
        )
    with pytest.raises(IngestError, match="choose one of the ZIP's files with entity"):
        ingest_source(Source.model_validate({"path": archive, "kind": "responses", "stage": "problem"}), "z")
    proposals = ingest_source(
        Source.model_validate({"path": archive, "kind": "responses", "stage": "problem", "entity": "proposals"}), "z"
    )
    assert proposals.responses.height == 3
    minutes = ingest_source(
        Source.model_validate({"path": archive, "kind": "document", "stage": "decision", "entity": "meetings"}), "z"
    )
    assert minutes.blocks.select("heading", "role", "text").rows() == [
        ("Open meeting", "resolution", "Residents asked for more trees.")
    ]


def test_docx_minutes_as_a_transcript(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "minutes.docx"
    document = docx.Document()
    for line in ("Minutes of the meeting", "Chair: Welcome.", "Resident (Ann): The buses are late.", "Every day."):
        document.add_paragraph(line)
    document.save(str(path))
    got = ingest_source(Source.model_validate({"path": path, "kind": "transcript", "stage": "problem"}), "m")
    assert got.responses.select("speaker", "text").rows() == [
        ("Chair", "Welcome."),
        ("Resident (Ann)", "The buses are late. Every day."),
    ]
    assert (got.rows_read, got.rows_rejected, got.rows_merged) == (4, 1, 1)


def test_very_long_answers_are_kept_whole(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    essay = " ".join(["The buses are late again and nobody tells us why."] * 600)
    path.write_text(f'ID,Answer\n1,"{essay}"\n2,Short one here\n')
    got = ingest_source(
        Source.model_validate({"path": path, "kind": "responses", "stage": "problem", "id": "ID", "text": ["Answer"]}),
        "l",
    )
    assert got.responses["text"][0] == essay
    assert len(got.responses["text"][0].split()) == 6000


def test_citizen_space_xlsx_with_two_header_rows(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    rows: list[list[str]] = [
        ["Response ID", "1", "2"],
        ["", "How do you travel?", "What would you change about the town centre and why?"],
        ["R-1", "Bus", "Later buses on Sundays so I can get to work and back home again"],
        ["R-2", "Car", "Cheaper parking near the market for people who cannot walk far"],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                sheet.write(r, c, value)
    book.close()
    source = Source.model_validate({"path": path, "kind": "responses", "stage": "problem", "id": "Response ID"})
    assert detect_format(source) == "citizen-space"
    got = ingest_source(source, "x")
    assert got.responses["response_id"].to_list() == ["R-1", "R-2"]
    assert got.answers["question"].unique().to_list() == ["2 What would you change about the town centre and why?"]
    assert got.rejects.height == 0


def test_a_forced_platform_format_names_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "not-polis.csv"
    path.write_text("id,answer\n1,More buses in the evening please\n")
    with pytest.raises(
        IngestError, match=r"not-polis\.csv: expected columns \['comment-body', 'comment-id'\] for a polis"
    ):
        ingest_source(
            Source.model_validate({"path": path, "kind": "responses", "stage": "problem", "format": "polis"}), "p"
        )


def test_decidim_without_date_columns(tmp_path: Path) -> None:
    path = tmp_path / "proposals.csv"
    path.write_text("id;title/en;body/en\n1;Trees;<p>Plant more trees on the high street.</p>\n")
    got = ingest_source(Source.model_validate({"path": path, "kind": "responses", "stage": "problem"}), "d")
    assert got.responses.select("response_id", "submitted", "text").rows() == [
        ("1", None, "Trees\n\nPlant more trees on the high street.")
    ]
