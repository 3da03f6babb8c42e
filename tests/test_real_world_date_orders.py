"""Dates as real exports write them beyond the plain numeric and ISO shapes: a time after a
comma or with a zone (JavaScript's toLocaleString, mail and CRM exports), month names in the
languages of the catalog's European markets, and UK files whose created dates alone cannot
show the day comes first. Each file is built here from `datetime` values with a fixed seed;
the expected dates are those values, formatted by the standard library or by hand.
"""
from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from workshop.column_types import DAY_FIRST, MONTH_FIRST
from workshop.leads import column_readings
from workshop.pipeline import import_leads

START = dt.datetime(2024, 1, 1)


def moments(count: int, seed: int) -> list[dt.datetime]:
    """Times to the second over two years, the same ones for the same seed."""
    rng = random.Random(seed)
    return [START + dt.timedelta(seconds=rng.randrange(2 * 365 * 86400)) for _ in range(count)]


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    def cell(value: str) -> str:
        return f'"{value}"' if "," in value else value
    return ("\n".join([",".join(header)] + [",".join(cell(v) for v in row) for row in rows])
            + "\n").encode()


def ampm(t: dt.datetime) -> str:
    return f"{t.hour % 12 or 12}:{t:%M:%S} {'AM' if t.hour < 12 else 'PM'}"


# name -> (how the export writes a time, the order its values prove, how precise it is)
LOCALE_TIMES = {
    "JavaScript en-GB": (lambda t: t.strftime("%d/%m/%Y, %H:%M:%S"), DAY_FIRST, "s"),
    "JavaScript de": (lambda t: f"{t.day}.{t.month}.{t.year}, {t:%H:%M:%S}", DAY_FIRST, "s"),
    "JavaScript en-US": (lambda t: f"{t.month}/{t.day}/{t.year}, {ampm(t)}", MONTH_FIRST, "s"),
    "German Outlook": (lambda t: t.strftime("%d.%m.%Y, %H:%M"), DAY_FIRST, "min"),
    "UK with offset": (lambda t: t.strftime("%d/%m/%Y %H:%M:%S +0000"), DAY_FIRST, "s"),
    "UK with UTC": (lambda t: t.strftime("%d/%m/%Y %H:%M UTC"), DAY_FIRST, "min"),
    "French hours": (lambda t: t.strftime("%d/%m/%Y %Hh%M"), DAY_FIRST, "min"),
    "US with Z": (lambda t: t.strftime("%m/%d/%Y %H:%M:%S Z"), MONTH_FIRST, "s"),
    "UK a.m.": (lambda t: t.strftime("%d-%m-%Y %I:%M ") + ("a.m." if t.hour < 12 else "p.m."),
                DAY_FIRST, "min"),
}


@pytest.mark.parametrize("name", list(LOCALE_TIMES))
def test_a_time_after_the_date_never_splits_the_columns_order(name):
    """Every value is read in the order the column proves, also those whose day is 12 or
    less: read one by one, 03/01/2025 was the 1st of March beside 27/07/2024 in July."""
    write, order, precision = LOCALE_TIMES[name]
    times = moments(300, seed=len(name))
    data = csv_bytes(["Email", "Create Date"],
                     [[f"lead{i}@acme.co.uk", write(t)] for i, t in enumerate(times)])
    expected = [t.replace(second=0) if precision == "min" else t for t in times]
    assert any(t.day <= 12 for t in times) and any(t.day > 12 for t in times)

    leads = import_leads(data, "export.csv").leads

    assert leads["created"].tolist() == [pd.Timestamp(t) for t in expected]
    assert leads["created_month"].astype(str).tolist() == [f"{t:%Y-%m}" for t in expected]
    reading = column_readings(leads)["created"]
    assert (reading.date_order, reading.ambiguous) == (order, False)


def uk_export(created: list[dt.datetime], activity: list[dt.datetime]) -> bytes:
    """A UK HubSpot export: day-first dates with a time, no decimal anywhere."""
    rows = [[str(i), f"lead{i}@co{i}.co.uk", "Lead", c.strftime("%d/%m/%Y %H:%M"),
             a.strftime("%d/%m/%Y %H:%M"), "United Kingdom"]
            for i, (c, a) in enumerate(zip(created, activity, strict=True))]
    return csv_bytes(["Record ID", "Email", "Lifecycle Stage", "Create Date",
                      "Last Activity Date", "Country/Region"], rows)


