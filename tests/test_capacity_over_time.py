"""Leads a month against sales capacity when the export's dates are not a tidy run of whole
months: a part-covered first or last month on the chart, the Unix epoch written in a zone, created
dates years away from the rest, blank created dates, and the data's own draft on a short export.
Expected figures are worked out here from the file's own text with plain pandas and Python."""
from __future__ import annotations

import calendar
import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from tests.builders import C, D
from workshop import charts, learn
from workshop.evaluate import evaluate, export_headers
from workshop.leads import column_readings, parse_date
from workshop.pipeline import import_leads
from workshop.preview import (
    average_per_month,
    capacity_verdict,
    monthly_volume,
    period_sentence,
)
from workshop.quality import quality_summary
from workshop.sql import readings_for, to_sql

BIG = D(C("employees", "at_least", low=100))
REPS, PER_REP = 5, 40
CAPACITY = REPS * PER_REP


def salesforce_export(created: list[str], seed: int = 3) -> tuple[bytes, pd.DataFrame]:
    """A Salesforce leads export whose "Created Date" cells are `created` as written, and the
    truth behind it (employees per lead)."""
    rng = np.random.default_rng(seed)
    employees = rng.choice([5, 20, 80, 150, 600, 2500], size=len(created))
    frame = pd.DataFrame({
        "Lead ID": [f"00Q{i:09d}" for i in range(len(created))],
        "Company": [f"Firm {i}" for i in range(len(created))],
        "Employees": employees,
        "Lead Status": rng.choice(["Open", "Working", "Converted", "Unqualified"], len(created)),
        "Created Date": created,
    })
    return frame.to_csv(index=False).encode(), frame


def months_covered(first: dt.date, last: dt.date) -> dict[str, tuple[int, int]]:
    """Month 'YYYY-MM' -> (days of it from `first` to `last`, days it has)."""
    covered, day = {}, first
    while day <= last:
        length = calendar.monthrange(day.year, day.month)[1]
        until = min(dt.date(day.year, day.month, length), last)
        covered[f"{day:%Y-%m}"] = ((until - day).days + 1, length)
        day = until + dt.timedelta(days=1)
    return covered


def per_month_by_hand(created: pd.Series, qualified: pd.Series) -> float:
    """Qualified leads with a date over the months their dates cover (parts of months in part)."""
    dated = created.notna()
    covered = months_covered(created[dated].min().date(), created[dated].max().date())
    return (qualified & dated).sum() / sum(days / length for days, length in covered.values())


def day_first(stamps: list[dt.datetime]) -> list[str]:
    return [f"{stamp:%d/%m/%Y %H:%M}" for stamp in stamps]


# --- 1. the chart says what the verdict says ---------------------------------------------------

def test_a_nine_day_export_is_drawn_against_the_capacity_of_the_days_it_covers():
    rng = np.random.default_rng(7)
    start = dt.datetime(2025, 5, 27, 8)
    stamps = [start + dt.timedelta(minutes=int(m)) for m in
              np.sort(rng.integers(0, 9 * 24 * 60 - 600, 1200))]
    data, frame = salesforce_export([f"{s:%Y-%m-%d %H:%M}" for s in stamps])
    leads = import_leads(data, "leads.csv").leads
    volume = monthly_volume(leads, evaluate(leads, BIG))
    figure = charts.monthly_chart({"Big firms": volume}, CAPACITY)
    drawn, capacity = figure.data

    created = pd.to_datetime(frame["Created Date"])
    big = frame["Employees"] >= 100
    counts = big.groupby(created.dt.strftime("%Y-%m")).sum()
    covered = months_covered(created.min().date(), created.max().date())
    assert list(drawn.x) == list(counts.index) == ["2025-05", "2025-06"]
    assert list(drawn.y) == counts.tolist()  # each month's real count
    want_capacity = [CAPACITY * days / length for days, length in covered.values()]
    assert np.allclose(list(capacity.y), want_capacity)
    for month, hover, tick in zip(counts.index, drawn.hovertext,
                                  figure.layout.xaxis.ticktext, strict=True):
        days, length = covered[month]
        assert f"{days} of its {length} days" in hover and f"{days} of {length} days" in tick
    # the verdict and the chart agree: far above capacity in every month drawn
    per_month = per_month_by_hand(created, big)
    assert abs(average_per_month(volume) - per_month) < 1e-9
    verdict = capacity_verdict(average_per_month(volume), REPS, PER_REP)
    assert verdict.verdict == "too loose"
    assert all(count > line for count, line in zip(drawn.y, capacity.y, strict=True))


