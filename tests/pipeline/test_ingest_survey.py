from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

from pipeline.config import Source
from pipeline.ingest import IngestError, ingest_source
from pipeline.ingest.text import decode

HEADER = "ID,Ward,Q1 What is the biggest problem?,Q2 Anything else?\n"
ROWS = (
    'A1,Harbour,"Parking costs £4, too much",\n'
    'A2,Old Town,"Line one\nline two",Buses\n'
    ",,,\n"
    "A4,Eastcliff,,\n"
    "A1,Harbour,Duplicate id,\n"
    ",Harbour,No id here,\n"
)


def survey(path: Path, **extra: object) -> Source:
    return Source.model_validate(
        {"path": path, "kind": "responses", "stage": "problem", "id": "ID", "text": ["Q1", "Q2"], **extra}
    )


def test_csv_rows_are_analysed_or_rejected_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + ROWS).encode())
    got = ingest_source(survey(path), "export")
    assert got.rows_read == 6
    assert got.rows_read == got.rows_analysed + got.rows_rejected + got.rows_merged
    assert got.responses["response_id"].to_list() == ["A1", "A2", "A1#2"]
    assert got.responses["attr_ward"].to_list() == ["Harbour", "Old Town", "Harbour"]
    assert got.notes == ("row 6: duplicate id 'A1' kept as 'A1#2'",)
    assert got.responses["text"][1] == "Line one\nline two\n\nBuses"
    assert_frame_equal(
        got.rejects.select("row", "record_id", "reason"),
        pl.DataFrame(
            {
                "row": [4, 5, 7],
                "record_id": [None, "A4", None],
                "reason": ["blank row", "no free-text answer", "no id in column 'ID'"],
            }
        ),
    )
    assert got.rejects["column"][2] == "ID"
    assert got.answers.select("response_id", "question").rows() == [
        ("A1", "Q1 What is the biggest problem?"),
        ("A1#2", "Q1 What is the biggest problem?"),
        ("A2", "Q1 What is the biggest problem?"),
        ("A2", "Q2 Anything else?"),
    ]


def test_cp1252_export_keeps_pound_signs(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes((HEADER + 'B1,Harbour,"It costs £4 – café prices",\n').encode("cp1252"))
    got = ingest_source(survey(path), "excel")
    assert got.responses["text"][0] == "It costs £4 – café prices"


def test_decode_prefers_utf8() -> None:
    assert decode("£".encode()) == "£"
    assert decode("£".encode("cp1252")) == "£"


def test_missing_text_column_names_file_and_column(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + ROWS)
    with pytest.raises(IngestError, match=r"export\.csv: text = 'Q9' matches no column; the file's columns are \['ID'"):
        ingest_source(survey(path, text=["Q9"]), "export")


def test_ambiguous_prefix_is_refused_naming_only_the_columns_it_matches(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + ROWS)
    with pytest.raises(IngestError) as raised:
        ingest_source(survey(path, text=["Q"]), "export")
    said = str(raised.value)
    assert said.endswith(
        "text = 'Q' matches 2 columns ('Q1 What is the biggest problem?', 'Q2 Anything else?'); "
        "write one of them in full"
    )
    assert "Ward" not in said
    assert "\n" not in said


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"absent\.csv: file not found"):
        ingest_source(survey(tmp_path / "absent.csv"), "absent")


def test_xlsx_matches_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    rows: list[list[str | None]] = [
        ["ID", "Ward", "Q1 What is the biggest problem?", "Q2 Anything else?"],
        ["X1", "Harbour", "Parking", None],
        ["X2", "Eastcliff", None, None],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    got = ingest_source(survey(path), "export")
    assert got.responses["response_id"].to_list() == ["X1"]
    assert got.rejects.select("row", "reason").rows() == [(3, "no free-text answer")]


def test_ids_are_generated_from_row_numbers_when_no_id_column(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Q1\nfirst\nsecond\n")
    source = Source.model_validate({"path": path, "kind": "responses", "stage": "problem", "text": ["Q1"]})
    assert ingest_source(source, "s").responses["response_id"].to_list() == ["s-2", "s-3"]


def test_attribute_names_that_collide_are_numbered(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("ID,Ward,ward ,Answer\n1,Harbour,North,The buses stop far too early\n")
    source = Source.model_validate(
        {"path": path, "kind": "responses", "stage": "problem", "id": "ID", "text": ["Answer"]}
    )
    got = ingest_source(source, "s")
    assert got.responses.select("attr_ward", "attr_ward_2").row(0) == ("Harbour", "North")


def test_personal_columns_never_become_attributes_by_default(tmp_path: Path) -> None:
    from pipeline.config import Source
    from pipeline.ingest.survey import columns_from_source

    table = pl.DataFrame(
        {
            "Full name": ["Ann Lee", "Bo Chan"],
            "Email": ["a@example.org", "b@example.org"],
            "Ward": ["North", "South"],
            "Answer": ["The buses are late every single evening.", "Parking costs far too much in town."],
        }
    )
    source = Source(path=tmp_path / "r.csv", kind="responses", stage="problem", text=("Answer",))
    assert columns_from_source(table, source, tmp_path / "r.csv").attributes == ("Ward",)