def test_an_undecided_created_column_takes_the_order_another_date_column_proves():
    """Leads created on 1-12 January: no created day is over 12, so alone the column reads
    month-first (the file has a decimal point) and the twelve days became twelve months.
    Its "Last Activity Date" of 17/01/2025 shows the file writes the day first."""
    rng = random.Random(7)
    created = [dt.datetime(2025, 1, rng.randint(1, 12), rng.randrange(24)) for _ in range(200)]
    activity = [c + dt.timedelta(days=rng.randint(0, 40)) for c in created]
    proof = next(a for a in activity if a.day > 12)

    leads = import_leads(uk_export(created, activity), "hubspot.csv").leads

    assert leads["created"].tolist() == [pd.Timestamp(c) for c in created]
    assert leads["created_month"].astype(str).unique().tolist() == ["2025-01"]
    assert leads["Last Activity Date"].tolist() == [pd.Timestamp(a) for a in activity]
    reading = column_readings(leads)["created"]
    assert (reading.date_order, reading.ambiguous) == (DAY_FIRST, False)
    described = reading.describe()
    assert described.startswith("dates, day first, as “Last Activity Date” shows (")
    assert f"({proof:%d/%m/%Y %H:%M})" in described


def test_columns_proving_different_orders_decide_nothing_for_the_others():
    """A merged file: one column proves day-first, another month-first. The undecided
    created column keeps the order the file's decimal point suggests, flagged as assumed."""
    rows = [[f"lead{i}@acme.com", f"0{1 + i % 9}/0{1 + i % 3}/2025", f"1{3 + i % 5}/01/2025",
             f"02/1{3 + i % 5}/2025"] for i in range(40)]
    data = csv_bytes(["Email", "Create Date", "Renewal Date", "Signed Date"], rows)

    leads = import_leads(data, "merged.csv").leads

    expected = [dt.datetime(2025, 1 + i % 9, 1 + i % 3) for i in range(40)]  # month first
    assert leads["created"].tolist() == [pd.Timestamp(d) for d in expected]
    readings = column_readings(leads)
    assert (readings["created"].date_order, readings["created"].ambiguous) == (MONTH_FIRST, True)
    assert "no value decides" in readings["created"].describe()
    assert readings["Renewal Date"].date_order == DAY_FIRST
    assert readings["Signed Date"].date_order == MONTH_FIRST


def test_a_decimal_comma_file_proving_month_first_reads_its_undecided_dates_so():
    """A decimal comma suggests day-first, but a US date of 3/14/2025 in another column
    proves the file's dates are month-first: 01/02/2025 is then the 2nd of January."""
    rng = random.Random(3)
    created = [dt.datetime(2025, rng.randint(1, 12), rng.randint(1, 12)) for _ in range(60)]
    closed = [c + dt.timedelta(days=rng.randint(20, 90)) for c in created]
    rows = [f"lead{i}@acme.com;{c.month:02d}/{c.day:02d}/{c.year};"
            f"{d.month}/{d.day}/{d.year};{rng.randint(1, 999)},{rng.randint(1, 99):02d}"
            for i, (c, d) in enumerate(zip(created, closed, strict=True))]
    data = ("Email;Create Date;Close Date;Amount\n" + "\n".join(rows) + "\n").encode()

    leads = import_leads(data, "export.csv").leads

    amounts = [float(row.split(";")[3].replace(",", ".")) for row in rows]
    assert leads["amount"].tolist() == pytest.approx(amounts)  # the file is decimal comma
    assert leads["created"].tolist() == [pd.Timestamp(c) for c in created]
    reading = column_readings(leads)["created"]
    assert (reading.date_order, reading.ambiguous) == (MONTH_FIRST, False)
    assert "shows" in reading.describe()


def test_a_proof_agreeing_with_the_assumed_order_is_named_without_reading_again():
    rng = random.Random(5)
    created = [dt.datetime(2025, rng.randint(1, 12), rng.randint(1, 12)) for _ in range(50)]
    rows = [[f"lead{i}@acme.com", f"{c.month}/{c.day}/{c.year}", "3/14/2025"]
            for i, c in enumerate(created)]
    leads = import_leads(csv_bytes(["Email", "Create Date", "Last Activity Date"], rows),
                         "us.csv").leads
    assert leads["created"].tolist() == [pd.Timestamp(c) for c in created]
    assert column_readings(leads)["created"].describe() == (
        "dates, month first, as “Last Activity Date” shows (3/14/2025)")