def test_a_twelve_day_export_in_one_month_shows_its_capacity():
    """1-12 March: one month, so the capacity was a line of one point (not drawn) on an axis
    ranged by the count alone; now marked, on an axis from zero."""
    rng = np.random.default_rng(12)
    start = dt.datetime(2025, 3, 1, 8)
    stamps = [start + dt.timedelta(minutes=int(m)) for m in
              np.sort(rng.integers(0, 12 * 24 * 60 - 600, 600))]
    data, frame = salesforce_export([f"{s:%Y-%m-%d %H:%M}" for s in stamps])
    leads = import_leads(data, "leads.csv").leads
    figure = charts.monthly_chart({"Big": monthly_volume(leads, evaluate(leads, BIG))},
                                  CAPACITY)
    drawn, capacity = figure.data
    assert list(drawn.x) == ["2025-03"]
    assert list(drawn.y) == [int((frame["Employees"] >= 100).sum())]
    assert np.isclose(capacity.y[0], CAPACITY * 12 / 31)
    assert "markers" in capacity.mode and capacity.marker.symbol == "line-ew"
    assert figure.layout.yaxis.rangemode == "tozero"


def test_a_last_month_of_nine_days_is_no_collapse_on_the_chart():
    rng = np.random.default_rng(11)
    first, last = dt.date(2024, 4, 1), dt.date(2025, 5, 9)
    span = (last - first).days + 1
    days = np.sort(rng.integers(0, span, 1500))
    days[0], days[-1] = 0, span - 1
    stamps = [dt.datetime.combine(first, dt.time(10)) + dt.timedelta(days=int(d)) for d in days]
    data, frame = salesforce_export(day_first(stamps))
    leads = import_leads(data, "leads.csv").leads
    figure = charts.monthly_chart({"Big": monthly_volume(leads, evaluate(leads, BIG))},
                                  CAPACITY)
    drawn, capacity = figure.data
    created = pd.Series(stamps)
    big = pd.Series(frame["Employees"] >= 100)
    last_month = big[created.dt.strftime("%Y-%m") == "2025-05"].sum()
    assert drawn.x[-1] == "2025-05" and drawn.y[-1] == last_month
    assert np.isclose(capacity.y[-1], CAPACITY * 9 / 31) and capacity.y[0] == CAPACITY
    assert "9 of its 31 days" in drawn.hovertext[-1] and "of its" not in drawn.hovertext[0]
    # against the nine days' capacity, the last month is as busy as the rest
    whole = [y / c for y, c in zip(drawn.y[:-1], capacity.y[:-1], strict=True)]
    assert min(whole) * 0.5 < drawn.y[-1] / capacity.y[-1] < max(whole) * 2


# --- 2a. the Unix epoch written in a zone is no date -------------------------------------------

def test_the_epoch_in_a_european_zone_is_no_date_and_per_month_keeps_its_size():
    rng = np.random.default_rng(41)
    start = dt.datetime(2024, 3, 1, 9)
    stamps = [start + dt.timedelta(days=int(d), minutes=int(m))
              for d, m in zip(rng.integers(0, 365, 600), rng.integers(0, 600, 600),
                              strict=True)]
    text = day_first(stamps)
    unset = rng.choice(600, 6, replace=False)
    for i in unset:
        text[i] = "01/01/1970 01:00"
    data, frame = salesforce_export(text)
    leads = import_leads(data, "leads.csv").leads
    kept = pd.Series(stamps, dtype="datetime64[us]")
    kept[unset] = pd.NaT
    assert leads["created"].isna().sum() == len(unset)
    want = per_month_by_hand(kept, frame["Employees"] >= 100)
    got = average_per_month(monthly_volume(leads, evaluate(leads, BIG)))
    assert abs(got - want) < 1e-9 and want > 20


def test_the_epoch_at_any_time_a_zone_gives_it_is_no_date_in_every_date_column():
    cells = ["1969-12-31 09:59", "1969-12-31 10:00", "12/31/1969 7:00 PM", "1970-01-01 01:00",
             "1970-01-01T00:00:00+01:00", "1970-01-01 14:00", "1970-01-01 14:01",
             "1970-01-02 00:00"]
    read = parse_date(pd.Series(cells, dtype="str"), "month-first")
    assert read.isna().tolist() == [False, True, True, True, True, True, False, False]
    # an unmapped date column of an export reads it alike
    raw = pd.DataFrame({"Email": ["a@x.com", "b@y.com", "c@z.com"],
                        "Create Date": ["2025-01-02", "2025-01-03", "2025-01-04"],
                        "Last Activity": ["2025-02-01 10:00", "1970-01-01 01:00",
                                          "1969-12-31 19:00"]})
    leads = import_leads(raw.to_csv(index=False).encode(), "contacts.csv").leads
    assert leads["Last Activity"].notna().tolist() == [True, False, False]


# --- 2b. created dates years away from the rest ------------------------------------------------

