"""Dates as exports write them become ISO 8601 text; what cannot be read is said, never kept as text."""

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipeline.config import Source
from pipeline.ingest import ingest_source
from pipeline.ingest.dates import DAY_FIRST, MONTH_FIRST, read_dates


def iso(*values: str | None, date_format: str | None = None) -> list[str | None]:
    return read_dates(pl.Series("d", values), date_format).values.to_list()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (["2020-06-14", "2020-6-4"], ["2020-06-14", "2020-06-04"]),
        (["2020-06-14T16:45:00.000Z", "2020-06-15 09:05"], ["2020-06-14T16:45", "2020-06-15T09:05"]),
        (["2017-02-07 07:58:01 UTC", "2025-05-28T04:00+01:00"], ["2017-02-07T07:58:01", "2025-05-28T04:00:00"]),
        (["14.06.2020 16:45", "15.06.2020 09:05"], ["2020-06-14T16:45", "2020-06-15T09:05"]),
        (["14/06/2020", "01/07/2020"], ["2020-06-14", "2020-07-01"]),
        (["06/14/2020", "07/01/2020"], ["2020-06-14", "2020-07-01"]),
        (["2020/06/14", "2020/06/15 4:05 PM"], ["2020-06-14T00:00", "2020-06-15T16:05"]),
        (["14/06/20 12:30 am", "15/06/20 12:30 pm"], ["2020-06-14T00:30", "2020-06-15T12:30"]),
        (["14.06.2020 16:45:30", "15.06.2020 09:05:00"], ["2020-06-14T16:45:30", "2020-06-15T09:05:00"]),
        (["14 June 2020", "Jun 15, 2020", "16-Jun-20"], ["2020-06-14", "2020-06-15", "2020-06-16"]),
        (["Mon Jan 01 2024", "Sat Mar 17 01:01:44 WIB 2018"], ["2024-01-01T00:00:00", "2018-03-17T01:01:44"]),
        (["Tue Jan 22 2019 14:53:06 GMT-0800 (PST)"], ["2019-01-22T14:53:06"]),
        (["43996", "43996.6979166667"], ["2020-06-14T00:00", "2020-06-14T16:45"]),  # Excel serial days
        (["1726860676783", "1518501496"], ["2024-09-20T19:31:16", "2018-02-13T05:58:16"]),  # Unix ms, s
    ],
)
def test_each_way_of_writing_a_date_becomes_iso(written: list[str], expected: list[str]) -> None:
    assert iso(*written) == expected


def test_day_first_when_a_first_field_is_over_12() -> None:
    read = read_dates(pl.Series(["01/02/2020", "13/02/2020"]))
    assert (read.order, read.guessed) == (DAY_FIRST, False)
    assert read.values.to_list() == ["2020-02-01", "2020-02-13"]


def test_month_first_when_a_second_field_is_over_12() -> None:
    read = read_dates(pl.Series(["01/02/2020", "02/13/2020"]))
    assert (read.order, read.guessed) == (MONTH_FIRST, False)
    assert read.values.to_list() == ["2020-01-02", "2020-02-13"]


def test_an_order_the_column_never_shows_is_read_day_first_and_said() -> None:
    read = read_dates(pl.Series(["01/02/2020", "03/04/2020"]))
    assert (read.order, read.guessed) == (DAY_FIRST, True)
    assert read.values.to_list() == ["2020-02-01", "2020-04-03"]
    assert read_dates(pl.Series(["01/02/2020"]), day_first=False).values.to_list() == ["2020-01-02"]


def test_a_date_format_forces_the_reading() -> None:
    assert iso("01/02/2020 16:45", date_format="%m/%d/%Y %H:%M") == ["2020-01-02T16:45"]
    assert iso("14.06.2020", date_format="%d.%m.%Y") == ["2020-06-14"]
    assert iso("2020-06-14", date_format="%d.%m.%Y") == [None]


