"""Dates as exports write them → ISO 8601 text for the ``submitted`` column of ``responses``.

Input: one column as read (strings; a workbook's Date/Datetime cells too). Output: ``ReadDates`` —
the values as ``YYYY-MM-DD`` (a column whose times are all midnight) or ``YYYY-MM-DDTHH:MM[:SS]``
(seconds when any value has them), null where a value could not be read; how the column was read;
how many values failed, one of them, and whether the order of day and month was a guess.

Read without being told: ISO 8601 (``T`` or a space before the time; a fraction of a second and a
zone — ``Z``, ``UTC``, ``+01:00`` — are dropped: the clock time as written is kept);
``DD.MM.YYYY``, ``DD/MM/YYYY``, ``MM/DD/YYYY`` and ``DD-MM-YYYY`` (two-digit years too), with the
order of day and month decided over the whole column: a first field over 12 means day first, a
second field over 12 month first, and a column that never says is read day first (``guessed``);
``YYYY/MM/DD``; English month names ("14 June 2020", "Jun 14, 2020", "Mon Jan 01 2024",
JavaScript's "Tue Jan 22 2019 14:53:06 GMT-0800 (PST)", Unix ``date``'s "Sat Mar 17 01:01:44 WIB
2018"); each with an optional time (``HH:MM[:SS]``, AM/PM); Excel serial day numbers (days since
1899-12-30, 1970 to 2099) and Unix timestamps in seconds or milliseconds (UTC, 2000 to 2099).
A source's ``date_format`` (a strftime format) replaces all of this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

TIME = r"(?:(?:[T ]|,? )(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*(?P<p>[AaPp]\.?[Mm]\.?)?)?"
ZONE = r"(?:\s*(?:Z|UTC|GMT)?\s*(?:[+-]\d{2}(?::?\d{2})?)?(?:\s*\([^)]*\))?)?"
WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
PATTERNS = (
    rf"^(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){TIME}{ZONE}$",  # ISO
    rf"^(?P<y>\d{{4}})[/.](?P<m>\d{{1,2}})[/.](?P<d>\d{{1,2}}){TIME}$",  # YYYY/MM/DD
    rf"(?i)^{WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s./-]+(?P<mon>[a-z]{{3,9}})\.?,?[\s./-]+(?P<y>\d{{4}}|\d{{2}}){TIME}$",
    rf"(?i)^{WEEKDAY}(?P<mon>[a-z]{{3,9}})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){TIME}{ZONE}$",
    rf"(?i)^{WEEKDAY}(?P<mon>[a-z]{{3,9}})\s+(?P<d>\d{{1,2}}){TIME}\s+(?:[A-Z]{{2,5}}\s+)?(?P<y>\d{{4}})$",
)
NUMERIC = rf"^(?P<a>\d{{1,2}})[./-](?P<b>\d{{1,2}})[./-](?P<y>\d{{4}}|\d{{2}}){TIME}$"
MONTHS = {
    **{name: n for n, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep"), 1)},
    **{"oct": 10, "nov": 11, "dec": 12, "sept": 9},
    **{
        name: n
        for n, name in enumerate(
            ("january", "february", "march", "april", "may", "june", "july", "august", "september"), 1
        )
    },
    **{"october": 10, "november": 11, "december": 12},
}
EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_RANGE = (25_569.0, 73_051.0)  # 1970-01-01 to 2099-12-31 as Excel serial days
EPOCH_RANGE = (946_684_800, 4_102_444_800)  # 2000-01-01 to 2100-01-01 in Unix seconds
DAY_FIRST, MONTH_FIRST = "DD/MM/YYYY", "MM/DD/YYYY"


@dataclass(frozen=True)
class ReadDates:
    """A column's dates as ISO text, and what the analyst should be told about reading them."""

    values: pl.Series
    order: str | None = None  # DAY_FIRST or MONTH_FIRST when the column had numeric dates
    guessed: bool = False  # the order of day and month could not be told from the values
    filled: int = 0
    failed: int = 0
    example: str | None = None  # a value that could not be read


def read_dates(column: pl.Series, date_format: str | None = None, day_first: bool = True) -> ReadDates:
    """``column``'s values as ISO 8601 text; ``date_format`` forces one strftime format."""
    if column.dtype == pl.Date() or isinstance(column.dtype, pl.Datetime):
        if isinstance(column.dtype, pl.Datetime) and column.dtype.time_zone:
            column = column.dt.replace_time_zone(None)  # the clock time as the workbook shows it
        parsed = column.cast(pl.Datetime("us"))
        return ReadDates(values=iso_text(parsed).alias(column.name), filled=parsed.count())
    raw = column.cast(pl.String()).str.strip_chars().replace("", None)
    distinct = raw.drop_nulls().unique().sort()
    if date_format is not None:
        at, order, guessed = distinct.str.to_datetime(date_format, strict=False, time_unit="us"), None, False
    else:
        at, order, guessed = _guess(distinct, day_first)
    lookup = pl.DataFrame({"raw": distinct, "at": at})
    parsed = raw.to_frame("raw").join(lookup, on="raw", how="left", maintain_order="left")["at"]
    unread = raw.filter(parsed.is_null() & raw.is_not_null())
    return ReadDates(
        values=iso_text(parsed).alias(column.name),
        order=order,
        guessed=guessed,
        filled=raw.count(),
        failed=parsed.null_count() - raw.null_count(),
        example=unread[0] if unread.len() else None,
    )


