"""``throughline inspect``'s proposal: valid TOML whatever the headers, personal data left out."""

import tomllib
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import Source
from pipeline.ingest import IngestError, ingest_source
from pipeline.ingest.inspect import (
    FileDescription,
    describe_file,
    guess_attributes,
    guess_date_column,
    toml_string,
)
from pipeline.ingest.survey import looks_personal
from pipeline.ingest.tables import header_names, read_table

AWKWARD = ["a\nb", 'say "hi"', "back\\slash", "tab\tand\rcr", "\x00\x1f\x7f", "café – ünïcödé ✓ 🚲", "", "'"]


@settings(max_examples=200, deadline=None)
@given(value=st.text())
def test_any_string_survives_toml(value: str) -> None:
    assert tomllib.loads(f"key = {toml_string(value)}")["key"] == value


@pytest.mark.parametrize("value", AWKWARD)
def test_awkward_strings_survive_toml(value: str) -> None:
    assert tomllib.loads(f"key = {toml_string(value)}")["key"] == value


def description(**columns: object) -> FileDescription:
    spec: dict[str, object] = {
        "path": Path('/data/my "odd" export\\1.csv'),
        "kind": "responses",
        "format": "csv",
        "columns": [],
        "text_columns": ["Q1"],
        "id_column": None,
        "sample": pl.DataFrame(),
        "rows_read": 0,
        "rows_analysed": 0,
        "rows_rejected": 0,
        "rows_merged": 0,
    }
    return FileDescription(**{**spec, **columns})  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(names=st.lists(st.text(min_size=1), min_size=5, max_size=8, unique=True))
def test_the_sources_block_is_valid_toml_whatever_the_headers(names: list[str]) -> None:
    found = description(
        text_columns=names[:2], id_column=names[2], date_column=names[3], attributes=names[4:], personal=names[:1]
    )
    source = tomllib.loads(found.sources_block())["sources"][0]
    assert source["path"] == 'my "odd" export\\1.csv'
    assert source["text"] == names[:2]
    assert (source["id"], source["date"]) == (names[2], names[3])
    assert source["attributes"] == names[4:]
    Source.model_validate({**source, "path": Path(source["path"])})


@pytest.mark.parametrize(
    "header",
    [
        "Name",
        "Your name",
        "First name",
        "last_name",
        "Surname",
        "Organisation name",
        "Organization Name",
        "Organisation",
        "Name of organisation",
        "Email",
        "E-mail address",
        "Phone number",
        "Telephone (optional)",
        "Address",
        "Postcode",
        "Post code:",
        "ZIP code",
        "author",  # CONSUL's proposer (Valladolid's proposals_data.csv)
        "Autor",
        "Nombre",
    ],
)
def test_personal_columns_are_recognised(header: str) -> None:
    assert looks_personal(header)


@pytest.mark.parametrize(
    "header",
    [
        "Ward",
        "Respondent type",
        "Organisation type",
        "Are you responding on behalf of an organisation?",
        "How should the council address congestion?",
        "What would you rename the square to, and why",
        "Q2 What are the biggest problems?",
    ],
)
def test_other_columns_are_not_personal(header: str) -> None:
    assert not looks_personal(header)


def test_headers_are_one_line_non_empty_and_unique() -> None:
    assert header_names(["Q1\nWhat?  ", "Other, please specify:\n", "Other, please specify:", None, "", "x", "x"]) == [
        "Q1 What?",
        "Other, please specify:",
        "Other, please specify: (2)",
        "column 4",
        "column 5",
        "x",
        "x (2)",
    ]
    assert header_names(["a", "a (2)", "a"]) == ["a", "a (2)", "a (3)"]


ANSWER = "The buses stop far too early in the evening"