def test_values_that_cannot_be_read_are_counted_with_an_example() -> None:
    read = read_dates(pl.Series(["14.06.2020", "soon", None, " ", "31.02.2020", "12:00"]))
    assert read.values.to_list() == ["2020-06-14", None, None, None, None, None]
    assert (read.filled, read.failed, read.example) == (4, 3, "soon")


def test_real_dates_and_datetimes() -> None:
    assert read_dates(pl.Series([date(2020, 6, 14), None])).values.to_list() == ["2020-06-14", None]
    stamps = pl.Series([datetime(2020, 6, 14, 16, 45), datetime(2020, 6, 15)])
    assert read_dates(stamps).values.to_list() == ["2020-06-14T16:45", "2020-06-15T00:00"]
    zoned = pl.Series([datetime(2020, 6, 14, 16, 45)]).dt.replace_time_zone("Europe/London")
    assert read_dates(zoned).values.to_list() == ["2020-06-14T16:45"]


def survey(path: Path, **extra: object) -> Source:
    spec = {"path": path, "kind": "responses", "stage": "problem", "id": "ID", "text": ["Answer"], "date": "When"}
    return Source.model_validate({**spec, **extra})


ANSWER = "The buses stop far too early in the evening"


def test_the_submitted_column_holds_iso_dates(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"ID,When,Answer\n1,14.06.2020 16:45,{ANSWER}\n2,15.06.2020 09:05,{ANSWER}\n")
    got = ingest_source(survey(path), "export")
    assert got.responses["submitted"].to_list() == ["2020-06-14T16:45", "2020-06-15T09:05"]
    assert got.warnings == ()


def test_unreadable_dates_keep_their_rows_and_warn_with_file_column_and_example(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"ID,When,Answer\n1,14.06.2020,{ANSWER}\n2,next week,{ANSWER}\n3,,{ANSWER}\n")
    got = ingest_source(survey(path), "export")
    assert got.responses["submitted"].to_list() == ["2020-06-14", None, None]
    assert got.rows_analysed == 3
    assert got.warnings == (
        f"{path}: date column 'When': 1 of 2 values could not be read as a date (e.g. 'next week'); "
        "those responses are analysed without a date",
    )


def test_a_column_of_no_dates_warns_and_says_how_to_fix_it(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"ID,When,Answer\n1,spring,{ANSWER}\n2,summer,{ANSWER}\n")
    got = ingest_source(survey(path), "export")
    assert got.responses["submitted"].to_list() == [None, None]
    (warning,) = got.warnings
    assert warning.startswith(f"{path}: date column 'When': none of its 2 values could be read as a date")
    assert "(e.g. 'spring')" in warning
    assert "date_format" in warning


def test_a_guessed_order_of_day_and_month_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"ID,When,Answer\n1,01/02/2020,{ANSWER}\n2,03/04/2020,{ANSWER}\n")
    got = ingest_source(survey(path), "export")
    assert got.responses["submitted"].to_list() == ["2020-02-01", "2020-04-03"]
    (warning,) = got.warnings
    assert "read as DD/MM/YYYY" in warning
    assert "date_format = '%m/%d/%Y'" in warning
    told = ingest_source(survey(path, date_format="%m/%d/%Y"), "export")
    assert told.responses["submitted"].to_list() == ["2020-01-02", "2020-03-04"]
    assert told.warnings == ()


def test_xlsx_date_cells_and_serial_numbers(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    stamp = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for c, header in enumerate(["ID", "When", "Answer"]):
        sheet.write(0, c, header)
    sheet.write(1, 0, "X1")
    sheet.write_datetime(1, 1, datetime(2020, 6, 14, 16, 45), stamp)
    sheet.write(1, 2, ANSWER)
    sheet.write(2, 0, "X2")
    sheet.write_number(2, 1, 43997.375)  # a date cell that lost its format: Excel's serial day
    sheet.write(2, 2, ANSWER)
    book.close()
    got = ingest_source(survey(path), "export")
    assert got.responses["submitted"].to_list() == ["2020-06-14T16:45", "2020-06-15T09:00"]
    assert got.warnings == ()
