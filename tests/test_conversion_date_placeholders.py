"""A conversion date is the outcome (filled means won), and systems fill it for leads that
never converted with a date no event has: Excel's day 0 ("00/01/1900"), its 1899 epoch, the
Unix epoch written in the exporter's zone. Read as dates, every lead was won: win rates of 100%
and "Reliable: yes" on the evidence page."""
from __future__ import annotations

import io
import random

import pandas as pd
import pytest

from workshop.definition import Criterion, Definition
from workshop.measure import measure
from workshop.pipeline import import_leads

NEVER = ["00/01/1900", "30/12/1899", "31/12/1899", "01/01/1970", "01/01/1970 01:00",
         "31/12/1969 19:00", "01/01/1900", ""]


def export(never: str, seed: int) -> bytes:
    """A Salesforce-style lead report (day-first, as a UK org writes it) without a status
    column: the conversion date is the only outcome."""
    rng = random.Random(seed)
    lines = ["Lead ID,Company,Employees,Created Date,Converted Date"]
    for i in range(700):
        created = pd.Timestamp("2024-01-02") + pd.Timedelta(days=rng.randrange(390))
        converted = never
        if rng.random() < 0.14:
            converted = f"{created + pd.Timedelta(days=rng.randrange(5, 90)):%d/%m/%Y}"
        lines.append(f"00Q{i:09d},K{i},{rng.choice([20, 80, 150, 900, 2500])},"
                     f"{created:%d/%m/%Y},{converted}")
    return ("\n".join(lines) + "\n").encode()


def won_by_hand(data: bytes) -> pd.Series:
    """A lead converted when its conversion date is a real date of this century."""
    rows = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    dates = pd.to_datetime(rows["Converted Date"], format="%d/%m/%Y", errors="coerce")
    return (dates.dt.year >= 2000).fillna(False).astype(bool)


@pytest.mark.parametrize("never", NEVER)
def test_a_never_set_conversion_date_is_no_win(never):
    data = export(never, seed=len(never) * 7 + 1)
    imported = import_leads(data, "leads.csv")
    assert imported.mapping.outcome_column == "Converted Date"
    won = won_by_hand(data)
    outcome = imported.leads["outcome"]
    assert (outcome == "won").fillna(False).astype(bool).tolist() == won.tolist()

    rows = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    qualified = rows["Employees"].astype(int) >= 100
    definition = Definition(criteria=[Criterion(field="employees", op="at_least", low=100)])
    figures = measure(imported.leads, definition)
    assert figures.wins == int(won.sum())
    assert figures.wins_caught == pytest.approx((qualified & won).sum() / won.sum())
    assert figures.win_rate_qualified == pytest.approx((qualified & won).sum() / qualified.sum())
    assert figures.win_rate_qualified < 0.5  # not every lead won
