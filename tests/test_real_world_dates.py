"""Created dates written as numbers, as real exports carry them, imported whole and checked
against a plain reading.

A CSV saved from a spreadsheet whose date column was formatted as "General" holds day numbers
(45292 is 2024-01-01: days since 1899-12-30); an API export such as HubSpot's holds Unix
milliseconds (1704067200000) or seconds. Read as text dates they were all unreadable, and every
figure per month said there were no dates. The expected dates here come from the standard
library's own arithmetic, never from the app's parsers.
"""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.leads import column_readings
from workshop.pipeline import import_leads
from workshop.preview import monthly_volume

SPREADSHEET_EPOCH = dt.datetime(1899, 12, 30)
UNIX_EPOCH = dt.datetime(1970, 1, 1)

DAYS = [45292, 45300.75, 45323, 45351, 45352, 45413.25, 45444, 45445]
INDUSTRIES = ["Software", "Retail", "Software", "Software", "Healthcare", "Software", "Retail",
              "Software"]


def from_days(days: float) -> dt.datetime:
    return SPREADSHEET_EPOCH + dt.timedelta(days=days)


def expected_months(dates: list[dt.datetime], qualified: list[bool]) -> dict[str, int]:
    """Qualified leads per month, every month from the first to the last (0 without leads)."""
    first, last = min(dates), max(dates)
    counts: dict[str, int] = {}
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        counts[f"{year:04d}-{month:02d}"] = 0
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for date, yes in zip(dates, qualified, strict=True):
        counts[f"{date:%Y-%m}"] += int(yes)
    return counts


def check(leads: pd.DataFrame, dates: list[dt.datetime]) -> None:
    assert leads["created"].tolist() == [pd.Timestamp(d) for d in dates]
    definition = D(C("industry", "in", values=["Software"]))
    volume = monthly_volume(leads, evaluate(leads, definition))
    got = dict(zip(volume["month"], volume["mql"].tolist(), strict=True))
    assert got == expected_months(dates, [i == "Software" for i in INDUSTRIES])


def csv_of(created: list[str]) -> bytes:
    rows = ["Email,Industry,Create Date,Deal Stage"]
    rows += [f"lead{i}@acme.com,{industry},{value},Closed Won"
             for i, (industry, value) in enumerate(zip(INDUSTRIES, created, strict=True))]
    return ("\n".join(rows) + "\n").encode()


def test_spreadsheet_day_numbers_in_a_csv():
    result = import_leads(csv_of([str(d) for d in DAYS]), "export.csv")
    check(result.leads, [from_days(d) for d in DAYS])
    reading = column_readings(result.leads)["created"]
    assert reading.describe() == ("dates, written as spreadsheet day numbers "
                                  "(45292 is 2024-01-01)")
    assert result.quality().field("created").unparsable == 0


@pytest.mark.parametrize(("scale", "name"), [(1000, "milliseconds"), (1, "seconds")])
def test_unix_timestamps_of_an_api_export(scale, name):
    seconds = [int((from_days(d) - UNIX_EPOCH).total_seconds()) for d in DAYS]
    result = import_leads(csv_of([str(s * scale) for s in seconds]), "export.csv")
    check(result.leads, [UNIX_EPOCH + dt.timedelta(seconds=s) for s in seconds])
    assert f"Unix {name}" in column_readings(result.leads)["created"].describe()


def test_day_numbers_in_a_workbook_formatted_as_general():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email", "Industry", "Create Date", "Deal Stage"])
    for i, (industry, days) in enumerate(zip(INDUSTRIES, DAYS, strict=True)):
        sheet.append([f"lead{i}@acme.com", industry, days, "Closed Won"])
    data = io.BytesIO()
    book.save(data)
    result = import_leads(data.getvalue(), "export.xlsx")
    check(result.leads, [from_days(d) for d in DAYS])


def test_other_numbers_are_never_dates():
    """A created column of numbers outside 1990-2100 in every writing stays unreadable (and is
    counted so), and an unmapped number column in the day-number span stays numbers."""
    data = ("Email,Create Date,Score\n" + "".join(
        f"lead{i}@acme.com,{value},{45000 + i}\n"
        for i, value in enumerate(["12", "500", "99999999", "7"]))).encode()
    result = import_leads(data, "export.csv")
    assert result.leads["created"].isna().all()
    assert result.quality().field("created").unparsable == 4
    assert result.leads["Score"].tolist() == [45000.0, 45001.0, 45002.0, 45003.0]


def test_a_zoned_timestamp_counts_in_the_month_it_was_written_in():
    """A US team's leads of 31 January evening, exported with their offset, are January
    leads: read in UTC they opened a February of three leads and halved the monthly figure."""
    rows = ["Email,Industry,Create Date"]
    rows += [f"a{i}@acme.com,Software,2025-01-{10 + i % 10}T09:00:00-05:00" for i in range(57)]
    rows += [f"z{i}@acme.com,Software,2025-01-31T2{i}:00:00-05:00" for i in range(3)]
    result = import_leads(("\n".join(rows) + "\n").encode(), "export.csv")
    written = [dt.datetime.fromisoformat(row.split(",")[2]).replace(tzinfo=None)
               for row in rows[1:]]
    assert result.leads["created"].tolist() == [pd.Timestamp(d) for d in written]
    volume = monthly_volume(result.leads, evaluate(result.leads, D(C("industry", "in",
                                                                      values=["Software"]))))
    assert volume.to_dict("list") == {"month": ["2025-01"], "mql": [60], "sql": [60]}


@pytest.mark.parametrize("unset", ["1970-01-01 00:00:00", "1970-01-01T00:00:00Z", "01/01/1970",
                                   "1900-01-01", "0001-01-01", "01/01/0001 00:00:00",
                                   "9999-12-31", "9999-12-31 23:59:59"])
def test_a_date_never_set_is_no_month_of_the_volume(unset):
    """Systems write the Unix epoch, a spreadsheet's day 1, .NET's first day or 9999-12-31
    for a date never set: no lead was created in January 1970, and counted it added a month
    of 1 lead to the average."""
    dates = [f"2025-0{1 + i % 6}-1{i % 9}" for i in range(60)] + [unset] * 4
    rows = ["Email,Industry,Create Date"] + [f"l{i}@acme.com,Software,{d}"
                                              for i, d in enumerate(dates)]
    result = import_leads(("\n".join(rows) + "\n").encode(), "export.csv")
    assert result.leads["created"].isna().sum() == 4
    volume = monthly_volume(result.leads, evaluate(result.leads, D()))
    assert volume["month"].tolist() == [f"2025-0{m}" for m in range(1, 7)]
    assert volume["mql"].sum() == 60
    quality = result.quality().field("created")
    assert quality.unparsable == 4 and quality.unparsable_examples == (unset,)