def stray_export() -> tuple[bytes, pd.DataFrame, np.ndarray]:
    """15 months of leads (January 2024 to March 2025), a few created in 2031-2039 (typos) and
    one in 1998; the strays' positions."""
    rng = np.random.default_rng(23)
    stamps = [dt.datetime(2024, 1, 1, 9) + dt.timedelta(days=int(d))
              for d in rng.integers(0, 450, 900)]
    stray = rng.choice(900, 13, replace=False)
    for number, i in enumerate(stray[:12]):
        stamps[i] = dt.datetime(2031 + number * 8 // 12, 1 + number % 12, 3, 12)
    stamps[stray[12]] = dt.datetime(1998, 6, 30, 15)
    data, frame = salesforce_export(day_first(stamps))
    frame["stamp"] = stamps
    return data, frame, stray


def test_created_dates_years_from_the_rest_are_read_as_none_and_said_so():
    data, frame, stray = stray_export()
    result = import_leads(data, "leads.csv")
    leads = result.leads
    body = frame["stamp"].copy()
    body[stray] = pd.NaT
    # plain pandas: the months holding most leads, and who stands a year or more apart
    months = pd.PeriodIndex(frame["stamp"], freq="M")
    assert (months[stray] < pd.Period("2023-01", "M")).sum() == 1
    assert (months[stray] > pd.Period("2026-03", "M")).sum() == 12
    assert leads["created"].isna().to_numpy()[stray].all()
    assert leads["created"].notna().sum() == len(frame) - len(stray)
    want = per_month_by_hand(body, frame["Employees"] >= 100)
    volume = monthly_volume(leads, evaluate(leads, BIG))
    assert abs(average_per_month(volume) - want) < 1e-9
    assert volume["month"].iloc[0] == "2024-01" and volume["month"].iloc[-1] == "2025-03"
    assert "to 2039" not in period_sentence(leads) and "1998" not in period_sentence(leads)
    # the column's reading, as the data-quality table shows it: how many and when
    first, last = frame["stamp"][stray].min(), frame["stamp"][stray].max()
    described = column_readings(leads)["created"].describe()
    assert f"{len(stray)} dates" in described
    assert f"{first:%-d %b %Y}" in described and f"{last:%-d %b %Y}" in described
    quality = quality_summary(result.raw, result.mapping.columns, leads)
    row = next(f for f in quality.fields if f.key == "created")
    assert row.read_as == described and row.unparsable == len(stray)


def test_two_real_periods_and_a_gap_of_a_year_are_kept():
    rng = np.random.default_rng(5)
    old = [dt.datetime(2021, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 200, 300)]
    new = [dt.datetime(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 300, 700)]
    leads = import_leads(salesforce_export(day_first(old + new))[0], "leads.csv").leads
    assert leads["created"].notna().all()
    # exactly 12 months without leads between: not apart
    lone = [dt.datetime(2023, 1, 15)] + [dt.datetime(2024, 2, 1) + dt.timedelta(days=int(d))
                                         for d in rng.integers(0, 300, 500)]
    leads = import_leads(salesforce_export(day_first(lone))[0], "leads.csv").leads
    assert leads["created"].notna().all()
    assert not column_readings(leads)["created"].set_aside


def test_the_sql_reads_the_stray_created_dates_as_the_import_does():
    data, frame, _ = stray_export()
    leads = import_leads(data, "leads.csv").leads
    definition = D(C("created", "is_true"), C("created", "within_last", days=60, role="nice",
                                                   points=10), threshold=10)
    connection = duckdb.connect()
    connection.register("leads", pd.read_csv(pd.io.common.BytesIO(data), dtype=str))
    sql = to_sql(definition, columns=export_headers(leads, definition),
                 readings=readings_for(leads, definition))
    stages = connection.execute(f"SELECT lead_stage FROM ({sql})").df()["lead_stage"]
    expected = evaluate(leads, definition).frame["stage"]
    assert stages.tolist() == expected.tolist()
    assert 20 < (expected != "Not qualified").sum() < len(expected) - 20


def test_the_figures_of_a_probe_export_with_stray_and_unset_dates():
    rng = np.random.default_rng(2)
    stamps = [dt.datetime(2024, 1, 1) + dt.timedelta(days=int(d))
              for d in rng.integers(0, 450, 800)]
    text = day_first(stamps)
    unset = np.zeros(800, dtype=bool)
    for i in rng.choice(800, 60, replace=False):
        kind = rng.integers(0, 3)
        if kind == 0:
            text[i] = "01/01/1970"
        elif kind == 1:
            text[i] = "31/12/1899"
        else:
            later = dt.date(2031, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3000)))
            text[i] = f"{later:%d/%m/%Y}"
        unset[i] = True
    data, frame = salesforce_export(text)
    leads = import_leads(data, "leads.csv").leads
    body = pd.Series(stamps, dtype="datetime64[us]").mask(unset)
    want = per_month_by_hand(body, frame["Employees"] >= 100)
    assert abs(average_per_month(monthly_volume(leads, evaluate(leads, BIG))) - want) < 1e-9