def iso_text(at: pl.Series) -> pl.Series:
    """Datetimes as ISO text: dates alone when every time is midnight, seconds when any has them."""
    times = at.drop_nulls()
    if times.is_empty() or (times.dt.truncate("1d") == times).all():
        return at.dt.strftime("%Y-%m-%d")
    with_seconds = (times.dt.truncate("1m") != times).any()
    return at.dt.strftime("%Y-%m-%dT%H:%M:%S" if with_seconds else "%Y-%m-%dT%H:%M")


def _guess(distinct: pl.Series, day_first: bool) -> tuple[pl.Series, str | None, bool]:
    """Each distinct value read by the first pattern that fits; numeric dates in the column's order."""
    found = [_from_parts(distinct.str.extract_groups(p).struct.unnest()) for p in PATTERNS]
    numeric = distinct.str.extract_groups(NUMERIC).struct.unnest()
    order, guessed = _order(numeric, day_first)
    if order is not None:
        day, month = ("a", "b") if order == DAY_FIRST else ("b", "a")
        found.append(_from_parts(numeric.rename({day: "d", month: "m"})))
    found += [_excel_serial(distinct), _unix_time(distinct)]
    at = pl.DataFrame([f.alias(str(i)) for i, f in enumerate(found)]).select(pl.coalesce(pl.all()))
    return at.to_series().alias("at"), order, guessed


def _order(numeric: pl.DataFrame, day_first: bool) -> tuple[str | None, bool]:
    """Day or month first, from the fields over 12; (None, False) when no value is numeric."""
    first, second = numeric["a"].cast(pl.Int32).drop_nulls(), numeric["b"].cast(pl.Int32).drop_nulls()
    if first.is_empty():
        return None, False
    day_votes, month_votes = int((first > 12).sum()), int((second > 12).sum())
    if day_votes or month_votes:
        return (DAY_FIRST if day_votes >= month_votes else MONTH_FIRST), False
    return (DAY_FIRST if day_first else MONTH_FIRST), True


def _from_parts(parts: pl.DataFrame) -> pl.Series:
    """Datetimes from year, month (number or name), day, hour, minute, second and AM/PM fields."""
    if "mon" in parts.columns:
        parts = parts.with_columns(m=pl.col("mon").str.to_lowercase().replace_strict(MONTHS, default=None))
    for name in ("H", "M", "S", "p"):
        if name not in parts.columns:
            parts = parts.with_columns(pl.lit(None, pl.String()).alias(name))
    y = pl.col("y").cast(pl.Int32)
    year = pl.when(pl.col("y").str.len_chars() == 2).then(y + pl.when(y < 69).then(2000).otherwise(1900)).otherwise(y)
    hour = pl.col("H").cast(pl.Int32).fill_null(0)
    pm = pl.col("p").str.to_lowercase().str.starts_with("p").cast(pl.Int32)
    hour = pl.when(pl.col("p").is_null()).then(hour).when(hour.is_between(1, 12)).then(hour % 12 + pm * 12)
    text = pl.format(
        "{}-{}-{} {}:{}:{}",
        year,
        pl.col("m").cast(pl.String()).str.zfill(2),
        pl.col("d").str.zfill(2),
        hour.cast(pl.String()).str.zfill(2),
        pl.col("M").fill_null("00"),
        pl.col("S").fill_null("00"),
    )
    return parts.select(text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")).to_series()


def _excel_serial(distinct: pl.Series) -> pl.Series:
    """Excel's serial day numbers (five digits, maybe a fraction of a day) in the plausible range."""
    days = pl.when(pl.col("raw").str.contains(r"^\d{5}(\.\d+)?$")).then(pl.col("raw").cast(pl.Float64, strict=False))
    millis = pl.when(days.is_between(*EXCEL_RANGE, closed="left")).then((days * 86_400_000).round().cast(pl.Int64))
    at = pl.lit(EXCEL_EPOCH).cast(pl.Datetime("us")) + pl.duration(milliseconds=millis)
    return distinct.to_frame("raw").select(at).to_series()


def _unix_time(distinct: pl.Series) -> pl.Series:
    """Unix timestamps in seconds (9-10 digits) or milliseconds (12-13 digits), 2000 to 2099."""
    number = pl.col("raw").cast(pl.Int64, strict=False)
    given = (
        pl.when(pl.col("raw").str.contains(r"^\d{12,13}$"))
        .then(number)
        .when(pl.col("raw").str.contains(r"^\d{9,10}$"))
        .then(number * 1000)
    )
    ms = pl.when(given.is_between(EPOCH_RANGE[0] * 1000, EPOCH_RANGE[1] * 1000, closed="left")).then(given)
    return distinct.to_frame("raw").select(pl.from_epoch(ms, time_unit="ms").cast(pl.Datetime("us"))).to_series()
