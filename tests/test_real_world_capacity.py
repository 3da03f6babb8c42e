"""Per-month figures of exports that are not a tidy run of whole months: two weeks of leads, a
month without leads in the middle, a last month only a few days old. The expected figures are
worked out here from the file's own dates with plain Python."""
from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.learn import holdout_figures, month_numbers
from workshop.measure import Figures, formatted, measure, volume_sentence, wins_sentence
from workshop.pipeline import import_leads
from workshop.preview import (
    average_per_month,
    capacity_verdict,
    monthly_volume,
    period_sentence,
)

BIG = D(C("employees", "at_least", low=100))


def hubspot_export(dates: list[dt.datetime], seed: int = 5) -> tuple[bytes, pd.DataFrame]:
    """A HubSpot contacts export with the given created dates, and the truth behind it."""
    rng = np.random.default_rng(seed)
    employees = rng.choice([12, 40, 150, 600, 2500], size=len(dates))
    rows = ["Record ID,Email,Company Name,Number of Employees,Create Date,Lifecycle Stage"]
    rows += [f"{900 + i},p{i}@firm{i}.com,Firm {i},{employees[i]},{date:%Y-%m-%d %H:%M},Lead"
             for i, date in enumerate(dates)]
    truth = pd.DataFrame({"created": dates, "big": employees >= 100})
    return ("\n".join(rows) + "\n").encode(), truth


def months_covered(first: dt.date, last: dt.date) -> float:
    """The months from `first` to `last` (inclusive), counting each month for the share of its
    days inside."""
    total, day = 0.0, first
    while day <= last:
        length = calendar.monthrange(day.year, day.month)[1]
        month_end = dt.date(day.year, day.month, length)
        until = min(month_end, last)
        total += ((until - day).days + 1) / length
        day = until + dt.timedelta(days=1)
    return total


def spread(first: dt.datetime, days: int, n: int, seed: int = 1) -> list[dt.datetime]:
    rng = np.random.default_rng(seed)
    offsets = np.sort(rng.integers(0, days, n))
    offsets[0], offsets[-1] = 0, days - 1  # the export's first and last day are taken
    return [first + dt.timedelta(days=int(o), hours=9) for o in offsets]


def test_a_two_week_export_is_not_two_months_of_leads():
    dates = spread(dt.datetime(2025, 3, 24), 14, 600)
    data, truth = hubspot_export(dates)
    leads = import_leads(data, "hubspot.csv").leads
    qualified = int(truth["big"].sum())
    expected = qualified / months_covered(dt.date(2025, 3, 24), dt.date(2025, 4, 6))
    assert months_covered(dt.date(2025, 3, 24), dt.date(2025, 4, 6)) == 8 / 31 + 6 / 30

    volume = monthly_volume(leads, evaluate(leads, BIG))
    assert list(volume["month"]) == ["2025-03", "2025-04"]
    assert average_per_month(volume) == expected
    figures = measure(leads, BIG)
    assert figures.qualified_per_month == round(expected, 1)
    # Over three times what two reps work: too loose, where two calendar months said it fits.
    assert expected > 3 * 200 and qualified / 2 < 1.1 * 200
    assert capacity_verdict(average_per_month(volume), 2, 100).verdict == "too loose"
    sentence = period_sentence(leads)
    assert "24 March 2025 to 6 April 2025 (14 days)" in sentence
    assert "less than a month" in sentence


def test_a_month_without_leads_counts_as_a_month_with_none():
    dates = [d for d in spread(dt.datetime(2024, 1, 1), 366, 900, seed=2) if d.month != 8]
    data, truth = hubspot_export(dates, seed=3)
    leads = import_leads(data, "hubspot.csv").leads
    volume = monthly_volume(leads, evaluate(leads, BIG))
    assert list(volume["month"]) == [f"2024-{m:02d}" for m in range(1, 13)]
    by_month = dict(zip(volume["month"], volume["mql"], strict=True))
    assert by_month["2024-08"] == 0
    for month in range(1, 13):
        in_month = truth["created"].map(lambda d, m=month: d.month == m)
        assert by_month[f"2024-{month:02d}"] == int((truth["big"] & in_month).sum())
    assert average_per_month(volume) == int(truth["big"].sum()) / 12
    assert measure(leads, BIG).months == 12


def test_the_held_back_last_month_counts_for_the_days_it_has():
    """An export to 6 June: the scorecard's newest months include six days of June."""
    dates = spread(dt.datetime(2025, 1, 1), (dt.date(2025, 6, 6) - dt.date(2025, 1, 1)).days + 1,
                   1200, seed=4)
    data, truth = hubspot_export(dates, seed=6)
    leads = import_leads(data, "hubspot.csv").leads
    months = month_numbers(leads)
    held = months >= months.max() - 1  # May and the six days of June
    figures = holdout_figures(leads, BIG, held, months)
    in_part = truth["created"].map(lambda d: d.month >= 5)
    qualified = int((truth["big"] & in_part).sum())
    assert figures.months == 2
    assert figures.mql_per_month == round(qualified / (1 + 6 / 30), 1)


def test_no_share_is_rounded_to_all_or_nothing():
    base = dict(leads=1000, months=12, qualified=300, sql=100, qualified_per_month=25.0,
                sql_per_month=8.3, wins=204, win_rate_qualified=0.5,
                win_rate_rest=0.2, lift=2.5, reliable=True)
    almost_all = Figures(**base, wins_caught=203 / 204)
    almost_none = Figures(**base, wins_caught=1 / 204)
    assert "caught 99.5% of past wins" in wins_sentence(almost_all)
    assert "caught 0.5% of past wins" in wins_sentence(almost_none)
    assert "caught 100% of past wins" in wins_sentence(Figures(**base, wins_caught=1.0))
    assert formatted(0.9999, "share") == "over 99.9%"
    assert formatted(0.42, "share") == "42%"
    one_lead = Figures(**{**base, "qualified_per_month": 1 / 36, "sql_per_month": 0.0},
                       wins_caught=0.5)
    assert volume_sentence(one_lead).startswith("0.03 qualified leads a month, 0.0 of them")