def test_a_column_mixing_both_orders_is_not_overruled_and_says_what_it_mixes():
    rows = [[f"lead{i}@acme.com", value, "25/12/2024"]
            for i, value in enumerate(["20/10/2024", "21/10/2024", "10/22/2024", "02/03/2024"])]
    leads = import_leads(csv_bytes(["Email", "Create Date", "Last Activity Date"], rows),
                         "mixed.csv").leads
    reading = column_readings(leads)["created"]
    assert (reading.date_order, reading.ambiguous, reading.decided_by) == (DAY_FIRST, True, "")
    assert reading.describe() == ("dates, day first: values are written in both orders "
                                  "(20/10/2024 and 10/22/2024), so day first, the more common, "
                                  "is assumed")


MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"],
    "es-abbr": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov",
                "dic"],
    "fr-abbr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                "oct.", "nov.", "déc."],
    "de-abbr": ["Jan.", "Feb.", "Mrz.", "Apr.", "Mai", "Jun.", "Jul.", "Aug.", "Sep.", "Okt.",
                "Nov.", "Dez."],
}
WORDED = {
    "fr": lambda t, m: f"{t.day} {m} {t.year}",
    "de": lambda t, m: f"{t.day}. {m} {t.year}",
    "es": lambda t, m: f"{t.day} de {m} de {t.year}",
    "it": lambda t, m: f"{t.day} {m} {t.year} {t:%H:%M}",
    "pt": lambda t, m: f"{t.day} de {m} de {t.year}",
    "nl": lambda t, m: f"{t.day} {m} {t.year}",
    "es-abbr": lambda t, m: f"{t.day:02d}-{m}-{t.year}",
    "fr-abbr": lambda t, m: f"{t.day} {m} {t.year}",
    "de-abbr": lambda t, m: f"{t.day}. {m} {t.year}",
}


@pytest.mark.parametrize("language", list(WORDED))
def test_month_names_of_other_languages(language):
    """'30. März 2025', '4 mars 2025', '27-abr-2024' were unreadable: every figure per month
    of such a file had no dates. Also in an unmapped column, which is then taken as dates."""
    times = moments(240, seed=len(language) + 40)
    names = MONTHS[language]
    written = [WORDED[language](t, names[t.month - 1]) for t in times]
    data = csv_bytes(["Email", "Create Date", "Letzter Besuch"],
                     [[f"lead{i}@acme.eu", w, w] for i, w in enumerate(written)])
    timed = language == "it"
    expected = [pd.Timestamp(t.replace(second=0) if timed else t.date()) for t in times]

    leads = import_leads(data, "export.csv").leads

    assert leads["created"].tolist() == expected
    assert leads["Letzter Besuch"].tolist() == expected
    assert column_readings(leads)["Letzter Besuch"].kind == "date"


def test_weekday_names_before_a_foreign_date_are_left_out():
    times = moments(30, seed=9)
    weekdays = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
    written = [f"{weekdays[t.weekday()]}, {t.day}. {MONTHS['de'][t.month - 1]} {t.year}"
               for t in times]
    leads = import_leads(csv_bytes(["Email", "Create Date"],
                                   [[f"l{i}@acme.de", w] for i, w in enumerate(written)]),
                         "export.csv").leads
    assert leads["created"].tolist() == [pd.Timestamp(t.date()) for t in times]


def test_javascript_date_strings_read_as_written():
    """`String(new Date())` as a script or a no-code tool writes it: the time as written,
    the offset and the zone's name left out as for every zoned time."""
    times = moments(120, seed=21)
    written = [t.strftime("%a %b %d %Y %H:%M:%S GMT+0100 (Central European Standard Time)")
               for t in times]
    leads = import_leads(csv_bytes(["Email", "Create Date", "Last Seen"],
                                   [[f"l{i}@acme.de", w, w] for i, w in enumerate(written)]),
                         "export.csv").leads
    assert leads["created"].tolist() == [pd.Timestamp(t) for t in times]
    assert leads["Last Seen"].tolist() == [pd.Timestamp(t) for t in times]
