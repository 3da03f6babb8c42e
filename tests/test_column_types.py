"""Each column judged by its own values: decimal marks, the order of day and month, numbers and
dates among columns nobody mapped — as tables of cases."""
from __future__ import annotations

import pandas as pd
import pytest

from workshop import column_types, leads
from workshop.column_types import DAY_FIRST, MONTH_FIRST, YEAR_FIRST, Reading


def text(*values) -> pd.Series:
    return pd.Series(list(values), dtype="str")


@pytest.mark.parametrize("values, default, mark, ambiguous", [
    (["2,5", "10"], ".", ",", False),  # a comma followed by two digits: a decimal comma
    (["1.234,56"], ".", ",", False),  # thousands points, then the decimal comma
    (["1.234.567"], ".", ",", False),  # two thousands points: European
    (["0.75", "12"], ",", ".", False),
    (["1,500,000.00"], ",", ".", False),
    (["1.5E7"], ",", ".", False),  # Salesforce's scientific notation
    (["1,234", "5,678"], ".", ".", True),  # a thousand, or 1.234? nothing decides
    (["1,234", "5,678"], ",", ",", True),
    (["12", "300"], ",", "", False),  # whole numbers: no mark to decide, nothing ambiguous
    (["2,5", "0.75"], ".", ".", True),  # both: the file's convention, flagged
    (["Select", "n/a", ""], ".", "", False),
])
def test_decimal_mark_is_decided_by_the_values(values, default, mark, ambiguous):
    found, unclear, _ = column_types.decimal_mark(text(*values), default)
    assert (found, unclear) == (mark, ambiguous)


def test_the_deciding_value_is_kept_as_evidence():
    assert column_types.decimal_mark(text("10", "2,5"))[2] == "2,5"
    assert column_types.date_order(text("01-02-2018", "20-10-2017"))[2] == "20-10-2017"


@pytest.mark.parametrize("values, order, ambiguous", [
    (["20-10-2017", "01-02-2018"], DAY_FIRST, False),
    (["3/14/2025", "03/01/2025"], MONTH_FIRST, False),
    (["31.01.2025"], DAY_FIRST, False),
    (["01.02.2025"], DAY_FIRST, False),  # dotted dates are day-first by custom
    (["01-02-2018", "03-04-2018"], MONTH_FIRST, True),  # no day over 12: assumed
    (["2018-02-01", "2018-02-13 10:00"], YEAR_FIRST, False),
    (["20-10-2017", "10-20-2017"], DAY_FIRST, True),  # a column mixing both: flagged
    (["12-03-2018 11:34", "25-12-2017 09:00"], DAY_FIRST, False),
])
def test_date_order_is_decided_by_the_values(values, order, ambiguous):
    found, unclear, _ = column_types.date_order(text(*values))
    assert (found, unclear) == (order, ambiguous)


def test_an_undecided_column_takes_the_files_convention():
    assert column_types.date_order(text("01-02-2018"), DAY_FIRST)[:2] == (DAY_FIRST, True)


@pytest.mark.parametrize("value, order, expected", [
    ("20-10-2017", DAY_FIRST, "2017-10-20"),
    ("01-02-2018", DAY_FIRST, "2018-02-01"),
    ("01-02-2018", MONTH_FIRST, "2018-01-02"),
    ("12-03-2018 11:34", DAY_FIRST, "2018-03-12 11:34"),
    ("3/14/2025", MONTH_FIRST, "2025-03-14"),
    ("3/14/25 1:05 PM", MONTH_FIRST, "2025-03-14 13:05"),
    ("31.01.2025", DAY_FIRST, "2025-01-31"),
    # ISO dates keep their order whatever the column's, times as written (zone left out)
    ("2018-02-01", DAY_FIRST, "2018-02-01"),
    ("2025-06-03T08:12:44+02:00", DAY_FIRST, "2025-06-03 08:12:44"),
    ("2025-01-31T21:00:00-05:00", DAY_FIRST, "2025-01-31 21:00:00"),
    ("2025-01-31T21:00:00.000-0500", DAY_FIRST, "2025-01-31 21:00:00"),
    ("2025-01-31T23:30:00Z", DAY_FIRST, "2025-01-31 23:30:00"),
    ("2025-01-31 23:30 UTC", DAY_FIRST, "2025-01-31 23:30:00"),
    ("31.01.2025 23:30:00 +01:00", DAY_FIRST, "2025-01-31 23:30:00"),
    ("not a date", DAY_FIRST, None),
    ("31-02-2018", DAY_FIRST, None),
])
def test_dates_are_read_in_the_columns_order(value, order, expected):
    parsed = column_types.parse_dates(text(value), order).iloc[0]
    if expected is None:
        assert pd.isna(parsed)
    else:
        assert parsed == pd.Timestamp(expected)


def test_a_day_first_column_of_a_million_repeated_dates_reads_each_shape_once():
    values = text(*["20-10-2017", "01-02-2018 11:34", "", "Select"] * 250_000)
    parsed = leads.parse_date(values, DAY_FIRST)
    assert parsed.iloc[0] == pd.Timestamp("2017-10-20")
    assert parsed.iloc[1] == pd.Timestamp("2018-02-01 11:34")
    assert parsed.isna().sum() == 500_000


@pytest.mark.parametrize("values, share", [
    (["1", "2,5", "$1,500", "12%", "-3"], 1.0),
    (["1", "two", "3", "Select", ""], 2 / 3),  # placeholders and blanks do not count
    (["2017-03-01", "1"], 0.5),
    (["abc"], 0.0),
    ([], 0.0),
])
def test_number_shaped(values, share):
    assert column_types.number_shaped(text(*values)) == pytest.approx(share)


@pytest.mark.parametrize("values, share", [
    (["2017-03-01", "20-10-2017", "3/14/2025", "14 Mar 2025", "Mar 14, 2025"], 1.0),
    (["2017-03-01", "12"], 0.5),
])
def test_date_shaped(values, share):
    assert column_types.date_shaped(text(*values)) == pytest.approx(share)


@pytest.mark.parametrize("reading, words", [
    (Reading("date", date_order=DAY_FIRST, evidence="20-10-2017"),
     "dates, day first (20-10-2017)"),
    (Reading("date", date_order=MONTH_FIRST, ambiguous=True),
     "dates, month first: no value decides (every day is 12 or less), so month first is "
     "assumed"),
    (Reading("date", date_order=YEAR_FIRST), "dates, year first (ISO)"),
    (Reading("number", ","), "numbers (decimal comma)"),
    (Reading("number", ".", unit=1e6), "numbers, in millions (decimal point)"),
    (Reading("count", ",", ambiguous=True), "counts (decimal comma assumed: no value decides)"),
    (Reading("category"), "categories"),
    (Reading("number"), "whole numbers"),
])
def test_readings_describe_themselves(reading, words):
    assert reading.describe() == words