def test_repeated_and_multiline_headers_are_usable_in_every_format(tmp_path: Path) -> None:
    csv_path = tmp_path / "export.csv"
    csv_path.write_text(f'ID,"Other, please\nspecify","Other, please\nspecify"\n1,{ANSWER},x\n')
    assert read_table(csv_path, "csv").drop("__row").columns == [
        "ID",
        "Other, please specify",
        "Other, please specify (2)",
    ]
    xlsx_path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(xlsx_path))
    sheet = book.add_worksheet()
    for c, (head, cell) in enumerate(zip(["ID", "Say\nmore", "Say\nmore"], ["1", ANSWER, "x"], strict=True)):
        sheet.write(0, c, head)
        sheet.write(1, c, cell)
    book.close()
    assert read_table(xlsx_path, "xlsx").drop("__row").columns == ["ID", "Say more", "Say more (2)"]
    json_path = tmp_path / "export.json"
    json_path.write_text(f'[{{"id": "1", "Say\\nmore": "{ANSWER}", "Say more ": "x"}}]')
    assert read_table(json_path, "json").drop("__row").columns == ["id", "Say more", "Say more (2)"]
    source = Source.model_validate(
        {"path": xlsx_path, "kind": "responses", "stage": "problem", "id": "ID", "text": ["Say\nmore"]}
    )
    got = ingest_source(source, "export")  # a header copied with its line break still names the column
    assert got.answers["question"].to_list() == ["Say more"]
    assert got.responses["attr_say_more_2"].to_list() == ["x"]


def test_a_name_that_matches_no_column_says_what_might_be_meant(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    headers = ["ID", *(f"Question {n}" for n in range(20)), "Comments"]
    path.write_text(",".join(headers) + "\n" + ",".join(["1", *["x"] * 20, ANSWER]) + "\n")
    source = Source.model_validate({"path": path, "kind": "responses", "stage": "problem", "text": ["Coments"]})
    with pytest.raises(IngestError) as raised:
        ingest_source(source, "export")
    said = str(raised.value)
    assert said == (
        f"{path}: text = 'Coments' matches no column (did you mean 'Comments'?); "
        "`throughline inspect export.csv` lists the file's 22 columns"
    )


def test_the_date_column_is_the_one_whose_values_read_as_dates() -> None:
    table = pl.DataFrame(
        {
            "Ref": ["10001", "10002", "10003"],  # numbers that would be Excel days, but not named like a date
            "Day": ["14.06.2020", "15.06.2020", "16.06.2020"],
            "Submitted": ["14.06.2020 16:45", "15.06.2020 09:05", "bad"],
            "Ward": ["Harbour", "Old Town", "Harbour"],
        }
    )
    assert guess_date_column(table, ["Ref", "Ward"]) is None
    assert guess_date_column(table, ["Ref", "Day", "Ward"]) == "Day"
    named = table.with_columns(Submitted=pl.Series(["14.06.2020 16:45", "15.06.2020 09:05", "16.06.2020 10:00"]))
    assert guess_date_column(named, ["Day", "Submitted"]) == "Submitted"  # named like a date: first
    assert guess_date_column(table, ["Day", "Submitted"]) == "Day"  # one in three unreadable: not dates
    serial = pl.DataFrame({"Created": ["43996", "43997"]})
    assert guess_date_column(serial, ["Created"]) == "Created"


def test_attributes_are_columns_of_a_few_short_values() -> None:
    many = [f"value {i}" for i in range(40)]
    table = pl.DataFrame(
        {
            "Ward": ["Harbour", "Old Town"] * 20,
            "Code": many,
            "Long": [ANSWER + f" {i % 3}" for i in range(40)],
            "Empty": [None] * 40,
            "Sparse": [None] * 39 + ["only one"],
        },
        schema=dict.fromkeys(("Ward", "Code", "Long", "Empty", "Sparse"), pl.String()),
    )
    assert guess_attributes(table, table.columns) == ["Ward", "Sparse"]


def test_describe_file_proposes_and_leaves_out(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    rows = [
        f"R{i},{14 + i}/06/2020,Person {i},p{i}@example.org,{('Harbour', 'Old Town')[i % 2]},{ANSWER} number {i}"
        for i in range(4)
    ]
    path.write_text("Response ID,Date,Your name,Email,Ward,Comments\n" + "\n".join(rows) + "\n")
    found = describe_file(path)
    assert (found.id_column, found.date_column, found.text_columns) == ("Response ID", "Date", ["Comments"])
    assert found.attributes == ["Ward"]
    assert found.personal == ["Your name", "Email"]
    assert found.rows_analysed == 4
    block = tomllib.loads(found.sources_block())["sources"][0]
    assert block["attributes"] == ["Ward"]
