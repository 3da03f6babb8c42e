"""Salesforce's newer lead statuses (New / Working / Nurturing / Qualified / Unqualified) name no
conversion; the IsConverted flag beside them does. Read by the flag alone, every lead still
being worked counted as lost: a win rate of 15.7% where the leads decided so far won 42.9%.
The status now says which leads are still open, the flag which status means converted.
Expected outcomes are worked out here with plain pandas from the values written."""
from __future__ import annotations

import io
import random

import numpy as np
import pandas as pd
import pytest

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads
from workshop.preview import outcome_metrics

STATUSES = ["New", "Working", "Nurturing", "Qualified", "Unqualified"]


def salesforce_leads(rows: int = 1500, seed: int = 11, converted_elsewhere: bool = False
                     ) -> str:
    rng = random.Random(seed)
    lines = ["Lead ID,Company / Account,Industry,Lead Status,Converted,Create Date"]
    for number in range(rows):
        status = rng.choice(STATUSES)
        converted = status == "Qualified" or (converted_elsewhere and status == "Working"
                                               and rng.random() < 0.3)
        lines.append(f"00Q{number:06d},Co {number},{rng.choice(['Software', 'Retail'])},"
                     f"{status},{'TRUE' if converted else 'FALSE'},"
                     f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/2025")
    return "\n".join(lines) + "\n"


def expected_outcomes(text: str) -> pd.Series:
    """Converted is won; not converted and Unqualified is lost; any other status is open."""
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    converted = frame["Converted"].eq("TRUE")
    lost = ~converted & frame["Lead Status"].eq("Unqualified")
    return pd.Series(np.select([converted, lost], ["won", "lost"], "open"))


def test_the_leads_still_being_worked_are_open():
    text = salesforce_leads()
    imported = import_leads(text.encode(), "leads.csv")
    assert imported.mapping.outcome_column == "Lead Status"
    assert imported.mapping.won_values == ["Qualified"]
    expected = expected_outcomes(text)
    assert imported.leads["outcome"].astype(str).tolist() == expected.tolist()
    assert (expected == "open").sum() > 800


def test_the_win_rate_counts_decided_leads_only():
    text = salesforce_leads()
    leads = import_leads(text.encode(), "leads.csv").leads
    software = D(C("industry", values=["Software"], role="must", gate="mql"))
    metrics = outcome_metrics(leads, evaluate(leads, software))
    frame = pd.read_csv(io.StringIO(text), dtype=str).assign(outcome=expected_outcomes(text))
    decided = frame[frame["outcome"] != "open"]
    mine = decided[decided["Industry"] == "Software"]
    assert metrics.win_rate_qualified == pytest.approx((mine["outcome"] == "won").mean())
    assert metrics.qualified_decided == len(mine)
    assert metrics.open_excluded == int((frame["outcome"] == "open").sum())


def test_a_flag_set_under_several_statuses_is_still_the_outcome():
    """Leads converted from "Working" too: no status means converted, so the flag is read."""
    text = salesforce_leads(converted_elsewhere=True)
    imported = import_leads(text.encode(), "leads.csv")
    assert imported.mapping.outcome_column == "Converted"
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    assert (imported.leads["outcome"] == "won").tolist() == frame["Converted"].eq("TRUE").tolist()
