"""Numeric dates read by explicit formats give, value for value, what Python's own `strptime`
gives: the formats the first rows call for are tried on the whole column, the rest read shape
by shape; an impossible date (31/02, 29/02 of a common year) is missing, never rolled over into
the next month. The expected dates are read here by `datetime.strptime`, one value at a time."""
from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from workshop.column_types import DAY_FIRST, MONTH_FIRST, parse_dates
from workshop.distinct import SAMPLE_ROWS

START = dt.datetime(2023, 1, 1)


def moments(count: int, seed: int) -> list[dt.datetime]:
    rng = random.Random(seed)
    return [START + dt.timedelta(seconds=rng.randrange(3 * 365 * 86400)) for _ in range(count)]


def formats(order: str) -> list[str]:
    """How exports write a numeric date and time, day and month in `order`."""
    day_month = ("%d", "%m") if order == DAY_FIRST else ("%m", "%d")
    return [f"{day_month[0]}/{day_month[1]}/%Y %H:%M:%S",  # the first rows' format
            f"{day_month[0]}/{day_month[1]}/%Y %H:%M",
            f"{day_month[0]}.{day_month[1]}.%Y %I:%M %p",
            f"{day_month[0]}-{day_month[1]}-%y %H:%M",
            f"{day_month[0]}/{day_month[1]}/%Y %H:%M:%S.%f",
            f"{day_month[0]}/{day_month[1]}/%Y"]


def by_hand(value: str, order: str) -> dt.datetime | None:
    for form in formats(order):
        try:
            return dt.datetime.strptime(value, form)
        except ValueError:
            continue
    return None


IMPOSSIBLE = {DAY_FIRST: ["31/02/2025 10:00", "29/02/2023 08:15:00", "31/04/2024", "00/01/2025",
                          "12/13/2025 10:00", "31.06.2024 09:30 AM"],
              MONTH_FIRST: ["02/31/2025 10:00", "02/29/2023 08:15:00", "04/31/2024",
                            "01/00/2025", "13/12/2025 10:00", "06.31.2024 09:30 AM"]}


@pytest.mark.parametrize("order", [DAY_FIRST, MONTH_FIRST])
def test_every_value_reads_as_strptime_reads_it(order):
    forms = formats(order)
    times = moments(SAMPLE_ROWS + 3_000, seed=len(order))
    # The first rows all in one format; further down, every other format and impossible dates.
    written = [t.strftime(forms[0]) for t in times[:SAMPLE_ROWS]]
    rng = random.Random(7)
    written += [t.strftime(rng.choice(forms[1:])) for t in times[SAMPLE_ROWS:]]
    spots = rng.sample(range(len(written)), len(IMPOSSIBLE[order]))
    for spot, value in zip(spots, IMPOSSIBLE[order], strict=True):
        written[spot] = value
    assert sum(by_hand(v, order) is None for v in written) == len(IMPOSSIBLE[order])

    read = parse_dates(pd.Series(written, dtype="str"), order)

    expected = [by_hand(v, order) for v in written]
    assert [None if pd.isna(r) else r.to_pydatetime() for r in read] == expected


def test_a_date_rolled_over_by_the_format_reader_is_refused_only_where_impossible():
    """The last days of each month and 29 February of a leap year are dates; a day past the
    month's end is not (it lands on the 1st, 2nd or 3rd of the next month when read loosely)."""
    last_days = [dt.date(2024, month, 1) - dt.timedelta(days=1) for month in range(2, 13)]
    last_days += [dt.date(2024, 12, 31), dt.date(2024, 2, 29)]
    valid = [f"{d:%d/%m/%Y} 10:00" for d in last_days]
    past_end = [f"{d.day + 1}/{d:%m/%Y} 10:00" for d in last_days if d.day < 31]
    early = [f"0{day}/03/2024 10:00" for day in (1, 2, 3)]

    read = parse_dates(pd.Series(valid + past_end + early, dtype="str"), DAY_FIRST)

    assert [r.date() for r in read[:len(valid)]] == last_days
    assert read[len(valid):len(valid) + len(past_end)].isna().all()
    assert [r.date() for r in read[len(valid) + len(past_end):]] == [
        dt.date(2024, 3, day) for day in (1, 2, 3)]


def test_a_rewritten_time_reads_as_written_in_a_long_column():
    """A comma after the date, "09h29" with a zone, "p.m.": each is written one way before
    the formats read it, also past the first rows."""
    times = moments(SAMPLE_ROWS + 500, seed=11)
    shapes = [lambda t: t.strftime("%d/%m/%Y, %H:%M:%S"),
              lambda t: t.strftime("%d/%m/%Y %Hh%M UTC"),
              lambda t: t.strftime("%d-%m-%Y %I:%M ") + ("a.m." if t.hour < 12 else "p.m.")]
    written = [shapes[0](t) for t in times[:SAMPLE_ROWS]] + [
        shapes[i % 3](t) for i, t in enumerate(times[SAMPLE_ROWS:])]
    expected = [t.replace(second=0) if "h" in w or "m." in w else t
                for w, t in zip(written, times, strict=True)]

    read = parse_dates(pd.Series(written, dtype="str"), DAY_FIRST)

    assert [r.to_pydatetime() for r in read] == expected