# --- 3. the data's own draft keeps to capacity over the days the export covers -----------------

def short_export_with_outcomes() -> tuple[bytes, pd.DataFrame]:
    """Sixteen days of HubSpot contacts (20 May to 4 June) whose wins favour software firms that
    asked for a demo."""
    rng = np.random.default_rng(9)
    n = 3000
    start = dt.datetime(2025, 5, 20, 8)
    stamps = [start + dt.timedelta(minutes=int(m))
              for m in np.sort(rng.integers(0, 16 * 24 * 60, n))]
    industry = rng.choice(["Software", "Manufacturing", "Retail", "Healthcare"], n)
    demo, webinar = rng.random(n) < 0.3, rng.random(n) < 0.4
    won = rng.random(n) < 0.05 + 0.25 * (industry == "Software") + 0.2 * demo + 0.1 * webinar
    frame = pd.DataFrame({
        "Record ID": range(n), "Email": [f"q{i}@firm{i}.com" for i in range(n)],
        "Industry": industry, "Number of Employees": rng.choice([20, 150, 600], n),
        "Requested a demo": np.where(demo, "Yes", "No"),
        "Attended webinar": np.where(webinar, "Yes", "No"),
        "Create Date": [f"{s:%Y-%m-%d %H:%M}" for s in stamps],
        "Lifecycle Stage": np.where(won, "Customer", rng.choice(["Lead", "Subscriber"], n))})
    return frame.to_csv(index=False).encode(), frame


def test_the_learned_threshold_keeps_to_capacity_over_the_days_covered():
    data, frame = short_export_with_outcomes()
    result = import_leads(data, "contacts.csv")
    leads = result.leads
    capacity = 1000.0
    learned = learn.learn(leads, mapping=result.mapping, capacity=capacity)
    assert learned.found
    created = pd.to_datetime(frame["Create Date"])
    fit = learned.split.fit
    mql = evaluate(leads, learned.definition).frame["is_mql"].to_numpy(bool)
    fit_covered = months_covered(created[fit].min().date(), created[fit].max().date())
    fit_months = sum(days / length for days, length in fit_covered.values())
    assert fit_months < 0.5  # twelve days of May
    assert (mql & fit).sum() / fit_months <= capacity
    # the summary says the figure the evidence table shows for the draft
    per_month = per_month_by_hand(created, pd.Series(mql))
    shown = average_per_month(monthly_volume(leads, evaluate(leads, learned.definition)))
    assert abs(shown - per_month) < 1e-9
    assert f"{round(shown, 1):,.1f} MQLs a month" in learned.reason


# --- 4. blank created dates are said beside the figures ----------------------------------------

def test_blank_created_dates_are_said_beside_the_figures():
    rng = np.random.default_rng(6)
    stamps = [dt.datetime(2024, 9, 1, 10) + dt.timedelta(days=int(d))
              for d in rng.integers(0, 240, 1000)]
    text = [f"{s:%m/%d/%Y %I:%M %p}" for s in stamps]
    blank = rng.random(1000) < 0.42
    for i in np.flatnonzero(blank):
        text[i] = ""
    data, frame = salesforce_export(text)
    leads = import_leads(data, "leads.csv").leads
    sentence = period_sentence(leads)
    assert f"{blank.sum():,} of the 1,000 leads ({blank.mean():.0%}) have no created date" \
        in sentence and "leave them out" in sentence
    full = import_leads(salesforce_export([f"{s:%m/%d/%Y %I:%M %p}" for s in stamps])[0],
                        "leads.csv").leads
    assert "no created date" not in period_sentence(full)


# --- 5. what the data's draft does without dates -----------------------------------------------

def test_without_created_dates_the_draft_does_not_claim_to_keep_to_capacity():
    from workshop.ui.won_deals import threshold_sentence

    data, frame = short_export_with_outcomes()
    result = import_leads(frame.drop(columns="Create Date").to_csv(index=False).encode(),
                          "contacts.csv")
    learned = learn.learn(result.leads, mapping=result.mapping, capacity=200.0)
    assert learned.split.by == "random" and learned.split.since is None
    sentence = threshold_sentence(result.leads, 200.0, revealed=False)
    assert "keeps to sales capacity" not in sentence
    assert "no created date" in sentence and "gains the most" in sentence
    dated = import_leads(data, "contacts.csv").leads
    assert "keeps to sales capacity" in threshold_sentence(dated, 200.0, revealed=False)
